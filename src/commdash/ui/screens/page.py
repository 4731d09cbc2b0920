"""A scrollable page of text shown over the inbox (help, the load report)."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

Part = str | tuple[str, str]
"""Plain text, or (text, style): never markup, so source text in a page stays literal."""

FAR = 1_000_000


class PageScreen(ModalScreen[None]):
    """Subclasses give the page's :meth:`parts` and a binding for ``close``."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j,down", "scroll(1)", "Scroll down", show=False, id="page.down"),
        Binding("k,up", "scroll(-1)", "Scroll up", show=False, id="page.up"),
        Binding("g,home", f"scroll({-FAR})", "Top", show=False, id="page.top"),
        Binding("G,end", f"scroll({FAR})", "Bottom", show=False, id="page.bottom"),
    ]

    DEFAULT_CSS = """
    PageScreen { align: center middle; }
    PageScreen > VerticalScroll {
        width: 86; max-width: 100%; height: 90%; border: round $accent; background: $panel;
        padding: 0 1;
    }
    """

    def parts(self) -> list[Part]:
        raise NotImplementedError

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(Content.assemble(*self.parts()))

    def action_scroll(self, lines: int) -> None:
        self.query_one(VerticalScroll).scroll_relative(y=lines, animate=False, immediate=True)

    def action_close(self) -> None:
        self.dismiss(None)
