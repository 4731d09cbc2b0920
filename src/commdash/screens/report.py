"""The load report: every item that was skipped or repaired while reading the source."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static


class ReportScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,L", "close", "Close", id="report.close"),
        Binding("j,down", "scroll(1)", "Scroll down", show=False, id="report.down"),
        Binding("k,up", "scroll(-1)", "Scroll up", show=False, id="report.up"),
        Binding("g,home", "scroll(-1000000)", "Top", show=False, id="report.top"),
        Binding("G,end", "scroll(1000000)", "Bottom", show=False, id="report.bottom"),
    ]

    DEFAULT_CSS = """
    ReportScreen { align: center middle; }
    ReportScreen > VerticalScroll {
        width: 100; max-width: 100%; height: 90%; border: round $warning; background: $panel;
        padding: 0 1;
    }
    """

    def __init__(self, location: str, lines: tuple[str, ...]) -> None:
        super().__init__()
        self.location = location
        self.lines = lines

    def compose(self) -> ComposeResult:
        heading = f"{len(self.lines):,} items skipped or repaired while loading {self.location}"
        parts: list[str | tuple[str, str]] = [(heading, "bold"), "\n"]
        parts += [("escape closes, j/k scroll\n\n", "$text-muted")]
        parts += [f"{line}\n" for line in self.lines] or ["Nothing was skipped.\n"]
        with VerticalScroll():
            yield Static(Content.assemble(*parts))

    def action_scroll(self, lines: int) -> None:
        self.query_one(VerticalScroll).scroll_relative(y=lines, animate=False, immediate=True)

    def action_close(self) -> None:
        self.dismiss(None)
