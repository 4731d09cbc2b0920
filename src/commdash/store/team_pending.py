"""What a manager did while the team database could not be reached, kept on this machine
until it is back (``team-pending.json`` in the source's local state directory, a TinyDB
file written atomically under the directory's lock, like every state file): actions, with
the state before and after them as this commdash knew it, replies and hides queued, and
drafts. A crash or a kill -9 loses none of it; :meth:`TeamStore.catch_up` applies it once
the database answers again.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any, Literal

from commdash.outbox import Reply
from commdash.statefiles import AtomicJSONStorage
from commdash.store.tables import Locked, table
from commdash.triage import JournalEntry

PENDING = "team-pending.json"

Kind = Literal["action", "item", "draft"]


class PendingQueue:
    """The queue of what waits for the team database, oldest first."""

    def __init__(self, directory: Path, locked: Locked) -> None:
        self._storage = AtomicJSONStorage(directory / PENDING)
        self._locked = locked

    @property
    def path(self) -> Path:
        return self._storage.path

    def __len__(self) -> int:
        if not self._storage.path.exists():
            return 0
        return len(table(self._storage, "pending"))

    def add(self, documents: list[dict[str, Any]]) -> None:
        """Queue these, each with a key of its own (the database records it with what it
        applies: never twice, and never mistaken for another, whatever the queue's ids)."""
        keyed = [{**document, "key": uuid.uuid4().hex} for document in documents]
        with self._locked(), self._storage.batch():
            table(self._storage, "pending").insert_multiple(keyed)

    def all(self) -> list[dict[str, Any]]:
        if not self._storage.path.exists():
            return []
        found = table(self._storage, "pending").all()
        return [dict(doc) | {"_id": doc.doc_id} for doc in sorted(found, key=lambda d: d.doc_id)]

    def remove(self, ids: list[int]) -> None:
        """Take these out; the file goes with the last of them, so that asking whether
        anything waits (every sync, every action) costs a look at the folder, not a read."""
        with self._locked():
            with self._storage.batch():
                pending = table(self._storage, "pending")
                pending.remove(doc_ids=ids)
                emptied = not pending
            if emptied:
                self._storage.path.unlink(missing_ok=True)

    # What each kind holds ---------------------------------------------------------------

    @staticmethod
    def action(entry: JournalEntry) -> dict[str, Any]:
        return {"kind": "action", "entry": entry.to_dict()}

    @staticmethod
    def item(reply: Reply, journalled: JournalEntry | None) -> dict[str, Any]:
        """A reply or hide queued; ``journalled``: the entry that lets undo take it back."""
        entry = None if journalled is None else journalled.to_dict()
        return {"kind": "item", "item": reply.to_dict(), "entry": entry}

    @staticmethod
    def draft(conversation_id: str, text: str) -> dict[str, Any]:
        return {"kind": "draft", "conversation_id": conversation_id, "text": text}
