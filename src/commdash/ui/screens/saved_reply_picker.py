"""ctrl+t in the reply box: a saved reply found by typing a few letters of its name or text.

Matching is Textual's own fuzzy matcher (the command palette's), over a reply's name and the
start of its text; words found anywhere in its text, tags or language match too, lower. The
fuzzy matcher tries every way the letters can fall, which grows fast with the candidate's
length, so it is given :data:`FUZZY_CELLS` characters of each (a library is shared, and a
long name must not freeze the screen); the rest is searched as words, in linear time.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.fuzzy import Matcher
from textual.widget import Widget
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from commdash.saved_replies import SavedReply
from commdash.store.backends import SavedRepliesBackend
from commdash.text import one_line
from commdash.ui.screens.dialog import Dialog
from commdash.ui.widgets.cells import terminal_text
from commdash.ui.widgets.notices import attempt, key_name, say
from commdash.ui.widgets.text_entry import EntryInput

FUZZY_CELLS = 32
"""How much of a name, and of a text, the fuzzy matcher is given (see the module)."""
TEXT_WEIGHT = 0.8
"""A match in the text counts less than one in the name."""
WORDS_SCORE = 0.5
"""Every word typed found somewhere in the reply: a match, below any fuzzy one."""
PREVIEW_CELLS = 70


def ranked(library: list[SavedReply], query: str) -> list[SavedReply]:
    """The replies that match ``query``, best first (all of them, by name, for no query)."""
    query = " ".join(query.split())
    if not query:
        return library
    matcher = Matcher(query)
    words = query.casefold().split()
    scored = []
    for reply in library:
        score = max(
            matcher.match(reply.name[:FUZZY_CELLS]),
            matcher.match(one_line(reply.text, FUZZY_CELLS)) * TEXT_WEIGHT,
        )
        if not score:
            haystack = " ".join((reply.name, reply.text, *reply.tags, reply.language)).casefold()
            score = WORDS_SCORE if all(word in haystack for word in words) else 0.0
        if score:
            scored.append((-score, reply.key, reply))
    return [reply for *_, reply in sorted(scored, key=lambda found: found[:2])]


class SavedReplyPicker(Dialog[SavedReply]):
    """Answers with the reply chosen, or None when cancelled."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="dialog.cancel"),
        Binding("down", "move(1)", "Next", show=False, priority=True, id="picker.down"),
        Binding("up", "move(-1)", "Previous", show=False, priority=True, id="picker.up"),
        # A list's letters, for when the list has the focus (tab): the entry types them.
        Binding("k", "move(-1)", "Previous", show=False, id="picker.list-up"),
        Binding("j", "move(1)", "Next", show=False, id="picker.list-down"),
        Binding("g", "move(-1_000_000)", "First", show=False, id="picker.list-first"),
        Binding("G", "move(1_000_000)", "Last", show=False, id="picker.list-last"),
    ]

    DEFAULT_CSS = """
    SavedReplyPicker { align: center middle; }
    SavedReplyPicker > Vertical {
        width: 84; max-width: 100%; height: auto; max-height: 90%; border: round $accent;
        background: $panel; padding: 0 1;
    }
    SavedReplyPicker OptionList { height: auto; max-height: 16; border: none; }
    SavedReplyPicker .hint { color: $text-muted; }
    """

    def __init__(
        self,
        library: list[SavedReply],
        answered: Callable[[SavedReply | None], None],
        title: str = "Saved replies",
        enter_does: str = "inserts",
    ) -> None:
        """``title`` and ``enter_does`` say what the choice is for (inserted in the reply
        box, or sent to the marked conversations)."""
        super().__init__(answered)
        self.title_text = title
        self.enter_does = enter_does
        self.library = library
        self.shown = library
        self._shown_for = ""
        """The query :attr:`shown` was ranked for."""

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.title_text, markup=False)
            yield EntryInput(placeholder="type a few letters of its name or text")
            yield OptionList()
            keys = f"{key_name(self, 'picker.down')}/{key_name(self, 'picker.up')}"
            cancel = key_name(self, "dialog.cancel")
            hint = f"{keys} choose · enter {self.enter_does} · {cancel} cancels"
            yield Label(hint, markup=False, classes="hint")

    def on_mount(self) -> None:
        self._show("")

    def on_input_changed(self, event: Input.Changed) -> None:
        self._show(event.value)

    def _show(self, query: str) -> None:
        self._shown_for = query
        self.shown = ranked(self.library, query)
        options = self.query_one(OptionList)
        options.clear_options()
        options.add_options([Option(reply_row(reply)) for reply in self.shown])
        if self.shown:
            options.highlighted = 0

    def _catch_up(self) -> None:
        """Letters typed in a burst are in the entry before their ``Changed`` messages are
        handled: a key that acts on the list ranks it for them first."""
        typed = self.query_one(EntryInput).value
        if typed != self._shown_for:
            self._show(typed)

    def action_move(self, step: int) -> None:
        self._catch_up()
        options = self.query_one(OptionList)
        if self.shown:
            now = options.highlighted or 0
            options.highlighted = max(0, min(len(self.shown) - 1, now + step))

    def action_submit_entry(self) -> None:
        """enter: the highlighted reply, before the next key is handled."""
        self._catch_up()
        highlighted = self.query_one(OptionList).highlighted
        if highlighted is not None and highlighted < len(self.shown):
            self.answer(self.shown[highlighted])

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        """A click on a reply."""
        self.answer(self.shown[event.option_index])

    def action_cancel(self) -> None:
        self.answer(None)


def reply_row(reply: SavedReply) -> Content:
    """A reply as the list shows it: its name, tags and language, then its text's start.
    Plain text with styles, never markup (a library is shared, and files are edited)."""
    labels = " ".join(f"#{tag}" for tag in reply.tags)
    labels += f" [{reply.language}]" if reply.language else ""
    # one_line strips the ends of what it is given: the space between stays outside it.
    labels = one_line(labels, 30)
    return Content.assemble(
        (terminal_text(one_line(reply.name, 40)), "bold"),
        (f" {terminal_text(labels)}" if labels else "", "$text-muted"),
        "\n  ",
        terminal_text(one_line(reply.text, PREVIEW_CELLS)),
    )


def saved_replies_or_say(
    node: Widget, library: SavedRepliesBackend, write_where: str
) -> list[SavedReply] | None:
    """The saved replies to choose from; None when they cannot be read (said why) or there
    are none yet (said how to make one: write one ``write_where``, then keep it)."""
    ok, replies = attempt(node, library.replies)
    if not ok or replies is None:
        return None
    if not replies:
        palette = key_name(node, "app.palette")
        say(
            node,
            f'No saved replies yet: write one {write_where}, then {palette} "Save reply box '
            'as saved reply" (or commdash replies import FILE).',
            "warning",
            8,
        )
        return None
    return replies
