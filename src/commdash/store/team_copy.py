"""A local copy of a team's conversation states, so that opening a source reads only the rows
written since the last time (``team-states.json`` in the source's local state directory).

The copy names the database it came from (``epoch``, made with the source's row) and the
version it holds every row up to: a copy of another database, or of one restored to an
earlier moment, is not used. It is only ever a shortcut: anything wrong with it (damaged,
hostile text, another format) and the states are read from the database in full, as if it
were not there. Written without fsync (a crash only costs a full read next time).
"""

from __future__ import annotations

from contextlib import suppress
from pathlib import Path

import msgspec

from commdash.errors import StateError
from commdash.statefiles import write_atomically
from commdash.text import json_is_clean
from commdash.triage import TriageState

COPY = "team-states.json"
COPY_EVERY = 1000
"""Rows read since the copy was written after which it is written again."""


class _Copy(msgspec.Struct):
    epoch: str
    version: int
    states: dict[str, TriageState]


def read_copy(directory: Path, epoch: str) -> tuple[int, dict[str, TriageState]] | None:
    """The version and states of the copy of the database ``epoch``; None when there is
    none to trust."""
    try:
        raw = (directory / COPY).read_bytes()
    except OSError:
        return None
    if not json_is_clean(raw):
        return None  # a copy commdash wrote holds only what was sanitised already
    try:
        copy = msgspec.json.decode(raw, type=_Copy)
    except msgspec.DecodeError:
        return None
    return (copy.version, copy.states) if copy.epoch == epoch else None


def write_copy(directory: Path, epoch: str, version: int, states: dict[str, TriageState]) -> None:
    """Keep the states as of ``version`` (best effort: a disk that refuses costs nothing
    but a slower next open)."""
    payload = msgspec.json.encode(_Copy(epoch, version, states))
    with suppress(StateError, OSError):
        write_atomically(directory / COPY, payload, durable=False)
