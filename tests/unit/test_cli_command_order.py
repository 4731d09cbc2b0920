"""A command typed after the options (``commdash --state-dir D stats``) is told where it goes,
not taken for a file to open."""

from __future__ import annotations

from pathlib import Path

import pytest
from _cli import run_commdash


@pytest.mark.parametrize(
    ("args", "put_first"),
    [
        (["--state-dir", "S", "stats"], "commdash stats --state-dir S"),
        (["--state-dir", "S", "replies", "list"], "commdash replies list --state-dir S"),
        (
            ["--sla", "30", "recap", "--since", "2026-12-01"],
            "commdash recap --since 2026-12-01 --sla 30",
        ),
    ],
)
def test_a_command_after_options_says_to_put_it_first(
    tmp_path: Path, args: list[str], put_first: str
) -> None:
    done = run_commdash(*args, cwd=tmp_path)
    assert done.returncode == 2
    command = args[2]
    assert done.stderr == (
        f"commdash: error: {command!r} is a command: put it first ({put_first}); "
        f"a file of that name opens as ./{command}\n"
    )
    assert not (tmp_path / "S").exists()  # nothing was opened


def test_the_command_first_runs_it(tmp_path: Path) -> None:
    done = run_commdash("replies", "list", "--state-dir", str(tmp_path / "S"), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("No saved replies yet")
