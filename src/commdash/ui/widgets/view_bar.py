"""The views on keys 1-9, each with how many conversations it holds, the current one marked.

Every view's key and count come first; names are added as room allows, the current view's
first. When even keys and counts do not fit, large counts are shortened (``27k``), then views
are left out from the right (never the current one) and a ``…`` says so.

The built-in views' counts are kept by the inbox (nothing is looked at). A view of one's own
is counted by running its query, in a worker thread a moment after the inbox last changed,
so no key ever waits for it; until then its count shows as ``…``.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import product

from rich.cells import cell_len
from textual import work
from textual.content import Content
from textual.timer import Timer
from textual.widgets import Static
from textual.worker import get_current_worker

from commdash.inbox import Inbox, SearchStopped
from commdash.query import QueryError
from commdash.ui.widgets.cells import terminal_text
from commdash.views import ViewSpec, built_in_count, members_of

COUNT_AFTER_SECONDS = 0.3
"""The views of one's own are counted again once the inbox has not changed for this long."""
LEFT_OUT = "…"
"""Ends the bar when views had to be left out; a count not known yet shows as this too."""


def counted(count: int | None, short: bool = False) -> str:
    """A view's count as the bar shows it: ``…`` while counting; ``short``: 27k for 27,335."""
    if count is None:
        return LEFT_OUT
    if short and count >= 10_000_000:
        return f"{count // 1_000_000:,}M"
    if short and count >= 10_000:
        return f"{count // 1_000:,}k"
    return f"{count:,}"


def arrange(
    names: Sequence[str], counts: Sequence[int | None], current: int, width: int
) -> tuple[list[tuple[int, str]], int]:
    """What the bar shows in ``width`` cells (0: no limit): the (index, label) of each view
    shown, in order (index -1: the mark that views were left out), and the gap between
    labels. A label is ``6:104`` or, room allowing, ``6 refunds 104``; the current view's is
    padded by a space each side.

    What gives way first: the wide gap, then exact large counts, then the current view's
    name, then views from the right; the other names come last, in order, as room allows.
    """
    limit = width if width > 0 else 10**9

    def label(index: int, short: bool, named: bool) -> str:
        count = counted(counts[index], short)
        return f"{index + 1} {names[index]} {count}" if named else f"{index + 1}:{count}"

    every = range(len(names))
    tries = product((True, False), (False, True), (2, 1))  # current named, short counts, gap
    for current_named, short, gap in tries:
        labels = {i: label(i, short, current_named and i == current) for i in every}
        if _width(labels, current, gap) <= limit:
            break
    if _width(labels, current, gap) > limit:
        labels[-1] = LEFT_OUT  # drawn last
    while _width(labels, current, gap) > limit and len(labels) > 2:
        del labels[max(i for i in labels if i not in (current, -1))]
    room = limit - _width(labels, current, gap)
    for index in sorted(i for i in labels if i not in (current, -1)):
        named = label(index, short, True)
        grows = cell_len(named) - cell_len(labels[index])
        if grows > room:
            break
        labels[index], room = named, room - grows
    return list(labels.items()), gap


def _width(labels: dict[int, str], current: int, gap: int) -> int:
    padding = 2 if current in labels else 0
    return sum(cell_len(label) for label in labels.values()) + gap * (len(labels) - 1) + padding


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
        """Each view's key and count, and the names there is room for (see :func:`arrange`)."""
        names = [terminal_text(view.name) for view in self.views]
        shown, gap = arrange(names, self.counts, self.current, self.content_region.width)
        parts = [
            Content.styled(f" {label} ", "bold reverse")
            if index == self.current
            else Content(label)
            for index, label in shown
        ]
        self.update(Content(" " * gap).join(parts))

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
                count = len(members_of(self.inbox, view, stop=lambda: worker.is_cancelled))
            except (RuntimeError, KeyError, AttributeError, SearchStopped, QueryError):
                return  # the inbox changed under it (counted again after), or no longer wanted
            if worker.is_cancelled:
                return
            self.app.call_from_thread(self._counted, index, count)

    def _counted(self, index: int, count: int) -> None:
        self.counts[index] = count
        self._draw()
