"""The reply box under the thread: type, ctrl+s queues, escape keeps the draft.

The screen that holds the box does what its keys ask (``queue_reply``, ``close_reply``,
``edit_reply_externally``), at once: the keys typed after ``ctrl+s`` must find the box closed
and the focus back where the manager was.
"""

from __future__ import annotations

from typing import ClassVar

from textual import events
from textual.binding import Binding, BindingType
from textual.widgets import TextArea

from commdash.ui.widgets.text_entry import act_in_order

TYPED_KEYS = frozenset({"enter"})
"""Keys with no character that TextArea types itself."""


class ReplyBox(TextArea):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "screen.queue_reply", "Queue reply", id="reply.queue"),
        Binding("escape", "screen.close_reply", "Close, keep draft", id="reply.close"),
        Binding("ctrl+e", "screen.edit_reply_externally", "Edit in $EDITOR", id="reply.editor"),
    ]

    DEFAULT_CSS = """
    ReplyBox { height: 8; border: round $accent; }
    .-narrow ReplyBox { height: 6; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, soft_wrap=True, show_line_numbers=False, tab_behavior="focus")

    async def on_key(self, event: events.Key) -> None:
        await act_in_order(self, event, TYPED_KEYS)
