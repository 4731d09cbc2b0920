"""The Textual app: holds the session and shows the inbox screen, with the config's keys
and theme."""

from __future__ import annotations

from threading import Lock
from typing import ClassVar
from weakref import WeakKeyDictionary

from textual import events, work
from textual.app import App
from textual.binding import Binding, BindingType
from textual.dom import DOMNode
from textual.theme import Theme

from commdash.actions import Triager
from commdash.config import Config
from commdash.errors import StateError
from commdash.rule_runner import RuleRunner
from commdash.session import Session
from commdash.theme import ThemeMemory
from commdash.timeutil import Clock
from commdash.ui.commands import InboxCommands
from commdash.ui.saved_reply_commands import SavedReplyCommands
from commdash.ui.screens.help import HelpScreen
from commdash.ui.screens.inbox import InboxScreen
from commdash.ui.screens.live_inbox import LiveInboxScreen
from commdash.ui.screens.note import NoteBox
from commdash.ui.screens.saved_replies import SavedRepliesScreen
from commdash.ui.widgets.conversation_list import ConversationList
from commdash.ui.widgets.reply_box import ReplyBox
from commdash.ui.widgets.thread_view import ThreadView
from commdash.ui.widgets.virtual_list import VirtualList
from commdash.views import BUILT_IN

EVERYWHERE = [
    Binding("ctrl+q", "quit", "Quit", tooltip="Quit (also from inside the reply box)"),
]
"""Textual's own keys, listed in the help too."""


NOTES_SHOWN = 2
"""How many of the config's settings left out the start-up notice lists."""


class CommdashApp(App[None]):
    CSS_PATH = "app.tcss"
    TITLE = "commdash"
    ENABLE_COMMAND_PALETTE = True
    HORIZONTAL_BREAKPOINTS = [
        (0, "-narrow"),
        (110, "-wide"),
    ]

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "Quit", tooltip="Quit commdash", id="app.quit"),
        Binding("question_mark", "help", "Help", tooltip="Every key", id="app.help"),
        # Textual's own palette key, declared here to have an id: remappable like the rest.
        Binding(
            "ctrl+p",
            "command_palette",
            "Palette",
            show=False,
            priority=True,
            tooltip="Command palette: actions by name",
            id="app.palette",
        ),
    ]

    COMMANDS = App.COMMANDS | {InboxCommands, SavedReplyCommands}

    def __init__(self, session: Session, clock: Clock, config: Config | None = None) -> None:
        """``config``: its keys and theme; without one, the defaults, and a theme picked
        in the palette is not remembered."""
        super().__init__()
        self.animation_level = "none"  # over SSH every frame costs; nothing slides or fades
        self.keymap: dict[str, str] = {} if config is None else config.keymap
        """The config's remapped keys (binding id → keys), as Textual has them."""
        self.set_keymap(self.keymap)
        self._notes = [] if config is None else list(config.notes)
        self.views = BUILT_IN if config is None else config.views.on_keys()
        """The views on keys 1-9."""
        self.rules = RuleRunner(() if config is None else config.rules.rules)
        self._theme_memory = None if config is None else config.theme_memory
        self._remembering = Lock()
        if self._theme_memory is not None:
            self._start_theme(self._theme_memory)
        self._theme_known = self.theme
        """The theme started with or last picked: a change to it is remembered."""
        self.session = session
        self.triager = Triager(session.inbox, session.store, clock)
        link = session.link
        self.triager.moderates = link is not None and link.feed.source.can_hide
        self._sent_to: WeakKeyDictionary[events.Key, DOMNode] = WeakKeyDictionary()
        """Where each key was sent when it arrived (the widget then focused)."""

    def on_mount(self) -> None:
        if self.no_color:
            self.add_class("-no-color")
        if self._notes:
            # A few lines at most: a long list would cover half a small screen for a while.
            shown, more = self._notes[:NOTES_SHOWN], len(self._notes) - NOTES_SHOWN
            rest = [f"… and {more} more: commdash config --check lists them"] if more > 0 else []
            self.notify(
                "\n".join([*shown, *rest]),
                title="Settings left out",
                severity="warning",
                timeout=30,
                markup=False,
            )
        self.theme_changed_signal.subscribe(self, self._theme_changed)

    # Theme --------------------------------------------------------------------------------

    def _start_theme(self, memory: ThemeMemory) -> None:
        """The theme remembered from the palette, else the config's (see ThemeMemory)."""
        theme, problem = memory.start_theme()
        if problem is not None:
            self._notes.append(problem)
        if theme is not None and theme in self.available_themes:
            self.theme = theme

    def _theme_changed(self, theme: Theme) -> None:
        """Only the palette changes the theme once the app runs: remember the choice. (The
        signal also comes, late, for the theme the app started with.)"""
        if self._theme_memory is not None and theme.name != self._theme_known:
            self._theme_known = theme.name
            self._remember_theme(self._theme_memory)

    @work(thread=True, group="theme")
    def _remember_theme(self, memory: ThemeMemory) -> None:
        # One write at a time, each of the theme of its moment: the latest is written last.
        with self._remembering:
            try:
                memory.remember(self.theme)
            except StateError as exc:
                self.call_from_thread(
                    self.notify,
                    f"The theme is not remembered: {exc}",
                    severity="warning",
                    markup=False,
                )

    # Keys ---------------------------------------------------------------------------------
    # Textual sends each key to the widget focused when the key arrives, and looks up its
    # binding only once the key has come back up unhandled. When keys come in a burst (the
    # app was busy with a sync or a redraw, or a slow SSH link batched them), those after a
    # key that moves focus (``r`` opens the reply box, ``enter`` the thread, ``ctrl+s``
    # closes the box) were all sent to the old widget before it moved: they would act there,
    # or as commands, or be lost. A key that comes back after focus moved is sent again, as
    # if typed now, to the widget focused now; keys keep their order, because every key
    # passes through here in the order it arrived.

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key) and not event.is_forwarded:
            self._sent_to[event] = self.focused or self.screen
        await super().on_event(event)

    async def on_key(self, event: events.Key) -> None:
        """A key that came back unhandled from the widget it was sent to."""
        sent_to = self._sent_to.pop(event, None)
        if sent_to is None or sent_to is (self.focused or self.screen):
            return  # as usual: its binding, from the focused widget up
        event.prevent_default()
        await self.on_event(events.Key(event.key, event.character))

    def get_default_screen(self) -> InboxScreen:
        link, demo = self.session.link, self.session.is_demo
        if link is None:
            return InboxScreen(self.triager, demo, self.views, self.rules)
        return LiveInboxScreen(self.triager, demo, link, self.views, self.rules)

    def action_help(self) -> None:
        if isinstance(self.screen, HelpScreen):
            return
        self.push_screen(
            HelpScreen(
                [
                    ("Everywhere", [*self.BINDINGS, *EVERYWHERE]),
                    ("Triage and views", list(InboxScreen.BINDINGS)),
                    ("Lists (posts, conversations)", list(VirtualList.BINDINGS)),
                    ("Marks (conversation list)", list(ConversationList.BINDINGS)),
                    ("Thread", list(ThreadView.BINDINGS)),
                    ("Reply box", list(ReplyBox.BINDINGS)),
                    ("Saved replies (from the palette)", list(SavedRepliesScreen.BINDINGS)),
                    ("Note box", list(NoteBox.BINDINGS)),
                ],
                self.keymap,
            )
        )
