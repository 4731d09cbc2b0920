"""A live source at 80x24: the header keeps the counts, then delivery and sync problems; a
source never synced says "no data yet"; a failing sync is told once; a refused reply is
marked in the list."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from _screen import Start, listing, shown, until
from servers.base import Response
from servers.native import EXPORT_PATH, REPLY_PATH, FakeNative

from commdash.outbox import TOKEN_REFUSED
from commdash.ui.app import CommdashApp
from commdash.ui.screens.live_inbox import LiveInboxScreen
from commdash.ui.widgets.gauges import Gauges
from commdash.ui.widgets.status_bar import StatusBar

NARROW = (80, 24)


def header(app: CommdashApp) -> str:
    return shown(app.screen.query_one(StatusBar))[0]


def sync_notices(app: CommdashApp) -> int:
    return sum(n.message.startswith("Sync failed") for n in app._notifications)


async def test_a_refused_reply_is_marked_failed_in_the_list(
    started: Start, make_live_app: Callable[[], CommdashApp], live_server: FakeNative
) -> None:
    live_server.server.fail_next("POST", REPLY_PATH, Response(422, {"error": "closed"}))
    app = make_live_app()
    async with started(app, size=NARROW) as (app, pilot):
        await until(pilot, lambda: listing(app).row_count > 0)
        cid = listing(app).current
        assert cid is not None
        await pilot.press("r", *"Thanks", "ctrl+s")
        row = listing(app).cursor
        await until(pilot, lambda: app.triager.inbox.replies(cid)[0].status == "failed")
        await pilot.pause()
        assert "↩failed" in shown(listing(app))[row]
        assert "↩queued" not in shown(listing(app))[row]


async def test_the_header_keeps_counts_then_delivery_then_sync_problems_at_80_columns(
    started: Start, make_live_app: Callable[[], CommdashApp], live_server: FakeNative
) -> None:
    app = make_live_app()
    async with started(app, size=NARROW) as (app, pilot):
        await until(pilot, lambda: listing(app).row_count > 0)
        live_server.token = "revoked"
        await pilot.press("r", *"Thanks", "ctrl+s")
        await until(pilot, lambda: "paused" in header(app))
        await pilot.press("escape", "ctrl+r")
        await until(pilot, lambda: "sync failed" in header(app))
        line = header(app)
        order = ["need reply", "over SLA", "delivery paused (1 waiting)", "sync failed"]
        assert all(words in line for words in order), line
        assert [line.index(words) for words in order] == sorted(line.index(w) for w in order)

        await pilot.resize_terminal(160, 48)
        await pilot.pause()
        line = header(app)
        assert (
            f"{TOKEN_REFUSED} — renew it, then press R (1 waiting)" in line
        )  # with room, how to fix it
        assert "Fake team (generic)" in line and "data under 1m old" in line


async def test_a_source_never_synced_reads_no_data_yet_not_zero(
    started: Start, make_live_app: Callable[[], CommdashApp], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TEAM_TOKEN", "refused")
    app = make_live_app()
    async with started(app, size=(160, 48)) as (app, pilot):
        await until(pilot, lambda: "sync failed" in header(app))
        assert "no data yet" in header(app)
        assert "need reply" not in header(app) and "over SLA" not in header(app)
        gauges = " ".join(shown(app.screen.query_one(Gauges)))
        assert "no data yet" in gauges
        assert "Waiting" not in gauges


async def test_a_failing_sync_is_told_once_and_kept_in_the_header(
    started: Start, make_live_app: Callable[[], CommdashApp], live_server: FakeNative
) -> None:
    app = make_live_app()
    async with started(app, size=NARROW, notifications=True) as (app, pilot):
        await until(pilot, lambda: listing(app).row_count > 0)
        screen = app.screen
        assert isinstance(screen, LiveInboxScreen)
        for status in (503, 502, 504):  # the retries fail, each in its own words
            live_server.server.fail_next("GET", EXPORT_PATH, Response(status, {"error": "down"}))
            await until(pilot, lambda: not screen.live.pulling)
            screen.live.pull_now()  # as the poll timer does
            await until(pilot, lambda: not screen.live.pulling)
            await pilot.pause()
            assert "offline" in header(app)
        assert sync_notices(app) == 1

        live_server.server.fail_next("GET", EXPORT_PATH, Response(503, {"error": "down"}))
        await pilot.press("dollar_sign")  # asked for: answered
        await until(pilot, lambda: sync_notices(app) == 2)
