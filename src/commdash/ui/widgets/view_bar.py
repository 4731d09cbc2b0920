"""The views on keys 1-9, each with how many conversations it holds, the current one marked.

The built-in views' counts are kept by the inbox (nothing is looked at). A view of one's own
is counted by running its query, in a worker thread a moment after the inbox last changed,
so no key ever waits for it; until then its count shows as ``…``.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.cells import cell_len
from textual import work
from textual.content import Content
from textual.timer import Timer
from textual.widgets import Static
from textual.worker import get_current_worker

from commdash.inbox import Inbox, SearchStopped
from commdash.query import QueryError
from commdash.ui.widgets.cells import terminal_text
from commdash.views import ViewSpec, built_in_count, ids_of

COUNT_AFTER_SECONDS = 0.3
"""The views of one's own are counted again once the inbox has not changed for this long."""


class ViewBar(Static):
    DEFAULT_CSS = """
    ViewBar {
        height: 1;
        padding: 0 1;
        background: $panel;
        color: $text-muted;
    }
    """

    def __init__(self, inbox: Inbox, views: Sequence[ViewSpec], *, id: str | None = None) -> None:
        super().__init__(id=id, markup=False)
        self.inbox = inbox
        self.views = tuple(views)
        self.current = 0
        self.counts: list[int | None] = [None] * len(self.views)
        """Each view's count; None while one of one's own is being counted."""
        self._later: Timer | None = None

    def show(self, current: int) -> None:
        """The inbox may have changed: the built-in counts now, one's own a moment later."""
        self.current = current
        for index, view in enumerate(self.views):
            count = built_in_count(self.inbox, view)
            if count is not None:
                self.counts[index] = count
        self._draw()
        if not all(view.built_in for view in self.views):
            if self._later is not None:
                self._later.stop()
            self._later = self.set_timer(COUNT_AFTER_SECONDS, self._count_own)

    def on_resize(self) -> None:
        self._draw()

    def _draw(self) -> None:
        """Each view's key, name and count; when they do not all fit, only the current
        view keeps its name."""
        labels = []
        for index, (view, count) in enumerate(zip(self.views, self.counts, strict=True)):
            shown = "…" if count is None else f"{count:,}"
            labels.append(
                (f"{index + 1} {terminal_text(view.name)} {shown}", f"{index + 1}:{shown}")
            )
        full = sum(cell_len(long) + 3 for long, _ in labels)
        short = full > self.content_region.width > 0
        parts: list[Content] = []
        for index, (long, brief) in enumerate(labels):
            if index == self.current:
                parts.append(Content.styled(f" {long} ", "bold reverse"))
            else:
                parts.append(Content(f" {brief if short else long} "))
        self.update(Content(" ").join(parts))

    def _count_own(self) -> None:
        self.workers.cancel_group(self, "view-counts")
        self._count()

    @work(thread=True, exclusive=True, group="view-counts")
    def _count(self) -> None:
        worker = get_current_worker()
        for index, view in enumerate(self.views):
            if view.built_in:
                continue
            try:
                count = len(ids_of(self.inbox, view, stop=lambda: worker.is_cancelled))
            except (RuntimeError, KeyError, AttributeError, SearchStopped, QueryError):
                return  # the inbox changed under it (counted again after), or no longer wanted
            if worker.is_cancelled:
                return
            self.app.call_from_thread(self._counted, index, count)

    def _counted(self, index: int, count: int) -> None:
        self.counts[index] = count
        self._draw()
