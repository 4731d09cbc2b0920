"""The saved replies, from the palette: a list where enter edits one and d deletes it (u puts
it back), and the editor of one reply (name, tags, language, text)."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList, TextArea
from textual.widgets.option_list import Option

from commdash.saved_replies import VARIABLES, SavedReply, checked, name_key
from commdash.store.backends import SavedRepliesBackend
from commdash.text import one_line
from commdash.ui.screens.dialog import Dialog
from commdash.ui.screens.saved_reply_picker import reply_row
from commdash.ui.widgets.notices import attempt, key_name, say
from commdash.ui.widgets.text_entry import EntryInput


class SavedRepliesScreen(ModalScreen[None]):
    """Every saved reply of the state directory, to edit or delete."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "close", "Close", tooltip="Close the list", id="library.close"),
        Binding(
            "enter",
            "edit",
            "Edit",
            priority=True,
            tooltip="Edit the highlighted saved reply: name, tags, language, text",
            id="library.edit",
        ),
        Binding("d", "delete", "Delete", tooltip="Delete the highlighted one", id="library.delete"),
        Binding("u", "undo", "Undo", tooltip="Put back the one deleted last", id="library.undo"),
        # The keys of every other list (VirtualList's ids, so a remap moves them all).
        Binding("k,up", "cursor('up')", "Up", show=False, id="list.up"),
        Binding("j,down", "cursor('down')", "Down", show=False, id="list.down"),
        Binding("g,home", "cursor('first')", "First", show=False, id="list.first"),
        Binding("G,end", "cursor('last')", "Last", show=False, id="list.last"),
        Binding("pageup,ctrl+b", "cursor('page_up')", "Page up", show=False, id="list.page-up"),
        Binding(
            "pagedown,ctrl+f", "cursor('page_down')", "Page down", show=False, id="list.page-down"
        ),
    ]

    DEFAULT_CSS = """
    SavedRepliesScreen { align: center middle; }
    SavedRepliesScreen > Vertical {
        width: 84; max-width: 100%; height: auto; max-height: 90%; border: round $accent;
        background: $panel; padding: 0 1;
    }
    SavedRepliesScreen OptionList { height: auto; max-height: 20; border: none; }
    SavedRepliesScreen .hint { color: $text-muted; }
    """

    def __init__(self, store: SavedRepliesBackend) -> None:
        super().__init__()
        self.store = store
        self.library: list[SavedReply] = []
        self.deleted: list[SavedReply] = []
        """What ``d`` removed, the latest last: ``u`` puts it back."""

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("Saved replies", markup=False)
            yield OptionList()
            keys = [key_name(self, f"library.{name}") for name in ("edit", "delete", "undo")]
            close = key_name(self, "library.close")
            hint = f"{keys[0]} edits · {keys[1]} deletes · {keys[2]} undoes · {close} closes"
            yield Label(hint, markup=False, classes="hint")

    def on_mount(self) -> None:
        self.reload()

    def reload(self, keep: str | None = None) -> None:
        """The list as on disk (a colleague may have changed it), the cursor on ``keep``."""
        ok, library = attempt(self, self.store.replies)
        self.library = library if ok and library is not None else []
        options = self.query_one(OptionList)
        index = options.highlighted or 0
        options.clear_options()
        if not self.library:
            options.add_option(Option("No saved replies yet.", disabled=True))
            return
        options.add_options([Option(reply_row(reply)) for reply in self.library])
        keys = [reply.key for reply in self.library]
        if keep is not None and name_key(keep) in keys:
            index = keys.index(name_key(keep))
        options.highlighted = min(index, len(self.library) - 1)

    @property
    def current(self) -> SavedReply | None:
        highlighted = self.query_one(OptionList).highlighted
        if highlighted is None or highlighted >= len(self.library):
            return None
        return self.library[highlighted]

    def action_edit(self) -> None:
        reply = self.current
        if reply is None:
            return
        taken = {found.key for found in self.library} - {reply.key}

        def edited(changed: SavedReply | None) -> None:
            if (
                changed is not None
                and attempt(self, lambda: self.store.save(changed, reply.name))[0]
            ):
                say(self, f"Saved reply {changed.name!r} saved")
                self.reload(changed.name)

        self.app.push_screen(SavedReplyEditor(reply, taken, edited))

    def action_delete(self) -> None:
        reply = self.current
        if reply is None:
            return
        ok, gone = attempt(self, lambda: self.store.delete(reply.name))
        if ok and gone is not None:
            self.deleted.append(gone)
            say(self, f"Deleted {gone.name!r} · {key_name(self, 'library.undo')} puts it back")
        self.reload()

    def action_undo(self) -> None:
        if not self.deleted:
            say(self, "Nothing deleted here to put back.")
            return
        back = self.deleted[-1]
        if any(found.key == back.key for found in self.library):
            say(self, f"A saved reply is named {back.name!r} again: not put back.", "warning")
            self.deleted.pop()
            return
        if attempt(self, lambda: self.store.save(back))[0]:
            self.deleted.pop()
            say(self, f"Put back: {back.name!r}")
            self.reload(back.name)

    def action_cursor(self, where: str) -> None:
        """Move in the list: ``down``, ``up``, ``first``, ``last``, ``page_up``, ``page_down``."""
        options = self.query_one(OptionList)
        moves = {"down": options.action_cursor_down, "up": options.action_cursor_up}
        moves |= {"first": options.action_first, "last": options.action_last}
        moves |= {"page_up": options.action_page_up, "page_down": options.action_page_down}
        moves[where]()

    def action_close(self) -> None:
        self.dismiss(None)


class SavedReplyEditor(Dialog[SavedReply]):
    """Edits one saved reply; answers with it changed, or None when cancelled. A mistake
    (an empty name, a name taken, an unknown variable) is said, and the editor stays."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="dialog.cancel"),
        Binding("ctrl+s", "save", "Save", priority=True, id="library.save"),
    ]

    DEFAULT_CSS = """
    SavedReplyEditor { align: center middle; }
    SavedReplyEditor > Vertical {
        width: 84; max-width: 100%; height: auto; border: round $accent; background: $panel;
        padding: 0 1;
    }
    SavedReplyEditor TextArea { height: 10; }
    SavedReplyEditor .hint { color: $text-muted; }
    """

    def __init__(
        self,
        reply: SavedReply,
        taken: set[str],
        answered: Callable[[SavedReply | None], None],
    ) -> None:
        super().__init__(answered)
        self.reply = reply
        self.taken = taken
        """The names (as compared) of the other saved replies."""

    def compose(self) -> ComposeResult:
        reply = self.reply
        with Vertical():
            yield Label("Name", markup=False)
            yield EntryInput(reply.name, select_on_focus=False, id="name")
            yield Label("Tags (spaces or commas) · language", markup=False)
            yield EntryInput(" ".join(reply.tags), select_on_focus=False, id="tags")
            yield EntryInput(
                reply.language, placeholder="e.g. en", select_on_focus=False, id="language"
            )
            variables = " ".join(f"{{{name}}}" for name in VARIABLES)
            yield Label(f"Text: {variables} are filled in", markup=False)
            yield TextArea(reply.text, soft_wrap=True, tab_behavior="focus", id="text")
            save, cancel = key_name(self, "library.save"), key_name(self, "dialog.cancel")
            yield Label(
                f"{save} saves · {cancel} cancels · tab: next field", markup=False, classes="hint"
            )

    def action_submit_entry(self) -> None:
        """enter in a one-line field: on to the next field."""
        self.focus_next()

    def action_save(self) -> None:
        name = self.query_one("#name", EntryInput).value
        try:
            changed = checked(
                name,
                self.query_one("#text", TextArea).text,
                self.query_one("#tags", EntryInput).value,
                self.query_one("#language", EntryInput).value,
            )
        except ValueError as exc:
            say(self, f"Not saved: {exc}", "warning", 8)
            return
        if changed.key in self.taken:
            say(self, f"Not saved: another reply is named {one_line(name, 40)!r}.", "warning")
            return
        self.answer(changed)

    def action_cancel(self) -> None:
        self.answer(None)
