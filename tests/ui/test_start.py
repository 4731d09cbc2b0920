"""What the manager sees on start, and narrowing the inbox to one post."""

from __future__ import annotations

import re

import pytest
from _screen import AppFactory, Start, gauge, shown, title

from commdash.ui.app import CommdashApp
from commdash.ui.widgets.conversation_list import ConversationList
from commdash.ui.widgets.gauges import Gauges
from commdash.ui.widgets.post_queue import PostQueue
from commdash.ui.widgets.status_bar import StatusBar
from commdash.ui.widgets.thread_view import ThreadView


def assert_thread_shows(app: CommdashApp, cid: str) -> None:
    thread = app.screen.query_one(ThreadView)
    assert thread.conversation_id == cid
    root = app.triager.inbox.conversations[cid].root
    text = "\n".join(shown(thread))
    assert root.author.name in text
    assert root.text.split()[0] in text


async def test_start_lists_the_conversations_that_need_a_reply(started: Start) -> None:
    async with started() as (app, _):
        inbox = app.triager.inbox
        listing = app.screen.query_one(ConversationList)
        assert app.focused is listing

        waiting = {cid for cid in inbox.conversations if inbox.needs_reply(cid)}
        assert len(waiting) > 10
        assert set(listing.ids) == waiting
        assert len(listing.ids) == len(waiting) == listing.row_count
        # Longest-waiting first: the latest activity of each grows down the list.
        latest = [inbox.facts(cid).latest_at for cid in listing.ids]
        assert latest == sorted(latest)
        assert latest[0] < latest[-1]
        assert listing.cursor == 0
        assert listing.current == listing.ids[0]
        assert title(app) == f"Conversations · needs reply ({len(waiting)})"

        # The rows on screen are those conversations, in that order, each marked (not blank).
        rows = shown(listing)
        assert len(rows) >= 10
        for row, cid in zip(rows, listing.ids, strict=False):
            assert inbox.conversations[cid].root.author.name[:12] in row
            assert row[0] != " "


async def test_thread_pane_follows_the_highlighted_conversation(started: Start) -> None:
    async with started() as (app, pilot):
        listing = app.screen.query_one(ConversationList)
        first, second, third = listing.ids[:3]
        assert_thread_shows(app, first)
        await pilot.press("j")
        assert listing.current == second
        assert_thread_shows(app, second)
        await pilot.press("down", "down")
        assert listing.current == listing.ids[3]
        assert_thread_shows(app, listing.ids[3])
        await pilot.press("k")
        assert_thread_shows(app, third)
        await pilot.press("G")
        assert listing.current == listing.ids[-1]
        assert_thread_shows(app, listing.ids[-1])
        await pilot.press("g")
        assert listing.current == first
        assert_thread_shows(app, first)


async def test_status_bar_and_gauges_show_the_inbox_figures(started: Start) -> None:
    async with started() as (app, _):
        figures = app.triager.inbox.figures()
        whole = figures.conversation
        assert whole.needs_reply > 0
        assert whole.sla_breached > 0
        assert whole.needs_reply != whole.sla_breached

        status = shown(app.screen.query_one(StatusBar))[0]
        assert f" {whole.needs_reply} need reply" in status
        assert f" {whole.sla_breached} over SLA" in status

        assert shown(app.screen.query_one(Gauges))[0].strip() == "All posts"
        assert gauge(app, "Waiting") == str(whole.needs_reply)
        assert gauge(app, "Over SLA 60m") == str(whole.sla_breached)
        assert gauge(app, "Open") == str(whole.open)
        assert gauge(app, "Done") == str(whole.done)
        assert gauge(app, "Queued") == str(figures.replies_queued)

        posts = shown(app.screen.query_one(PostQueue))
        assert re.fullmatch(rf"All posts\s+{whole.needs_reply}\s*", posts[0])


async def test_the_sla_option_changes_the_over_sla_figures(
    started: Start, make_app: AppFactory
) -> None:
    async with started(make_app(sla=15)) as (app, _):
        whole = app.triager.inbox.figures().conversation
        default = make_app().triager.inbox.figures().conversation
        assert whole.sla_breached > default.sla_breached
        assert gauge(app, "Over SLA 15m") == str(whole.sla_breached)
        assert f" {whole.sla_breached} over SLA" in shown(app.screen.query_one(StatusBar))[0]


async def test_a_one_day_sla_gauge_keeps_label_and_value_apart(
    started: Start, make_app: AppFactory
) -> None:
    async with started(make_app(sla=24 * 60)) as (app, _):
        whole = app.triager.inbox.figures().conversation
        assert gauge(app, "Over SLA 1440m") == str(whole.sla_breached)


async def test_selecting_a_post_narrows_the_list_and_the_gauges(started: Start) -> None:
    async with started() as (app, pilot):
        inbox = app.triager.inbox
        screen = app.screen
        listing = screen.query_one(ConversationList)
        posts = screen.query_one(PostQueue)
        everything = list(listing.ids)

        await pilot.press("shift+tab")
        assert app.focused is posts
        assert posts.current is None  # "All posts"
        await pilot.press("j")
        post_id = posts.current
        assert post_id is not None
        assert post_id == inbox.post_summaries()[0].post.id

        narrowed = inbox.conversation_ids("needs-reply", post_id)
        assert 0 < len(narrowed) < len(everything)
        assert listing.ids == narrowed
        assert all(inbox.conversations[cid].post_id == post_id for cid in listing.ids)
        assert_thread_shows(app, listing.ids[0])

        selection = inbox.figures(post_id).conversation
        assert shown(screen.query_one(Gauges))[0].strip() == "This post"
        assert gauge(app, "Waiting") == str(selection.needs_reply) == str(len(narrowed))
        assert gauge(app, "Over SLA 60m") == str(selection.sla_breached)
        assert title(app).startswith(f"Conversations · needs reply ({len(narrowed)}) · ")
        # The status bar keeps the whole source's figures.
        whole = inbox.figures().conversation
        assert f" {whole.needs_reply} need reply" in shown(screen.query_one(StatusBar))[0]

        # The next post narrows to its own conversations.
        await pilot.press("j")
        other = posts.current
        assert other not in (None, post_id)
        assert listing.ids == inbox.conversation_ids("needs-reply", other)

        # Back to "All posts": everything again.
        await pilot.press("g")
        assert posts.current is None
        assert listing.ids == everything
        assert shown(screen.query_one(Gauges))[0].strip() == "All posts"
        assert gauge(app, "Waiting") == str(len(everything))
        assert title(app) == f"Conversations · needs reply ({len(everything)})"

        # enter goes back to the conversations.
        await pilot.press("enter")
        assert app.focused is listing


async def test_tab_moves_between_the_panes(started: Start) -> None:
    async with started() as (app, pilot):
        screen = app.screen
        await pilot.press("tab")
        assert app.focused is screen.query_one(ThreadView)
        await pilot.press("shift+tab")
        assert app.focused is screen.query_one(ConversationList)
        await pilot.press("shift+tab")
        assert app.focused is screen.query_one(PostQueue)
        # From the posts, j moves in the posts, not in the conversations.
        listing = screen.query_one(ConversationList)
        await pilot.press("j", "j")
        assert screen.query_one(PostQueue).cursor == 2
        assert listing.ids == app.triager.inbox.conversation_ids(
            "needs-reply", screen.query_one(PostQueue).current
        )


async def test_moving_in_the_conversation_list_does_not_rebuild_the_post_queue(
    started: Start, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with started() as (app, pilot):
        posts = app.screen.query_one(PostQueue)
        listing = app.screen.query_one(ConversationList)
        rebuilt: list[object] = []
        show = posts.show

        def spy(*args: object, **kwargs: object) -> None:
            rebuilt.append(args)
            show(*args, **kwargs)  # type: ignore[arg-type]

        monkeypatch.setattr(posts, "show", spy)
        await pilot.press("j", "j", "k")
        assert listing.cursor == 1
        assert_thread_shows(app, listing.ids[1])
        assert rebuilt == []
