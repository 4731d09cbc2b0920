"""The thread of the highlighted conversation: every message, replies indented under their
parent, queued replies under the message they answer. A cursor marks one message or queued
reply (for reply, hide, retry, discard); it stays on that item, by id, when the thread is laid
out again after a change.

Lines are laid out once per conversation and width (Line API), so a thread thousands of
messages deep scrolls as fast as a short one; very long texts are shown in part.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar, Protocol, TypeVar

from rich.segment import Segment
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.strip import Strip

from commdash.hints import Hint, Press
from commdash.inbox import Inbox
from commdash.model import Message
from commdash.outbox import RENEW_TOKEN, Reply
from commdash.text import clip, one_line
from commdash.timeutil import ago, duration
from commdash.triage import Note, RuleMark
from commdash.ui.widgets.cells import terminal_text, wrap
from commdash.ui.widgets.cursor_view import CursorView
from commdash.ui.widgets.notices import key_namer

MAX_INDENT_LEVELS = 8
INDENT = 2
TEXT_LIMIT = 4000
GUTTER = 2


HEADER, BODY, ASIDE, BLANK = range(4)


@dataclass(frozen=True, slots=True)
class _Block:
    """One message (or queued reply) of the laid-out thread."""

    header: tuple[tuple[str, str], ...]
    """(text, component class) pieces of the first line."""
    body: str
    body_style: str
    aside: str
    """Lines in the muted colour under the text: what was cut, what to do."""
    indent: int
    start: int
    """The block's first line in the thread."""
    end: int
    """One past its last line of text (the blank line after it is not included)."""
    message_id: str | None
    """None for a reply of the outbox, which has no id on the platform yet."""
    reply_id: str | None = None
    """For a reply of the outbox: its id there."""
    answers: str | None = None
    """For a reply of the outbox: the message it answers; for a note: the message it
    follows."""
    note: Note | None = None
    """For an internal note: the note."""

    @property
    def key(self) -> tuple[str | None, str | None, str | None]:
        """What the block shows, whatever its place: (message id, outbox id, note id)."""
        return self.message_id, self.reply_id, None if self.note is None else self.note.id


class ThreadView(CursorView):
    """The cursor is on one message or queued reply (a block of lines)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j,down", "cursor_down", "Next message", show=False, id="thread.next"),
        Binding("k,up", "cursor_up", "Previous message", show=False, id="thread.previous"),
        Binding("g,home", "cursor_first", "First message", show=False, id="thread.first"),
        Binding("G,end", "cursor_last", "Last message", show=False, id="thread.last"),
        Binding(
            "pagedown,space,ctrl+f", "page_down", "Page down", show=False, id="thread.page-down"
        ),
        Binding("pageup,ctrl+b", "page_up", "Page up", show=False, id="thread.page-up"),
    ]

    COMPONENT_CLASSES = {
        "thread-view--author",
        "thread-view--ours",
        "thread-view--meta",
        "thread-view--hidden",
        "thread-view--queued",
        "thread-view--failed",
        "thread-view--cursor",
        "thread-view--note",
        "thread-view--note-text",
    }

    DEFAULT_CSS = """
    ThreadView {
        background: $surface;
        overflow-x: hidden;
        scrollbar-size-vertical: 1;
        & > .thread-view--author { text-style: bold; }
        & > .thread-view--ours { color: $accent; text-style: bold; }
        & > .thread-view--meta { color: $text-muted; }
        & > .thread-view--hidden { color: $text-disabled; text-style: strike; }
        & > .thread-view--queued { color: $success; text-style: italic; }
        & > .thread-view--failed { color: $error; text-style: bold; }
        & > .thread-view--cursor { color: $accent; }
        & > .thread-view--note { color: $warning; text-style: bold; }
        & > .thread-view--note-text { color: $text-warning; }
    }
    """

    def __init__(self, inbox: Inbox, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.inbox = inbox
        self.conversation_id: str | None = None
        self._lines: list[tuple[int, int, int, int]] = []
        """Per line: (block index, kind, start and end offsets in the block's body)."""
        self._blocks: list[_Block] = []
        self._strips: dict[int, Strip] = {}
        self._laid_out_width = -1

    @property
    def item_count(self) -> int:
        return len(self._blocks)

    def item_span(self, index: int) -> tuple[int, int]:
        block = self._blocks[index]
        return block.start, block.end

    def item_at(self, line: int) -> int:
        return max(0, bisect_right(self._blocks, line, key=lambda block: block.start) - 1)

    @property
    def current_message_id(self) -> str | None:
        if 0 <= self.cursor < len(self._blocks):
            return self._blocks[self.cursor].message_id
        return None

    @property
    def current_reply_id(self) -> str | None:
        """The outbox id of the highlighted reply, when a reply of the outbox is."""
        if 0 <= self.cursor < len(self._blocks):
            return self._blocks[self.cursor].reply_id
        return None

    @property
    def current_note(self) -> Note | None:
        """The internal note highlighted, when a note is."""
        if 0 <= self.cursor < len(self._blocks):
            return self._blocks[self.cursor].note
        return None

    def show(self, conversation_id: str | None) -> None:
        """Show another conversation (from its top), or the same one again after a change:
        then the cursor stays on the same message or reply, wherever the change moved it."""
        same = conversation_id == self.conversation_id
        kept = self._blocks[self.cursor] if same and self.cursor < len(self._blocks) else None
        self.conversation_id = conversation_id
        self._layout()
        self.set_reactive(ThreadView.cursor, self._index_of(kept))
        if not same:
            self.scroll_to(y=0, animate=False, immediate=True)
        elif self.screen.focused is self:
            self._reveal_cursor()
        self.refresh()

    def highlight_reply(self, reply_id: str) -> None:
        """Put the cursor on the reply of the outbox ``reply_id``, if the thread shows it."""
        for index, block in enumerate(self._blocks):
            if block.reply_id == reply_id:
                self.cursor = index
                return

    def highlight_note(self, note_id: str) -> None:
        """Put the cursor on the note ``note_id``, if the thread shows it."""
        for index, block in enumerate(self._blocks):
            if block.note is not None and block.note.id == note_id:
                self.cursor = index
                return

    def _index_of(self, block: _Block | None) -> int:
        """Where ``block`` is now; if it is gone (a reply sent or discarded, a message
        deleted on the platform), the message it answered, never another reply: the next
        key must not act on a reply the manager did not choose."""
        if block is None:
            return 0
        keys = [laid.key for laid in self._blocks]
        for key in (block.key, (block.answers, None, None)):
            if key in keys:
                return keys.index(key)
        return 0

    def _layout(self) -> None:
        """Wrap every message to the current width. Only offsets are kept; strips are made
        when a line is drawn, so a thread 10,000 messages deep lays out in a blink."""
        width = self.scrollable_content_region.width
        self._laid_out_width = width
        self._lines, self._blocks, self._strips = [], [], {}
        cid = self.conversation_id
        if cid is not None and cid not in self.inbox.conversations:
            cid = self.conversation_id = None  # gone from the source
        if cid is None or width <= GUTTER + 4:
            self.virtual_size = Size(width, 0)
            return
        inbox = self.inbox
        now = inbox.clock.now()
        keys = key_namer(self)
        replies_by_parent: dict[str, list[Reply]] = {}
        for reply in inbox.replies(cid):
            replies_by_parent.setdefault(reply.in_reply_to, []).append(reply)
        messages = inbox.conversations[cid].messages
        state = inbox.state(cid)
        notes_after = _notes_by_place(messages, state.notes)
        ruled_after = _notes_by_place(messages, state.rules)
        for mark in ruled_after.get(-1, []):
            self._add_rule_mark(mark, None, now)
        for note in notes_after.get(-1, []):
            self._add_note(note, None, now)
        for place, message in enumerate(messages):
            indent = min(message.depth, MAX_INDENT_LEVELS) * INDENT
            visible = inbox.is_visible(cid, message)
            meta = f" · {ago(now - message.created_at)}"
            if message.likes:
                meta += f" · ♥ {message.likes}"
            if message.depth > MAX_INDENT_LEVELS:
                meta += f" · depth {message.depth}"
            if not visible:
                meta += " · hidden"
            if message.read_only:
                meta += " · read-only"
            author = ("└ " if message.depth else "") + terminal_text(message.author.name)
            header = (
                (author, "thread-view--ours" if message.ours else "thread-view--author"),
                (meta, "thread-view--meta"),
            )
            body, cut = clip(message.text, TEXT_LIMIT)
            aside = f"… {cut:,} more characters not shown" if cut else ""
            style = "" if visible else "thread-view--hidden"
            self._add_block(header, terminal_text(body), style, aside, indent, message.id)
            for reply in replies_by_parent.get(message.id, []):
                header = (
                    ("└ " + terminal_text(inbox.snapshot.source.account.name), "thread-view--ours"),
                    reply_state(reply, now),
                )
                body, cut = clip(reply.text, TEXT_LIMIT)
                asides = [f"… {cut:,} more characters not shown"] if cut else []
                if reply.error:
                    asides.append(terminal_text(one_line(reply.error, 300)))
                hint = what_to_do(reply)
                if hint is not None:
                    asides.append(hint.spelled(keys))
                aside, text = " · ".join(asides), terminal_text(body)
                self._add_block(header, text, "", aside, indent + INDENT, None, reply)
            for mark in ruled_after.get(place, []):
                self._add_rule_mark(mark, message.id, now)
            for note in notes_after.get(place, []):
                self._add_note(note, message.id, now)
        self.virtual_size = Size(width, len(self._lines))

    def _add_note(self, note: Note, after: str | None, now: float) -> None:
        """An internal note, in its own colours, after the message ``after``."""
        author = terminal_text(one_line(note.author, 60))
        header = (
            ("✎ note", "thread-view--note"),
            (f" · {author} · {ago(now - note.at)}", "thread-view--meta"),
        )
        body, cut = clip(note.text, TEXT_LIMIT)
        aside = f"… {cut:,} more characters not shown" if cut else ""
        style = "thread-view--note-text"
        self._add_block(header, terminal_text(body), style, aside, 0, None, note=note, after=after)

    def _add_rule_mark(self, mark: RuleMark, after: str | None, now: float) -> None:
        """A line saying what a rule of the config did, as an aside after ``after``."""
        said = terminal_text(one_line(f"rule {mark.rule}: {mark.did}", 200))
        header = ((said, "thread-view--meta"), (f" · {ago(now - mark.at)}", "thread-view--meta"))
        self._add_block(header, "", "", "", 0, None, after=after)

    def _add_block(
        self,
        header: tuple[tuple[str, str], ...],
        body: str,
        body_style: str,
        aside: str,
        indent: int,
        message_id: str | None,
        reply: Reply | None = None,
        note: Note | None = None,
        after: str | None = None,
    ) -> None:
        index = len(self._blocks)
        start = len(self._lines)
        self._lines.append((index, HEADER, 0, 0))
        if body:
            width = self._laid_out_width - GUTTER - indent
            self._lines.extend((index, BODY, a, b) for a, b in wrap(body, width))
        if aside:
            width = self._laid_out_width - GUTTER - indent
            self._lines.extend((index, ASIDE, a, b) for a, b in wrap(aside, width))
        end = len(self._lines)
        self._lines.append((index, BLANK, 0, 0))
        reply_id, answers = (reply.id, reply.in_reply_to) if reply is not None else (None, after)
        self._blocks.append(
            _Block(
                header,
                body,
                body_style,
                aside,
                indent,
                start,
                end,
                message_id,
                reply_id,
                answers,
                note,
            )
        )

    def _strip(self, index: int) -> Strip:
        """The text of line ``index``, without gutter or background (cached)."""
        strip = self._strips.get(index)
        if strip is None:
            block_index, kind, start, end = self._lines[index]
            block = self._blocks[block_index]
            segments = [Segment(" " * block.indent)]
            if kind == HEADER:
                segments += [
                    Segment(text, self.component_style(style)) for text, style in block.header
                ]
            elif kind == BODY:
                segments.append(
                    Segment(block.body[start:end], self.component_style(block.body_style))
                )
            elif kind == ASIDE:
                aside = block.aside[start:end]
                segments.append(Segment(aside, self.component_style("thread-view--meta")))
            strip = self._strips[index] = Strip(segments)
        return strip

    def render_line(self, y: int) -> Strip:
        index = y + int(self.scroll_offset.y)
        width = self.scrollable_content_region.width
        base = self.base_style
        if index >= len(self._lines):
            return Strip.blank(width, base)
        block = self._blocks[self.cursor] if self.cursor < len(self._blocks) else None
        marked = block is not None and block.start <= index < block.end and self.has_focus
        gutter = Segment("▌ " if marked else "  ", self.component_style("thread-view--cursor"))
        segments = Segment.apply_style([gutter, *self._strip(index)], base)
        return Strip(segments).adjust_cell_length(width, base)

    def on_resize(self, event: events.Resize) -> None:
        self._fit_width()

    def watch_show_vertical_scrollbar(self) -> None:
        """A thread taller than the pane brings the scrollbar, which takes a column (a short
        one gives it back): without this, every full line lost its last character."""
        self._fit_width()

    def _fit_width(self) -> None:
        """Wrap the thread again if the width it has to fill changed."""
        if self.scrollable_content_region.width != self._laid_out_width:
            self._layout()
            self.refresh()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._strips.clear()

    def on_focus(self) -> None:
        """Entering the thread shows the highlighted message, wherever it was scrolled (and
        CursorView.on_focus redraws it)."""
        self._reveal_cursor()

    def _reveal_cursor(self) -> None:
        """Scroll the highlighted block into view unless some of it is in view already (a
        long message being read stays where it is)."""
        if 0 <= self.cursor < len(self._blocks):
            block = self._blocks[self.cursor]
            top = int(self.scroll_offset.y)
            if not block.start < top + self.scrollable_content_region.height or block.end <= top:
                self._scroll_to_cursor()


class _Timed(Protocol):
    @property
    def at(self) -> float: ...


_T = TypeVar("_T", bound=_Timed)


def _notes_by_place(messages: Sequence[Message], items: Sequence[_T]) -> dict[int, list[_T]]:
    """Where each note (or rule's mark) goes among the messages (in thread order, not always
    in time order): after the latest message written by then (-1: before the first), in
    time order."""
    order = sorted(range(len(messages)), key=lambda i: (messages[i].created_at, i))
    times = [messages[i].created_at for i in order]
    places: dict[int, list[_T]] = {}
    for item in sorted(items, key=lambda item: item.at):
        written = bisect_right(times, item.at)
        places.setdefault(order[written - 1] if written else -1, []).append(item)
    return places


NOT_SENT = Hint(
    Press("triage.reply"),
    " edits, ",
    Press("outbox.retry"),
    " retries, ",
    Press("outbox.discard"),
    " discards",
)


def what_to_do(reply: Reply) -> Hint | None:
    """What the manager can do about a reply that waits for them, under it (wrapped, so it
    is never cut off at 80 columns); None when it waits for nobody."""
    if reply.status == "failed":
        return NOT_SENT
    return RENEW_TOKEN if reply.paused else None


def reply_state(reply: Reply, now: float) -> tuple[str, str]:
    """How a reply of the outbox stands, for its header: text and component class."""
    if reply.status == "failed":
        return (" · not sent", "thread-view--failed")
    if reply.status == "sending":
        return (" · sending…", "thread-view--queued")
    if reply.status == "sent":
        return (" · sent, not synced yet", "thread-view--queued")
    if reply.paused:
        return (" · paused: token refused", "thread-view--failed")  # the aside says what to do
    if reply.attempts:
        wait = max(0.0, reply.next_attempt_at - now)
        return (f" · queued, retrying in {duration(wait)}", "thread-view--failed")
    return (f" · queued {ago(now - reply.queued_at)}, not sent yet", "thread-view--queued")
