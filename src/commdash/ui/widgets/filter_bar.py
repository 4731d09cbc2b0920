"""The filter line over the conversation list.

What the manager types becomes the filter once typing pauses (:class:`FilterBar.FilterChanged`),
so keys never wait for the list; a large inbox is searched in a worker thread
(:class:`FilterBar.Searched`). ``enter`` and ``escape`` are screen actions that settle or clear
the bar at once, before the next key: then a message still on its way says it is ``stale``.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual import on, work
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Input
from textual.worker import get_current_worker

from commdash.inbox import Inbox, SearchStopped, View
from commdash.ui.widgets.text_entry import EntryInput

PAUSE_SECONDS = 0.08
"""Typing that pauses this long is taken as the filter."""
SEARCH_IN_BACKGROUND_ABOVE = 20_000
"""With more conversations than this, a filter is searched in a thread: typing goes on."""
SEARCH_ATTEMPTS = 3
"""A search in a thread starts again when the inbox changed under it, this many times."""


class FilterBar(EntryInput):
    """Hidden until opened; finds the conversations that match the filter."""

    @dataclass
    class FilterChanged(Message):
        """Typing paused: ``text`` is the filter wanted."""

        bar: FilterBar
        text: str

        @property
        def control(self) -> FilterBar:
            return self.bar

        @property
        def stale(self) -> bool:
            """Whether the manager typed on, or kept or cleared the filter, since."""
            return self.bar._typed != self.text

    @dataclass
    class Searched(Message):
        """A search in the background finished: ``ids`` are the conversations of ``view``
        (and of the post ``post_id``) that match ``text``; None if the inbox kept changing
        under the search."""

        bar: FilterBar
        text: str
        view: View
        post_id: str | None
        ids: list[str] | None

        @property
        def control(self) -> FilterBar:
            return self.bar

        @property
        def stale(self) -> bool:
            """Whether another search, or clearing the filter, came since."""
            return self.bar._searching != self.text

    def __init__(self, inbox: Inbox, *, id: str | None = None) -> None:
        super().__init__(placeholder="filter: name, words, #tag, @assignee", id=id)
        self.inbox = inbox
        self._pause: Timer | None = None
        self._typed: str | None = None
        """What was typed and not yet settled or cleared."""
        self._searching: str | None = None
        """The filter being searched in the background."""

    def on_mount(self) -> None:
        self.display = False

    def open(self, text: str) -> None:
        """Show the bar with ``text``, the filter in effect (the screen gives it the focus)."""
        self.display = True
        self.value = text

    def settle(self) -> str:
        """enter: stop waiting for typing to pause; the text typed."""
        self._stop_waiting()
        return self.value

    def clear(self) -> None:
        """escape: no filter; stop waiting for typing, stop searching, hide."""
        self._stop_waiting()
        self._stop_searching()
        self.display = False

    def _stop_waiting(self) -> None:
        if self._pause is not None:
            self._pause.stop()
        self._typed = None

    def _stop_searching(self) -> None:
        self._searching = None
        self.workers.cancel_group(self, "filter")

    @on(Input.Changed)
    def _typing(self, event: Input.Changed) -> None:
        self._stop_waiting()
        self._typed = text = event.value
        self._pause = self.set_timer(
            PAUSE_SECONDS, lambda: self.post_message(self.FilterChanged(self, text))
        )

    def search_later(self, text: str, view: View, post_id: str | None) -> bool:
        """Stop the search under way, if any; then, for a large inbox, search ``text`` in
        the background and return True (:class:`Searched` follows). False: no text, or an
        inbox small enough to search at once."""
        self._stop_searching()
        if not text or len(self.inbox.conversations) <= SEARCH_IN_BACKGROUND_ABOVE:
            return False
        self._searching = text
        self._search(text, view, post_id)
        return True

    @work(thread=True, exclusive=True, group="filter")
    def _search(self, text: str, view: View, post_id: str | None) -> None:
        """Search off the UI thread; a newer search stops this one."""
        worker = get_current_worker()
        ids = None
        for _ in range(SEARCH_ATTEMPTS):
            try:
                ids = self.inbox.conversation_ids(
                    view, post_id, text, stop=lambda: worker.is_cancelled
                )
                break
            except (RuntimeError, KeyError, AttributeError):  # the inbox changed: again
                continue
            except SearchStopped:
                return
        if not worker.is_cancelled:
            self.app.call_from_thread(self._found, text, view, post_id, ids)

    def _found(self, text: str, view: View, post_id: str | None, ids: list[str] | None) -> None:
        if text == self._searching:  # else the manager cleared or changed it meanwhile
            self.post_message(self.Searched(self, text, view, post_id, ids))
