"""A small dialog that offers a few choices (snooze times), each on a digit key."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from commdash.ui.screens.dialog import Dialog
from commdash.ui.widgets.notices import key_name

MAX_CHOICES = 9


class ChooseScreen(Dialog[float]):
    """Answers with the value of the chosen option, or None when cancelled.

    Digits are bindings of this screen, so a digit that picks an option is used up here and
    never reaches the screen below (where digits switch views). So is enter, before the
    option list would take it (and tell its choice by a message, handled after the keys
    typed next).
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "dismiss_none", "Cancel", id="dialog.cancel"),
        Binding(
            "enter", "choose_highlighted", "Choose", show=False, priority=True, id="dialog.choose"
        ),
        *[
            Binding(str(n), f"choose({n})", f"Option {n}", show=False, id=f"dialog.choose-{n}")
            for n in range(1, MAX_CHOICES + 1)
        ],
    ]

    DEFAULT_CSS = """
    ChooseScreen { align: center middle; }
    ChooseScreen > Vertical {
        width: 48; height: auto; border: round $accent; background: $panel; padding: 0 1;
    }
    ChooseScreen OptionList { height: auto; max-height: 12; border: none; }
    """

    def __init__(
        self,
        title: str,
        choices: list[tuple[str, float]],
        answered: Callable[[float | None], None],
    ) -> None:
        super().__init__(answered)
        self.title_text = title
        self.choices = choices[:MAX_CHOICES]

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.title_text, markup=False)
            yield OptionList(
                *[
                    Option(f"{key_name(self, f'dialog.choose-{i}')}  {label}", id=str(i))
                    for i, (label, _) in enumerate(self.choices, 1)
                ]
            )

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        """A click on an option."""
        self.action_choose(event.option_index + 1)

    def action_choose_highlighted(self) -> None:
        highlighted = self.query_one(OptionList).highlighted
        if highlighted is not None:
            self.action_choose(highlighted + 1)

    def action_choose(self, number: int) -> None:
        if 1 <= number <= len(self.choices):
            self.answer(self.choices[number - 1][1])

    def action_dismiss_none(self) -> None:
        self.answer(None)
