"""The command palette (ctrl+p): every inbox action, found by name, read from the bindings
(the inbox screen's, and the conversation list's marks), and the saved reply sent to all
marked, which is ``r`` while there are marks."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Generic, TypeVar, cast

from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider

from commdash.ui.screens.help import keys_in_effect
from commdash.ui.screens.inbox import InboxScreen
from commdash.ui.widgets.conversation_list import ConversationList

if TYPE_CHECKING:
    from commdash.ui.app import CommdashApp

SEND_TO_MARKED = "Send a saved reply to the marked conversations, each filled for its member"


Target = TypeVar("Target")


class ListedCommands(Provider, Generic[Target]):
    """A provider of a list of commands, each (title, help, what ``_run`` is given), found
    by their titles: our own words, never a source's, so highlighting them is safe."""

    def _commands(self) -> list[tuple[str, str, Target]]:
        raise NotImplementedError

    def _run(self, target: Target) -> None:
        raise NotImplementedError

    async def discover(self) -> Hits:
        for title, help_text, target in self._commands():
            yield DiscoveryHit(title, partial(self._run, target), help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, target in self._commands():
            score = matcher.match(title)
            if score > 0:
                yield Hit(
                    score, matcher.highlight(title), partial(self._run, target), help=help_text
                )


class InboxCommands(ListedCommands[str]):
    def _commands(self) -> list[tuple[str, str, str]]:
        """(title, help, action) for each described binding of the inbox screen and of the
        conversation list (its actions run on the screen: ``screen.mark`` as ``mark``)."""
        keymap = cast("CommdashApp", self.app).keymap  # the one app with this provider
        commands = []
        for binding in [*InboxScreen.BINDINGS, *ConversationList.BINDINGS]:
            if isinstance(binding, Binding) and binding.tooltip:
                action = binding.action.removeprefix("screen.")
                commands.append((binding.tooltip, f"key: {self._key(binding, keymap)}", action))
                if binding.id == "triage.reply":
                    key = self._key(binding, keymap)
                    commands.append((SEND_TO_MARKED, f"key: {key}, with marks", "reply_to_marked"))
        return commands

    def _key(self, binding: Binding, keymap: dict[str, str]) -> str:
        """The first key in effect for ``binding``, as the key bar writes it."""
        first = keys_in_effect(binding, keymap)[0]
        return self.app.get_key_display(Binding(first, binding.action))

    def _run(self, action: str) -> None:
        screen = self.screen
        if isinstance(screen, InboxScreen):
            self.app.call_later(screen.run_action, action)
