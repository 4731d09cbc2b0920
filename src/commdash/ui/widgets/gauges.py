"""Engagement gauges for the current selection: the whole source or one post.

In their own column (110 columns and more) the figures are stacked; in the thread's place
below 110 columns, where the pane is wide and short, the volume charts stand beside them.
"""

from __future__ import annotations

from rich.cells import cell_len
from textual.content import Content
from textual.widget import Widget

from commdash.inbox import SourceFigures
from commdash.timeutil import duration
from commdash.ui.widgets.sparkline import meter, sparkline

LABEL_WIDTH = 14
METER_WIDTH = 8
FIGURES_WIDTH = 30
"""The figures' column when the charts stand beside them."""
CHARTS_WIDTH = 24
"""The charts' column: a bar per hour of the day."""

Part = str | tuple[str, str]
Line = list[Part]


class Gauges(Widget):
    """Figures as label/value rows. Only numbers and our own words: no source text."""

    DEFAULT_CSS = """
    Gauges { padding: 0 1; height: auto; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._figures: SourceFigures | None = None
        self._sla_minutes = 60.0
        self._scope = ""

    def show(self, figures: SourceFigures | None, sla_minutes: float, scope: str) -> None:
        """``figures``: None while a live source has not brought any data yet (no figure
        is better than a row of false zeros)."""
        self._figures, self._sla_minutes, self._scope = figures, sla_minutes, scope
        self.refresh()

    def render(self) -> Content:
        title: Line = [(self._scope, "bold")]
        if self._figures is None:
            return _assembled([title, [("no data yet", "$text-muted")]])
        figures, charts = [title, *self._rows(self._figures)], _charts(self._figures)
        size = self.content_region.size
        stacked = len(figures) + 1 + len(charts)
        if size.height >= stacked or size.width < FIGURES_WIDTH + CHARTS_WIDTH:
            return _assembled([*figures, [], *charts])
        beside = [
            [*line, " " * max(1, FIGURES_WIDTH - _width(line)), *charts[index - 1]]
            if 1 <= index <= len(charts)
            else line
            for index, line in enumerate(figures)
        ]
        return _assembled(beside)

    def _rows(self, figures: SourceFigures) -> list[Line]:
        c = figures.conversation
        rows: list[Line] = []

        def row(label: str, value: str, style: str = "") -> None:
            shown = f"{label:<{LABEL_WIDTH}}" if len(label) < LABEL_WIDTH else f"{label} "
            rows.append([(shown, "$text-muted"), (value, style)])

        if c.response_rate is None:
            row("Response rate", "n/a")
        else:
            row("Response rate", f"{meter(c.response_rate, METER_WIDTH)} {c.response_rate:.0%}")
        first = c.median_first_response_seconds
        row("First reply", "n/a" if first is None else duration(first))
        row(
            f"Over SLA {self._sla_minutes:g}m",
            f"{c.sla_breached:,}",
            "bold $error" if c.sla_breached else "",
        )
        row("Waiting", f"{c.needs_reply:,}", "$warning" if c.needs_reply else "")
        row("Open", f"{c.open:,}")
        row("Done", f"{c.done:,}")
        row("Snoozed", f"{c.snoozed:,}")
        row("Queued", f"{figures.replies_queued:,}")
        row("Engagement", f"{figures.engagement_total:,}")
        rate = figures.engagement_rate_median
        row("Eng. rate", "n/a" if rate is None else f"{rate:.1%}")
        return rows


def _charts(figures: SourceFigures) -> list[Line]:
    c = figures.conversation
    return [
        [("Volume 24h ", "$text-muted"), f"{sum(c.volume_24h)}"],
        [(sparkline(c.volume_24h), "$accent")],
        [("Volume 14d ", "$text-muted"), f"{sum(c.volume_14d)}"],
        [(sparkline(c.volume_14d), "$accent")],
    ]


def _width(line: Line) -> int:
    return sum(cell_len(part if isinstance(part, str) else part[0]) for part in line)


def _assembled(lines: list[Line]) -> Content:
    parts: list[Part] = []
    for index, line in enumerate(lines):
        if index:
            parts.append("\n")
        parts += line
    return Content.assemble(*parts)
