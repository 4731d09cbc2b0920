"""Engagement gauges for the current selection: the whole source or one post."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static

from commdash.inbox import SourceFigures
from commdash.timeutil import duration
from commdash.ui.widgets.sparkline import meter, sparkline

LABEL_WIDTH = 14
METER_WIDTH = 8

Part = str | tuple[str, str]


class Gauges(Static):
    """Figures as label/value rows. Only numbers and our own words: no source text."""

    DEFAULT_CSS = """
    Gauges { padding: 0 1; }
    """

    def show(self, figures: SourceFigures, sla_minutes: float, scope: str) -> None:
        c = figures.conversation
        parts: list[Part] = [(f"{scope}\n", "bold")]

        def row(label: str, value: str, style: str = "") -> None:
            shown = f"{label:<{LABEL_WIDTH}}" if len(label) < LABEL_WIDTH else f"{label} "
            parts.extend([(shown, "$text-muted"), (f"{value}\n", style)])

        if c.response_rate is None:
            row("Response rate", "n/a")
        else:
            row("Response rate", f"{meter(c.response_rate, METER_WIDTH)} {c.response_rate:.0%}")
        first = c.median_first_response_seconds
        row("First reply", "n/a" if first is None else duration(first))
        row(
            f"Over SLA {sla_minutes:g}m",
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
        parts += [("\nVolume 24h ", "$text-muted"), f"{sum(c.volume_24h)}\n"]
        parts += [(sparkline(c.volume_24h) + "\n", "$accent")]
        parts += [("Volume 14d ", "$text-muted"), f"{sum(c.volume_14d)}\n"]
        parts += [(sparkline(c.volume_14d), "$accent")]
        self.update(Content.assemble(*parts))
