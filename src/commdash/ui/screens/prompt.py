"""A one-line prompt (tags, assignee) with completion from values already used."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.suggester import Suggester, SuggestFromList
from textual.widgets import Label

from commdash.ui.screens.dialog import Dialog
from commdash.ui.widgets.text_entry import EntryInput


class LastWordSuggester(Suggester):
    """Completes the word being typed from known values, whatever came before it."""

    def __init__(self, known: list[str]) -> None:
        super().__init__(use_cache=False, case_sensitive=False)
        self.known = known

    async def get_suggestion(self, value: str) -> str | None:
        if not value or value[-1] in " ,":
            return None
        start = max(value.rfind(" "), value.rfind(",")) + 1
        word = value[start:].casefold()
        for candidate in self.known:
            if candidate.casefold().startswith(word) and len(candidate) > len(word):
                return value[:start] + candidate
        return None


class PromptScreen(Dialog[str]):
    """Answers with the text entered, or None when cancelled with escape."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="dialog.cancel"),
        Binding(
            "tab",
            "complete",
            "Complete",
            tooltip="Take the completion shown after the text",
            id="dialog.complete",
        ),
    ]

    DEFAULT_CSS = """
    PromptScreen { align: center middle; }
    PromptScreen > Vertical {
        width: 64; max-width: 100%; height: auto; border: round $accent; background: $panel;
        padding: 0 1;
    }
    PromptScreen .hint { color: $text-muted; width: 100%; }  /* wrapped, never cut */
    """

    def __init__(
        self,
        title: str,
        value: str,
        hint: str,
        suggestions: list[str],
        answered: Callable[[str | None], None],
        by_word: bool = False,
    ) -> None:
        super().__init__(answered)
        self.title_text = title
        self.value = value
        self.hint = hint
        self.by_word = by_word
        self.suggester: Suggester = (
            LastWordSuggester(suggestions)
            if by_word
            else SuggestFromList(suggestions, case_sensitive=False)
        )

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.title_text, markup=False)
            yield EntryInput(self.value, suggester=self.suggester, select_on_focus=False)
            yield Label(self.hint, markup=False, classes="hint")

    def action_submit_entry(self) -> None:
        """enter: the prompt closes with its text, before the next key is handled."""
        self.answer(self.query_one(EntryInput).value)

    def action_complete(self) -> None:
        """tab: take the completion shown (then, for a list of words, a space for the
        next one); without one, go to the end of the text."""
        entry = self.query_one(EntryInput)
        entry.action_end()
        before = entry.value
        entry.action_cursor_right()  # at the end, Input's own way to take the completion
        if self.by_word and entry.value != before:
            entry.insert_text_at_cursor(" ")

    def action_cancel(self) -> None:
        self.answer(None)
