"""Triage state lives on disk: it survives a restart and reaches a second commdash."""

from __future__ import annotations

from pathlib import Path

import pytest
from _exports import write_export
from _screen import AppFactory, Start, listing, shown

from commdash.ui.widgets.reply_box import ReplyBox
from commdash.ui.widgets.thread_view import ThreadView


async def test_actions_survive_a_restart(started: Start) -> None:
    async with started() as (first_app, pilot):
        before = list(listing(first_app).ids)
        done, replied, tagged, drafted = before[:4]
        await pilot.press("e")
        await pilot.press("r", *"On it", "ctrl+s")
        await pilot.press("j", "k")  # on to the next one still waiting
        assert listing(first_app).current == tagged
        await pilot.press("t", *"vip", "enter", "a", *"Kari", "enter")
        await pilot.press("j", "r", *"Later", "escape")
        await pilot.pause()
    assert not first_app.is_running

    async with started() as (app, pilot):
        inbox, store = app.triager.inbox, app.triager.store
        ids = listing(app).ids
        assert done not in ids
        assert replied not in ids
        assert ids == [cid for cid in before if cid not in (done, replied)]
        assert ids[0] == tagged
        assert inbox.status(done) == "done"
        assert [(r.conversation_id, r.text) for r in store.replies()] == [(replied, "On it")]
        assert [r.text for r in inbox.replies(replied)] == ["On it"]
        assert inbox.state(tagged).tags == ("vip",)
        assert inbox.state(tagged).assignee == "Kari"
        assert "#vip" in shown(listing(app))[0]

        # The draft is back in the reply box.
        await pilot.press("j", "r")
        assert listing(app).current == drafted
        assert app.screen.query_one(ReplyBox).text == "Later"
        await pilot.press("escape")

        # The reply still shows as queued in its thread.
        await pilot.press("5", "g")
        for _ in range(len(listing(app).ids)):
            if listing(app).current == replied:
                break
            await pilot.press("j")
        assert listing(app).current == replied
        thread = app.screen.query_one(ThreadView)
        await pilot.press("enter")
        for _ in range(30):
            if thread.current_message_id is None:  # a queued reply has no id yet
                break
            await pilot.press("j")
        assert thread.current_message_id is None
        assert any("queued" in line for line in shown(thread))


async def test_a_snooze_ends_on_time_after_a_restart(started: Start, make_app: AppFactory) -> None:
    async with started() as (app, pilot):
        cid = listing(app).current
        await pilot.press("s", "1")  # one hour
        assert cid not in listing(app).ids

    async with started(make_app(now="2026-11-25T09:59:00Z")) as (app, pilot):
        assert cid not in listing(app).ids
        await pilot.press("3")
        assert listing(app).ids == [cid]

    async with started(make_app(now="2026-11-25T10:01:00Z")) as (app, pilot):
        assert listing(app).ids[0] == cid
        assert app.triager.inbox.status(cid) == "open"
        await pilot.press("3")
        assert listing(app).ids == []


async def test_a_draft_reaches_the_disk_while_typing(started: Start) -> None:
    async with started() as (app, pilot):
        cid = listing(app).current
        await pilot.press("r", *"Typing")
        for _ in range(10):  # saved about a second after the last key
            if app.triager.store.drafts():
                break
            await pilot.pause(0.3)
        # Still open, never closed: a crash now would keep it.
        assert app.screen.query_one(ReplyBox).display
        assert app.triager.store.drafts() == {cid: "Typing"}


async def test_two_apps_on_one_state_directory_see_each_other(started: Start) -> None:
    async with started() as (one, p1), started() as (two, p2):
        first, second = listing(one).ids[:2]
        assert listing(two).ids == listing(one).ids

        await p1.press("e")
        assert first not in listing(one).ids
        two.screen.sync_from_disk()
        await p2.pause()
        assert two.triager.inbox.status(first) == "done"
        # The conversation under two's cursor stays there until two moves on, so two's
        # next key never acts on a conversation it has not seen.
        assert listing(two).current == first
        await p2.press("j")
        await p2.pause()
        assert first not in listing(two).ids
        assert listing(two).current == second
        assert two.screen.query_one(ThreadView).conversation_id == second

        # The other way round, by the screen's own timer this time.
        await p2.press("r", *"Hi", "ctrl+s")
        assert not two.triager.inbox.needs_reply(second)
        for _ in range(10):  # the screen syncs every 2 s; allow for a slow machine
            if not one.triager.inbox.needs_reply(second):
                break
            await p1.pause(0.5)
        assert [r.text for r in one.triager.inbox.replies(second)] == ["Hi"]
        assert listing(one).current == second  # still under one's cursor, now answered
        await p1.press("j")
        await p1.pause()
        assert second not in listing(one).ids

        # Neither lost the other's update: both files hold both actions.
        assert one.triager.store.states().keys() == {first}
        assert [r.conversation_id for r in one.triager.store.replies()] == [second]

        # Each undoes its own action.
        await p1.press("u")
        assert one.triager.inbox.status(first) == "open"
        assert one.triager.store.replies() != []
        two.screen.sync_from_disk()
        await p2.pause()
        assert first in listing(two).ids


async def test_an_action_before_the_sync_keeps_the_other_apps_change(
    started: Start, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with started() as (one, p1), started() as (two, p2):
        # The second app stays inside its 2 s between syncs for the whole test: the tag is
        # set on a state it has not seen yet, and must not wipe the done mark.
        monkeypatch.setattr(two.triager, "sync_from_disk", lambda: False)
        cid = listing(one).current
        assert listing(two).current == cid
        await p1.press("e")
        await p2.press("t", *"vip", "enter")
        saved = one.triager.store.states()[cid]
        assert saved.tags == ("vip",)
        assert saved.done_at is not None


UNA = {"id": "u1", "name": "Una Berg"}
BO = {"id": "u2", "name": "Bo Lind"}
FIRST_EXPORT = [
    {"id": "c1", "author": UNA, "created_at": "2026-11-25T08:00:00Z", "text": "Open Sunday?"},
    {"id": "c2", "author": BO, "created_at": "2026-11-25T08:30:00Z", "text": "And Monday?"},
]
FOLLOW_UP = {
    "id": "c3",
    "parent_id": "c1",
    "author": UNA,
    "created_at": "2026-11-25T10:00:00Z",
    "text": "Any news about Sunday?",
}


async def test_a_done_conversation_reopens_when_the_member_writes_again(
    started: Start, make_app: AppFactory, tmp_path: Path
) -> None:
    source = write_export(tmp_path / "export.json", FIRST_EXPORT, "2026-11-25T08:55:00Z")
    async with started(make_app(source, now="2026-11-25T09:00:00Z")) as (app, pilot):
        assert listing(app).ids == ["c1", "c2"]
        await pilot.press("e")
        assert listing(app).ids == ["c2"]

    # A later run on the same data: still done.
    async with started(make_app(source, now="2026-11-25T10:30:00Z")) as (app, pilot):
        assert listing(app).ids == ["c2"]
        assert app.triager.inbox.status("c1") == "done"

    # A later export with a newer member message: open again and waiting.
    write_export(source, [*FIRST_EXPORT, FOLLOW_UP], "2026-11-25T10:05:00Z")
    async with started(make_app(source, now="2026-11-25T10:30:00Z")) as (app, pilot):
        inbox = app.triager.inbox
        assert inbox.status("c1") == "open"
        assert inbox.needs_reply("c1")
        assert inbox.state("c1").done_at is not None  # the mark is kept, just outdated
        assert listing(app).ids == ["c2", "c1"]  # c1 has waited the shortest now
        await pilot.press("j")
        assert listing(app).current == "c1"
        thread = shown(app.screen.query_one(ThreadView))
        assert any("Any news about Sunday?" in line for line in thread)
        await pilot.press("4")
        assert listing(app).ids == []
