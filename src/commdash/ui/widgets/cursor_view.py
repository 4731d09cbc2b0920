"""A scroll view of items, one of them highlighted by a cursor that the keys move: the lists
(one line per row) and the thread (several lines per message) share it."""

from __future__ import annotations

from textual.reactive import reactive
from textual.scroll_view import ScrollView

from commdash.ui.widgets.styles import CachedStyles


class CursorView(CachedStyles, ScrollView, can_focus=True):
    """Items laid out one after another, each on one or more lines (:meth:`item_span`). The
    cursor moves by an item, a page or to either end, and the view scrolls as little as
    needed to keep the highlighted item in sight: a key always acts on an item on screen."""

    cursor: reactive[int] = reactive(0, init=False)

    @property
    def item_count(self) -> int:
        raise NotImplementedError

    def item_span(self, index: int) -> tuple[int, int]:
        """The first line of item ``index`` and one past its last."""
        raise NotImplementedError

    def item_at(self, line: int) -> int:
        """The item on ``line`` (or the last one, past the end)."""
        raise NotImplementedError

    def watch_cursor(self, old: int, new: int) -> None:
        self._scroll_to_cursor()
        self.refresh()

    def _scroll_to_cursor(self) -> None:
        """Scroll as little as needed to show the highlighted item (its top, if it is
        taller than the view)."""
        height = self.scrollable_content_region.height
        if not 0 <= self.cursor < self.item_count or height <= 0:
            return
        start, end = self.item_span(self.cursor)
        top = int(self.scroll_offset.y)
        if start < top or end - start > height:
            self.scroll_to(y=start, animate=False, immediate=True)
        elif end > top + height:
            self.scroll_to(y=end - height, animate=False, immediate=True)

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    def _move(self, delta: int) -> None:
        if self.item_count:
            self.cursor = max(0, min(self.item_count - 1, self.cursor + delta))

    def action_cursor_down(self) -> None:
        self._move(1)

    def action_cursor_up(self) -> None:
        self._move(-1)

    def action_cursor_first(self) -> None:
        self._move(-self.item_count)

    def action_cursor_last(self) -> None:
        self._move(self.item_count)

    def action_page_down(self) -> None:
        self._page(1)

    def action_page_up(self) -> None:
        self._page(-1)

    def _page(self, direction: int) -> None:
        """A page down (1) or up (-1): the cursor goes to the item a page of lines away (at
        least the next one), as in a list. An item taller than the view is read through
        first, a page at a time, with the cursor staying on it."""
        height = self.scrollable_content_region.height
        if not 0 <= self.cursor < self.item_count or height <= 0:
            return
        page = max(1, height - 1)
        start, end = self.item_span(self.cursor)
        top = int(self.scroll_offset.y)
        if end - start > height:
            if direction > 0 and end > top + height:
                self.scroll_to(y=min(top + page, end - height), animate=False, immediate=True)
                return
            if direction < 0 and start < top:
                self.scroll_to(y=max(top - page, start), animate=False, immediate=True)
                return
        target = self.item_at(max(0, start + direction * page))
        self._move(target - self.cursor if target != self.cursor else direction)
