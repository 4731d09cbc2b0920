"""The load report: every item that was skipped or repaired while reading the source."""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding, BindingType

from commdash.screens.page import PageScreen, Part


class ReportScreen(PageScreen):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,L", "close", "Close", id="report.close"),
    ]

    DEFAULT_CSS = """
    ReportScreen > VerticalScroll { width: 100; border: round $warning; }
    """

    def __init__(self, location: str, lines: tuple[str, ...]) -> None:
        super().__init__()
        self.location = location
        self.lines = lines

    def parts(self) -> list[Part]:
        heading = f"{len(self.lines):,} items skipped or repaired while loading {self.location}"
        parts: list[Part] = [
            (heading, "bold"),
            "\n",
            ("escape closes, j/k scroll\n\n", "$text-muted"),
        ]
        return parts + ([f"{line}\n" for line in self.lines] or ["Nothing was skipped.\n"])
