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
        """Act on every key here, in the order typed.

        TextArea types a character as soon as it gets it, but a key with a binding
        (backspace, the arrows, ctrl+s) acts only once it has bubbled up to the app; in a
        burst of keys, "ab⌫c" would become "abc" and then lose the "c". So a bound key runs
        its action here and now.
        """
        if self.screen.focused is not self:  # has_focus would follow only a turn later
            # Sent here before the focus moved on (after ctrl+s or escape): TextArea must
            # not type it; the app sends it on to the widget focused now.
            event.prevent_default()
            return
        if event.is_printable or event.key == "enter":
            return  # TextArea types it
        active = self.screen.active_bindings.get(event.key)
        if active is not None and active.enabled:
            event.stop()
            event.prevent_default()
            await self.app.run_action(active.binding.action, active.node)
