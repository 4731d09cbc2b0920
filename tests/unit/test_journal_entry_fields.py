"""A journal entry keeps who acted and from which process (undo is personal and tells an
ended session from a running one), and reads missing or mistyped fields as their defaults."""

from __future__ import annotations

import json

import pytest

from commdash.triage import BLANK, JournalEntry, mark_done

NOW = 1_764_061_200.0


def test_manager_and_pid_round_trip_through_json() -> None:
    entry = JournalEntry(
        "done", "c1", BLANK, mark_done(BLANK, NOW), NOW, "s-1", manager="kari@desk", pid=4242
    )
    back = JournalEntry.from_dict(json.loads(json.dumps(entry.to_dict())))
    assert (back.manager, back.pid) == ("kari@desk", 4242)
    assert back == entry


def test_missing_fields_read_as_empty() -> None:
    entry = JournalEntry.from_dict({})
    assert (entry.action, entry.conversation_id, entry.session) == ("", "", "")
    assert (entry.manager, entry.pid, entry.reply_id) == ("", 0, None)


@pytest.mark.parametrize("pid", ["4242", 42.0, None, [1]])
def test_a_pid_that_is_not_an_integer_reads_as_none_known(pid: object) -> None:
    assert JournalEntry.from_dict({"pid": pid}).pid == 0
