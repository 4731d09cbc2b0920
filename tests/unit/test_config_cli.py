"""``commdash config --check`` and ``--path``, run for real in a subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from _cli import run_commdash


def commdash_config(config: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run_commdash("config", *args, env={"COMMDASH_CONFIG": str(config)})


SOURCE = '[sources.team]\nkind = "commdash"\nurl = "https://example.org/feed.json"\n'


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("colour = 'red'\n", "colour: unknown setting"),
        ('[keys]\n"triage.dnoe" = "d"\n', 'keys."triage.dnoe": no binding has this id'),
        (
            '[keys]\n"triage.done" = "s"\n',
            'keys."triage.done": "s" is bound twice, to triage.done and triage.snooze; ignored',
        ),
        ('theme = "nrod"\n', 'theme: "nrod" is not a theme (did you mean "nord"?)'),
        ('[sources.a]\nkind = "mastodon"\n', "sources.a.url: missing"),
    ],
)
def test_check_prints_one_line_per_problem_and_exits_2(
    tmp_path: Path, text: str, line: str
) -> None:
    config = tmp_path / "config.toml"
    config.write_text(SOURCE + text if text.startswith("[") else text + SOURCE, encoding="utf-8")
    done = commdash_config(config, "--check")
    assert done.returncode == 2, done.stderr
    [printed] = done.stdout.splitlines()
    assert printed.startswith(f"{config}: {line}")
    assert done.stderr == ""


def test_check_prints_every_problem_of_a_file(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text(
        'colour = "red"\ntheme = "nrod"\n[keys]\n"triage.dnoe" = "d"\n"triage.done" = "s"\n'
        '[sources.a]\nkind = "mastodon"\n[sources.b]\nkind = "myspace"\nurl = "https://x"\n',
        encoding="utf-8",
    )
    done = commdash_config(config, "--check")
    assert done.returncode == 2
    assert len(done.stdout.splitlines()) == 6


def test_check_of_a_good_or_missing_file_is_ok(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text(
        f'theme = "nord"\n{SOURCE}[keys]\n"triage.done" = "d"\n"app.help" = "f1,?"\n',
        encoding="utf-8",
    )
    done = commdash_config(config, "--check")
    assert (done.returncode, done.stdout) == (0, f"{config}: ok\n")
    absent = tmp_path / "absent.toml"
    done = commdash_config(absent, "--check")
    assert (done.returncode, done.stdout) == (
        0,
        f"{absent}: ok (not there: commdash runs with its defaults)\n",
    )


def test_check_of_a_file_that_is_not_toml(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text("[keys\n", encoding="utf-8")
    done = commdash_config(config, "--check")
    assert done.returncode == 2
    [line] = done.stdout.splitlines()
    assert line.startswith(f"{config}: ") and "line 1" in line


def test_check_shows_what_the_file_says_terminal_safe(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text('[keys]\n"\\u001b]0;pwned\\u0007x" = "\\u001b[2J"\n', encoding="utf-8")
    done = commdash_config(config, "--check")
    assert done.returncode == 2
    assert "\x1b" not in done.stdout and "\x07" not in done.stdout
    assert "no binding has this id" in done.stdout


def test_path_says_which_file_is_read_and_whether_it_exists(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    done = commdash_config(config, "--path")
    assert (done.returncode, done.stdout) == (
        0,
        f"{config} (not there: commdash runs with its defaults)\n",
    )
    config.write_text("", encoding="utf-8")
    assert commdash_config(config, "--path").stdout == f"{config} (exists)\n"


def test_config_wants_check_or_path(tmp_path: Path) -> None:
    done = commdash_config(tmp_path / "config.toml")
    assert done.returncode == 2
    assert "commdash config: error: one of the arguments --check --path is required" in done.stderr


def test_check_does_not_load_textual(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text('theme = "nord"\n[keys]\n"triage.done" = "d"\n', encoding="utf-8")
    code = (
        "import sys; from commdash.cli import main; code = main(['config', '--check']); "
        "assert 'textual' not in sys.modules, 'textual loaded'; sys.exit(code)"
    )
    environ = {**os.environ, "COMMDASH_CONFIG": str(config)}
    done = subprocess.run(
        [sys.executable, "-c", code], env=environ, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
