"""Help: every key, read from the bindings themselves so it can never drift."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

Section = tuple[str, list[BindingType]]
KEY_WIDTH = 24


class HelpScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "close", "Close help", id="help.close"),
        Binding("j,down", "scroll(1)", "Scroll down", show=False, id="help.down"),
        Binding("k,up", "scroll(-1)", "Scroll up", show=False, id="help.up"),
        Binding("g,home", "scroll(-100000)", "Top", show=False, id="help.top"),
        Binding("G,end", "scroll(100000)", "Bottom", show=False, id="help.bottom"),
    ]

    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll {
        width: 86; max-width: 100%; height: 90%; border: round $accent; background: $panel;
        padding: 0 1;
    }
    """

    def __init__(self, sections: list[Section]) -> None:
        super().__init__()
        self.sections = sections

    def compose(self) -> ComposeResult:
        parts: list[str | tuple[str, str]] = [
            ("commdash keys", "bold $accent"),
            ("   escape or ? closes, j/k scroll\n", "$text-muted"),
        ]
        for title, bindings in self.sections:
            parts += ["\n", (title, "bold"), "\n"]
            for binding in bindings:
                if not isinstance(binding, Binding) or not binding.description:
                    continue
                keys = ", ".join(
                    self.app.get_key_display(Binding(key.strip(), binding.action))
                    for key in binding.key.split(",")
                )
                parts += [
                    (f"  {keys:<{KEY_WIDTH}}", "$accent"),
                    f"{binding.tooltip or binding.description}\n",
                ]
        with VerticalScroll():
            yield Static(Content.assemble(*parts))

    def action_scroll(self, lines: int) -> None:
        self.query_one(VerticalScroll).scroll_relative(y=lines, animate=False, immediate=True)

    def action_close(self) -> None:
        self.dismiss(None)
