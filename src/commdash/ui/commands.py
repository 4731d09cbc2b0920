"""The command palette (ctrl+p): every inbox action, found by name, read from the bindings."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, cast

from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider

from commdash.ui.screens.help import keys_in_effect
from commdash.ui.screens.inbox import InboxScreen

if TYPE_CHECKING:
    from commdash.ui.app import CommdashApp


class InboxCommands(Provider):
    def _commands(self) -> list[tuple[str, str, str]]:
        """(title, help, action) for each described binding of the inbox screen."""
        keymap = cast("CommdashApp", self.app).keymap  # the one app with this provider
        commands = []
        for binding in InboxScreen.BINDINGS:
            if isinstance(binding, Binding) and binding.tooltip:
                first = keys_in_effect(binding, keymap)[0]
                key = self.app.get_key_display(Binding(first, binding.action))
                commands.append((binding.tooltip, f"key: {key}", binding.action))
        return commands

    def _run(self, action: str) -> None:
        screen = self.screen
        if isinstance(screen, InboxScreen):
            self.app.call_later(screen.run_action, action)

    async def discover(self) -> Hits:
        for title, help_text, action in self._commands():
            yield DiscoveryHit(title, partial(self._run, action), help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, action in self._commands():
            score = matcher.match(title)
            if score > 0:
                yield Hit(
                    score, matcher.highlight(title), partial(self._run, action), help=help_text
                )
