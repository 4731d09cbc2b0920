"""The top line: which source, how much waits, how old the data is."""

from __future__ import annotations

from collections.abc import Iterable

from textual.content import Content
from textual.widgets import Static

from commdash.figures import Figures
from commdash.model import SourceInfo
from commdash.outbox import TOKEN_REFUSED, Reply
from commdash.timeutil import short_age
from commdash.ui.widgets.cells import terminal_text


def data_age(seconds: float) -> str:
    if seconds < 60:
        return "data just in" if seconds > -60 else "data from the future"
    return f"data {short_age(seconds)} old"


def outbox_note(items: Iterable[Reply]) -> str:
    """What the header adds about the outbox: the items that wait for a refused token, and
    those the platform refused (hides too, which no thread shows); empty when none."""
    paused = failed = 0
    for item in items:
        paused += item.paused
        failed += item.status == "failed"
    note = f" · {TOKEN_REFUSED} ({paused:,} waiting)" if paused else ""
    return note + (f" · {failed:,} not sent (commdash outbox)" if failed else "")


class StatusBar(Static):
    DEFAULT_CSS = """
    StatusBar { height: 1; background: $panel; color: $foreground; padding: 0 1; }
    """

    @property
    def _urgent(self) -> str:
        return "bold reverse" if self.app.no_color else "bold $error"

    def show(
        self,
        source: SourceInfo,
        figures: Figures | None,
        now: float,
        demo: bool,
        sync: tuple[str, bool] | None = None,
    ) -> None:
        """``figures``: None while a live source has not brought any data yet (no count is
        better than a false 0). ``sync``: for a live source, how its sync stands (and
        whether that is bad news), shown in place of the data's age; bad news comes before
        the counts, so that a narrow terminal does not cut it off."""
        age: str | tuple[str, str] = data_age(now - source.exported_at)
        if sync is not None:
            age = (terminal_text(sync[0]), self._urgent if sync[1] else "$text-muted")
        counts: list[str | tuple[str, str]] = [("no data yet", "$text-muted")]
        if figures is not None:
            waiting, late = figures.needs_reply, figures.sla_breached
            counts = [
                (f"{waiting:,} need reply", "$warning" if waiting else ""),
                " · ",
                (f"{late:,} over SLA", self._urgent if late else ""),
            ]
        self.update(
            Content.assemble(
                ("commdash", "bold"),
                " · ",
                (terminal_text(source.name), "bold"),
                f" ({source.platform}{', demo' if demo else ''}) · ",
                *([age, " · ", *counts] if sync is not None and sync[1] else [*counts, " · ", age]),
            )
        )
