"""Internal notes: kept in the state directory, journalled, undone one at a time, searchable,
and as untrusted as any other text read back from disk."""

from __future__ import annotations

import zlib
from pathlib import Path

import orjson
import pytest
from _builders import HOUR, NOW, conv, msg, post, snapshot

from commdash import triage
from commdash.actions import Refused, Triager
from commdash.inbox import Inbox
from commdash.store import SHARDS, Store
from commdash.timeutil import Clock
from commdash.triage import NOTE_LIMIT, TriageState

HOSTILE = "\x1b]52;c;cm0gLXJmIH4=\x07\x1b]0;pwned\x07\x1b[2J\x9b6n\x85\u202e"


def triager(directory: Path, manager: str = "ana@desk", at: float = NOW) -> Triager:
    """A manager's commdash on two conversations, its state in ``directory``."""
    data = snapshot(
        [post("p1")],
        [
            conv(msg("c1", NOW - 3 * HOUR, who="Dana", text="Where is my order?")),
            conv(msg("c2", NOW - 2 * HOUR, who="Lee", text="Love it")),
        ],
    )
    store = Store(directory, manager=manager)
    clock = Clock(at)
    return Triager(Inbox(data, store.states(), store.replies(), clock, 3600.0), store, clock)


def test_a_note_is_kept_with_its_author_and_time_and_journalled(tmp_path: Path) -> None:
    ana = triager(tmp_path)
    note = ana.add_note("c1", "  Refund approved by Kari \n")
    assert (note.author, note.at, note.text) == ("ana@desk", NOW, "Refund approved by Kari")
    assert Store(tmp_path).state("c1").notes == (note,)  # on disk, for the team
    assert ana.inbox.state("c1").notes == (note,)
    assert ana.inbox.has_note("c1") and not ana.inbox.has_note("c2")
    (entry,) = ana.store.journal()
    assert (entry.action, entry.conversation_id, entry.manager) == ("note", "c1", "ana@desk")
    assert ana.store.replies() == []  # never sent to the platform


def test_an_empty_or_too_long_note_is_refused(tmp_path: Path) -> None:
    ana = triager(tmp_path)
    with pytest.raises(Refused, match="empty"):
        ana.add_note("c1", " \n\t ")
    with pytest.raises(Refused, match="2,000"):
        ana.add_note("c1", "x" * (NOTE_LIMIT + 1))
    assert ana.add_note("c1", "x" * NOTE_LIMIT).text == "x" * NOTE_LIMIT
    assert len(ana.store.journal()) == 1


def test_a_notes_text_is_sanitised_when_written(tmp_path: Path) -> None:
    note = triager(tmp_path).add_note("c1", f"Call back{HOSTILE} tomorrow")
    assert note.text == "Call back tomorrow"


def test_undo_takes_back_only_that_note(tmp_path: Path) -> None:
    ana = triager(tmp_path)
    first = ana.add_note("c1", "First")
    ana.add_note("c1", "Second")
    kari = triager(tmp_path, "kari@laptop", NOW + 60)
    theirs = kari.add_note("c1", "Kari's")
    ana.sync_from_disk()

    undone = ana.undo()
    assert undone is not None and undone.restored and undone.entry.action == "note"
    assert [n.text for n in Store(tmp_path).state("c1").notes] == ["First", "Kari's"]
    assert ana.inbox.state("c1").notes == (first, theirs)


def test_two_managers_adding_notes_at_once_both_keep_theirs(tmp_path: Path) -> None:
    ana, kari = triager(tmp_path), triager(tmp_path, "kari@laptop")
    # Neither has seen the other's note: each adds to the state as it is on disk.
    ana.add_note("c1", "Ana's")
    kari.add_note("c1", "Kari's")
    notes = Store(tmp_path).state("c1").notes
    assert [(n.author, n.text) for n in notes] == [("ana@desk", "Ana's"), ("kari@laptop", "Kari's")]


def test_a_note_keeps_the_rest_of_the_state_and_undo_leaves_the_rest(tmp_path: Path) -> None:
    ana = triager(tmp_path)
    ana.assign("c1", "kari")
    ana.add_note("c1", "VIP")
    ana.undo()
    state = Store(tmp_path).state("c1")
    assert (state.assignee, state.notes) == ("kari", ())


def test_the_filter_finds_words_of_a_note(tmp_path: Path) -> None:
    ana = triager(tmp_path)
    assert ana.inbox.conversation_ids("all", query="refund") == []
    ana.add_note("c2", "Asked for a REFUND by mail")
    assert ana.inbox.conversation_ids("all", query="refund") == ["c2"]
    ana.undo()
    assert ana.inbox.conversation_ids("all", query="refund") == []


def test_a_hostile_note_in_a_state_file_is_read_clean(tmp_path: Path) -> None:
    number = zlib.crc32(b"c1") % SHARDS
    note = {"id": "n1", "author": f"eve{HOSTILE}", "at": NOW, "text": f"Hi{HOSTILE} there"}
    odd = {"id": "n2", "author": "eve", "at": "yesterday", "text": "no time"}
    shard = tmp_path / "states" / f"{number:02x}.json"
    shard.parent.mkdir(parents=True)
    document = {"id": "c1", "state": {"tags": ["vip"], "notes": [note, odd, 7]}}
    shard.write_bytes(orjson.dumps({"conversations": {"1": document}}))

    ana = triager(tmp_path)
    (read,) = ana.inbox.state("c1").notes  # the unreadable ones skipped, the rest kept
    assert (read.author, read.text) == ("eve", "Hi there")
    assert ana.inbox.state("c1").tags == ("vip",)


def test_revert_puts_back_a_note_an_action_removed() -> None:
    kept = triage.Note("n1", "ana@desk", NOW, "kept")
    gone = triage.Note("n2", "ana@desk", NOW + 1, "gone")
    before = TriageState(notes=(kept, gone))
    after = TriageState(notes=(kept,))
    assert triage.revert(after, before, after).notes == (kept, gone)
