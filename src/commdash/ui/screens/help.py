"""Help: every key, read from the bindings themselves so it can never drift."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from textual.binding import Binding, BindingType

from commdash.ui.screens.page import PageScreen, Part

Section = tuple[str, list[BindingType]]
KEY_WIDTH = 24


def keys_in_effect(binding: Binding, keymap: Mapping[str, str]) -> list[str]:
    """The keys that run ``binding`` now: the config's for its id, else its own."""
    keys = keymap.get(binding.id, binding.key) if binding.id else binding.key
    return [key.strip() for key in keys.split(",") if key.strip()]


class HelpScreen(PageScreen):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "close", "Close help", id="help.close"),
    ]

    def __init__(self, sections: list[Section], keymap: Mapping[str, str]) -> None:
        """``keymap``: the config's remapped keys (binding id → keys)."""
        super().__init__()
        self.sections = sections
        self.keymap = keymap

    def _shown(self, binding: Binding) -> list[str]:
        return [
            self.app.get_key_display(Binding(key, binding.action))
            for key in keys_in_effect(binding, self.keymap)
        ]

    def _hint(self) -> str:
        """How to leave and scroll, with the keys in effect."""
        keys = {
            binding.id: self._shown(binding)
            for binding in [*PageScreen.BINDINGS, *HelpScreen.BINDINGS]
            if isinstance(binding, Binding) and binding.id
        }
        *others, last = keys["help.close"]
        closes = f"{', '.join(others)} or {last}" if others else last
        return f"   {closes} closes, {keys['page.down'][0]}/{keys['page.up'][0]} scroll\n"

    def parts(self) -> list[Part]:
        parts: list[Part] = [("commdash keys", "bold $accent"), (self._hint(), "$text-muted")]
        for title, bindings in self.sections:
            parts += ["\n", (title, "bold"), "\n"]
            for binding in bindings:
                if not isinstance(binding, Binding) or not binding.description:
                    continue
                parts += [
                    (f"  {', '.join(self._shown(binding)):<{KEY_WIDTH}}", "$accent"),
                    f"{binding.tooltip or binding.description}\n",
                ]
        return parts
