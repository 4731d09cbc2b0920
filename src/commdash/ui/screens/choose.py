"""A small dialog that offers a few choices (snooze times), each on a digit key."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

MAX_CHOICES = 9


class ChooseScreen(ModalScreen[float | None]):
    """Returns the value of the chosen option, or None when dismissed.

    Digits are bindings of this screen, so a digit that picks an option is used up here and
    never reaches the screen below (where digits switch views).
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "dismiss_none", "Cancel", id="dialog.cancel"),
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

    def __init__(self, title: str, choices: list[tuple[str, float]]) -> None:
        super().__init__()
        self.title_text = title
        self.choices = choices[:MAX_CHOICES]

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.title_text, markup=False)
            yield OptionList(
                *[
                    Option(f"{i}  {label}", id=str(i))
                    for i, (label, _) in enumerate(self.choices, 1)
                ]
            )

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.choices[event.option_index][1])

    def action_choose(self, number: int) -> None:
        if 1 <= number <= len(self.choices):
            self.dismiss(self.choices[number - 1][1])

    def action_dismiss_none(self) -> None:
        self.dismiss(None)
