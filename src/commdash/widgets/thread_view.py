"""The thread of the highlighted conversation: every message, replies indented under their
parent, queued replies under the message they answer. A cursor marks one message (for hide).

Lines are laid out once per conversation and width (Line API), so a thread thousands of
messages deep scrolls as fast as a short one; very long texts are shown in part.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from commdash import model
from commdash.inbox import Inbox
from commdash.text import clip
from commdash.timeutil import short_age
from commdash.widgets.cells import terminal_text

MAX_INDENT_LEVELS = 8
INDENT = 2
TEXT_LIMIT = 4000
GUTTER = 2


@dataclass(frozen=True, slots=True)
class _Block:
    """The lines of one message (or queued reply) in the laid-out thread."""

    start: int
    end: int
    message_id: str | None
    """None for a queued reply, which has no id on the platform yet."""


class ThreadView(ScrollView, can_focus=True):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j,down", "next_message", "Next message", show=False, id="thread.next"),
        Binding("k,up", "previous_message", "Previous message", show=False, id="thread.previous"),
        Binding("g,home", "first_message", "First message", show=False, id="thread.first"),
        Binding("G,end", "last_message", "Last message", show=False, id="thread.last"),
        Binding("pagedown,space", "page_down", "Page down", show=False, id="thread.page-down"),
        Binding("pageup", "page_up", "Page up", show=False, id="thread.page-up"),
    ]

    COMPONENT_CLASSES = {
        "thread-view--author",
        "thread-view--ours",
        "thread-view--meta",
        "thread-view--hidden",
        "thread-view--queued",
        "thread-view--cursor",
    }

    DEFAULT_CSS = """
    ThreadView {
        background: $surface;
        scrollbar-size-vertical: 1;
        & > .thread-view--author { text-style: bold; }
        & > .thread-view--ours { color: $accent; text-style: bold; }
        & > .thread-view--meta { color: $text-muted; }
        & > .thread-view--hidden { color: $text-disabled; text-style: strike; }
        & > .thread-view--queued { color: $success; text-style: italic; }
        & > .thread-view--cursor { color: $accent; }
    }
    """

    cursor: reactive[int] = reactive(0, init=False)

    @dataclass
    class MessageHighlighted(Message):
        view: ThreadView
        message_id: str | None

    def __init__(self, inbox: Inbox, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.inbox = inbox
        self.conversation_id: str | None = None
        self._lines: list[Strip] = []
        self._blocks: list[_Block] = []
        self._laid_out_width = -1

    @property
    def current_message_id(self) -> str | None:
        if 0 <= self.cursor < len(self._blocks):
            return self._blocks[self.cursor].message_id
        return None

    def show(self, conversation_id: str | None) -> None:
        """Show another conversation (from its top), or the same one again after a change."""
        same = conversation_id == self.conversation_id
        keep = self.current_message_id if same else None
        self.conversation_id = conversation_id
        self._layout()
        ids = [block.message_id for block in self._blocks]
        self.set_reactive(ThreadView.cursor, ids.index(keep) if keep in ids else 0)
        if not same:
            self.scroll_to(y=0, animate=False, immediate=True)
        self.refresh()

    def _layout(self) -> None:
        width = self.scrollable_content_region.width
        self._laid_out_width = width
        self._lines, self._blocks = [], []
        cid = self.conversation_id
        if cid is None or width <= GUTTER + 4:
            self.virtual_size = Size(width, 0)
            return
        console = self.app.console
        inbox = self.inbox
        replies_by_parent: dict[str, list[Text]] = {}
        for reply in inbox.replies(cid):
            replies_by_parent.setdefault(reply.in_reply_to, []).append(
                self._reply_text(reply.text, reply.queued_at)
            )
        for message in inbox.conversations[cid].messages:
            indent = min(message.depth, MAX_INDENT_LEVELS) * INDENT
            visible = inbox.is_visible(cid, message)
            self._add_block(console, self._message_text(message, visible), indent, message.id)
            for reply_text in replies_by_parent.get(message.id, []):
                self._add_block(console, reply_text, indent + INDENT, None)
        self.virtual_size = Size(width, len(self._lines))

    def _message_text(self, message: model.Message, visible: bool) -> Text:
        now = self.inbox.clock.now()
        author_style = "thread-view--ours" if message.ours else "thread-view--author"
        text = Text(no_wrap=False)
        prefix = "└ " if message.depth else ""
        text.append(prefix + terminal_text(message.author.name), self._style(author_style))
        meta = f" · {short_age(now - message.created_at)} ago"
        if message.likes:
            meta += f" · ♥ {message.likes}"
        if message.depth > MAX_INDENT_LEVELS:
            meta += f" · depth {message.depth}"
        if not visible:
            meta += " · hidden"
        text.append(meta + "\n", self._style("thread-view--meta"))
        body, cut = clip(terminal_text(message.text), TEXT_LIMIT)
        text.append(body, self._style("thread-view--hidden") if not visible else Style())
        if cut:
            text.append(f"\n… {cut:,} more characters not shown", self._style("thread-view--meta"))
        return text

    def _reply_text(self, body: str, queued_at: float) -> Text:
        age = short_age(self.inbox.clock.now() - queued_at)
        text = Text(no_wrap=False)
        text.append(
            f"└ {self.inbox.snapshot.source.account.name}", self._style("thread-view--ours")
        )
        text.append(f" · queued {age} ago, not sent yet\n", self._style("thread-view--queued"))
        text.append(clip(terminal_text(body), TEXT_LIMIT)[0])
        return text

    def _style(self, component: str) -> Style:
        return self.get_component_rich_style(component, partial=True)

    def _add_block(self, console: Console, text: Text, indent: int, message_id: str | None) -> None:
        width = self._laid_out_width - GUTTER - indent
        start = len(self._lines)
        pad = Segment(" " * indent)
        for line in text.wrap(console, max(4, width)):
            self._lines.append(Strip([pad, *line.render(console)]))
        self._lines.append(Strip([]))
        self._blocks.append(_Block(start, len(self._lines) - 1, message_id))

    def render_line(self, y: int) -> Strip:
        index = y + int(self.scroll_offset.y)
        width = self.scrollable_content_region.width
        base = self.rich_style
        if index >= len(self._lines):
            return Strip.blank(width, base)
        block = self._blocks[self.cursor] if self.cursor < len(self._blocks) else None
        marked = block is not None and block.start <= index < block.end
        gutter = Segment(
            "▌ " if marked and self.has_focus else "  ", self._style("thread-view--cursor")
        )
        segments = Segment.apply_style([gutter, *self._lines[index]], base)
        return Strip(segments).adjust_cell_length(width, base)

    def on_resize(self, event: events.Resize) -> None:
        if self.scrollable_content_region.width != self._laid_out_width:
            self._layout()
            self.refresh()

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    def watch_cursor(self, cursor: int) -> None:
        if 0 <= cursor < len(self._blocks):
            block = self._blocks[cursor]
            height = self.scrollable_content_region.height
            top = int(self.scroll_offset.y)
            if block.start < top or block.end - block.start > height:
                self.scroll_to(y=block.start, animate=False, immediate=True)
            elif block.end > top + height:
                self.scroll_to(y=block.end - height, animate=False, immediate=True)
        self.refresh()
        self.post_message(self.MessageHighlighted(self, self.current_message_id))

    def _move(self, delta: int) -> None:
        if self._blocks:
            self.cursor = max(0, min(len(self._blocks) - 1, self.cursor + delta))

    def action_next_message(self) -> None:
        self._move(1)

    def action_previous_message(self) -> None:
        self._move(-1)

    def action_first_message(self) -> None:
        self._move(-len(self._blocks))

    def action_last_message(self) -> None:
        self._move(len(self._blocks))

    def action_page_down(self) -> None:
        self.scroll_page_down(animate=False)

    def action_page_up(self) -> None:
        self.scroll_page_up(animate=False)
