"""u after x puts the discarded reply back; u never says it undid what it could not."""

from __future__ import annotations

from _screen import Start, last_notice, listing, shown, thread, thread_to_reply

from commdash import triage
from commdash.store import Store


async def test_x_then_u_puts_a_failed_reply_back_as_it_was(started: Start) -> None:
    async with started(notifications=True) as (app, pilot):
        cid = listing(app).current
        store = app.triager.store
        await pilot.press("r", *"Sorry", "ctrl+s")
        (queued,) = store.replies()
        store.update_reply(queued.id, lambda r: r.failed("HTTP 422: replies are closed"))
        app.screen.sync_from_disk()
        (failed,) = store.replies()
        await thread_to_reply(pilot, app, failed.id)

        await pilot.press("x")
        assert store.replies() == []
        await pilot.press("u")
        assert store.replies() == [failed]  # the same id, text, target, status and reason
        assert app.triager.inbox.replies(cid) == [failed]
        assert "Undone: discard" in last_notice(app)
        assert "not sent" in last_notice(app)
        assert any("not sent" in line for line in shown(thread(app)))  # in the thread again

        await pilot.press("u")  # further back: the reply itself, taken back into the draft
        assert store.replies() == []
        assert store.drafts() == {cid: "Sorry"}
        assert "Undone: reply" in last_notice(app)


async def test_u_says_so_when_the_reply_left_the_outbox_meanwhile(started: Start) -> None:
    async with started(notifications=True) as (app, pilot):
        cid = listing(app).current
        await pilot.press("r", *"Sorry", "ctrl+s")
        (reply,) = app.triager.store.replies()
        Store(app.triager.store.directory).discard_reply(reply.id)  # e.g. an older commdash
        app.screen.sync_from_disk()
        await pilot.press("u")
        assert last_notice(app).startswith("Not undone: reply")
        assert "no longer in the outbox" in last_notice(app)
        assert app.triager.store.drafts() == {}
        assert app.triager.inbox.replies(cid) == []


async def test_u_says_so_when_a_colleague_changed_it_again(started: Start) -> None:
    async with started(notifications=True) as (app, pilot):
        cid = listing(app).current
        assert cid is not None
        await pilot.press("a", *"kari", "enter")
        colleague = Store(app.triager.store.directory, manager="ola@desk")
        colleague.apply(cid, "assign", lambda s: triage.assign(s, "ola"), 0.0)
        app.screen.sync_from_disk()
        await pilot.press("u")
        assert app.triager.inbox.state(cid).assignee == "ola"
        assert last_notice(app).startswith("Not undone: assign")
        assert "changed again" in last_notice(app)


async def test_u_after_x_puts_the_thread_cursor_on_the_reply_put_back(started: Start) -> None:
    async with started(notifications=True) as (app, pilot):
        await pilot.press("r", *"Sorry", "ctrl+s")
        (queued,) = app.triager.store.replies()
        await thread_to_reply(pilot, app, queued.id)
        await pilot.press("x")
        assert thread(app).current_reply_id is None  # on the message it answered
        await pilot.press("u")
        assert app.triager.store.replies() == [queued]
        assert thread(app).current_reply_id == queued.id
        assert app.focused is thread(app)
