"""The top line: which source, how much waits, how old the data is."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static

from commdash.figures import Figures
from commdash.model import SourceInfo
from commdash.timeutil import short_age
from commdash.widgets.cells import terminal_text


def data_age(seconds: float) -> str:
    if seconds < 60:
        return "data just in" if seconds > -60 else "data from the future"
    return f"data {short_age(seconds)} old"


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
        whether that is bad news), shown in place of the data's age."""
        age: str | tuple[str, str] = f" · {data_age(now - source.exported_at)}"
        if sync is not None:
            age = (f" · {terminal_text(sync[0])}", self._urgent if sync[1] else "$text-muted")
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
                *counts,
                age,
            )
        )
