"""``commdash outbox`` without SOURCE lists the demo's outbox, like ``commdash`` opens the
demo; a SOURCE that is neither a file nor a configured source says where neither was found
(run as ``python -m commdash`` in a subprocess)."""

from __future__ import annotations

import subprocess
from pathlib import Path

from _cli import run_commdash

from commdash.actions import Triager
from commdash.config import load_config
from commdash.session import open_session
from commdash.timeutil import Clock, parse_now

NOW = "2026-11-25T09:00:00Z"


def commdash(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``python -m commdash ARGS`` with its state under ``tmp_path`` and the config file
    ``tmp_path/config.toml`` (there or not)."""
    return run_commdash(
        *args,
        "--state-dir",
        str(tmp_path / "state"),
        cwd=tmp_path,
        env={"COMMDASH_CONFIG": str(tmp_path / "config.toml")},
    )


def one_error(done: subprocess.CompletedProcess[str]) -> str:
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr, done.stderr
    return done.stderr.strip()


def test_outbox_without_source_lists_the_demo_s(tmp_path: Path) -> None:
    done = commdash(tmp_path, "outbox")
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout == "Nothing in the outbox of Kestrel Cycles.\n"
    clock = Clock(parse_now(NOW))
    demo = open_session(None, str(tmp_path / "state"), clock, 60.0, load_config(tmp_path / "x"))
    cid = next(iter(demo.inbox.conversations))
    Triager(demo.inbox, demo.store, clock).reply(cid, cid, "See you on Friday!")
    listed = commdash(tmp_path, "outbox", "--json")
    assert listed.returncode == 0, listed.stderr
    assert '"text": "See you on Friday!"' in listed.stdout
    assert "See you on Friday!" in commdash(tmp_path, "outbox").stdout


def test_an_unknown_name_without_a_config_file_says_there_is_none(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    line = one_error(commdash(tmp_path, "outbox", "kestrel-fb"))
    assert line == (
        "commdash: error: kestrel-fb: no such file, nor a source of that name: there is no "
        f"config file ({config}; see README, Live sources)"
    )
    line = one_error(commdash(tmp_path, "stats", "kestrel-fb"))
    assert "there is no config file" in line


def test_an_unknown_name_in_a_config_without_sources_says_so(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text('theme = "nord"\n', encoding="utf-8")
    line = one_error(commdash(tmp_path, "outbox", "kestrel-fb"))
    assert line == (
        f"commdash: error: kestrel-fb: no such file, nor a source of that name: {config} "
        "names no source"
    )


def test_a_missing_path_is_only_a_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "exports" / "week.json"
    assert one_error(commdash(tmp_path, "outbox", str(path))) == (
        f"commdash: error: {path}: no such file"
    )
