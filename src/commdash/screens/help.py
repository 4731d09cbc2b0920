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


class HelpScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "close", "Close help", id="help.close"),
    ]

    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll {
        width: 72; max-width: 100%; height: 90%; border: round $accent; background: $panel;
        padding: 0 1;
    }
    """

    def __init__(self, sections: list[Section]) -> None:
        super().__init__()
        self.sections = sections

    def compose(self) -> ComposeResult:
        parts: list[str | tuple[str, str]] = [("commdash keys", "bold $accent"), "\n"]
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
                    (f"  {keys:<22}", "$accent"),
                    f"{binding.tooltip or binding.description}\n",
                ]
        parts += ["\n", ("escape or ? closes this help", "$text-muted")]
        with VerticalScroll():
            yield Static(Content.assemble(*parts))

    def action_close(self) -> None:
        self.dismiss(None)
