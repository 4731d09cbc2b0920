"""A yes-or-no question before an action on many conversations ("Hide 40 conversations'
comments? y/n"), and under it, when given, what it will do (the reply a bulk send queues
first): y answers yes; n or escape, no."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Label

from commdash.text import one_line
from commdash.ui.screens.dialog import Dialog
from commdash.ui.widgets.cells import terminal_text, wrap
from commdash.ui.widgets.notices import key_name

WIDTH = 52
"""The question's width inside the dialog's border and padding."""
DETAIL_LINES = 2


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
    ConfirmScreen .question { width: 100%; }  /* a long one wraps, its keys in sight */
    ConfirmScreen .detail { color: $text-muted; }
    """

    def __init__(
        self, question: str, answered: Callable[[bool | None], None], detail: str = ""
    ) -> None:
        """``detail``: untrusted text (a reply filled from a source) shown under the
        question, sanitised, on at most two lines."""
        super().__init__(answered)
        self.question = question
        self.detail = detail

    def compose(self) -> ComposeResult:
        keys = f"{key_name(self, 'confirm.yes')}/{key_name(self, 'confirm.no')}"
        with Vertical():
            yield Label(f"{self.question} {keys}", markup=False, classes="question")
            if self.detail:
                yield Label(preview(self.detail), markup=False, classes="detail")

    def action_yes(self) -> None:
        self.answer(True)

    def action_no(self) -> None:
        self.answer(None)


def preview(text: str) -> str:
    """``text`` made one line and safe, wrapped in :data:`DETAIL_LINES` lines of the
    dialog's width, the rest left out with an ellipsis."""
    line = terminal_text(one_line(text, (DETAIL_LINES + 1) * WIDTH))
    spans = wrap(line, WIDTH)
    lines = [line[start:end].rstrip() for start, end in spans[:DETAIL_LINES]]
    if len(spans) > DETAIL_LINES:
        last = lines[-1]
        while cell_len(last) > WIDTH - 2:
            last = last[:-1]
        lines[-1] = f"{last.rstrip()} …"
    return "\n".join(lines)
