"""A list that paints only the rows on screen (Textual's Line API).

The cost of a key or a repaint depends on the height of the window, not on the number of
rows, so a list of a million conversations moves as fast as a list of ten.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.segment import Segment
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.message import Message
from textual.strip import Strip

from commdash.ui.widgets.cursor_view import CursorView


class VirtualList(CursorView):
    """Rows are drawn by :meth:`render_row`; the cursor is on one of them."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j,down", "cursor_down", "Down", show=False, id="list.down"),
        Binding("k,up", "cursor_up", "Up", show=False, id="list.up"),
        Binding("g,home", "cursor_first", "First", show=False, id="list.first"),
        Binding("G,end", "cursor_last", "Last", show=False, id="list.last"),
        Binding("pagedown,ctrl+f", "page_down", "Page down", show=False, id="list.page-down"),
        Binding("pageup,ctrl+b", "page_up", "Page up", show=False, id="list.page-up"),
    ]

    COMPONENT_CLASSES = {"virtual-list--cursor", "virtual-list--cursor-blurred"}

    DEFAULT_CSS = """
    VirtualList {
        background: $surface;
        overflow-x: hidden;
        scrollbar-size-vertical: 1;
        & > .virtual-list--cursor {
            background: $block-cursor-background;
            color: $block-cursor-foreground;
            text-style: bold;
        }
        & > .virtual-list--cursor-blurred { background: $block-cursor-blurred-background; }
    }
    """

    @dataclass
    class Highlighted(Message):
        """The manager moved the cursor to another row."""

        list: VirtualList
        index: int

        @property
        def control(self) -> VirtualList:
            return self.list

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.row_count = 0

    @property
    def item_count(self) -> int:
        return self.row_count

    def item_span(self, index: int) -> tuple[int, int]:
        return index, index + 1

    def item_at(self, line: int) -> int:
        return min(line, self.row_count - 1)

    def render_row(self, index: int, width: int) -> list[Segment]:
        """The segments of row ``index``; subclasses draw their rows here."""
        raise NotImplementedError

    def set_row_count(self, count: int, cursor: int | None = None) -> None:
        """Replace the rows; the cursor stays at its index (or moves to ``cursor``).

        No :class:`Highlighted` is posted: the caller changed the rows and knows it.
        """
        self.row_count = count
        self.virtual_size = Size(self.size.width, count)
        target = self.cursor if cursor is None else cursor
        self.set_reactive(VirtualList.cursor, max(0, min(target, count - 1)))
        self._scroll_to_cursor()
        self.refresh()

    def render_line(self, y: int) -> Strip:
        index = y + int(self.scroll_offset.y)
        width = self.scrollable_content_region.width
        base = self.base_style
        if index >= self.row_count or width <= 0:
            return Strip.blank(width, base)
        cursor = None
        if index == self.cursor:
            name = "virtual-list--cursor" if self.has_focus else "virtual-list--cursor-blurred"
            cursor = self.component_style(name, partial=False)
        segments = Segment.apply_style(self.render_row(index, width), base, cursor)
        return Strip(segments).adjust_cell_length(width, base + cursor if cursor else base)

    def watch_cursor(self, old: int, new: int) -> None:
        super().watch_cursor(old, new)
        self.post_message(self.Highlighted(self, new))

    def on_resize(self, event: events.Resize) -> None:
        self.virtual_size = Size(event.size.width, self.row_count)
        self._scroll_to_cursor()

    def on_click(self, event: events.Click) -> None:
        index = event.y + int(self.scroll_offset.y)
        if 0 <= index < self.row_count:
            self.cursor = index
