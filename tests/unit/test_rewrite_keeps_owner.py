"""A state file rewritten in a shared (setgid) folder gets its own group back, and only that:
its owner stays the writer (the group is given with "owner unchanged", never another uid)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from commdash.statefiles import write_atomically

FOLDER_GROUP, FILE_GROUP = 54321, 54322
"""Groups with no entry in /etc/group: only root may give them."""

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="needs root to give any group")


def test_a_file_whose_group_is_not_its_folders_keeps_group_and_owner(tmp_path: Path) -> None:
    folder = tmp_path / "shared"
    folder.mkdir()
    os.chown(folder, -1, FOLDER_GROUP)
    folder.chmod(0o2770)  # new files take the folder's group
    target = folder / "triage.json"
    target.write_bytes(b"{}")
    os.chown(target, -1, FILE_GROUP)
    write_atomically(target, b'{"drafts": {}}')
    found = target.stat()
    assert (found.st_uid, found.st_gid) == (os.geteuid(), FILE_GROUP)
    assert target.read_bytes() == b'{"drafts": {}}'
