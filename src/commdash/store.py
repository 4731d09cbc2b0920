"""Triage state, undo journal, drafts and outbox in TinyDB files, never lost.

Layout of a source's directory (``<state root>/<source key>/``):

- ``triage.json``: tables ``conversations`` (one document per conversation that has state),
  ``journal`` (actions, for undo), ``drafts`` and ``meta``;
- ``outbox.json``: table ``replies``;
- ``.lock``: the lock that serialises writers across processes.

Every change runs under the lock, reads the file afresh, and replaces it atomically (temporary
file, fsync, rename, fsync of the directory): a kill -9 at any moment leaves the old or the new
file, and two processes never lose each other's updates.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import orjson
from filelock import FileLock, Timeout
from tinydb import Query
from tinydb.storages import Storage
from tinydb.table import Table

from commdash.errors import StateError
from commdash.outbox import Reply
from commdash.triage import JournalEntry, TriageState

JOURNAL_LIMIT = 1000
"""Undo reaches this many actions back; older entries are dropped."""

LOCK_TIMEOUT = 10.0


class AtomicJSONStorage(Storage):
    """A TinyDB storage that replaces its file atomically and can batch a transaction."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._batch: dict[str, Any] | None = None
        self._batching = False
        self._dirty = False

    def read(self) -> dict[str, Any] | None:
        if self._batching and self._batch is not None:
            return self._batch
        data = self._read_file()
        if self._batching:
            self._batch = data if data is not None else {}
            return self._batch
        return data

    def write(self, data: dict[str, Any]) -> None:
        if self._batching:
            self._batch = data
            self._dirty = True
            return
        self._write_file(data)

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Reads see one snapshot of the file; writes reach the disk once, at the end."""
        self._batching, self._batch, self._dirty = True, None, False
        try:
            yield
            if self._dirty and self._batch is not None:
                self._write_file(self._batch)
        finally:
            self._batching, self._batch, self._dirty = False, None, False

    def _read_file(self) -> dict[str, Any] | None:
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise StateError(f"{self.path}: cannot read: {exc.strerror or exc}") from None
        if not raw.strip():
            return None
        try:
            data = orjson.loads(raw)
        except orjson.JSONDecodeError as exc:
            raise StateError(
                f"{self.path}: line {exc.lineno} column {exc.colno}: not valid JSON; "
                "move the file aside to start with empty state"
            ) from None
        if not isinstance(data, dict):
            raise StateError(f"{self.path}: not a TinyDB file; move it aside")
        return data

    def _write_file(self, data: dict[str, Any]) -> None:
        payload = orjson.dumps(data)
        temporary = self.path.with_name(f".{self.path.name}.{os.getpid()}.{uuid.uuid4().hex}")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with open(temporary, "wb") as handle:
                handle.write(payload)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temporary, self.path)
            _fsync_directory(self.path.parent)
        except OSError as exc:
            temporary.unlink(missing_ok=True)
            raise StateError(f"{self.path}: cannot write: {exc.strerror or exc}") from None


def _fsync_directory(directory: Path) -> None:
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


Doc = Query()


class Store:
    """One source's state directory."""

    def __init__(self, directory: Path, session: str | None = None) -> None:
        self.directory = directory
        self.session = session or uuid.uuid4().hex
        self._triage = AtomicJSONStorage(directory / "triage.json")
        self._outbox = AtomicJSONStorage(directory / "outbox.json")
        self._lock = FileLock(str(directory / ".lock"), timeout=LOCK_TIMEOUT)

    @contextmanager
    def _writing(self, storage: AtomicJSONStorage) -> Iterator[Callable[[str], Table]]:
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            self._lock.acquire()
        except Timeout:
            raise StateError(
                f"{self.directory}: another commdash has held the state lock for "
                f"{LOCK_TIMEOUT:.0f} s; is one stuck?"
            ) from None
        except OSError as exc:
            raise StateError(f"{self.directory}: cannot write: {exc.strerror or exc}") from None
        try:
            with storage.batch():
                yield lambda name: _table(storage, name)
        finally:
            self._lock.release()

    # Triage state -------------------------------------------------------------------------

    def states(self) -> dict[str, TriageState]:
        """Every conversation's saved state, by conversation id."""
        table = _table(self._triage, "conversations")
        return {
            doc["id"]: TriageState.from_dict(doc.get("state") or {})
            for doc in table.all()
            if isinstance(doc.get("id"), str)
        }

    def record(self, entry: JournalEntry) -> None:
        """Save ``entry.after`` for its conversation and journal the entry, in one write."""
        with self._writing(self._triage) as table:
            _put_state(table("conversations"), entry.conversation_id, entry.after)
            _journal(table("journal"), entry)

    def undo(self) -> JournalEntry | None:
        """Take back the latest action of this session (else the latest of any): restore
        the state before it, or discard the reply it queued. None when nothing is left."""
        with self._writing(self._triage) as table:
            journal = table("journal")
            entries = journal.all()
            if not entries:
                return None
            own = [doc for doc in entries if doc.get("session") == self.session]
            latest = max(own or entries, key=lambda doc: doc.doc_id)
            entry = JournalEntry.from_dict(latest)
            journal.remove(doc_ids=[latest.doc_id])
            if entry.reply_id is None:
                _put_state(table("conversations"), entry.conversation_id, entry.before)
        if entry.reply_id is not None:
            self.discard_reply(entry.reply_id)
        return entry

    # Drafts -------------------------------------------------------------------------------

    def drafts(self) -> dict[str, str]:
        table = _table(self._triage, "drafts")
        return {
            doc["id"]: doc["text"]
            for doc in table.all()
            if isinstance(doc.get("id"), str) and isinstance(doc.get("text"), str)
        }

    def save_draft(self, conversation_id: str, text: str) -> None:
        """Keep the draft; an empty one is deleted."""
        with self._writing(self._triage) as table:
            drafts = table("drafts")
            if text.strip():
                _upsert(drafts, conversation_id, {"id": conversation_id, "text": text})
            else:
                drafts.remove(Doc.id == conversation_id)

    # Outbox -------------------------------------------------------------------------------

    def replies(self) -> list[Reply]:
        table = _table(self._outbox, "replies")
        return [reply for doc in table.all() if (reply := Reply.from_dict(doc)) is not None]

    def queue_reply(self, reply: Reply, entry: JournalEntry) -> None:
        """Put the reply in the outbox, then journal it and drop its draft."""
        with self._writing(self._outbox) as table:
            table("replies").insert(reply.to_dict())
        with self._writing(self._triage) as table:
            _journal(table("journal"), entry)
            table("drafts").remove(Doc.id == reply.conversation_id)

    def discard_reply(self, reply_id: str) -> bool:
        """Remove a reply that has not been sent; False when it is gone or already sent."""
        with self._writing(self._outbox) as table:
            replies = table("replies")
            return bool(replies.remove((Doc.id == reply_id) & (Doc.status != "sent")))

    # Meta ---------------------------------------------------------------------------------

    def anchor(self, now: float) -> float:
        """The moment the bundled demo is shifted to: kept while there is state to match."""
        with self._writing(self._triage) as table:
            meta = table("meta")
            has_state = bool(table("conversations")) or bool(table("journal"))
            found = meta.get(Doc.id == "anchor")
            if has_state and isinstance(found, dict) and isinstance(found.get("at"), float):
                return float(found["at"])
            _upsert(meta, "anchor", {"id": "anchor", "at": float(now)})
            return now

    def fingerprint(self) -> tuple[int, ...]:
        """Changes whenever either file is replaced, by this process or another."""
        marks: list[int] = []
        for storage in (self._triage, self._outbox):
            try:
                stat = storage.path.stat()
                marks += [stat.st_mtime_ns, stat.st_ino, stat.st_size]
            except FileNotFoundError:
                marks += [0, 0, 0]
        return tuple(marks)


def _table(storage: AtomicJSONStorage, name: str) -> Table:
    # A fresh Table for every use, without a query cache: another process may have changed
    # the file, and TinyDB would otherwise reuse stale results and document ids.
    return Table(storage, name, cache_size=0)


def _upsert(table: Table, key: str, document: dict[str, Any]) -> None:
    if table.contains(Doc.id == key):
        table.update(document, Doc.id == key)
    else:
        table.insert(document)


def _journal(journal: Table, entry: JournalEntry) -> None:
    """Add the entry, dropping the oldest beyond JOURNAL_LIMIT."""
    journal.insert(entry.to_dict())
    if len(journal) > JOURNAL_LIMIT:
        oldest = sorted(journal.all(), key=lambda doc: doc.doc_id)
        journal.remove(doc_ids=[doc.doc_id for doc in oldest[:-JOURNAL_LIMIT]])


def _put_state(table: Table, conversation_id: str, state: TriageState) -> None:
    if state.is_blank:
        table.remove(Doc.id == conversation_id)
    else:
        _upsert(table, conversation_id, {"id": conversation_id, "state": state.to_dict()})
