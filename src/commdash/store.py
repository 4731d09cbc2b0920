"""Triage state, undo journal, drafts and outbox in TinyDB files, never lost.

Layout of a source's directory (``<state root>/<source key>/``):

- ``states/00.json`` … ``states/ff.json``: table ``conversations``, one document per
  conversation that has state, spread over 256 shards by a hash of its id, so that an action
  rewrites a few hundred documents however many conversations have been triaged;
- ``triage.json``: tables ``journal`` (the latest actions, for undo), ``drafts`` and ``meta``;
- ``outbox.json``: table ``replies``;
- ``.lock``: the lock that serialises writers across processes.

Every change runs under the lock, reads the files afresh, and replaces each atomically
(temporary file, fsync, rename, fsync of the directory): a kill -9 at any moment leaves the
old or the new file, and two processes never lose each other's updates. A state directory of
version 0.1 (every conversation in ``triage.json``) is moved to shards on first use, once a
copy of ``triage.json`` is kept as ``triage.json.v1-backup`` (and read back: a disk that is
full stops the move, not the copy). The first use also removes the temporary files of
writers that were killed.
"""

from __future__ import annotations

import getpass
import os
import uuid
import zlib
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout
from tinydb import Query
from tinydb.table import Table

from commdash.errors import StateError
from commdash.host import hostname, process_alive
from commdash.outbox import Reply, owner_alive
from commdash.statefiles import (
    AtomicJSONStorage,
    copy_verified,
    create_file,
    make_directories,
    remove_stale_temporaries,
    stale_temporaries,
)
from commdash.triage import JournalEntry, TriageState, revert

JOURNAL_LIMIT = 1000
"""Undo reaches this many actions back; older entries are dropped."""

LOCK_TIMEOUT = 3.0

SHARDS = 256

V1_BACKUP = "triage.json.v1-backup"

DISCARD = "discard"
"""The journal's action for a reply discarded with x (undo puts it back)."""

SENT_KEPT = 30 * 86400.0
"""Sent replies and hides stay in the outbox (``commdash outbox`` lists them) this long; older
ones are dropped when a new reply is queued, so the file does not grow for ever."""


Doc = Query()


class Store:
    """One source's state directory."""

    def __init__(
        self, directory: Path, session: str | None = None, manager: str | None = None
    ) -> None:
        self.directory = directory
        self.session = session or uuid.uuid4().hex
        self.manager = manager or default_manager()
        self.last_write: tuple[tuple[int, ...], tuple[int, ...]] | None = None
        """The files' fingerprints just before and after this store's latest write, taken
        under the lock: if nobody else wrote in between, a reader can skip reloading."""
        self._triage = AtomicJSONStorage(directory / "triage.json")
        self._outbox = AtomicJSONStorage(directory / "outbox.json")
        self._lock_path = directory / ".lock"
        self._lock = FileLock(str(self._lock_path), timeout=LOCK_TIMEOUT)
        self._shards: dict[int, AtomicJSONStorage] = {}
        self._shard_cache: dict[int, tuple[tuple[int, int, int], dict[str, TriageState]]] = {}
        self._prepared = False

    @contextmanager
    def _locked(self) -> Iterator[None]:
        try:
            make_directories(self.directory)
            create_file(self._lock_path)
            self._lock.acquire()
        except Timeout:
            raise StateError(
                f"{self.directory}: another commdash has held the state lock for "
                f"{LOCK_TIMEOUT:.0f} s; is one stuck?"
            ) from None
        except OSError as exc:
            raise StateError(f"{self.directory}: cannot write: {exc.strerror or exc}") from None
        try:
            if not self._prepared:
                self._prepare()
            before = self.fingerprint()
            yield
            self.last_write = (before, self.fingerprint())
        finally:
            self._lock.release()

    @contextmanager
    def _writing(self, storage: AtomicJSONStorage) -> Iterator[Callable[[str], Table]]:
        with self._locked(), storage.batch():
            yield lambda name: _table(storage, name)

    def _shard(self, conversation_id: str) -> AtomicJSONStorage:
        number = zlib.crc32(conversation_id.encode("utf-8", "surrogatepass")) % SHARDS
        return self._shard_storage(number)

    def _shard_storage(self, number: int) -> AtomicJSONStorage:
        found = self._shards.get(number)
        if found is None:
            path = self.directory / "states" / f"{number:02x}.json"
            found = self._shards[number] = AtomicJSONStorage(path)
        return found

    @property
    def _folders(self) -> tuple[Path, Path]:
        """Where the state files are written."""
        return self.directory, self.directory / "states"

    def _prepare(self) -> None:
        """What the first use of a directory does, under the lock: move a 0.1 directory's
        conversations to shards, and remove the temporary files of writers that were killed
        (under the lock no writer is at work, and each file's pid is checked besides)."""
        remove_stale_temporaries(*self._folders)
        self._prepared = self._migrate()

    def _migrate(self) -> bool:
        """Move the conversations of a 0.1 state directory into shards (under the lock).
        False when triage.json cannot be read: its own users say so."""
        with self._triage.batch():
            old = _table(self._triage, "conversations")
            try:
                documents = old.all()
            except StateError:
                return False
            if not documents:
                return True
            self._back_up_v1()
            by_shard: dict[int, list[dict[str, Any]]] = {}
            for doc in documents:
                if isinstance(doc.get("id"), str):
                    number = zlib.crc32(doc["id"].encode("utf-8", "surrogatepass")) % SHARDS
                    by_shard.setdefault(number, []).append(dict(doc))
            for number, docs in by_shard.items():
                storage = self._shard_storage(number)
                with storage.batch():
                    table = _table(storage, "conversations")
                    # A shard written by an earlier, interrupted migration is newer.
                    merged = {doc["id"]: doc for doc in docs}
                    merged.update((doc["id"], dict(doc)) for doc in table.all())
                    table.truncate()
                    table.insert_multiple(merged.values())
            old.truncate()
        return True

    def _back_up_v1(self) -> None:
        """Keep triage.json as it is now in ``triage.json.v1-backup`` before its conversations
        leave it. A backup there already counts only if it is that very copy: an older
        commdash may have left half of one."""
        source = self._triage.path
        try:
            copy_verified(source, source.with_name(V1_BACKUP))
        except StateError as exc:
            # Nothing was moved yet: the 0.1 state is whole in triage.json.
            raise StateError(f"{exc}; {source.name} is left as it was") from None

    # Triage state -------------------------------------------------------------------------

    def states(self) -> dict[str, TriageState]:
        """Every conversation's saved state, by conversation id. Shards that have not changed
        since the last call are not read again."""
        if not self._prepared:
            if _table(self._triage, "conversations") or stale_temporaries(*self._folders):
                with self._locked():
                    pass
            self._prepared = True
        states: dict[str, TriageState] = {}
        for number in range(SHARDS):
            states.update(self._shard_states(number))
        return states

    def _shard_states(self, number: int) -> dict[str, TriageState]:
        storage = self._shard_storage(number)
        try:
            stat = storage.path.stat()
        except FileNotFoundError:
            self._shard_cache.pop(number, None)
            return {}
        mark = (stat.st_mtime_ns, stat.st_ino, stat.st_size)
        cached = self._shard_cache.get(number)
        if cached is not None and cached[0] == mark:
            return cached[1]
        states = {
            doc["id"]: TriageState.from_dict(doc.get("state") or {})
            for doc in _table(storage, "conversations").all()
            if isinstance(doc.get("id"), str)
        }
        self._shard_cache[number] = (mark, states)
        return states

    def state(self, conversation_id: str) -> TriageState:
        """One conversation's saved state."""
        return _get_state(_table(self._shard(conversation_id), "conversations"), conversation_id)

    def apply(
        self,
        conversation_id: str,
        action: str,
        transition: Callable[[TriageState], TriageState],
        at: float,
    ) -> JournalEntry | None:
        """Apply ``transition`` to the conversation's state *as it is on disk now* and journal
        it, in one write under the lock: another process's change made a moment earlier is
        built upon, never overwritten. None when the state did not change."""
        entries = self.apply_many([conversation_id], action, transition, at)
        return entries[0] if entries else None

    def apply_many(
        self,
        conversation_ids: Iterable[str],
        action: str,
        transition: Callable[[TriageState], TriageState],
        at: float,
    ) -> list[JournalEntry]:
        """:meth:`apply` to many conversations under one lock, one write per shard touched.
        Returns the entries of the conversations that changed."""
        by_shard: dict[AtomicJSONStorage, list[str]] = {}
        for cid in conversation_ids:
            by_shard.setdefault(self._shard(cid), []).append(cid)
        entries: list[JournalEntry] = []
        with self._locked():
            changed: list[tuple[AtomicJSONStorage, list[JournalEntry]]] = []
            for storage, cids in by_shard.items():
                found = []
                with storage.batch():  # one read of the shard; nothing written here
                    conversations = _table(storage, "conversations")
                    for cid in cids:
                        before = _get_state(conversations, cid)
                        after = transition(before)
                        if after != before:
                            found.append(self._entry(action, cid, before, after, at))
                if found:
                    changed.append((storage, found))
                    entries += found
            if entries:
                # The journal first: triage.json is what other processes watch, so a state
                # written after it is always seen; if the state write fails, the entry undoes
                # nothing (undo only reverts what is still as the action left it).
                with self._triage.batch():
                    journal = _table(self._triage, "journal")
                    for entry in entries[-JOURNAL_LIMIT:]:
                        _journal(journal, entry)
            for storage, found in changed:
                with storage.batch():
                    conversations = _table(storage, "conversations")
                    for entry in found:
                        _put_state(conversations, entry.conversation_id, entry.after)
        return entries

    def _entry(
        self,
        action: str,
        conversation_id: str,
        before: TriageState,
        after: TriageState,
        at: float,
        reply_id: str | None = None,
    ) -> JournalEntry:
        return JournalEntry(
            action,
            conversation_id,
            before,
            after,
            at,
            self.session,
            reply_id,
            manager=self.manager,
            pid=os.getpid(),
        )

    def undo(self) -> JournalEntry | None:
        """Take back this manager's latest action: of this session if it has any, else of an
        earlier session that has ended (never one of a commdash still running, nor another
        manager's). Restores the state before it, turns the reply it queued back into a
        draft, or puts the reply it discarded back in the outbox. None when nothing is left
        to undo."""
        with self._locked(), self._triage.batch():
            journal = _table(self._triage, "journal")
            entries = journal.all()
            own = [doc for doc in entries if doc.get("session") == self.session]
            if not own:
                own = [
                    doc
                    for doc in entries
                    if doc.get("manager") == self.manager and not process_alive(doc.get("pid"))
                ]
            if not own:
                return None
            latest = max(own, key=lambda doc: doc.doc_id)
            entry = JournalEntry.from_dict(latest)
            journal.remove(doc_ids=[latest.doc_id])
            if entry.action == DISCARD and entry.reply_id is not None:
                self._put_back_discarded(entry.reply_id)
            elif entry.reply_id is None:
                shard = self._shard(entry.conversation_id)
                with shard.batch():
                    conversations = _table(shard, "conversations")
                    current = _get_state(conversations, entry.conversation_id)
                    reverted = revert(current, entry.before, entry.after)
                    _put_state(conversations, entry.conversation_id, reverted)
        if entry.reply_id is not None and entry.action != DISCARD:
            reply = self.discard_reply(entry.reply_id)
            if reply is not None:
                draft = self.drafts().get(entry.conversation_id, "").rstrip()
                self.save_draft(entry.conversation_id, f"{reply.text}\n\n{draft}".strip())
        return entry

    # Drafts -------------------------------------------------------------------------------

    def drafts(self) -> dict[str, str]:
        """This manager's drafts, by conversation (a colleague's half-written reply is theirs)."""
        table = _table(self._triage, "drafts")
        return {
            doc["id"]: doc["text"]
            for doc in table.all()
            if isinstance(doc.get("id"), str)
            and isinstance(doc.get("text"), str)
            and doc.get("manager", self.manager) == self.manager
        }

    def save_draft(self, conversation_id: str, text: str) -> None:
        """Keep the draft; an empty one is deleted."""
        mine = (Doc.id == conversation_id) & (Doc.manager == self.manager)
        with self._writing(self._triage) as table:
            drafts = table("drafts")
            drafts.remove(mine | ((Doc.id == conversation_id) & ~Doc.manager.exists()))
            if text.strip():
                drafts.insert({"id": conversation_id, "manager": self.manager, "text": text})

    # Outbox -------------------------------------------------------------------------------

    def replies(self) -> list[Reply]:
        table = _table(self._outbox, "replies")
        return [reply for doc in table.all() if (reply := Reply.from_dict(doc)) is not None]

    def queue_reply(self, reply: Reply) -> JournalEntry:
        """Put the reply in the outbox (first, so it is never lost), then journal it and drop
        the conversation's draft."""
        with self._writing(self._outbox) as table:
            pruned = _prune_sent(table("replies"), reply.queued_at)
            table("replies").insert(reply.to_dict())
        state = self.state(reply.conversation_id)
        with self._writing(self._triage) as table:
            entry = self._entry(
                "reply", reply.conversation_id, state, state, reply.queued_at, reply.id
            )
            if pruned:
                table("journal").remove(Doc.reply_id.one_of(pruned))
            _journal(table("journal"), entry)
            table("drafts").remove(
                (Doc.id == reply.conversation_id) & (Doc.manager == self.manager)
            )
        return entry

    def queue_moderation(self, item: Reply) -> None:
        """Put a hide or unhide in the outbox (the local state is the triage action's)."""
        with self._writing(self._outbox) as table:
            table("replies").insert(item.to_dict())

    def claim_due(self, now: float, owner: str) -> Reply | None:
        """The next item to send, marked ``sending`` by ``owner`` on disk before any request
        goes out: the oldest queued item that is due, or one left ``sending`` by a process
        that died. (Whether it may have reached the platform already, the item itself says.)"""
        with self._writing(self._outbox) as table:
            replies = table("replies")
            items = [item for doc in replies.all() if (item := Reply.from_dict(doc)) is not None]
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

    def update_reply(self, reply_id: str, change: Callable[[Reply], Reply | None]) -> Reply | None:
        """Replace an outbox item by ``change(item)`` as it is on disk now; None (and no
        write) when the item is gone or ``change`` returns None."""
        with self._writing(self._outbox) as table:
            replies = table("replies")
            found = replies.get(Doc.id == reply_id)
            current = Reply.from_dict(found) if isinstance(found, dict) else None
            changed = None if current is None else change(current)
            if changed is not None:
                replies.update(changed.to_dict(), Doc.id == reply_id)
            return changed

    def discard_reply(self, reply_id: str) -> Reply | None:
        """Remove a reply that is not sent nor being sent; None when it is gone, sent, or
        on its way."""
        with self._writing(self._outbox) as table:
            replies = table("replies")
            query = (Doc.id == reply_id) & (Doc.status.one_of(["queued", "failed"]))
            found = replies.get(query)
            if not isinstance(found, dict):
                return None
            replies.remove(query)
            return Reply.from_dict(found)

    # Discarding with undo -----------------------------------------------------------------

    def discard_reply_undoably(self, reply_id: str, at: float) -> Reply | None:
        """:meth:`discard_reply`, journalled with a copy of the reply (table ``discarded`` of
        triage.json) so that undo puts it back as it was. The copy is written before the
        reply leaves the outbox, so its text is never lost. None, and nothing journalled,
        when the reply is gone, sent, or on its way."""
        with self._locked(), self._outbox.batch():
            replies = _table(self._outbox, "replies")
            query = (Doc.id == reply_id) & (Doc.status.one_of(["queued", "failed"]))
            found = replies.get(query)
            reply = Reply.from_dict(found) if isinstance(found, dict) else None
            if reply is None:
                return None
            state = self.state(reply.conversation_id)
            with self._triage.batch():
                journal = _table(self._triage, "journal")
                _journal(
                    journal, self._entry(DISCARD, reply.conversation_id, state, state, at, reply_id)
                )
                copies = _table(self._triage, "discarded")
                copies.insert(reply.to_dict())
                undoable = [doc.get("reply_id") for doc in journal.all() if doc.get("reply_id")]
                copies.remove(~Doc.id.one_of(undoable))  # their entries left the journal
            replies.remove(query)
            return reply

    def _put_back_discarded(self, reply_id: str) -> None:
        """Undo of a discard, under undo's lock and batch: the reply back in the outbox as
        it was, unless it is there already (an undo whose journal write failed)."""
        copies = _table(self._triage, "discarded")
        found = copies.get(Doc.id == reply_id)
        copies.remove(Doc.id == reply_id)
        reply = Reply.from_dict(found) if isinstance(found, dict) else None
        if reply is None:
            return
        with self._outbox.batch():
            replies = _table(self._outbox, "replies")
            if not replies.contains(Doc.id == reply_id):
                replies.insert(reply.to_dict())

    # Meta ---------------------------------------------------------------------------------

    def anchor(self, now: float) -> float:
        """The moment the bundled demo is shifted to: kept while there is state to match."""
        with self._writing(self._triage) as table:
            meta = table("meta")
            has_state = bool(table("journal")) or any(
                self._shard_states(number) for number in range(SHARDS)
            )
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


def default_manager() -> str:
    """Who is acting, as journalled for undo: ``user@host``."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = str(os.getuid()) if hasattr(os, "getuid") else "user"
    return f"{user}@{hostname()}"


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
    items = [item for doc in replies.all() if (item := Reply.from_dict(doc)) is not None]
    cutoff = min([now - SENT_KEPT, *(item.queued_at for item in items if item.pending)])
    old = [
        item.id
        for item in items
        if item.status == "sent" and (item.sent_at or item.queued_at) < cutoff
    ]
    if old:
        replies.remove(Doc.id.one_of(old))
    return old


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


def _get_state(table: Table, conversation_id: str) -> TriageState:
    found = table.get(Doc.id == conversation_id)
    raw = found.get("state") if isinstance(found, dict) else None
    return TriageState.from_dict(raw if isinstance(raw, dict) else {})


def _put_state(table: Table, conversation_id: str, state: TriageState) -> None:
    if state.is_blank:
        table.remove(Doc.id == conversation_id)
    else:
        _upsert(table, conversation_id, {"id": conversation_id, "state": state.to_dict()})
