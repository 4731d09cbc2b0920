"""The command palette's saved-reply commands: keep the reply box's text as a saved reply,
and edit or delete the saved replies."""

from __future__ import annotations

from collections.abc import Callable

from commdash.ui.commands import ListedCommands
from commdash.ui.screens.inbox import InboxScreen
from commdash.ui.screens.saved_replies import SavedRepliesScreen

SAVE = "Save reply box as saved reply"
LIBRARY = "Saved replies: edit / delete"


class SavedReplyCommands(ListedCommands[Callable[[InboxScreen], None]]):
    def _commands(self) -> list[tuple[str, str, Callable[[InboxScreen], None]]]:
        return [
            (SAVE, "keep the reply being written, to insert again", _save),
            (LIBRARY, "list the saved replies: enter edits, d deletes", _library),
        ]

    def _run(self, command: Callable[[InboxScreen], None]) -> None:
        screen = self.screen
        if isinstance(screen, InboxScreen):
            self.app.call_later(command, screen)


def _save(screen: InboxScreen) -> None:
    screen.composer.save_as_saved_reply()


def _library(screen: InboxScreen) -> None:
    screen.app.push_screen(SavedRepliesScreen(screen.triager.saved_replies))
