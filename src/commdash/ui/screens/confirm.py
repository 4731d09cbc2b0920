"""A yes-or-no question before an action on many conversations ("Hide 40 conversations'
comments? y/n"): y answers yes; n or escape, no."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Label

from commdash.ui.screens.dialog import Dialog
from commdash.ui.widgets.notices import key_name


class ConfirmScreen(Dialog[bool]):
    """Answers True for yes, None for no."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "yes", "Yes", tooltip="Go ahead", id="confirm.yes"),
        Binding("n,escape", "no", "No", tooltip="Leave it", id="confirm.no"),
    ]

    DEFAULT_CSS = """
    ConfirmScreen { align: center middle; }
    ConfirmScreen > Vertical {
        width: 56; max-width: 100%; height: auto; border: round $warning; background: $panel;
        padding: 0 1;
    }
    """

    def __init__(self, question: str, answered: Callable[[bool | None], None]) -> None:
        super().__init__(answered)
        self.question = question

    def compose(self) -> ComposeResult:
        keys = f"{key_name(self, 'confirm.yes')}/{key_name(self, 'confirm.no')}"
        with Vertical():
            yield Label(f"{self.question} {keys}", markup=False)

    def action_yes(self) -> None:
        self.answer(True)

    def action_no(self) -> None:
        self.answer(None)
