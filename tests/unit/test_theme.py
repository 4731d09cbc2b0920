"""The theme: a config's ``theme`` checked, and the palette's pick remembered beside the
config file (never in it): the latest choice wins."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from commdash.errors import StateError
from commdash.theme import ThemeMemory, theme_problem


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("nord", None),
        ("textual-light", None),
        ("nrod", '"nrod" is not a theme (did you mean "nord"?)'),
        ("zzzzzz", '"zzzzzz" is not a theme (one of ansi-dark, ansi-light, atom-one-dark'),
        (3, 'expected the name of a theme, e.g. "nord"'),
        ("\x1b[2Jx", '"x" is not a theme'),
    ],
)
def test_a_config_theme_is_checked(value: object, problem: str | None) -> None:
    found = theme_problem(value)
    assert found == problem if problem is None else found is not None and found.startswith(problem)


def memory(tmp_path: Path, configured: str | None) -> ThemeMemory:
    return ThemeMemory.beside(tmp_path / "config.toml", configured)


def test_without_a_pick_the_config_theme_is_used(tmp_path: Path) -> None:
    assert memory(tmp_path, "nord").start_theme() == ("nord", None)
    assert memory(tmp_path, None).start_theme() == (None, None)


def test_a_pick_wins_until_the_config_theme_changes(tmp_path: Path) -> None:
    memory(tmp_path, "nord").remember("dracula")
    path = tmp_path / "theme.json"
    assert json.loads(path.read_bytes()) == {"theme": "dracula", "config_theme": "nord"}
    assert path.stat().st_mode & 0o777 == 0o600
    assert memory(tmp_path, "nord").start_theme() == ("dracula", None)
    assert memory(tmp_path, "gruvbox").start_theme() == ("gruvbox", None)
    assert memory(tmp_path, None).start_theme() == (None, None)

    memory(tmp_path, None).remember("monokai")  # picked with no theme in the config
    assert memory(tmp_path, None).start_theme() == ("monokai", None)
    assert memory(tmp_path, "nord").start_theme() == ("nord", None)


@pytest.mark.parametrize(
    "content",
    [
        b"not json",
        b'{"theme": "no-such-theme", "config_theme": null}',
        b'{"theme": "nord", "config_theme": 3}',
        b'["nord"]',
        b" " * 5000 + b'{"theme": "nord"}',
    ],
)
def test_a_remembered_file_that_is_not_ours_is_said_and_ignored(
    tmp_path: Path, content: bytes
) -> None:
    (tmp_path / "theme.json").write_bytes(content)
    theme, problem = memory(tmp_path, "nord").start_theme()
    assert theme == "nord"
    assert problem == f"{tmp_path / 'theme.json'}: not a theme commdash remembered; ignored"


def test_a_fifo_or_a_folder_in_its_place_never_hangs_the_start(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "theme.json")  # nobody ever writes to it: reading would wait
    assert memory(tmp_path, None).start_theme()[1] is not None
    os.unlink(tmp_path / "theme.json")
    (tmp_path / "theme.json").mkdir()
    assert memory(tmp_path, "nord").start_theme()[0] == "nord"


def test_a_pick_that_cannot_be_written_is_a_state_error(tmp_path: Path) -> None:
    (tmp_path / "theme.json").mkdir()
    with pytest.raises(StateError, match=r"theme\.json: cannot write"):
        memory(tmp_path, None).remember("nord")
