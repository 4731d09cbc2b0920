"""The command palette's saved-reply commands: keep the reply box's text as a saved reply,
and edit or delete the saved replies."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

from commdash.ui.screens.inbox import InboxScreen
from commdash.ui.screens.saved_replies import SavedRepliesScreen

SAVE = "Save reply box as saved reply"
LIBRARY = "Saved replies: edit / delete"


class SavedReplyCommands(Provider):
    def _commands(self) -> list[tuple[str, str, Callable[[InboxScreen], None]]]:
        return [
            (SAVE, "keep the reply being written, to insert again", _save),
            (LIBRARY, "list the saved replies: enter edits, d deletes", _library),
        ]

    def _run(self, command: Callable[[InboxScreen], None]) -> None:
        screen = self.screen
        if isinstance(screen, InboxScreen):
            self.app.call_later(command, screen)

    async def discover(self) -> Hits:
        for title, help_text, command in self._commands():
            yield DiscoveryHit(title, partial(self._run, command), help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, command in self._commands():
            score = matcher.match(title)
            if score > 0:
                yield Hit(
                    score, matcher.highlight(title), partial(self._run, command), help=help_text
                )


def _save(screen: InboxScreen) -> None:
    screen.composer.save_as_saved_reply()


def _library(screen: InboxScreen) -> None:
    screen.app.push_screen(SavedRepliesScreen(screen.triager.saved_replies))
