"""The conversation list: one row per conversation of the current view."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import ClassVar

from rich.segment import Segment
from textual.binding import Binding, BindingType

from commdash.inbox import Inbox
from commdash.presence import marker
from commdash.text import cell_width, one_line
from commdash.timeutil import short_age
from commdash.ui.marks import Marks
from commdash.ui.widgets.cells import fit, right, terminal_text
from commdash.ui.widgets.virtual_list import VirtualList

AGE_WIDTH = 6
AUTHOR_WIDTH = 16
MARK = "*"
"""Drawn after the state marker of a marked conversation: a character, so it shows without
colour, and in a cell every row has, so no row is narrower at 80 columns."""


class ConversationList(VirtualList):
    """Rows: state marker, mark, how long it has waited, who started it, what they said,
    and who else is writing a reply to it (``✎ ana``).

    Its keys mark conversations for a bulk action; the screen keeps the marks and acts."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "space",
            "screen.mark",
            "Mark",
            show=False,
            tooltip="Mark or unmark the conversation, go to the next; while there are marks, "
            "r e s t a h act on all marked",
            id="list.mark",
        ),
        Binding(
            "asterisk",
            "screen.mark_all",
            "Mark all",
            show=False,
            tooltip="Mark every conversation of the view and filter (all marked: unmark them)",
            id="list.mark-all",
        ),
        Binding(
            "escape",
            "screen.clear_marks",
            "Clear marks",
            show=False,
            tooltip="Clear the marks (without marks: leave the thread, or clear the filter)",
            id="list.clear-marks",
        ),
    ]

    COMPONENT_CLASSES = VirtualList.COMPONENT_CLASSES | {
        "conversation-list--waiting",
        "conversation-list--late",
        "conversation-list--quiet",
        "conversation-list--author",
        "conversation-list--label",
        "conversation-list--mark",
        "conversation-list--typing",
    }

    DEFAULT_CSS = """
    ConversationList {
        & > .conversation-list--waiting { color: $warning; }
        & > .conversation-list--late { color: $error; text-style: bold; }
        & > .conversation-list--quiet { color: $text-muted; }
        & > .conversation-list--author { text-style: bold; }
        & > .conversation-list--label { color: $accent; }
        & > .conversation-list--mark { color: $accent; text-style: bold; }
        & > .conversation-list--typing { color: $accent; text-style: bold; }
    }
    """

    def __init__(self, inbox: Inbox, marks: Marks, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.inbox = inbox
        self.marks = marks
        self.ids: list[str] = []
        self.typing: Mapping[str, tuple[str, ...]] = {}
        """Conversation id → the other managers writing a reply there."""

    def show(self, ids: list[str], keep: str | None) -> None:
        """Show ``ids``; the cursor stays on ``keep`` if it is still listed, else on its row."""
        self.ids = ids
        try:
            cursor = ids.index(keep) if keep is not None else None
        except ValueError:
            cursor = None
        self.set_row_count(len(ids), cursor)

    @property
    def current(self) -> str | None:
        return self.ids[self.cursor] if 0 <= self.cursor < len(self.ids) else None

    def show_typing(self, typing: Mapping[str, tuple[str, ...]], changed: Collection[str]) -> None:
        """Who writes where now; only the rows on screen of the ``changed`` conversations
        are redrawn (the cost of the window's height, however long the list)."""
        self.typing = typing
        top = int(self.scroll_offset.y)
        for index in range(top, min(top + self.size.height, len(self.ids))):
            if self.ids[index] in changed:
                self.refresh_line(index)

    def _snippet(self, cid: str, width: int) -> list[Segment]:
        """What the conversation's starter said; marked when a moderator hid it."""
        root = self.inbox.conversations[cid].root
        if self.inbox.is_visible(cid, root):
            return [Segment(fit(root.text, width))]
        label = "(hidden) "[:width]
        quiet = self.component_style("conversation-list--quiet")
        return [Segment(label, quiet), Segment(fit(root.text, width - len(label)), quiet)]

    def _writers(self, cid: str, room: int) -> str:
        """`` ✎ ana`` when others write a reply to ``cid``, in at most ``room`` cells."""
        typing = self.typing.get(cid)
        if not typing or room < 2:
            return ""
        return " " + one_line(terminal_text(marker(typing)), room - 1)

    def render_row(self, index: int, width: int) -> list[Segment]:
        inbox = self.inbox
        cid = self.ids[index]
        conversation = inbox.conversations[cid]
        facts = inbox.facts(cid)
        status = inbox.status(cid)
        state = inbox.state(cid)
        quiet = self.component_style("conversation-list--quiet")
        if inbox.over_sla(cid):
            marker, marker_style = "!", self.component_style("conversation-list--late")
        elif inbox.needs_reply(cid):
            marker, marker_style = "●", self.component_style("conversation-list--waiting")
        elif status == "done":
            marker, marker_style = "✓", quiet
        elif status == "snoozed":
            marker, marker_style = "z", quiet
        else:
            marker, marker_style = " ", quiet
        age = "" if facts.latest_at is None else short_age(inbox.clock.now() - facts.latest_at)
        labels = " ".join(
            ([f"@{state.assignee}"] if state.assignee else []) + [f"#{tag}" for tag in state.tags]
        )
        extra = len(conversation.messages) - 1
        count = f" +{extra}" if extra else ""
        replies = inbox.replies(cid)
        failed = any(reply.status == "failed" for reply in replies)
        outbox = (" ↩failed" if failed else " ↩queued") if replies else ""
        snippet_width = width - 2 - AGE_WIDTH - 1 - AUTHOR_WIDTH - 1
        writers = self._writers(cid, snippet_width // 2)
        label_width = min(cell_width(labels) + 1, max(0, snippet_width // 3))
        label_text = fit(labels, label_width) if labels else ""
        snippet_width -= cell_width(count + outbox + writers)
        snippet_width -= label_width + 1 if label_text else 0
        mark = Segment(MARK, self.component_style("conversation-list--mark"))
        segments = [
            Segment(marker, marker_style),
            mark if cid in self.marks else Segment(" ", marker_style),
            Segment(right(age, AGE_WIDTH) + " ", marker_style if marker != " " else quiet),
            Segment(
                fit(conversation.root.author.name, AUTHOR_WIDTH) + " ",
                self.component_style("conversation-list--author"),
            ),
            *self._snippet(cid, max(0, snippet_width)),
            Segment(count, quiet),
            Segment(outbox, self.component_style("conversation-list--late") if failed else quiet),
            Segment(writers, self.component_style("conversation-list--typing")),
        ]
        if label_text:
            segments.append(
                Segment(" " + label_text, self.component_style("conversation-list--label"))
            )
        return segments
