"""The recorded Graph answers replayed on 127.0.0.1 into the TUI: the comments whose ids Graph
withheld are shown read-only, `L` lists and explains what was repaired, and the screen's
figures are those of `commdash stats`."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from _screen import listing, shown, thread
from servers.graph import RecordedGraph
from textual.pilot import Pilot

from commdash.cli import stats_document
from commdash.session import open_session
from commdash.sources import graph as graph_module
from commdash.timeutil import Clock, parse_now
from commdash.ui.app import CommdashApp
from commdash.ui.screens.inbox import InboxScreen
from commdash.ui.screens.report import ReportScreen
from commdash.ui.widgets.live_sync import LiveSync
from commdash.ui.widgets.reply_box import ReplyBox

NOW = "2021-08-15T09:00:00Z"
SIZE = (120, 40)


@pytest.fixture
def recorded() -> Iterator[RecordedGraph]:
    with RecordedGraph().running() as server:
        yield server


@pytest.fixture
def make_app(
    isolated_dirs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, recorded: RecordedGraph
) -> Callable[[], CommdashApp]:
    config = tmp_path / "config.toml"
    config.write_text(
        f'[sources.fb]\nkind = "facebook"\nurl = "{recorded.base_url}"\n'
        f'page_id = "{recorded.page_id}"\nallow_http = true\ndays = 3650\n'
        'token_env = "FB_TOKEN"\npoll_seconds = 3600\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("COMMDASH_CONFIG", str(config))
    monkeypatch.setenv("FB_TOKEN", recorded.token)

    def build() -> CommdashApp:
        clock = Clock(parse_now(NOW))
        return CommdashApp(open_session("fb", str(isolated_dirs), clock, 60.0), clock)

    return build


async def until(pilot: Pilot[None], done: Callable[[], bool], seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while not done():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.05)
        await pilot.pause()


def notices(app: CommdashApp) -> list[str]:
    return [str(notice.message) for notice in app._notifications]


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
    make_app: Callable[[], CommdashApp], recorded: RecordedGraph
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: listing(app).row_count > 0)
        inbox = app.triager.inbox
        figures = stats_document(app.session, inbox.figures(), inbox.clock.now())
        assert (figures["conversations"], figures["skipped"]) == (10, 16)
        assert listing(app).row_count == figures["needs_reply"] == 10
        # Told once, the cause first; a poll that finds the same says nothing more.
        told = [f"Skipped: {graph_module.CAUSES[graph_module.SCHEDULED_REFUSED]} (and 17 more)"]
        assert [n for n in notices(app) if n.startswith("Skipped: ")] == told
        asked = len(recorded.server.log)
        await pilot.press("dollar_sign")
        sync = app.screen.query_one(LiveSync)
        await until(pilot, lambda: len(recorded.server.log) > asked and not sync.pulling)
        assert [n for n in notices(app) if n.startswith("Skipped: ")] == told
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
    make_app: Callable[[], CommdashApp], recorded: RecordedGraph
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: listing(app).row_count > 0)
    recorded.server.stop()  # the next start cannot reach the source

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert listing(app).row_count == 10
        assert app.triager.inbox.snapshot.skipped_count == 16
        report = await report_text(pilot, app)
        assert "16 items skipped or repaired" in report and report.count("Why: ") == 2
