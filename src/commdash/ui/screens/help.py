"""Help: every key, read from the bindings themselves so it can never drift."""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding, BindingType

from commdash.ui.screens.page import PageScreen, Part

Section = tuple[str, list[BindingType]]
KEY_WIDTH = 24


class HelpScreen(PageScreen):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "close", "Close help", id="help.close"),
    ]

    def __init__(self, sections: list[Section]) -> None:
        super().__init__()
        self.sections = sections

    def parts(self) -> list[Part]:
        parts: list[Part] = [
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
        return parts
