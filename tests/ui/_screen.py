"""Reading what the app shows, for the Pilot tests."""

from __future__ import annotations

import re
from collections.abc import Callable

from textual.widget import Widget
from textual.widgets import Static

from commdash.app import CommdashApp
from commdash.widgets.conversation_list import ConversationList
from commdash.widgets.gauges import Gauges
from commdash.widgets.thread_view import ThreadView

AppFactory = Callable[..., CommdashApp]
SIZE = (120, 40)


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
