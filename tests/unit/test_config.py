"""The config file: named sources, token sources, and one-line errors naming file and key."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from commdash.config import ConfigError, check_config, load_config


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_missing_file_is_an_empty_config(tmp_path: Path) -> None:
    config = load_config(tmp_path / "absent.toml")
    assert config.sources == {}


def test_named_sources_with_defaults(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
        poll_seconds = 300
        [sources.fb]
        kind = "facebook"
        page_id = "1234"
        token_env = "FB_TOKEN"
        [sources.social]
        kind = "mastodon"
        url = "https://social.example"
        token_command = "printf 'tok %s' x"
        poll_seconds = 30
        """,
    )
    config = load_config(path)
    fb, social = config.sources["fb"], config.sources["social"]
    assert (fb.kind, fb.page_id, fb.url) == ("facebook", "1234", "https://graph.facebook.com/v19.0")
    assert fb.poll_seconds == 300.0  # the file's default
    assert social.poll_seconds == 30.0
    assert social.token_command == ("printf", "tok %s", "x")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('[sources.a]\nkind = "myspace"\nurl = "https://x"', "sources.a.kind: expected one of"),
        ('[sources.a]\nkind = "mastodon"', "sources.a.url: missing"),
        ('[sources.a]\nkind = "facebook"', "sources.a.page_id: missing"),
        ('[sources.a]\nkind = "commdash"\nurl = "https://x"\ncolour = 1', "sources.a.colour"),
        ('[sources.a]\nkind = "commdash"\nurl = "https://x"\npoll_seconds = 1', "poll_seconds"),
        ('[sources.a]\nkind = "commdash"\nurl = "https://x"\ntoken_command = []', "token_command"),
        ('[sources.a]\nkind = "commdash"\nurl = "https://x"\nallow_http = "yes"', "allow_http"),
        ("sources = 3", "sources: expected a table"),
        ("[sources.a\n", "line 1"),
        ("colour = 'dark'", "colour: unknown setting"),
    ],
)
def test_mistakes_are_one_line_naming_file_and_key(
    tmp_path: Path, text: str, expected: str
) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    message = str(caught.value)
    assert message.startswith(str(path))
    assert expected in message
    assert "\n" not in message


def test_token_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(
        tmp_path, '[sources.a]\nkind = "commdash"\nurl = "https://x"\ntoken_env = "MY_TOKEN"'
    )
    chosen = load_config(path).sources["a"]
    monkeypatch.delenv("MY_TOKEN", raising=False)
    with pytest.raises(ConfigError, match="MY_TOKEN"):
        chosen.token()
    monkeypatch.setenv("MY_TOKEN", " s3cret \n")
    assert chosen.token() == "s3cret"


def test_token_from_a_command_never_shows_its_output(tmp_path: Path) -> None:
    script = tmp_path / "pass.py"
    script.write_text("import sys\nprint('tok-123')\nprint('second line')\n")
    failing = tmp_path / "fail.py"
    failing.write_text("import sys\nprint('leaked-secret')\nsys.exit(3)\n")
    path = write(
        tmp_path,
        f"""
        [sources.good]
        kind = "commdash"
        url = "https://x"
        token_command = [{str(sys.executable)!r}, {str(script)!r}]
        [sources.bad]
        kind = "commdash"
        url = "https://x"
        token_command = [{str(sys.executable)!r}, {str(failing)!r}]
        [sources.missing]
        kind = "commdash"
        url = "https://x"
        token_command = "/nonexistent/pass show x"
        """,
    )
    config = load_config(path)
    assert config.sources["good"].token() == "tok-123"
    with pytest.raises(ConfigError) as caught:
        config.sources["bad"].token()
    assert "exit status 3" in str(caught.value)
    assert "leaked-secret" not in str(caught.value)
    with pytest.raises(ConfigError, match="no such command"):
        config.sources["missing"].token()


def test_a_failing_token_command_says_the_first_line_of_its_stderr(tmp_path: Path) -> None:
    # What a password manager says on failure ("no such entry") tells what to fix; its
    # output, which may be a secret, is never shown.
    failing = tmp_path / "fail.py"
    failing.write_text(
        "import sys\nprint('leaked-secret')\n"
        "sys.stderr.write('\\nError: kestrel/token is not in the password store.\\nmore\\n')\n"
        "sys.exit(1)\n"
    )
    path = write(
        tmp_path,
        '[sources.a]\nkind = "commdash"\nurl = "https://x"\n'
        f"token_command = [{sys.executable!r}, {str(failing)!r}]\n",
    )
    with pytest.raises(ConfigError) as caught:
        load_config(path).sources["a"].token(may_prompt=False)
    assert str(caught.value) == (
        f"source 'a': token_command {sys.executable!r}: failed with exit status 1: "
        "Error: kestrel/token is not in the password store."
    )


@pytest.mark.parametrize("value", ["s\u00ebkrit", "two words", "tab\there"])
def test_a_token_that_cannot_be_sent_is_refused_without_showing_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    path = write(tmp_path, '[sources.a]\nkind = "commdash"\nurl = "https://x"\ntoken_env = "T"')
    monkeypatch.setenv("T", value)
    with pytest.raises(ConfigError) as caught:
        load_config(path).sources["a"].token()
    assert "printable ASCII" in str(caught.value) and value not in str(caught.value)


def test_keys_and_theme_are_read(tmp_path: Path) -> None:
    path = write(
        tmp_path, 'theme = "nord"\n[keys]\n"triage.done" = "d, Ctrl+D"\n"list.down" = "J"\n'
    )
    config = load_config(path)
    assert config.theme == "nord"
    assert config.keymap == {"triage.done": "d,ctrl+d", "list.down": "J"}
    assert config.notes == ()
    assert config.theme_memory.path == tmp_path / "theme.json"


def test_mistakes_in_keys_and_theme_leave_them_out_without_stopping(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        'theme = "nrod"\n[keys]\n"triage.done" = "d"\n"triage.dnoe" = "x"\n'
        '[sources.a]\nkind = "commdash"\nurl = "https://x"\n',
    )
    config = load_config(path)
    assert (config.theme, config.keymap, list(config.sources)) == (
        None,
        {"triage.done": "d"},
        ["a"],
    )
    assert [note.split(": ")[1] for note in config.notes] == ["theme", 'keys."triage.dnoe"']
    assert all(note.startswith(f"{path}: ") for note in config.notes)
    write(tmp_path, "keys = 3")
    assert load_config(path).notes == (
        f'{path}: keys: expected a table: [keys], then lines like "triage.done" = "d"',
    )


def test_check_lists_every_mistake_one_line_each(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        'colour = "red"\nsize = 3\ntheme = "nrod"\npoll_seconds = 1\n'
        '[keys]\n"triage.dnoe" = "d"\n"triage.done" = "s"\n'
        '[sources.a]\nkind = "myspace"\nurl = "https://x"\n'
        '[sources.b]\nkind = "mastodon"\n'
        '[sources.c]\nkind = "commdash"\nurl = "https://x"\n',
    )
    lines = check_config(path)
    assert [line.removeprefix(f"{path}: ").split(":")[0] for line in lines] == [
        "colour",
        "size",
        "poll_seconds",
        "sources.a.kind",
        "sources.b.url",
        "theme",
        'keys."triage.dnoe"',
        'keys."triage.done"',
    ]
    assert all(line.startswith(f"{path}: ") and "\n" not in line for line in lines)
    with pytest.raises(ConfigError, match="colour: unknown setting"):
        load_config(path)  # the first that stops commdash


def test_check_of_a_good_missing_or_unreadable_file(tmp_path: Path) -> None:
    assert check_config(write(tmp_path, 'theme = "nord"\n')) == []
    assert check_config(tmp_path / "absent.toml") == []
    assert check_config(write(tmp_path, "[keys\n"))[0].startswith(f"{tmp_path / 'config.toml'}: ")


def test_a_token_command_never_reads_a_stdin_that_is_not_a_terminal(tmp_path: Path) -> None:
    # Under `commdash serve` stdin carries the browser's keys: a token command must not
    # swallow them, even where it may prompt (a terminal is what it may read).
    config = tmp_path / "config.toml"
    config.write_text(
        '[sources.a]\nkind = "commdash"\nurl = "https://example.org/x.json"\n'
        'token_command = ["sh", "-c", "read line; printf \'tok-%s\' \\"$line\\""]\n'
    )
    probe = (
        "import sys\nfrom pathlib import Path\nfrom commdash.config import load_config\n"
        "print(load_config(Path(sys.argv[1])).sources['a'].token(may_prompt=True))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe, str(config)],
        input="keys from the browser\n",
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "tok-"
