"""The state directory's lock is ``.lock`` in it; a store that cannot get it within
LOCK_TIMEOUT (3 s) gives up with one line saying so, and writes nothing."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from filelock import FileLock

from commdash.errors import StateError
from commdash.store import Store
from commdash.triage import BLANK, mark_done

NOW = 1_764_061_200.0


def test_a_store_waits_3_seconds_for_the_lock_then_says_so(tmp_path: Path) -> None:
    with FileLock(str(tmp_path / ".lock")):  # another commdash, stuck while writing
        started = time.monotonic()
        with pytest.raises(StateError) as caught:
            Store(tmp_path).apply("c1", "done", lambda s: mark_done(s, NOW), NOW)
        waited = time.monotonic() - started
    assert str(caught.value) == (
        f"{tmp_path}: another commdash has held the state lock for 3 s; is one stuck?"
    )
    assert waited >= 2.9
    assert Store(tmp_path).states() == {}
    Store(tmp_path).apply("c1", "done", lambda s: mark_done(s, NOW), NOW)  # free again
    assert Store(tmp_path).state("c1") == mark_done(BLANK, NOW)
