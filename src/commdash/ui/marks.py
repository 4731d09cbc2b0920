"""The conversations the manager marked for a bulk action (space, ``*``): state of the inbox
screen, kept by conversation id, so a mark stays while the list is filtered, another view is
chosen or a sync brings new data. A conversation that left the source loses its mark.

No Textual here: the list draws the marks, the screen acts on them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from commdash.inbox import Inbox


class Marks:
    def __init__(self, inbox: Inbox) -> None:
        self._inbox = inbox
        self._ids: set[str] = set()
        self._snapshot = inbox.snapshot
        """The data the marks were last checked against: a pull replaces it."""

    def _current(self) -> set[str]:
        """The marks, without those of conversations the source no longer has (checked
        once per new snapshot: every way in passes here)."""
        snapshot = self._inbox.snapshot
        if snapshot is not self._snapshot:
            known = self._inbox.conversations
            self._ids = {cid for cid in self._ids if cid in known}
            self._snapshot = snapshot
        return self._ids

    def __len__(self) -> int:
        return len(self._current())

    def __contains__(self, cid: object) -> bool:
        return cid in self._current()

    def ids(self) -> list[str]:
        """The marked conversations (in no particular order)."""
        return list(self._current())

    def frozen(self) -> frozenset[str]:
        """For a filter on the marked ones (``is:marked``)."""
        return frozenset(self._current())

    def toggle(self, cid: str) -> bool:
        """Mark or unmark ``cid``; True when it is now marked."""
        marks = self._current()
        if cid in marks:
            marks.discard(cid)
            return False
        marks.add(cid)
        return True

    def covers(self, cids: Sequence[str]) -> bool:
        """Whether every one of ``cids`` is marked (at once when fewer are marked)."""
        marks = self._current()
        return len(marks) >= len(cids) and all(cid in marks for cid in cids)

    def add(self, cids: Iterable[str]) -> None:
        self._current().update(cids)

    def remove(self, cids: Iterable[str]) -> None:
        self._current().difference_update(cids)

    def clear(self) -> None:
        self._ids = set()
