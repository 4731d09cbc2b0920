"""Two managers on one state directory: each sees within a second where the other writes a
reply (``✎ ana`` in the row and the thread's title), and queueing a reply that a colleague
answered meanwhile asks first (y sends, n keeps the box and its text)."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
from _screen import AppFactory, Start, last_notice, listing, notices, shown, until
from textual.containers import Vertical
from textual.pilot import Pilot
from textual.widgets import Label, Static

from commdash.outbox import Reply
from commdash.saved_replies import SavedReply
from commdash.store import Store
from commdash.ui.app import CommdashApp
from commdash.ui.screens.confirm import ConfirmScreen
from commdash.ui.widgets.reply_box import ReplyBox

SECOND = 1.0
"""What the issue promises: a colleague's typing shows, and goes, within a second."""


def thread_title(app: CommdashApp) -> str:
    return shown(app.screen.query_one("#thread-title", Static))[0]


def row(app: CommdashApp, index: int) -> str:
    return shown(listing(app))[index]


def colleague(app: CommdashApp, name: str | None = None) -> Store:
    """Another manager's commdash on the same state directory."""
    return Store(app.triager.store.directory, manager="kari@desk", name=name)


def box(app: CommdashApp) -> ReplyBox:
    return app.screen.query_one(ReplyBox)


def question(app: CommdashApp) -> str:
    """The dialog's question as shown, its lines joined (all of it must be in sight)."""
    assert isinstance(app.screen, ConfirmScreen)
    label = app.screen.query_one(Label)
    assert label.region.right <= app.screen.query_one(Vertical).content_region.right
    return " ".join(" ".join(shown(label)).split())


def outbox(app: CommdashApp) -> list[tuple[str, str, str | None]]:
    return [
        (r.conversation_id, r.text, r.queued_by)
        for r in Store(app.triager.store.directory).replies()
    ]


async def seen_within_a_second(pilot: Pilot[None], done: Callable[[], bool]) -> None:
    await until(pilot, done, seconds=SECOND)


async def test_a_colleague_writing_shows_in_the_row_and_title_then_goes(started: Start) -> None:
    async with started() as (app, pilot):
        first, second = listing(app).ids[:2]
        kari = colleague(app)
        kari.presence.announce(first, time.time())
        await seen_within_a_second(pilot, lambda: row(app, 0).rstrip().endswith("✎ kari"))
        assert "✎ kari" in thread_title(app)  # the highlighted conversation's
        assert "✎" not in row(app, 1)

        kari.presence.announce(second, time.time())  # on to the next one
        await seen_within_a_second(pilot, lambda: "✎ kari" in row(app, 1))
        assert "✎" not in row(app, 0) and "✎" not in thread_title(app)
        await pilot.press("j")
        assert "✎ kari" in thread_title(app)

        kari.presence.announce(None, time.time())
        await seen_within_a_second(pilot, lambda: "✎" not in row(app, 1))
        assert "✎" not in thread_title(app)


async def test_only_the_rows_whose_writers_changed_are_drawn_again(
    started: Start, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with started() as (app, pilot):
        listed = listing(app)
        cid = listed.ids[2]
        drawn: list[int] = []
        draw = listed.render_row
        monkeypatch.setattr(listed, "render_row", lambda i, w: (drawn.append(i), draw(i, w))[1])
        kari = colleague(app)
        kari.presence.announce(cid, time.time())
        await seen_within_a_second(pilot, lambda: "✎ kari" in row(app, 2))
        drawn.clear()  # row() itself drew every row
        await pilot.pause(2 * 0.5)  # two more polls: nothing changed, nothing drawn
        assert drawn == []
        kari.presence.announce(None, time.time())
        await seen_within_a_second(pilot, lambda: bool(drawn))
        await pilot.pause()
        assert set(drawn) == {2}


async def test_a_hostile_name_is_shown_as_text(started: Start) -> None:
    async with started() as (app, pilot):
        cid = listing(app).ids[0]
        colleague(app, name="[b]Eve\x1b]0;pwned\x07\x1b[2J").presence.announce(cid, time.time())
        await seen_within_a_second(pilot, lambda: "✎ [b]Eve" in row(app, 0))
        assert "✎ [b]Eve" in thread_title(app)


async def test_two_commdashes_see_each_other_write_until_the_box_closes(
    started: Start, make_app: AppFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LOGNAME", "ana")
    ana_app = make_app()
    monkeypatch.setenv("LOGNAME", "bo")
    bo_app = make_app()
    async with started(ana_app) as (ana, p1), started(bo_app) as (bo, p2):
        cid = listing(ana).ids[0]
        await p1.press("r", *"On it")
        await seen_within_a_second(p2, lambda: "✎ ana" in row(bo, 0))
        assert "✎ ana" in thread_title(bo)
        assert "✎" not in row(ana, 0)  # never oneself

        await p1.press("escape")  # closed, the draft kept
        await seen_within_a_second(p2, lambda: "✎" not in row(bo, 0))

        await p1.press("r", "ctrl+s")  # queued
        await seen_within_a_second(p2, lambda: bo.triager.inbox.replies(cid) != [])
        assert "✎" not in row(bo, 0)
        assert outbox(ana) == [(cid, "On it", ana.triager.store.manager)]
        assert ana.triager.store.manager.startswith("ana@")

        await p1.press("j", "r")  # writing again, then the app ends
    assert not ana.is_running
    directory = ana.triager.store.directory
    assert list((directory / "presence").iterdir()) == []


async def test_a_colleagues_reply_since_the_box_opened_asks_first_n_keeps_the_text(
    started: Start,
) -> None:
    async with started() as (app, pilot):
        cid = listing(app).ids[0]
        await pilot.press("r", *"Hello")
        now = app.triager.clock.now()
        colleague(app).queue_reply(Reply.new(cid, cid, "Thanks for asking!\nWe open at 9.", now))
        await pilot.press("ctrl+s")
        assert question(app) == (
            'kari queued a reply just now: "Thanks for asking! We open at 9." — send anyway? y/n'
        )
        await pilot.press("n")
        assert not isinstance(app.screen, ConfirmScreen)
        assert box(app).display and box(app).text == "Hello"
        assert app.focused is box(app)
        assert len(outbox(app)) == 1  # only kari's

        await pilot.press(*" again", "ctrl+s")  # seen now: no second question
        assert not isinstance(app.screen, ConfirmScreen)
        assert not box(app).display
        assert [text for _, text, _ in outbox(app)] == [
            "Thanks for asking!\nWe open at 9.",
            "Hello again",
        ]


async def test_yes_sends_it_anyway_and_focus_goes_back(started: Start) -> None:
    async with started() as (app, pilot):
        cid = listing(app).ids[0]
        await pilot.press("r", *"Hello")
        earlier = app.triager.clock.now() - 120
        colleague(app).queue_reply(Reply.new(cid, cid, "We open at 9.", earlier))
        await pilot.press("ctrl+s")
        assert question(app).startswith('kari queued a reply 2m ago: "We open at 9."')
        await pilot.press("y")
        assert not isinstance(app.screen, ConfirmScreen)
        assert not box(app).display
        assert app.focused is listing(app)
        assert [text for _, text, _ in outbox(app)] == ["We open at 9.", "Hello"]


async def test_a_bulk_send_skips_and_names_those_answered_meanwhile(started: Start) -> None:
    async with started(notifications=True) as (app, pilot):
        app.triager.saved_replies.save(SavedReply("Thanks", "Thanks for writing!"))
        first, second = listing(app).ids[:2]
        answered = app.triager.inbox.conversations[first].message(app.triager.reply_target(first))
        assert answered is not None
        member = answered.author.name
        await pilot.press("space", "space", "r")
        colleague(app).queue_reply(Reply.new(first, first, "Answered", app.triager.clock.now()))
        await pilot.press(*"thanks", "enter", "y")
        assert last_notice(app).startswith(
            f"Queued 1 · 1 skipped: answered meanwhile ({member[:20]}"
        )
        assert sorted(cid for cid, _, _ in outbox(app)) == sorted([first, second])


async def test_a_presence_folder_that_cannot_be_written_is_said_once(started: Start) -> None:
    async with started(notifications=True) as (app, pilot):
        (app.triager.store.directory / "presence").write_text("a file where the folder goes")
        await pilot.press("r", *"Hi")
        await pilot.pause(2.5)  # one announcement more, refused too
        said = [n for n in notices(app) if n.startswith("Colleagues cannot see you writing")]
        assert len(said) == 1 and "presence" in said[0]
        await pilot.press("ctrl+s")  # the reply itself is not held up
        assert [text for _, text, _ in outbox(app)] == ["Hi"]
