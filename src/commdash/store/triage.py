"""The triage store: conversation states, the undo journal, drafts, the copies of discarded
replies, and the demo's anchor.

- ``states/00.json`` … ``states/ff.json``: table ``conversations``, one document per
  conversation that has state, spread over 256 shards by a hash of its id, so that an action
  rewrites a few hundred documents however many conversations have been triaged;
- ``triage.json``: tables ``journal`` (the latest actions, for undo), ``drafts``,
  ``discarded`` (the replies discarded with x, which undo puts back) and ``meta``.

A state directory of version 0.1 (every conversation in ``triage.json``) is moved to shards
on first use (:meth:`TriageStore.migrate`), once a copy of ``triage.json`` is kept as
``triage.json.v1-backup`` (and read back: a disk that is full stops the move, not the copy).
"""

from __future__ import annotations

import os
import zlib
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from tinydb.table import Table

from commdash.errors import StateError
from commdash.host import process_alive
from commdash.outbox import Reply
from commdash.statefiles import AtomicJSONStorage, copy_verified
from commdash.store.tables import Doc, Locked, table, upsert
from commdash.triage import JournalEntry, TriageState, revert

JOURNAL_LIMIT = 1000
"""Undo reaches this many actions back; older entries are dropped."""

SHARDS = 256

V1_BACKUP = "triage.json.v1-backup"

DISCARD = "discard"
"""The journal's action for a reply discarded with x (undo puts it back)."""


class TriageStore:
    """One source's triage state, journalled for undo by ``manager`` in ``session``."""

    def __init__(self, directory: Path, locked: Locked, session: str, manager: str) -> None:
        self.session = session
        self.manager = manager
        self.shard_folder = directory / "states"
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
        transition: Callable[[TriageState], TriageState],
        at: float,
    ) -> list[JournalEntry]:
        """Apply ``transition`` to each conversation's state *as it is on disk now* and
        journal it, under one lock, one write per shard touched: another process's change
        made a moment earlier is built upon, never overwritten. Returns the entries of the
        conversations that changed."""
        by_shard: dict[AtomicJSONStorage, list[str]] = {}
        for cid in conversation_ids:
            by_shard.setdefault(self._shard(cid), []).append(cid)
        entries: list[JournalEntry] = []
        with self._locked():
            changed: list[tuple[AtomicJSONStorage, list[JournalEntry]]] = []
            for storage, cids in by_shard.items():
                found = []
                with storage.batch():  # one read of the shard; nothing written here
                    conversations = table(storage, "conversations")
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
                with self._storage.batch():
                    journal = table(self._storage, "journal")
                    for entry in entries[-JOURNAL_LIMIT:]:
                        _journal(journal, entry)
            for storage, found in changed:
                with storage.batch():
                    conversations = table(storage, "conversations")
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

    # The journal --------------------------------------------------------------------------

    def journal_reply(self, reply: Reply, forgotten: Iterable[str]) -> JournalEntry:
        """Journal a reply just queued (undo takes it back) and drop this manager's draft of
        it; forget the entries of the replies ``forgotten`` (they left the outbox)."""
        state = self.state(reply.conversation_id)
        entry = self._entry("reply", reply.conversation_id, state, state, reply.queued_at, reply.id)
        with self._locked(), self._storage.batch():
            journal = table(self._storage, "journal")
            if gone := list(forgotten):
                journal.remove(Doc.reply_id.one_of(gone))
            _journal(journal, entry)
            table(self._storage, "drafts").remove(
                (Doc.id == reply.conversation_id) & (Doc.manager == self.manager)
            )
        return entry

    def journal_discard(self, reply: Reply, at: float) -> None:
        """Journal a reply discarded with x, with a copy of it (table ``discarded``) so that
        undo puts it back as it was; the copies whose entries left the journal go."""
        state = self.state(reply.conversation_id)
        with self._locked(), self._storage.batch():
            journal = table(self._storage, "journal")
            _journal(
                journal, self._entry(DISCARD, reply.conversation_id, state, state, at, reply.id)
            )
            copies = table(self._storage, "discarded")
            copies.insert(reply.to_dict())
            undoable = [doc.get("reply_id") for doc in journal.all() if doc.get("reply_id")]
            copies.remove(~Doc.id.one_of(undoable))

    def undo(self, put_back: Callable[[Reply], None]) -> JournalEntry | None:
        """Take this manager's latest action out of the journal: of this session if it has
        any, else of an earlier session that has ended (never one of a commdash still
        running, nor another manager's). Restores the state before it, or hands the reply
        it discarded to ``put_back`` (before the journal is written: a crash in between
        leaves the entry, and undoing it again puts back nothing twice). None when nothing
        is left to undo."""
        with self._locked(), self._storage.batch():
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
            if entry.action == DISCARD and entry.reply_id is not None:
                copy = self._take_discarded(entry.reply_id)
                if copy is not None:
                    put_back(copy)
            elif entry.reply_id is None:
                shard = self._shard(entry.conversation_id)
                with shard.batch():
                    conversations = table(shard, "conversations")
                    current = _get_state(conversations, entry.conversation_id)
                    reverted = revert(current, entry.before, entry.after)
                    _put_state(conversations, entry.conversation_id, reverted)
        return entry

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


def _shard_number(conversation_id: str) -> int:
    return zlib.crc32(conversation_id.encode("utf-8", "surrogatepass")) % SHARDS


def _journal(journal: Table, entry: JournalEntry) -> None:
    """Add the entry, dropping the oldest beyond JOURNAL_LIMIT."""
    journal.insert(entry.to_dict())
    if len(journal) > JOURNAL_LIMIT:
        oldest = sorted(journal.all(), key=lambda doc: doc.doc_id)
        journal.remove(doc_ids=[doc.doc_id for doc in oldest[:-JOURNAL_LIMIT]])


def _get_state(conversations: Table, conversation_id: str) -> TriageState:
    found = conversations.get(Doc.id == conversation_id)
    return TriageState.from_dict(found.get("state") if isinstance(found, dict) else None)


def _put_state(conversations: Table, conversation_id: str, state: TriageState) -> None:
    if state.is_blank:
        conversations.remove(Doc.id == conversation_id)
    else:
        upsert(conversations, conversation_id, {"id": conversation_id, "state": state.to_dict()})
