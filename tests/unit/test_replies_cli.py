"""``commdash replies``, run as the real entry point: a library shared through TOML and JSON
files, import and export reading back what they write, and a bad file told in one line."""

from __future__ import annotations

import json
import os
import subprocess
import tomllib
from pathlib import Path

import pytest
from _cli import run_commdash

from commdash.replies_file import toml_string
from commdash.saved_replies import SavedReply
from commdash.store.saved_replies import SavedReplyStore

TRICKY = 'He said "hi" \\o/ \t{{code}}\nline two\n"""\nend "'

LIBRARY = f"""
[[replies]]
name = "Opening hours"
text = \"\"\"
Hi {{first_name}}, we open at 9.
— {{manager}}\"\"\"
tags = ["hours", "Info"]
language = "en"

[[replies]]
name = "Tricky"
text = {toml_string(TRICKY)}
"""


def commdash(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run_commdash(
        "replies", *args, cwd=tmp_path, env={"COMMDASH_STATE_DIR": str(tmp_path / "state")}
    )


def library(tmp_path: Path) -> list[SavedReply]:
    return SavedReplyStore(tmp_path / "state").replies()


def test_import_adds_then_updates_and_list_shows_them(tmp_path: Path) -> None:
    file = tmp_path / "lib.toml"
    file.write_text(LIBRARY, encoding="utf-8")
    done = commdash(tmp_path, "import", str(file))
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("2 added, 0 updated")
    assert library(tmp_path) == [
        SavedReply(
            "Opening hours", "Hi {first_name}, we open at 9.\n— {manager}", ("hours", "info"), "en"
        ),
        SavedReply("Tricky", TRICKY),
    ]
    file.write_text('[[replies]]\nname = "opening HOURS"\ntext = "9 to 5"\n', encoding="utf-8")
    assert commdash(tmp_path, "import", str(file)).stdout.startswith("0 added, 1 updated")
    listed = commdash(tmp_path).stdout.splitlines()  # no subcommand: list
    assert listed[0].startswith("opening HOURS  9 to 5")
    assert listed[1].startswith('Tricky         He said "hi"')


@pytest.mark.parametrize("format", ["toml", "json"])
def test_export_reads_back_as_it_was(tmp_path: Path, format: str) -> None:
    (tmp_path / "lib.toml").write_text(LIBRARY, encoding="utf-8")
    commdash(tmp_path, "import", "lib.toml")
    before = library(tmp_path)
    exported = commdash(tmp_path, "export", "--format", format)
    assert exported.returncode == 0, exported.stderr
    parsed = tomllib.loads(exported.stdout) if format == "toml" else json.loads(exported.stdout)
    assert [reply["text"] for reply in parsed["replies"]] == [r.text for r in before]
    file = tmp_path / f"again.{format}"
    file.write_text(exported.stdout, encoding="utf-8")
    other = tmp_path / "other"
    other.mkdir()
    assert commdash(other, "import", str(file)).stdout.startswith("2 added")
    assert library(other) == before


@pytest.mark.parametrize(
    ("content", "said"),
    [
        (
            '[[replies]]\nname = "a"\ntext = "Hi {frist_name}"\n',
            "replies[1].text: unknown variable {frist_name}",
        ),
        (
            '[[replies]]\nname = "a"\ntext = "x"\n[[replies]]\nname = "A"\ntext = "y"\n',
            "replies[2].name: 'A' again (also replies[1])",
        ),
        ('[[replies]]\nname = "a"\n', "replies[1].text: empty"),
        ('[[replies]]\nname = "a"\ntext = "x"\ntone = "warm"\n', "replies[1].tone: unknown field"),
        ('[[replies]]\nname = "a"\ntext = 3\n', "replies[1].text: expected a string"),
        ('name = "a"\n', "expected a list of replies"),
        ("[[replies]\n", "line 1"),
        ('{"replies": [1,]}', "line 1 column 15: not valid JSON"),
    ],
)
def test_a_bad_file_is_one_line_naming_file_and_place_and_imports_nothing(
    tmp_path: Path, content: str, said: str
) -> None:
    file = tmp_path / ("bad.json" if content.startswith("{") else "bad.toml")
    file.write_text(content, encoding="utf-8")
    done = commdash(tmp_path, "import", str(file))
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    assert done.stderr.startswith(f"commdash: error: {file}: ")
    assert said in done.stderr
    assert library(tmp_path) == []


def test_a_missing_file_and_an_unknown_subcommand_exit_2(tmp_path: Path) -> None:
    missing = commdash(tmp_path, "import", "nowhere.toml")
    assert missing.returncode == 2
    assert "nowhere.toml: cannot read" in missing.stderr
    assert commdash(tmp_path, "send").returncode == 2


def test_a_hostile_library_lists_and_exports_without_controls(tmp_path: Path) -> None:
    state = tmp_path / "state"
    state.mkdir()
    document = {"replies": {"1": {"name": "a\x1b]0;pwned\x07", "text": "b\x1b[2J\u202ec"}}}
    (state / "saved_replies.json").write_text(json.dumps(document), encoding="utf-8")
    for args in ((), ("export",), ("export", "--format", "json")):
        done = commdash(tmp_path, *args)
        assert done.returncode == 0
        assert "\x1b" not in done.stdout and "\u202e" not in done.stdout


def test_a_fifo_is_refused_at_once_not_waited_on(tmp_path: Path) -> None:
    fifo = tmp_path / "replies.toml"
    os.mkfifo(fifo)
    done = commdash(tmp_path, "import", str(fifo))  # no writer: opening it would wait
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == f"commdash: error: {fifo}: not a file; save the saved replies to a file\n"
