"""The outbox store: the replies and hides waiting for the platform (``outbox.json``, table
``replies``), each claimed on disk before it is sent, so that two processes never send the
same one."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tinydb.table import Table

from commdash.outbox import Reply, owner_alive
from commdash.statefiles import AtomicJSONStorage
from commdash.store.tables import Doc, Locked, table

SENT_KEPT = 30 * 86400.0
"""Sent replies and hides stay in the outbox (``commdash outbox`` lists them) this long; older
ones are dropped when a new reply is queued, so the file does not grow for ever."""

_DISCARDABLE = ["queued", "failed"]
"""An item is discarded only while nothing is sending it, nor has sent it."""


class OutboxStore:
    def __init__(self, path: Path, locked: Locked) -> None:
        self._storage = AtomicJSONStorage(path)
        self._locked = locked

    @property
    def path(self) -> Path:
        return self._storage.path

    def replies(self) -> list[Reply]:
        return _read(table(self._storage, "replies"))

    def unreadable(self) -> list[str]:
        """The document ids of items that cannot be read (what they need to be sent is
        missing or mistyped): never sent nor shown as replies, but kept in the file, so
        the manager must be told."""
        return [
            str(doc.doc_id)
            for doc in table(self._storage, "replies").all()
            if Reply.from_dict(doc) is None
        ]

    def add(self, item: Reply, prune_sent: bool = False) -> list[str]:
        """Put the item in the outbox. ``prune_sent``: drop the items sent more than
        :data:`SENT_KEPT` before it was queued; returns their ids."""
        with self._locked(), self._storage.batch():
            replies = table(self._storage, "replies")
            pruned = _prune_sent(replies, item.queued_at) if prune_sent else []
            replies.insert(item.to_dict())
        return pruned

    def put_back(self, item: Reply) -> None:
        """Put back a discarded item as it was, unless it is there already (an undo whose
        journal write failed)."""
        with self._locked(), self._storage.batch():
            replies = table(self._storage, "replies")
            if not replies.contains(Doc.id == item.id):
                replies.insert(item.to_dict())

    def claim_due(self, now: float, owner: str) -> Reply | None:
        """The next item to send, marked ``sending`` by ``owner`` on disk before any request
        goes out: the oldest queued item that is due, or one left ``sending`` by a process
        that died. (Whether it may have reached the platform already, the item itself says.)"""
        with self._locked(), self._storage.batch():
            replies = table(self._storage, "replies")
            items = _read(replies)
            due = [
                item
                for item in items
                if (item.status == "queued" and item.next_attempt_at <= now)
                or (
                    item.status == "sending"
                    and not owner_alive(item.sending_by, item.claimed_at, now)
                )
            ]
            due = [item for item in due if not _waits_for_earlier(item, items)]
            if not due:
                return None
            item = min(due, key=lambda found: found.queued_at)
            claimed = item.claimed(owner, now)
            replies.update(claimed.to_dict(), Doc.id == item.id)
            return claimed

    def update(self, reply_id: str, change: Callable[[Reply], Reply | None]) -> Reply | None:
        """Replace an item by ``change(item)`` as it is on disk now; None (and no write) when
        the item is gone or ``change`` returns None."""
        with self._locked(), self._storage.batch():
            replies = table(self._storage, "replies")
            found = replies.get(Doc.id == reply_id)
            current = Reply.from_dict(found) if isinstance(found, dict) else None
            changed = None if current is None else change(current)
            if changed is not None:
                replies.update(changed.to_dict(), Doc.id == reply_id)
            return changed

    def discardable(self, reply_id: str) -> Reply | None:
        """The item, while it may be discarded (not sent, nor being sent)."""
        found = table(self._storage, "replies").get(
            (Doc.id == reply_id) & Doc.status.one_of(_DISCARDABLE)
        )
        return Reply.from_dict(found) if isinstance(found, dict) else None

    def discard(self, reply_id: str) -> Reply | None:
        """Remove an item that is not sent nor being sent; None when it is gone, sent, or on
        its way."""
        with self._locked(), self._storage.batch():
            replies = table(self._storage, "replies")
            query = (Doc.id == reply_id) & Doc.status.one_of(_DISCARDABLE)
            found = replies.get(query)
            if not isinstance(found, dict):
                return None
            replies.remove(query)
            return Reply.from_dict(found)


def _read(replies: Table) -> list[Reply]:
    return [item for doc in replies.all() if (item := Reply.from_dict(doc)) is not None]


def _waits_for_earlier(item: Reply, items: list[Reply]) -> bool:
    """A hide or unhide goes out only after the earlier ones of the same message: a hide
    and its undo must reach the platform in the order they were made."""
    if item.kind == "reply":
        return False
    return any(
        other.kind != "reply"
        and other.in_reply_to == item.in_reply_to
        and other.queued_at < item.queued_at
        and other.status in ("queued", "sending")
        for other in items
    )


def _prune_sent(replies: Table, now: float) -> list[str]:
    """Drop items sent more than :data:`SENT_KEPT` ago, and return their ids. None sent
    after the oldest item still pending goes: a check for whether that one was posted must
    not take a twin sent later for it."""
    items = _read(replies)
    cutoff = min([now - SENT_KEPT, *(item.queued_at for item in items if item.pending)])
    old = [
        item.id
        for item in items
        if item.status == "sent" and (item.sent_at or item.queued_at) < cutoff
    ]
    if old:
        replies.remove(Doc.id.one_of(old))
    return old
