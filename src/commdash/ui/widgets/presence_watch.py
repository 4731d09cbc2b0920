"""Presence on screen: this session says where it writes a reply (:class:`Announcer`, in the
reply composer), and sees where the others write (:class:`PresenceWatch`, in the inbox
screen), through the store's :class:`~commdash.presence.Presence`.

Both are invisible widgets owning their timers. Presence runs on the wall clock, whatever
``--now`` pinned: it is about this very moment.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from textual.message import Message
from textual.timer import Timer
from textual.widget import Widget

from commdash.errors import StateError
from commdash.presence import ANNOUNCE_SECONDS, POLL_SECONDS, Presence
from commdash.ui.widgets.notices import say

Typing = dict[str, tuple[str, ...]]
"""Conversation id → the names of the others writing a reply there."""


class PresenceWatch(Widget):
    """Reads who else writes a reply where, every :data:`POLL_SECONDS`; tells the screen
    which conversations that changed for (so it redraws only their rows)."""

    DEFAULT_CSS = "PresenceWatch { display: none; }"

    @dataclass
    class Changed(Message):
        typing: Typing
        conversations: frozenset[str]
        """Those whose writers changed: the rows to redraw."""

    def __init__(self, presence: Callable[[], Presence]) -> None:
        """``presence``: the store's, asked each time (a live source's first pull may move
        the state to the account's directory)."""
        super().__init__()
        self._presence = presence
        self.typing: Typing = {}
        self._timer: Timer | None = None

    def on_mount(self) -> None:
        self.poll()

    def poll(self) -> None:
        """Read the others' presence now, then again in :data:`POLL_SECONDS` (armed once
        this one is done, so polls never pile up behind a slow disk)."""
        typing = self._presence().others(time.time())
        before, self.typing = self.typing, typing
        changed = frozenset(
            cid for cid in before.keys() | typing.keys() if before.get(cid) != typing.get(cid)
        )
        if changed:
            self.post_message(self.Changed(typing, changed))
        self._timer = self.set_timer(POLL_SECONDS, self.poll)


class Announcer(Widget):
    """Tells the others, while the reply box is open, which conversation this session
    writes in: at once, then every :data:`ANNOUNCE_SECONDS`; no more once it closes, or
    the app ends."""

    DEFAULT_CSS = "Announcer { display: none; }"

    def __init__(self, presence: Callable[[], Presence]) -> None:
        super().__init__()
        self._presence = presence
        self._announced: Presence | None = None
        """Where this session's announcement is, to be taken back from there."""
        self._conversation: str | None = None
        self._timer: Timer | None = None
        self._said_trouble = False

    def start(self, cid: str) -> None:
        """The reply box opened on ``cid``."""
        self._conversation = cid
        self._said_trouble = False
        self._announce()
        if self._timer is None:
            self._timer = self.set_interval(ANNOUNCE_SECONDS, self._announce)

    def stop(self) -> None:
        """The reply box closed (or its reply was queued)."""
        self._conversation = None
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        self._withdraw()

    def on_unmount(self) -> None:
        self.stop()

    def _announce(self) -> None:
        if self._conversation is None:
            return
        presence = self._presence()
        if presence is not self._announced:
            self._withdraw()  # the state moved (a live source's first pull)
        try:
            presence.announce(self._conversation, time.time())
        except StateError as exc:
            if not self._said_trouble:  # once per box, not every 2 s
                self._said_trouble = True
                say(self, f"Colleagues cannot see you writing: {exc}", "warning", 8)
            return
        self._announced = presence

    def _withdraw(self) -> None:
        if self._announced is not None:
            self._announced.announce(None, time.time())
            self._announced = None
