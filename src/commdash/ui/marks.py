"""The conversations the manager marked for a bulk action (space, ``*``): state of the inbox
screen, kept by conversation id, so a mark stays while the list is filtered, another view is
chosen or a sync brings new data. A conversation that left the source loses its mark.

No Textual here: the list draws the marks, the screen acts on them.
"""

from __future__ import annotations

from collections.abc import Iterable

from commdash.inbox import Inbox


class Marks:
    def __init__(self, inbox: Inbox) -> None:
        self._inbox = inbox
        self._ids: dict[str, None] = {}
        """Marked ids in the order marked (a dict: ordered, and a set's speed)."""
        self._snapshot = inbox.snapshot
        """The data the marks were last checked against: a pull replaces it."""

    def _current(self) -> dict[str, None]:
        """The marks, without those of conversations the source no longer has (checked
        once per new snapshot: every way in passes here)."""
        snapshot = self._inbox.snapshot
        if snapshot is not self._snapshot:
            known = self._inbox.conversations
            self._ids = {cid: None for cid in self._ids if cid in known}
            self._snapshot = snapshot
        return self._ids

    def __len__(self) -> int:
        return len(self._current())

    def __contains__(self, cid: object) -> bool:
        return cid in self._current()

    def ids(self) -> list[str]:
        """The marked conversations, in the order they were marked."""
        return list(self._current())

    def frozen(self) -> frozenset[str]:
        """For a filter on the marked ones (``is:marked``)."""
        return frozenset(self._current())

    def toggle(self, cid: str) -> bool:
        """Mark or unmark ``cid``; True when it is now marked."""
        marks = self._current()
        if cid in marks:
            del marks[cid]
            return False
        marks[cid] = None
        return True

    def covers(self, cids: Iterable[str]) -> bool:
        """Whether every one of ``cids`` is marked."""
        return self._current().keys() >= set(cids)

    def add(self, cids: Iterable[str]) -> None:
        self._current().update(dict.fromkeys(cids))

    def remove(self, cids: Iterable[str]) -> None:
        marks = self._current()
        for cid in cids:
            marks.pop(cid, None)

    def clear(self) -> None:
        self._ids = {}
