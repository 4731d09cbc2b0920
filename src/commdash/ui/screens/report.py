"""The load report: every item that was skipped or repaired while reading the source, and
the causes commdash recognised."""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding, BindingType

from commdash.model import Snapshot
from commdash.ui.screens.page import PageScreen, Part


class ReportScreen(PageScreen):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,L", "close", "Close", id="report.close"),
    ]

    DEFAULT_CSS = """
    ReportScreen > VerticalScroll { width: 100; border: round $warning; }
    """

    def __init__(self, snapshot: Snapshot) -> None:
        super().__init__()
        self.snapshot = snapshot

    def parts(self) -> list[Part]:
        snapshot = self.snapshot
        location = snapshot.source.location
        heading = f"{snapshot.skipped_count:,} items skipped or repaired while loading {location}"
        parts: list[Part] = [
            (heading, "bold"),
            "\n",
            ("escape closes, j/k scroll\n\n", "$text-muted"),
        ]
        for advice in snapshot.advice:
            parts += [("Why: ", "bold"), f"{advice}\n\n"]
        parts += [f"{line}\n" for line in snapshot.skipped]
        if snapshot.unlisted:
            parts.append((f"… and {snapshot.unlisted:,} more, not listed\n", "$text-muted"))
        return parts if snapshot.skipped_count else [*parts, "Nothing was skipped.\n"]
