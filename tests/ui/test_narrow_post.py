"""p shows the highlighted conversation's post in full, or the post highlighted in the posts
pane: pending, scheduled and draft posts too, which no conversation leads to."""

from __future__ import annotations

from _screen import AppFactory, Start, listing, shown
from textual.pilot import Pilot
from textual.widgets import Static

from commdash.ui.app import CommdashApp
from commdash.ui.screens.inbox import InboxScreen
from commdash.ui.screens.post import PostScreen
from commdash.ui.widgets.post_queue import PostQueue


def page(app: CommdashApp) -> str:
    """The post screen's text, lines joined."""
    assert isinstance(app.screen, PostScreen)
    return " ".join(" ".join(shown(app.screen.query_one(Static))).split())


async def highlight_post(app: CommdashApp, pilot: Pilot[None], status: str) -> str:
    """Focus the posts pane on the first post of ``status``; its id."""
    await pilot.press("shift+tab")
    posts = app.screen.query_one(PostQueue)
    assert app.screen.focused is posts and posts.summaries is not None
    index = next(i for i, s in enumerate(posts.summaries) if s.post.status == status)
    posts.cursor = index + 1  # after "All posts"
    await pilot.pause()
    assert posts.current is not None
    return posts.current


async def test_p_shows_the_conversations_post_in_full(started: Start, make_app: AppFactory) -> None:
    app = make_app()
    async with started(app, size=(80, 24)) as (app, pilot):
        inbox = app.triager.inbox
        cid = listing(app).current
        assert cid is not None
        post = inbox.posts[inbox.conversations[cid].post_id]
        await pilot.press("p")
        text = page(app)
        assert text.startswith(f"{post.channel} · published ")
        assert " ".join(post.text.split())[-60:] in text  # the whole text, to its end
        for kind, count in post.reactions.items():
            assert f"{kind} {count}" in text
        assert "Shares unknown" in text  # unknown is not zero
        assert f"Link {post.permalink}" in text
        figures = inbox.figures(post.id).conversation
        assert f"{figures.needs_reply} need a reply" in text

        await pilot.press("y")
        assert app.clipboard == post.permalink
        await pilot.press("p")  # p closes it again
        assert isinstance(app.screen, InboxScreen)


async def test_a_pending_post_is_opened_from_the_posts_pane(
    started: Start, make_app: AppFactory
) -> None:
    app = make_app()
    async with started(app, size=(80, 24)) as (app, pilot):
        post = app.triager.inbox.posts[await highlight_post(app, pilot, "pending")]
        await pilot.press("p")
        text = page(app)
        assert "pending: waiting for a moderator's approval" in text
        assert " ".join(post.text.split())[:60] in text
        await pilot.press("Y")
        assert app.clipboard == post.text
        await pilot.press("escape")
        assert isinstance(app.screen, InboxScreen)


async def test_a_scheduled_post_says_when(started: Start, make_app: AppFactory) -> None:
    app = make_app()
    async with started(app, size=(80, 24)) as (app, pilot):
        await highlight_post(app, pilot, "scheduled")
        await pilot.press("p")
        assert " · scheduled for " in page(app)
