"""The reply box under the thread: type, ctrl+s queues, escape keeps the draft."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import TextArea


class ReplyBox(TextArea):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "queue", "Queue reply", id="reply.queue"),
        Binding("escape", "close", "Close, keep draft", id="reply.close"),
        Binding("ctrl+e", "edit_externally", "Edit in $EDITOR", id="reply.editor"),
    ]

    DEFAULT_CSS = """
    ReplyBox { height: 8; border: round $accent; }
    .-narrow ReplyBox { height: 6; }
    """

    @dataclass
    class Queued(Message):
        """The manager asked to queue the reply."""

        box: ReplyBox
        text: str

    @dataclass
    class Closed(Message):
        """The box was closed; ``text`` is the draft to keep."""

        box: ReplyBox
        text: str

    @dataclass
    class EditorRequested(Message):
        box: ReplyBox

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, soft_wrap=True, show_line_numbers=False, tab_behavior="focus")

    def action_queue(self) -> None:
        self.post_message(self.Queued(self, self.text))

    def action_close(self) -> None:
        self.post_message(self.Closed(self, self.text))

    def action_edit_externally(self) -> None:
        self.post_message(self.EditorRequested(self))
