"""Reading what the app shows, and typing into it, for the Pilot tests."""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from typing import Protocol

from textual import events
from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import Static

from commdash.ui.app import CommdashApp
from commdash.ui.widgets.conversation_list import ConversationList
from commdash.ui.widgets.gauges import Gauges
from commdash.ui.widgets.thread_view import ThreadView

AppFactory = Callable[..., CommdashApp]
SIZE = (120, 40)
NOW = "2026-11-25T09:00:00Z"
LIVE_TOKEN = "tok-ui-3c9a"

ConfigureSource = Callable[..., None]
Running = tuple[CommdashApp, Pilot[None]]


class Start(Protocol):
    """The ``started`` fixture: ``async with started(app) as (app, pilot)``."""

    def __call__(
        self,
        app: CommdashApp | None = None,
        *,
        size: tuple[int, int] = SIZE,
        notifications: bool = False,
    ) -> AbstractAsyncContextManager[Running]: ...


def shown(widget: Widget) -> list[str]:
    """The text of every line the widget draws now."""
    return [widget.render_line(y).text for y in range(widget.size.height)]


def gauge(app: CommdashApp, label: str) -> str:
    """The value the gauges show next to ``label``."""
    for line in shown(app.screen.query_one(Gauges)):
        found = re.match(rf"\s*{re.escape(label)}\s+(\S.*?)\s*$", line)
        if found:
            return found.group(1)
    raise AssertionError(f"no {label!r} row in the gauges: {shown(app.screen.query_one(Gauges))}")


def title(app: CommdashApp) -> str:
    return shown(app.screen.query_one("#list-title", Static))[0].strip()


def listing(app: CommdashApp) -> ConversationList:
    return app.screen.query_one(ConversationList)


def thread(app: CommdashApp) -> ThreadView:
    return app.screen.query_one(ThreadView)


def notices(app: CommdashApp) -> list[str]:
    """Every notification raised so far, oldest first."""
    return [notice.message for notice in app._notifications]


def notice_count(app: CommdashApp) -> int:
    """How many notifications were raised so far."""
    return len(notices(app))


def last_notice(app: CommdashApp) -> str:
    said = notices(app)
    return said[-1] if said else ""


async def thread_to_reply(pilot: Pilot[None], app: CommdashApp, reply_id: str) -> None:
    """Focus the thread and move its cursor down to the reply of the outbox ``reply_id``."""
    await pilot.press("enter")
    for _ in range(50):
        if thread(app).current_reply_id == reply_id:
            return
        await pilot.press("j")
    raise AssertionError(f"reply {reply_id} not found in the thread")


KEY_NAMES = {" ": "space", ",": "comma", ".": "full_stop", "!": "exclamation_mark", "/": "slash"}


def burst(app: CommdashApp, *keys: str) -> None:
    """Press ``keys`` as a terminal hands them over when the app was busy (a sync, a redraw,
    a slow SSH link): all queued at once, before the first is handled. A key is a name
    (``backspace``, ``ctrl+s``) or one character."""
    for key in keys:
        character = key if len(key) == 1 else None
        app.post_message(events.Key(KEY_NAMES.get(key, key), character))


async def until(pilot: Pilot[None], done: Callable[[], bool], seconds: float = 10.0) -> None:
    """Let the app run until ``done()``; fail after ``seconds``."""
    deadline = time.monotonic() + seconds
    while not done():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.02)
        await pilot.pause()
