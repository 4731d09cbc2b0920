"""A modal dialog whose answer is acted on at once.

Textual hands a dismissed screen's result to its callback later, when the app is next idle:
keys typed right after the answer (``t vip enter j``) were handled first, and the answer's redraw
then undid what they did (put the cursor back on the tagged conversation). A dialog here is
given the function that acts on its answer and calls it while handling the key that answered,
so the keys after it act on the state after the answer.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

from textual.screen import ModalScreen

T = TypeVar("T")


class Dialog(ModalScreen[T | None], Generic[T]):
    def __init__(self, answered: Callable[[T | None], None]) -> None:
        """``answered`` acts on the answer; None when the dialog was cancelled."""
        super().__init__()
        self._answered = answered

    def answer(self, result: T | None) -> None:
        """Close, then act on ``result`` before the next key is handled."""
        self.dismiss(result)
        self._answered(result)
