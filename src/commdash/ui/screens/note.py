"""The note box (``n``): a few lines for the team, kept in the state, never sent.

``enter`` starts a new line; ``ctrl+s`` saves and ``escape`` cancels, at once (see
:mod:`commdash.ui.screens.dialog`), so the keys typed after them act on the inbox.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Label, TextArea

from commdash.triage import NOTE_LIMIT
from commdash.ui.screens.dialog import Dialog
from commdash.ui.widgets.notices import key_namer, say
from commdash.ui.widgets.text_entry import act_in_order

TYPED_KEYS = frozenset({"enter"})
"""Keys with no character that TextArea types itself."""


class NoteBox(TextArea):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "screen.save_note", "Save note", id="note.save"),
        Binding("escape", "screen.cancel_note", "Cancel note", id="note.cancel"),
    ]

    def __init__(self) -> None:
        super().__init__(soft_wrap=True, show_line_numbers=False, tab_behavior="focus")

    async def on_key(self, event: events.Key) -> None:
        await act_in_order(self, event, TYPED_KEYS)


class NoteScreen(Dialog[str]):
    """Answers with the note typed, or None when cancelled."""

    DEFAULT_CSS = """
    NoteScreen { align: center middle; }
    NoteScreen > Vertical {
        width: 72; max-width: 100%; height: auto; border: round $warning; background: $panel;
        padding: 0 1;
    }
    NoteScreen NoteBox { height: 7; }
    NoteScreen .hint { color: $text-muted; }
    """

    def __init__(self, about: str, answered: Callable[[str | None], None]) -> None:
        """``about``: whose conversation (plain text, already made safe)."""
        super().__init__(answered)
        self.about = about

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(f"Note on {self.about}'s conversation", markup=False)
            yield NoteBox()
            yield Label(
                "For your team only: kept with the triage state, never sent.",
                markup=False,
                classes="hint",
            )

    @property
    def box(self) -> NoteBox:
        return self.query_one(NoteBox)

    def on_mount(self) -> None:
        self.set_focus(self.box)  # at once: the next key typed goes into the box
        self._show_count()

    @on(TextArea.Changed)
    def _show_count(self) -> None:
        name = key_namer(self)
        length = len(self.box.text.strip())
        count: str | tuple[str, str] = f"{length:,}/{NOTE_LIMIT:,}"
        if length > NOTE_LIMIT:
            count = (f"{count} · {length - NOTE_LIMIT:,} over", "bold $error")
        keys = f"{name('note.save')} saves · {name('note.cancel')} cancels"
        self.box.border_subtitle = Content.assemble(count, " · ", keys)

    def action_save_note(self) -> None:
        """ctrl+s: close with the note (a note too long stays open to be cut)."""
        text = self.box.text
        over = len(text.strip()) - NOTE_LIMIT
        if over > 0:
            say(self, f"A note is at most {NOTE_LIMIT:,} characters: {over:,} too many.", "warning")
            return
        self.answer(text)

    def action_cancel_note(self) -> None:
        self.answer(None)
