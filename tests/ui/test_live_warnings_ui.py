"""The recorded Graph answers replayed on 127.0.0.1 into the TUI: the comments whose ids Graph
withheld are shown read-only, `L` lists and explains what was repaired, and the screen's
figures are those of `commdash stats`."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from _screen import AppFactory, ConfigureSource, Start, listing, notices, shown, thread, until
from servers.graph import RecordedGraph
from textual.pilot import Pilot

from commdash.cli import stats_document
from commdash.sources import graph as graph_module
from commdash.ui.app import CommdashApp
from commdash.ui.screens.inbox import InboxScreen
from commdash.ui.screens.report import ReportScreen
from commdash.ui.widgets.live_sync import LiveSync
from commdash.ui.widgets.reply_box import ReplyBox

NOW = "2021-08-15T09:00:00Z"


@pytest.fixture
def recorded() -> Iterator[RecordedGraph]:
    with RecordedGraph().running() as server:
        yield server


@pytest.fixture
def graph_app(
    make_app: AppFactory, configure_source: ConfigureSource, recorded: RecordedGraph
) -> Callable[[], CommdashApp]:
    """The app on ``recorded``, named ``fb`` in the config, at the time of the recording."""
    configure_source(
        "fb",
        recorded.token,
        kind="facebook",
        url=recorded.base_url,
        page_id=recorded.page_id,
        allow_http=True,
        days=3650,
    )
    return lambda: make_app("fb", now=NOW)


async def report_text(pilot: Pilot[None], app: CommdashApp) -> str:
    await pilot.press("L")
    await pilot.pause()
    assert isinstance(app.screen, ReportScreen)
    drawn = "\n".join(line for widget in app.screen.walk_children() for line in shown(widget))
    await pilot.press("escape")
    await pilot.pause()
    assert isinstance(app.screen, InboxScreen)
    return drawn


async def test_the_recorded_comments_are_read_only_and_l_explains_them(
    started: Start, graph_app: Callable[[], CommdashApp], recorded: RecordedGraph
) -> None:
    async with started(graph_app()) as (app, pilot):
        await until(pilot, lambda: listing(app).row_count > 0)
        inbox = app.triager.inbox
        figures = stats_document(app.session, inbox.figures(), inbox.clock.now())
        assert (figures["conversations"], figures["skipped"]) == (10, 16)
        assert listing(app).row_count == figures["needs_reply"] == 10
        # Told once, the cause first, with the count stats and L give; a poll that finds
        # the same says nothing more.
        cause = graph_module.CAUSES[graph_module.SCHEDULED_REFUSED]
        told = [f"Sync: {cause} · 16 items skipped or repaired in all; L lists them"]
        assert [n for n in notices(app) if n.startswith("Sync: ")] == told
        asked = len(recorded.server.log)
        await pilot.press("dollar_sign")
        sync = app.screen.query_one(LiveSync)
        await until(pilot, lambda: len(recorded.server.log) > asked and not sync.pulling)
        assert [n for n in notices(app) if n.startswith("Sync: ")] == told
        assert app.triager.inbox.snapshot.skipped_count == 16

        report = await report_text(pilot, app)
        assert "16 items skipped or repaired while loading" in report
        assert "Nothing was skipped" not in report
        assert report.count("Why: ") == 2 and "pages_manage_engagement" in report
        assert report.count("no id; shown read-only as") == 15

        assert any("read-only" in line for line in shown(thread(app)))
        await pilot.press("r")
        await pilot.pause()
        assert "read-only" in notices(app)[-1]
        assert not app.screen.query_one(ReplyBox).display
        await pilot.press("enter", "j", "h")  # a reply, in the thread
        await pilot.pause()
        assert "read-only" in notices(app)[-1]
        assert app.triager.store.replies() == []


async def test_the_offline_copy_keeps_what_was_skipped(
    started: Start, graph_app: Callable[[], CommdashApp], recorded: RecordedGraph
) -> None:
    async with started(graph_app()) as (app, pilot):
        await until(pilot, lambda: listing(app).row_count > 0)
    recorded.server.stop()  # the next start cannot reach the source

    async with started(graph_app()) as (app, pilot):
        assert listing(app).row_count == 10
        assert app.triager.inbox.snapshot.skipped_count == 16
        report = await report_text(pilot, app)
        assert "16 items skipped or repaired" in report and report.count("Why: ") == 2
