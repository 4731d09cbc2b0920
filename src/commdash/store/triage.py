"""The triage store: conversation states, the undo journal, drafts, the copies of discarded
replies, and the demo's anchor.

- ``states/00.json`` … ``states/ff.json``: table ``conversations``, one document per
  conversation that has state, spread over 256 shards by a hash of its id, so that an action
  rewrites a few hundred documents however many conversations have been triaged;
- ``triage.json``: tables ``journal`` (the latest actions, for undo), ``drafts``,
  ``discarded`` (the replies discarded with x, which undo puts back) and ``meta``;
- ``batches/<batch>.json``: table ``entries``, the journal entries of one bulk action (one
  per conversation it changed). The journal holds one entry for the whole action, its head,
  naming the batch: a bulk action counts as one of :data:`JOURNAL_LIMIT`, and ten thousand
  conversations' entries never weigh on ``triage.json``, which every action rewrites.

A state directory of version 0.1 (every conversation in ``triage.json``) is moved to shards
on first use (:meth:`TriageStore.migrate`), once a copy of ``triage.json`` is kept as
``triage.json.v1-backup`` (and read back: a disk that is full stops the move, not the copy).
"""

from __future__ import annotations

import os
import re
import uuid
import zlib
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import suppress
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Protocol

from tinydb.table import Table

from commdash.errors import StateError
from commdash.host import process_alive
from commdash.outbox import Reply
from commdash.statefiles import AtomicJSONStorage, copy_verified
from commdash.store.tables import Doc, Locked, table, upsert
from commdash.triage import BLANK, JournalEntry, TriageState, revert

JOURNAL_LIMIT = 1000
"""Undo reaches this many actions back; older entries are dropped."""

SHARDS = 256
SHARD_WRITERS = 8
"""Shards a bulk action writes side by side."""

V1_BACKUP = "triage.json.v1-backup"

DISCARD = "discard"
"""The journal's action for a reply discarded with x (undo puts it back)."""

BATCHES = "batches"
"""The folder of the bulk actions' entries, a file per action named by its batch id."""
_BATCH_ID = re.compile(r"[0-9a-f]{32}")
"""What a batch id looks like: any other (a hand-edited journal) names no file."""

Transition = Callable[[TriageState], TriageState]


@dataclass(frozen=True, slots=True)
class Undoing:
    """What undo took from the journal."""

    entry: JournalEntry
    """The entry taken; for a bulk action, its head (``batch`` set, no conversation)."""
    entries: tuple[JournalEntry, ...]
    """The conversations' entries: the entry itself, or the bulk action's (none when its
    file is gone)."""


class TriageStore:
    """One source's triage state, journalled for undo by ``manager`` in ``session``."""

    def __init__(self, directory: Path, locked: Locked, session: str, manager: str) -> None:
        self.session = session
        self.manager = manager
        self.shard_folder = directory / "states"
        self.batch_folder = directory / BATCHES
        self._storage = AtomicJSONStorage(directory / "triage.json")
        self._locked = locked
        self._shards: dict[int, AtomicJSONStorage] = {}
        self._shard_cache: dict[int, tuple[tuple[int, int, int], dict[str, TriageState]]] = {}

    @property
    def path(self) -> Path:
        """``triage.json``: every action writes it (the journal), so it is what tells other
        processes that something changed."""
        return self._storage.path

    def _shard(self, conversation_id: str) -> AtomicJSONStorage:
        return self._shard_storage(_shard_number(conversation_id))

    def _shard_storage(self, number: int) -> AtomicJSONStorage:
        found = self._shards.get(number)
        if found is None:
            path = self.shard_folder / f"{number:02x}.json"
            found = self._shards[number] = AtomicJSONStorage(path)
        return found

    # A 0.1 directory --------------------------------------------------------------------

    def has_v1_conversations(self) -> bool:
        """Whether triage.json still holds conversations, as version 0.1 kept them."""
        return bool(table(self._storage, "conversations"))

    def migrate(self) -> bool:
        """Move the conversations of a 0.1 state directory into shards (under the lock).
        False when triage.json cannot be read: its own users say so."""
        with self._storage.batch():
            old = table(self._storage, "conversations")
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
                    by_shard.setdefault(_shard_number(doc["id"]), []).append(dict(doc))
            for number, docs in by_shard.items():
                storage = self._shard_storage(number)
                with storage.batch():
                    conversations = table(storage, "conversations")
                    # A shard written by an earlier, interrupted migration is newer.
                    merged = {doc["id"]: doc for doc in docs}
                    merged.update((doc["id"], dict(doc)) for doc in conversations.all())
                    conversations.truncate()
                    conversations.insert_multiple(merged.values())
            old.truncate()
        return True

    def _back_up_v1(self) -> None:
        """Keep triage.json as it is now in ``triage.json.v1-backup`` before its conversations
        leave it. A backup there already counts only if it is that very copy: an older
        commdash may have left half of one."""
        source = self._storage.path
        try:
            copy_verified(source, source.with_name(V1_BACKUP))
        except StateError as exc:
            # Nothing was moved yet: the 0.1 state is whole in triage.json.
            raise StateError(f"{exc}; {source.name} is left as it was") from None

    # Conversation states ----------------------------------------------------------------

    def states(self) -> dict[str, TriageState]:
        """Every conversation's saved state, by conversation id. Shards that have not changed
        since the last call are not read again."""
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
            doc["id"]: TriageState.from_dict(doc.get("state"))
            for doc in table(storage, "conversations").all()
            if isinstance(doc.get("id"), str)
        }
        self._shard_cache[number] = (mark, states)
        return states

    def state(self, conversation_id: str) -> TriageState:
        """One conversation's saved state."""
        return _get_state(table(self._shard(conversation_id), "conversations"), conversation_id)

    def apply_many(
        self,
        conversation_ids: Iterable[str],
        action: str,
        transition: Transition,
        at: float,
    ) -> list[JournalEntry]:
        """:meth:`apply_each` with the same ``transition`` for every conversation."""
        return self.apply_each(dict.fromkeys(conversation_ids, transition), action, at)

    def apply_each(
        self, transitions: Mapping[str, Transition], action: str, at: float
    ) -> list[JournalEntry]:
        """Apply each conversation's transition to its state *as it is on disk now* and
        journal it, under one lock, one write per shard touched: another process's change
        made a moment earlier is built upon, never overwritten. Changes of more than one
        conversation are one action, which undo takes back whole. Returns the entries of
        the conversations that changed."""
        by_shard: dict[int, list[str]] = {}
        for cid in transitions:
            by_shard.setdefault(_shard_number(cid), []).append(cid)
        batch = uuid.uuid4().hex if len(transitions) > 1 else ""
        entries: list[JournalEntry] = []
        with self._locked():
            changed: list[tuple[int, list[JournalEntry]]] = []
            for number, cids in by_shard.items():
                saved = _documents(self._shard_storage(number))
                found = []
                for cid in cids:
                    before = (
                        TriageState.from_dict(saved[cid].get("state")) if cid in saved else BLANK
                    )
                    after = transitions[cid](before)
                    if after != before:
                        found.append(
                            journal_entry(self, action, cid, before, after, at, batch=batch)
                        )
                if found:
                    changed.append((number, found))
                    entries += found
            if len(entries) == 1 and batch:
                entries = [replace(entries[0], batch="")]
            if entries:
                # The journal first: triage.json is what other processes watch, so a state
                # written after it is always seen; if a state write fails, the entry undoes
                # nothing there (undo only reverts what is still as the action left it).
                self._journal_action(entries)
            self._write_shards(
                {number: {e.conversation_id: e.after for e in found} for number, found in changed}
            )
        return entries

    def _write_shards(self, states: Mapping[int, Mapping[str, TriageState]]) -> None:
        """Write these states, shard by shard (its number → its conversations' states), one
        write each. Several shards are written side by side: each write waits for the disk
        (fsync), and 256 in a row would take seconds."""
        writes = [(self._shard_storage(number), found) for number, found in states.items()]
        if len(writes) == 1:
            _write_states(*writes[0])
            return
        with ThreadPoolExecutor(max_workers=SHARD_WRITERS) as pool:
            for done in [pool.submit(_write_states, *write) for write in writes]:
                done.result()  # the first failure is raised, once every write has ended

    def _journal_action(self, entries: list[JournalEntry], forgotten: Iterable[str] = ()) -> None:
        """Journal one action: its entry, or for a bulk action its entries in their own
        file (first: a head never names a file not written) and its head; forget the
        entries of the replies ``forgotten`` (they left the outbox)."""
        head = entries[0]
        if head.batch:
            storage = AtomicJSONStorage(self._batch_path(head.batch))
            with storage.batch():
                table(storage, "entries").insert_multiple(e.to_dict() for e in entries)
            head = replace(head, conversation_id="", before=BLANK, after=BLANK, reply_id=None)
        with self._storage.batch():
            journal = table(self._storage, "journal")
            if gone := list(forgotten):
                journal.remove(Doc.reply_id.one_of(gone))
            self._journal(journal, head)

    # The journal --------------------------------------------------------------------------

    def journal(self) -> list[JournalEntry]:
        """Every entry of the journal (the latest :data:`JOURNAL_LIMIT` actions), oldest
        first; a bulk action's entries, one per conversation, in the place of its head."""
        documents = sorted(table(self._storage, "journal").all(), key=lambda doc: doc.doc_id)
        entries: list[JournalEntry] = []
        for doc in documents:
            entry = JournalEntry.from_dict(doc)
            entries += self._batch_entries(entry.batch) if entry.batch else (entry,)
        return entries

    def journal_reply(self, reply: Reply, forgotten: Iterable[str]) -> JournalEntry:
        """Journal a reply just queued (undo takes it back) and drop this manager's draft of
        it; forget the entries of the replies ``forgotten`` (they left the outbox)."""
        state = self.state(reply.conversation_id)
        entry = journal_entry(
            self, "reply", reply.conversation_id, state, state, reply.queued_at, reply.id
        )
        with self._locked(), self._storage.batch():
            journal = table(self._storage, "journal")
            if gone := list(forgotten):
                journal.remove(Doc.reply_id.one_of(gone))
            self._journal(journal, entry)
            table(self._storage, "drafts").remove(
                (Doc.id == reply.conversation_id) & (Doc.manager == self.manager)
            )
        return entry

    def journal_replies(self, replies: list[Reply], forgotten: Iterable[str]) -> list[JournalEntry]:
        """Journal replies just queued to many conversations (a saved reply sent to the
        marked) as one action, which undo takes back whole; their drafts stay (they are
        something else the manager wrote). Forget the entries of the replies ``forgotten``.
        A batch even for one reply: undo of a bulk send discards, whatever its count."""
        batch = uuid.uuid4().hex
        with self._locked():
            states = self._states_of([reply.conversation_id for reply in replies])
            entries = []
            for reply in replies:
                state = states.get(reply.conversation_id, BLANK)  # a reply changes none
                entries.append(
                    journal_entry(
                        self,
                        "reply",
                        reply.conversation_id,
                        state,
                        state,
                        reply.queued_at,
                        reply.id,
                        batch=batch,
                    )
                )
            if entries:
                self._journal_action(entries, forgotten)
        return entries

    def _states_of(self, conversation_ids: Iterable[str]) -> dict[str, TriageState]:
        """The saved states of these conversations, reading each shard once."""
        found: dict[str, TriageState] = {}
        for number in {_shard_number(cid) for cid in conversation_ids}:
            found.update(self._shard_states(number))
        return found

    def journal_discard(self, reply: Reply, at: float) -> None:
        """Journal a reply discarded with x, with a copy of it (table ``discarded``) so that
        undo puts it back as it was; the copies whose entries left the journal go."""
        state = self.state(reply.conversation_id)
        with self._locked(), self._storage.batch():
            journal = table(self._storage, "journal")
            self._journal(
                journal,
                journal_entry(self, DISCARD, reply.conversation_id, state, state, at, reply.id),
            )
            copies = table(self._storage, "discarded")
            copies.insert(reply.to_dict())
            undoable = [doc.get("reply_id") for doc in journal.all() if doc.get("reply_id")]
            copies.remove(~Doc.id.one_of(undoable))

    def undo_latest(self, put_back: Callable[[Reply], None]) -> Undoing | None:
        """Take this manager's latest action out of the journal: of this session if it has
        any, else of an earlier session that has ended (never one of a commdash still
        running, nor another manager's). Restores the state before it (of every
        conversation a bulk action changed, one write per shard), or hands the reply it
        discarded to ``put_back``. The states and the reply go back before the journal is
        written: a crash in between leaves the entry, and undoing it again changes nothing
        twice. None when nothing is left to undo."""
        with self._locked():
            with self._storage.batch():
                journal = table(self._storage, "journal")
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
                undone = self._batch_entries(entry.batch) if entry.batch else (entry,)
                if entry.action == DISCARD and entry.reply_id is not None:
                    copy = self._take_discarded(entry.reply_id)
                    if copy is not None:
                        put_back(copy)
                else:
                    self._revert([found for found in undone if found.reply_id is None])
            if entry.batch:
                self._forget_batch(entry.batch)
        return Undoing(entry, undone)

    def _revert(self, entries: list[JournalEntry]) -> None:
        """Put back what each entry changed where it is still as the entry left it (a
        colleague's change since stays): one write per shard."""
        by_shard: dict[int, list[JournalEntry]] = {}
        for entry in entries:
            by_shard.setdefault(_shard_number(entry.conversation_id), []).append(entry)
        reverted: dict[int, dict[str, TriageState]] = {}
        for number, found in by_shard.items():
            saved = _documents(self._shard_storage(number))
            states = reverted[number] = {}
            for entry in found:
                document = saved.get(entry.conversation_id)
                current = TriageState.from_dict(document.get("state")) if document else BLANK
                states[entry.conversation_id] = revert(current, entry.before, entry.after)
        self._write_shards(reverted)

    # Bulk actions' files --------------------------------------------------------------------

    def _batch_path(self, batch: str) -> Path:
        return self.batch_folder / f"{batch}.json"

    def _batch_entries(self, batch: str) -> tuple[JournalEntry, ...]:
        """The entries of a bulk action; none when its file is gone (or the id, edited by
        hand, names none)."""
        if not _BATCH_ID.fullmatch(batch):
            return ()
        storage = AtomicJSONStorage(self._batch_path(batch))
        return tuple(JournalEntry.from_dict(doc) for doc in table(storage, "entries").all())

    def _forget_batch(self, batch: str) -> None:
        if _BATCH_ID.fullmatch(batch):
            with suppress(FileNotFoundError):
                self._batch_path(batch).unlink()

    def _journal(self, journal: Table, entry: JournalEntry) -> None:
        """Add the entry, dropping the oldest beyond JOURNAL_LIMIT, and the files of the
        bulk actions no entry names any more (dropped, or left by a crash between a file
        and its entry: under the lock, no other writer is half-way)."""
        journal.insert(entry.to_dict())
        if len(journal) > JOURNAL_LIMIT:
            oldest = sorted(journal.all(), key=lambda doc: doc.doc_id)
            journal.remove(doc_ids=[doc.doc_id for doc in oldest[:-JOURNAL_LIMIT]])
        try:
            files = os.listdir(self.batch_folder)
        except OSError:  # no bulk action yet
            return
        named = {batch for doc in journal.all() if isinstance(batch := doc.get("batch"), str)}
        for name in files:
            batch = name.removesuffix(".json")
            if name.endswith(".json") and batch not in named:
                self._forget_batch(batch)

    def _take_discarded(self, reply_id: str) -> Reply | None:
        copies = table(self._storage, "discarded")
        found = copies.get(Doc.id == reply_id)
        copies.remove(Doc.id == reply_id)
        return Reply.from_dict(found) if isinstance(found, dict) else None

    # Drafts -------------------------------------------------------------------------------

    def drafts(self) -> dict[str, str]:
        """This manager's drafts, by conversation (a colleague's half-written reply is theirs)."""
        return {
            doc["id"]: doc["text"]
            for doc in table(self._storage, "drafts").all()
            if isinstance(doc.get("id"), str)
            and isinstance(doc.get("text"), str)
            and doc.get("manager", self.manager) == self.manager
        }

    def save_draft(self, conversation_id: str, text: str) -> None:
        """Keep the draft; an empty one is deleted."""
        mine = (Doc.id == conversation_id) & (Doc.manager == self.manager)
        with self._locked(), self._storage.batch():
            drafts = table(self._storage, "drafts")
            drafts.remove(mine | ((Doc.id == conversation_id) & ~Doc.manager.exists()))
            if text.strip():
                drafts.insert({"id": conversation_id, "manager": self.manager, "text": text})

    def put_before_draft(self, conversation_id: str, text: str) -> None:
        """Put ``text`` (a reply taken back) before the conversation's draft."""
        draft = self.drafts().get(conversation_id, "").rstrip()
        self.save_draft(conversation_id, f"{text}\n\n{draft}".strip())

    # Meta ---------------------------------------------------------------------------------

    def anchor(self, now: float) -> float:
        """The moment the bundled demo is shifted to: kept while there is state to match."""
        with self._locked(), self._storage.batch():
            meta = table(self._storage, "meta")
            has_state = bool(table(self._storage, "journal")) or any(
                self._shard_states(number) for number in range(SHARDS)
            )
            found = meta.get(Doc.id == "anchor")
            if has_state and isinstance(found, dict) and isinstance(found.get("at"), float):
                return float(found["at"])
            upsert(meta, "anchor", {"id": "anchor", "at": float(now)})
            return now


class Journalling(Protocol):
    """Who journals an action: a session of a manager."""

    session: str
    manager: str


def journal_entry(
    by: Journalling,
    action: str,
    conversation_id: str,
    before: TriageState,
    after: TriageState,
    at: float,
    reply_id: str | None = None,
    batch: str = "",
) -> JournalEntry:
    """The journal's entry of an action of ``by`` (its session and manager, this process)."""
    return JournalEntry(
        action,
        conversation_id,
        before,
        after,
        at,
        by.session,
        reply_id,
        manager=by.manager,
        pid=os.getpid(),
        batch=batch,
    )


def _shard_number(conversation_id: str) -> int:
    return zlib.crc32(conversation_id.encode("utf-8", "surrogatepass")) % SHARDS


def _get_state(conversations: Table, conversation_id: str) -> TriageState:
    found = conversations.get(Doc.id == conversation_id)
    return TriageState.from_dict(found.get("state") if isinstance(found, dict) else None)


def _documents(storage: AtomicJSONStorage) -> dict[str, dict[str, Any]]:
    """A shard's documents by conversation id, read once (the first of two with one id)."""
    found: dict[str, dict[str, Any]] = {}
    for doc in table(storage, "conversations").all():
        cid = doc.get("id")
        if isinstance(cid, str):
            found.setdefault(cid, doc)
    return found


def _write_states(storage: AtomicJSONStorage, states: Mapping[str, TriageState]) -> None:
    """Replace these conversations' states in the shard, in one write; a blank state
    removes the conversation's document."""
    with storage.batch():
        conversations = table(storage, "conversations")
        stale = [
            doc.doc_id
            for doc in conversations.all()
            if isinstance(doc.get("id"), str) and doc["id"] in states
        ]
        if stale:
            conversations.remove(doc_ids=stale)
        conversations.insert_multiple(
            {"id": cid, "state": state.to_dict()}
            for cid, state in states.items()
            if not state.is_blank
        )
