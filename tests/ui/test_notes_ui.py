"""n adds an internal note: typed in a box of its own, shown in the thread in its own
style with author and time, taken back by u, and clean whatever the state file holds."""

from __future__ import annotations

import re
import zlib
from pathlib import Path

import orjson
from _screen import AppFactory, Start, burst, last_notice, listing, shown, thread, until

from commdash.model import Author, Message
from commdash.store import SHARDS, Store
from commdash.triage import Note
from commdash.ui.app import CommdashApp
from commdash.ui.screens.inbox import InboxScreen
from commdash.ui.screens.note import NoteScreen
from commdash.ui.widgets.thread_view import _notes_by_place

HOSTILE = "\x1b]52;c;cm0gLXJmIH4=\x07\x1b]0;pwned\x07\x1b[2J\x9b6n\x85\u202e"
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def thread_text(app: CommdashApp) -> str:
    return "\n".join(shown(thread(app)))


async def test_n_adds_a_note_shown_in_the_thread_and_u_takes_it_back(started: Start) -> None:
    async with started(notifications=True) as (app, pilot):
        cid = listing(app).current
        assert cid is not None
        await pilot.press("n")
        assert isinstance(app.screen, NoteScreen)
        await pilot.press(*"Refund ok", "enter", *"by Kari", "ctrl+s")
        assert not isinstance(app.screen, NoteScreen)

        (note,) = app.triager.store.state(cid).notes
        assert note.text == "Refund ok\nby Kari"
        assert note.author == app.triager.store.manager
        assert app.triager.store.replies() == []  # never sent
        assert listing(app).current == cid  # the manager stays on the conversation
        text = thread_text(app)
        assert f"✎ note · {note.author} · just now" in text
        assert "Refund ok" in text and "by Kari" in text
        assert "Note added" in last_notice(app)

        await pilot.press("u")
        assert app.triager.store.state(cid).notes == ()
        assert "✎ note" not in thread_text(app)
        assert last_notice(app).startswith("Undone: note")


async def test_escape_closes_the_note_box_without_a_note(started: Start) -> None:
    async with started() as (app, pilot):
        cid = listing(app).current
        assert cid is not None
        await pilot.press("n", *"never mind", "escape")
        assert not isinstance(app.screen, NoteScreen)
        assert app.triager.store.state(cid).notes == ()
        assert app.triager.store.journal() == []


async def test_keys_typed_after_ctrl_s_act_on_the_list(started: Start) -> None:
    async with started() as (app, pilot):
        first = listing(app).current
        burst(app, "n", *"Call", "ctrl+s", "j")
        await until(pilot, lambda: listing(app).cursor == 1)
        assert first is not None
        assert [n.text for n in app.triager.store.state(first).notes] == ["Call"]


async def test_a_note_goes_among_the_messages_by_time(started: Start) -> None:
    async with started() as (app, pilot):
        cid = listing(app).current
        assert cid is not None
        await pilot.press("n", *"Seen", "ctrl+s")
        lines = thread_text(app).splitlines()
        note_at = next(i for i, line in enumerate(lines) if "✎ note" in line)
        messages = app.triager.inbox.conversations[cid].messages
        latest = max(messages, key=lambda m: m.created_at)
        # Written now, after every message: after the latest one's text.
        assert any(latest.text.splitlines()[0][:20] in line for line in lines[:note_at])


async def test_a_hostile_note_from_the_state_file_is_shown_clean(
    started: Start, make_app: AppFactory
) -> None:
    first = make_app()
    directory: Path = first.triager.store.directory
    cid = next(iter(first.triager.inbox.conversations))
    number = zlib.crc32(cid.encode("utf-8", "surrogatepass")) % SHARDS
    note = {"id": "n1", "author": f"eve{HOSTILE}", "at": 1.0e9, "text": f"Hi{HOSTILE} there"}
    shard = directory / "states" / f"{number:02x}.json"
    shard.parent.mkdir(parents=True, exist_ok=True)
    document = {"id": cid, "state": {"notes": [note]}}
    shard.write_bytes(orjson.dumps({"conversations": {"1": document}}))

    async with started() as (app, pilot):
        await pilot.press("5")
        listing(app).cursor = listing(app).ids.index(cid)
        await pilot.pause()
        text = thread_text(app)
        assert "✎ note · eve" in text and "Hi there" in text
        assert CONTROL.search(text) is None, repr(text)
        assert "52;c;" not in text and "pwned" not in text
        assert Store(directory).state(cid).notes[0].text == "Hi there"


def test_notes_follow_the_latest_message_written_before_them() -> None:
    def message(mid: str, at: float, depth: int) -> Message:
        return Message(
            mid, "p", None if depth == 0 else "m1", Author("a", "A"), at, "", depth=depth
        )

    # Thread order is not time order: m3 answers m2, m4 came between them.
    messages = [
        message("m1", 10, 0),
        message("m2", 20, 1),
        message("m3", 40, 2),
        message("m4", 30, 1),
    ]
    notes = [Note(n, "ana@desk", at, n) for n, at in (("late", 35), ("early", 5), ("mid", 25))]
    places = _notes_by_place(messages, notes)
    assert {place: [n.id for n in found] for place, found in places.items()} == {
        -1: ["early"],  # before the first message
        1: ["mid"],  # after m2 (20), before m4 (30) was written
        3: ["late"],  # after m4 (30), the latest by 35, though m3 is shown after it
    }


async def test_on_a_note_in_the_thread_h_says_why_not_and_r_answers_the_member(
    started: Start,
) -> None:
    async with started(notifications=True) as (app, pilot):
        cid = listing(app).current
        assert cid is not None
        await pilot.press("n", *"Seen", "ctrl+s", "enter")
        assert app.focused is thread(app)
        note = thread(app).current_note
        assert note is not None and note.text == "Seen"
        await pilot.press("h")
        assert "A note is internal" in last_notice(app)
        assert app.triager.store.state(cid).hidden == ()
        await pilot.press("y")
        assert last_notice(app).startswith("This note has no link: its text is copied")
        await pilot.press("r")
        screen = app.screen
        assert isinstance(screen, InboxScreen)
        members = [m for m in app.triager.inbox.conversations[cid].messages if not m.ours]
        latest = max(members, key=lambda m: m.created_at)
        assert screen.composer.replying == (cid, latest.id)
