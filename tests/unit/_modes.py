"""Files' modes and groups, as the tests of a shared state directory look at them."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest


def another_group() -> int:
    """A group other than the process's own that files may be given (root: any)."""
    for group in os.getgroups():
        if group != os.getegid():
            return group
    if os.geteuid() == 0:
        return os.getegid() + 4242
    pytest.skip("the test user is in no group but its own, and is not root")


def mode_of(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)
