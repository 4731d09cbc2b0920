"""The saved replies' library: ``saved_replies.json`` at the root of the state directory, so
a team sharing the directory shares its replies (TinyDB, table ``replies``).

Written like every state file (:mod:`commdash.statefiles`): atomically, under the lock of the
state root (``.lock`` there), private unless the directory is shared on purpose; read back
sanitised. A document of the wrong shape (hand-edited, damaged) is a :class:`StateError`
naming the file and the document, never a reply half read.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import msgspec
from tinydb.table import Table

from commdash.errors import StateError
from commdash.records import to_json
from commdash.saved_replies import SavedReply, name_key
from commdash.statefiles import AtomicJSONStorage, DirectoryLock
from commdash.store.tables import table

FILE_NAME = "saved_replies.json"


class SavedReplyStore:
    def __init__(self, root: Path) -> None:
        """``root``: the state directory (the one that holds a folder per source)."""
        self._storage = AtomicJSONStorage(root / FILE_NAME)
        self._lock = DirectoryLock(root)

    @property
    def path(self) -> Path:
        return self._storage.path

    @property
    def where(self) -> str:
        return str(self._storage.path)

    def replies(self) -> list[SavedReply]:
        """The library, by name (case aside)."""
        return _sorted(_read(table(self._storage, "replies"), self.path))

    def save(self, reply: SavedReply, replacing: str | None = None) -> bool:
        """Add ``reply``, or replace the one of the same name (and, for an edit that renamed
        it, the one named ``replacing``); whether a reply was replaced."""
        with self._lock.held(), self._storage.batch():
            replies = table(self._storage, "replies")
            _read(replies, self.path)  # a damaged file is told, never overwritten
            gone = {reply.key} | ({name_key(replacing)} if replacing else set())
            replaced = _remove(replies, gone)
            replies.insert(to_json(reply))
        return bool(replaced)

    def delete(self, name: str) -> SavedReply | None:
        """Remove the reply named ``name``; it, for undo, or None when there is none."""
        with self._lock.held(), self._storage.batch():
            replies = table(self._storage, "replies")
            found = [r for r in _read(replies, self.path) if r.key == name_key(name)]
            _remove(replies, {name_key(name)})
        return found[0] if found else None

    def merge(self, incoming: Iterable[SavedReply]) -> tuple[int, int]:
        """Add each reply, replacing the one of the same name; (added, updated), in one
        write."""
        added = updated = 0
        with self._lock.held(), self._storage.batch():
            replies = table(self._storage, "replies")
            _read(replies, self.path)
            for reply in incoming:
                if _remove(replies, {reply.key}):
                    updated += 1
                else:
                    added += 1
                replies.insert(to_json(reply))
        return added, updated


def _remove(replies: Table, keys: set[str]) -> list[int]:
    """Remove the documents whose name is one of ``keys``; their ids."""
    ids = [doc.doc_id for doc in replies.all() if name_key(str(doc.get("name", ""))) in keys]
    if ids:
        replies.remove(doc_ids=ids)
    return ids


def _read(replies: Table, path: Path) -> list[SavedReply]:
    found = []
    for document in replies.all():
        try:
            reply = msgspec.convert(document, SavedReply)
        except msgspec.ValidationError as exc:
            raise _unusable(path, document.doc_id, str(exc)) from None
        if not reply.name.strip():
            raise _unusable(path, document.doc_id, "its name is empty")
        found.append(reply)
    return found


def _unusable(path: Path, doc_id: int, problem: str) -> StateError:
    return StateError(
        f'{path}: table "replies", document {doc_id}: {problem}; fix it, or move the file '
        "aside to start with no saved replies"
    )


def _sorted(replies: list[SavedReply]) -> list[SavedReply]:
    return sorted(replies, key=lambda reply: reply.key)
