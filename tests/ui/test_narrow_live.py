"""A live source at 80x24: the header keeps the counts, then delivery and sync problems; a
source never synced says "no data yet"; a failing sync is told once; a refused reply is
marked in the list."""

from __future__ import annotations

from collections.abc import Callable

from _screen import listing, shown, until
from servers.base import Response
from servers.native import REPLY_PATH, FakeNative

from commdash.ui.app import CommdashApp

NARROW = (80, 24)


async def test_a_refused_reply_is_marked_failed_in_the_list(
    make_live_app: Callable[[], CommdashApp], live_server: FakeNative
) -> None:
    live_server.server.fail_next("POST", REPLY_PATH, Response(422, {"error": "closed"}))
    app = make_live_app()
    async with app.run_test(size=NARROW) as pilot:
        await until(pilot, lambda: listing(app).row_count > 0)
        cid = listing(app).current
        assert cid is not None
        await pilot.press("r", *"Thanks", "ctrl+s")
        row = listing(app).cursor
        await until(pilot, lambda: app.triager.inbox.replies(cid)[0].status == "failed")
        await pilot.pause()
        assert "↩failed" in shown(listing(app))[row]
        assert "↩queued" not in shown(listing(app))[row]
