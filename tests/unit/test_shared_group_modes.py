"""A team's directory (setgid) shares with the group what the group has there, and no more: a
group that may only read and enter it gets read on the files commdash makes in it and may
enter the directories, never write; what others may do there is not passed on."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from _modes import another_group, mode_of

from commdash.store import Store
from commdash.triage import set_tags

NOW = 1_764_061_200.0


@pytest.mark.parametrize("team_mode", [0o2750, 0o2751])
def test_a_group_that_may_read_gets_read_and_no_more(tmp_path: Path, team_mode: int) -> None:
    team = tmp_path / "team"
    team.mkdir()
    os.chown(team, -1, another_group())
    team.chmod(team_mode)  # 0o2751: others may pass through the team's directory itself
    directory = team / "facebook-brand"
    Store(directory).apply("c1", "tag", lambda s: set_tags(s, ["vip"]), NOW)
    assert [mode_of(d) for d in (directory, directory / "states")] == [0o2750, 0o2750]
    made = [directory / ".lock", directory / "triage.json", *(directory / "states").iterdir()]
    assert {path.name: mode_of(path) for path in made} == {path.name: 0o640 for path in made}
