"""The app on sample_data/hostile.json: it starts, reports what it skipped, and draws every
conversation and post without letting markup or terminal control through."""

from __future__ import annotations

import re
from pathlib import Path

from _screen import AppFactory, Start, shown
from textual.content import Content
from textual.pilot import Pilot

from commdash.ui.app import CommdashApp
from commdash.ui.screens.inbox import InboxScreen
from commdash.ui.screens.report import ReportScreen
from commdash.ui.widgets.conversation_list import ConversationList
from commdash.ui.widgets.post_queue import PostQueue
from commdash.ui.widgets.reply_box import ReplyBox
from commdash.ui.widgets.thread_view import ThreadView

HOSTILE = Path(__file__).parents[2] / "sample_data" / "hostile.json"

# ESC, BEL and the 8-bit CSI first; then any other C0 or C1 control (a tab included: it
# would break the cell grid) and the bidi overrides and isolates.
CONTROL = re.compile("[\x1b\x07\x9b\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def drawn(app: CommdashApp) -> list[str]:
    """Every line every widget of the screen draws now (toasts included)."""
    return [
        line
        for widget in app.screen.walk_children(with_self=True)
        if widget.display and widget.size.height > 0
        for line in shown(widget)
    ]


def assert_clean(lines: list[str], where: str = "") -> None:
    for line in lines:
        bad = CONTROL.search(line)
        assert bad is None, f"{where}: {bad.group()!r} drawn in {line!r}"


async def highlight(pilot: Pilot[None], listing: ConversationList, cid: str) -> None:
    """Put the list cursor on ``cid`` (the keyboard walk is test_every_conversation_...)."""
    listing.cursor = listing.ids.index(cid)
    await pilot.pause()
    assert listing.current == cid


def thread_text(app: CommdashApp) -> str:
    return "\n".join(shown(app.screen.query_one(ThreadView)))


async def test_hostile_file_opens_and_reports_what_it_skipped(
    started: Start, make_app: AppFactory
) -> None:
    async with started(make_app(HOSTILE), notifications=True) as (app, _):
        inbox = app.triager.inbox
        skipped = inbox.snapshot.skipped
        assert len(skipped) >= 10
        assert isinstance(app.screen, InboxScreen)
        assert len(inbox.conversations) > 50
        assert app.screen.query_one(ConversationList).row_count > 50

        warnings = [n for n in app._notifications if n.severity == "warning"]
        assert len(warnings) == 1
        assert warnings[0].title == f"{len(skipped)} items skipped or repaired while loading"
        assert f"(and {len(skipped) - 1} more)" in warnings[0].message

        # The toast is on screen, and it is as clean as the rest.
        lines = drawn(app)
        assert any("items skipped or repaired while loading" in line for line in lines)
        assert_clean(lines, "start")
        for note in skipped:
            assert CONTROL.search(note.replace("\n", " ")) is None, note


async def test_markup_in_the_data_is_shown_literally(started: Start, make_app: AppFactory) -> None:
    async with started(make_app(HOSTILE)) as (app, pilot):
        inbox = app.triager.inbox
        listing = app.screen.query_one(ConversationList)
        posts = "\n".join(shown(app.screen.query_one(PostQueue)))
        assert "[bold red]Markup[/]" in posts

        # The conversation whose first comment is "[bold red]hi[/]".
        cid = next(c for c in listing.ids if inbox.conversations[c].root.text == "[bold red]hi[/]")
        await highlight(pilot, listing, cid)
        text = thread_text(app)
        assert "[bold red]hi[/]" in text
        assert "[bold red]Admin[/] [@click=app.quit]Mallory[/]" in text
        assert "Hostile [b]Test[/b] Page" in text
        assert "[b]Our[/b] reply" in text
        row = listing.cursor - int(listing.scroll_offset.y)
        assert "[bold red]hi[/]" in shown(listing)[row]
        assert_clean(drawn(app), cid)

        # Clicking the would-be link does nothing but move the cursor.
        await pilot.click(ThreadView, offset=(4, 0))
        await pilot.pause()
        assert app.is_running
        assert isinstance(app.screen, InboxScreen)


async def test_every_conversation_draws_cleanly(started: Start, make_app: AppFactory) -> None:
    async with started(make_app(HOSTILE)) as (app, pilot):
        inbox = app.triager.inbox
        listing = app.screen.query_one(ConversationList)
        thread = app.screen.query_one(ThreadView)

        await pilot.press("5", "g")
        assert listing.row_count == len(inbox.conversations)
        seen = []
        for index in range(listing.row_count):
            if index:
                await pilot.press("j")
            assert listing.cursor == index
            cid = listing.current
            assert cid is not None
            assert thread.conversation_id == cid
            seen.append(cid)
            assert_clean(shown(listing) + shown(thread), cid)
        assert sorted(seen) == sorted(inbox.conversations)
        await pilot.press("j")  # past the end: stays on the last one
        assert listing.current == seen[-1]
        await pilot.press("g")
        assert listing.current == listing.ids[0]
        await pilot.press("G")
        assert listing.current == listing.ids[-1]
        assert_clean(drawn(app), "all conversations")


async def test_every_post_draws_cleanly(started: Start, make_app: AppFactory) -> None:
    async with started(make_app(HOSTILE)) as (app, pilot):
        inbox = app.triager.inbox
        listing = app.screen.query_one(ConversationList)
        thread = app.screen.query_one(ThreadView)
        posts = app.screen.query_one(PostQueue)

        await pilot.press("5", "shift+tab")
        assert app.focused is posts
        post_ids = []
        for index in range(posts.row_count):
            if index:
                await pilot.press("j")
            post_ids.append(posts.current)
            assert listing.ids == inbox.conversation_ids("all", posts.current)
            assert thread.conversation_id == listing.current
            assert_clean(drawn(app), f"post {posts.current}")
        assert post_ids[0] is None
        assert sorted(p for p in post_ids if p is not None) == sorted(inbox.posts)
        await pilot.press("g")
        assert posts.current is None
        assert listing.row_count == len(inbox.conversations)
        await pilot.press("G")
        assert posts.current == post_ids[-1]


async def test_the_deep_thread_and_the_huge_comment_stay_usable(
    started: Start, make_app: AppFactory
) -> None:
    async with started(make_app(HOSTILE)) as (app, pilot):
        inbox = app.triager.inbox
        listing = app.screen.query_one(ConversationList)
        thread = app.screen.query_one(ThreadView)

        deep = max(inbox.conversations, key=lambda c: len(inbox.conversations[c].messages))
        assert len(inbox.conversations[deep].messages) > 1000
        await pilot.press("5")
        await highlight(pilot, listing, deep)
        assert thread.conversation_id == deep
        await pilot.press("enter", "G")
        last = inbox.conversations[deep].messages[-1]
        assert thread.current_message_id == last.id
        assert last.text in thread_text(app)
        assert_clean(drawn(app), "deep thread, last message")
        await pilot.press("pageup", "k", "g")
        assert thread.current_message_id == inbox.conversations[deep].root.id
        assert "The root of a very deep thread" in thread_text(app)
        # Hiding and undoing work this deep too.
        await pilot.press("G", "h")
        assert not inbox.is_visible(deep, last)
        await pilot.press("u")
        assert inbox.is_visible(deep, last)

        huge = next(
            c
            for c in inbox.conversations
            if any(len(m.text) > 100_000 for m in inbox.conversations[c].messages)
        )
        await pilot.press("escape")
        await highlight(pilot, listing, huge)
        assert thread.conversation_id == huge
        await pilot.press("enter")
        for _ in range(6):
            if "more characters not shown" in thread_text(app):
                break
            await pilot.press("j")
        assert "more characters not shown" in thread_text(app)
        assert_clean(drawn(app), "huge comment")


async def test_titles_show_post_text_and_author_names_literally(
    started: Start, make_app: AppFactory
) -> None:
    """The list title repeats the selected post's text and the reply box names the author:
    both are source text, so markup in them must be shown, never obeyed."""
    async with started(make_app(HOSTILE)) as (app, pilot):
        screen = app.screen
        assert isinstance(screen, InboxScreen)
        posts = screen.query_one(PostQueue)
        row = next(
            i + 1 for i, s in enumerate(posts.summaries) if s.post.text.startswith("[bold red]")
        )
        posts.focus()
        posts.cursor = row
        await pilot.pause()
        title = "\n".join(shown(screen.query_one("#list-title")))
        assert "[bold red]Markup[/]" in title

        listing = screen.query_one(ConversationList)
        inbox = app.triager.inbox
        marked = next(
            cid
            for cid in inbox.conversation_ids("all")
            if "[" in inbox.conversations[cid].root.author.name
        )
        await pilot.press("5")
        await highlight(pilot, listing, marked)
        await pilot.press("enter", "g", "r")  # from the thread, answering the top comment
        await pilot.pause()
        name = inbox.conversations[marked].root.author.name
        # The title as it will be drawn: the name's brackets are text, not markup.
        title_markup = screen.query_one(ReplyBox).border_title
        assert title_markup is not None
        assert Content.from_markup(title_markup).plain.startswith(f"Reply to {name.split()[0]}")
        assert_clean(drawn(app), "with the reply box open")


async def test_l_lists_everything_that_was_skipped(started: Start, make_app: AppFactory) -> None:
    async with started(make_app(HOSTILE)) as (app, pilot):
        skipped = app.triager.inbox.snapshot.skipped
        await pilot.press("L")
        await pilot.pause()
        report = app.screen
        assert isinstance(report, ReportScreen)
        assert f"{len(skipped)} items skipped or repaired" in "\n".join(drawn(app))
        await pilot.press("G")
        await pilot.pause()
        assert skipped[-1][:40] in "\n".join(drawn(app))
        assert_clean(drawn(app), "load report")
        await pilot.press("escape")
        assert isinstance(app.screen, InboxScreen)
