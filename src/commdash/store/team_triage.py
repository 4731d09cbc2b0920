"""The triage store of a team: conversation states, the undo journal, drafts and the copies
of discarded replies in the team database (:mod:`commdash.store.team_db`), with the
semantics of the file store (:class:`commdash.store.triage.TriageStore`), in transactions.

An action is applied to the state *as the database has it*, in the transaction that writes
it: a colleague's change committed a moment earlier is built upon. Undo is personal (this
session's latest action, else one of this manager's sessions that ended) and reverts only
what its action changed. Drafts are personal. Conversation states are read incrementally:
only the rows written since the last read come back.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from psycopg import Cursor
from psycopg.types.json import Jsonb

from commdash.outbox import Reply
from commdash.store import triage as file_store
from commdash.store.team_copy import COPY_EVERY, read_copy, write_copy
from commdash.store.team_db import TeamDatabase
from commdash.store.triage import BATCHES, DISCARD, Transition, Undoing, journal_entry
from commdash.triage import BLANK, JournalEntry, TriageState, rebase, revert

TRIM_EVERY = 32
"""Journal writes between two drops of the actions beyond the journal's limit."""
SESSION_ALIVE = 30.0
"""Seconds since a session was last seen after which it counts as ended (undo may then
take back its actions, for the same manager)."""


class TeamTriageStore:
    """One source's triage state in the team database, journalled for undo by ``manager``
    in ``session``."""

    def __init__(
        self, database: TeamDatabase, source: str, directory: Path, session: str, manager: str
    ) -> None:
        self.database = database
        self.source = source
        self.session = session
        self.manager = manager
        self.directory = directory
        self.shard_folder = directory / "states"
        self.batch_folder = directory / BATCHES
        self._cache: dict[str, TriageState] = {}
        self._cached_version = 0
        self._epoch: str | None = None
        """The database's, once read (None: the local copy not looked at yet)."""
        self._not_copied = 0
        """Rows read since the local copy was written."""
        self._cache_lock = threading.Lock()
        self.version = 0
        """The states' version this process knows of (its reads, writes and news)."""
        self._journalled = 0
        self.on_write: Callable[[int, int], None] = lambda before, after: None
        """Told the version before and after each write of this process, once committed."""

    @property
    def path(self) -> Path:
        return Path(self.database.shown)

    def has_v1_conversations(self) -> bool:
        return False

    def migrate(self) -> bool:
        return True

    # Conversation states ----------------------------------------------------------------

    def states(self) -> dict[str, TriageState]:
        """Every conversation's saved state, by conversation id: the rows written since the
        last call are read, the others come from memory. The rows come as one JSON object
        (the server builds it), parsed at once: 100,000 rows one by one cost twice as much."""
        with self._cache_lock:
            if self._epoch is None:
                self._start_from_copy()
            with self.database.connection() as connection:
                found = connection.execute(
                    "SELECT coalesce(json_object_agg(conversation_id, state), '{}'::json), "
                    "max(version) FROM commdash_states WHERE source = %s AND version > %s",
                    (self.source, self._cached_version),
                ).fetchone()
            documents, version = found if found is not None else ({}, None)
            self._not_copied += len(documents)
            for cid, document in documents.items():
                state = TriageState.from_dict(document)
                if state.is_blank:
                    self._cache.pop(cid, None)
                else:
                    self._cache[cid] = state
            if version is not None:
                self._cached_version = max(self._cached_version, int(version))
            self.version = max(self.version, self._cached_version)
            if self._not_copied >= COPY_EVERY:
                self._write_copy(aside=True)
            return dict(self._cache)

    def _start_from_copy(self) -> None:
        """Begin with the local copy of the states, if it is of this database and not ahead
        of it (a database restored to an earlier moment): only newer rows are read then."""
        with self.database.connection() as connection:
            row = connection.execute(
                "SELECT epoch, states_version FROM commdash_sources WHERE source = %s",
                (self.source,),
            ).fetchone()
        self._epoch, latest = (str(row[0]), int(row[1])) if row else ("", 0)
        copy = read_copy(self.directory, self._epoch)
        if copy is not None and copy[0] <= latest:
            self._cached_version, self._cache = copy

    def _write_copy(self, aside: bool = False) -> None:
        """Write the local copy of the states as they are now; ``aside``: in a thread of its
        own, so that the open or the sync that read them goes on meanwhile."""
        if not self._epoch:
            return
        what = (self.directory, self._epoch, self._cached_version, dict(self._cache))
        self._not_copied = 0
        if aside:
            threading.Thread(target=write_copy, args=what, name="commdash-copy").start()
        else:
            write_copy(*what)

    def keep_copy(self) -> None:
        """Write the local copy if rows were read since it was (the session ends)."""
        with self._cache_lock:
            if self._not_copied:
                self._write_copy()

    def state(self, conversation_id: str) -> TriageState:
        with self.database.connection() as connection:
            row = connection.execute(
                "SELECT state FROM commdash_states WHERE source = %s AND conversation_id = %s",
                (self.source, conversation_id),
            ).fetchone()
        return TriageState.from_dict(row[0] if row else None)

    def apply_many(
        self, conversation_ids: Iterable[str], action: str, transition: Transition, at: float
    ) -> list[JournalEntry]:
        return self.apply_each(dict.fromkeys(conversation_ids, transition), action, at)

    def apply_each(
        self, transitions: Mapping[str, Transition], action: str, at: float
    ) -> list[JournalEntry]:
        """Apply each conversation's transition to its state as the database has it, and
        journal it, in one transaction: changes of more than one conversation are one
        action, which undo takes back whole."""
        batch = uuid.uuid4().hex if len(transitions) > 1 else ""
        longer = len(transitions) / 1000  # 100,000 take about 10 s
        with self.database.transaction(pipelined=True, longer=longer) as cursor:
            bumped = self.database.ask_bump(cursor.connection.cursor(), self.source, "states")
            current = self._locked_states(cursor, list(transitions))
            version = self.database.version_of(bumped, self.source)
            self.database.announce(cursor, self.source, "states", version)
            entries = []
            for cid, transition in transitions.items():
                before = current.get(cid, BLANK)
                after = transition(before)
                if after != before:
                    entries.append(journal_entry(self, action, cid, before, after, at, batch=batch))
            if len(entries) == 1 and batch:
                entries = [replace(entries[0], batch="")]
            if entries:
                self._write_states(cursor, version, {e.conversation_id: e.after for e in entries})
                self._journal(cursor, entries)
        self._wrote(version)
        return entries

    def _wrote(self, version: int) -> None:
        self.version = max(self.version, version)
        self.on_write(version - 1, version)

    def _locked_states(self, cursor: Cursor[Any], cids: list[str]) -> dict[str, TriageState]:
        rows = cursor.execute(
            "SELECT conversation_id, state FROM commdash_states "
            "WHERE source = %s AND conversation_id = ANY(%s) FOR UPDATE",
            (self.source, cids),
        )
        return {cid: TriageState.from_dict(document) for cid, document in rows}

    def _write_states(
        self,
        cursor: Cursor[Any],
        version: int,
        states: Mapping[str, TriageState],
        at: float | None = None,
    ) -> None:
        """Write these states as of ``version``, changed now by this manager (``at``: when
        the action was made, if not now)."""
        cursor.execute(
            "INSERT INTO commdash_states "
            "(source, conversation_id, state, version, changed_by, changed_at) "
            "SELECT %s, cid, state, %s, %s, %s FROM unnest(%s::text[], %s::jsonb[]) "
            "AS t(cid, state) "
            "ON CONFLICT (source, conversation_id) DO UPDATE SET state = excluded.state, "
            "version = excluded.version, changed_by = excluded.changed_by, "
            "changed_at = excluded.changed_at",
            (
                self.source,
                version,
                self.manager,
                time.time() if at is None else at,
                list(states),
                [Jsonb({} if state.is_blank else state.to_dict()) for state in states.values()],
            ),
        )

    # The journal --------------------------------------------------------------------------

    def _journal(
        self, cursor: Cursor[Any], entries: list[JournalEntry], forgotten: Iterable[str] = ()
    ) -> None:
        """Journal one action (its entries, the first the head), forget the entries of the
        replies ``forgotten``, and drop the actions beyond the file store's ``JOURNAL_LIMIT``
        (at the first action of a process and every :data:`TRIM_EVERY` after: each drop
        leaves dead rows for the vacuum, and undo may reach a little further back)."""
        if gone := list(forgotten):
            cursor.execute(
                "DELETE FROM commdash_journal WHERE source = %s AND reply_id = ANY(%s)",
                (self.source, gone),
            )
        cursor.execute(
            "INSERT INTO commdash_journal (source, head, session, manager, batch, reply_id, "
            "entry) SELECT %s, head, %s, %s, %s, reply_id, entry "
            "FROM unnest(%s::boolean[], %s::text[], %s::jsonb[]) AS t(head, reply_id, entry)",
            (
                self.source,
                self.session,
                self.manager,
                entries[0].batch,
                [index == 0 for index in range(len(entries))],
                [entry.reply_id for entry in entries],
                [Jsonb(entry.to_dict()) for entry in entries],
            ),
        )
        self._journalled += 1
        if self._journalled % TRIM_EVERY == 1:
            cursor.execute(
                "DELETE FROM commdash_journal WHERE source = %s AND id < ("
                "SELECT id FROM commdash_journal WHERE source = %s AND head "
                "ORDER BY id DESC OFFSET %s LIMIT 1)",
                (self.source, self.source, file_store.JOURNAL_LIMIT - 1),
            )

    def journal(self) -> list[JournalEntry]:
        """Every entry of the journal (the latest ``JOURNAL_LIMIT`` actions), oldest
        first."""
        with self.database.connection() as connection:
            rows = connection.execute(
                "SELECT entry FROM commdash_journal WHERE source = %s ORDER BY id",
                (self.source,),
            )
            return [JournalEntry.from_dict(document) for (document,) in rows]

    def journal_reply(self, reply: Reply, forgotten: Iterable[str]) -> JournalEntry:
        """Journal a reply just queued and drop this manager's draft of it."""
        state = self.state(reply.conversation_id)
        entry = journal_entry(
            self, "reply", reply.conversation_id, state, state, reply.queued_at, reply.id
        )
        with self.database.transaction() as cursor:
            self._journal(cursor, [entry], forgotten)
            cursor.execute(
                "DELETE FROM commdash_drafts WHERE source = %s AND conversation_id = %s "
                "AND manager = %s",
                (self.source, reply.conversation_id, self.manager),
            )
        return entry

    def journal_replies(self, replies: list[Reply], forgotten: Iterable[str]) -> list[JournalEntry]:
        """Journal replies queued to many conversations as one action (a batch even for
        one: undo of a bulk send discards, whatever its count)."""
        batch = uuid.uuid4().hex
        states = self.known(reply.conversation_id for reply in replies)
        entries = [
            journal_entry(
                self,
                "reply",
                reply.conversation_id,
                state := states.get(reply.conversation_id, BLANK),
                state,
                reply.queued_at,
                reply.id,
                batch=batch,
            )
            for reply in replies
        ]
        if entries:
            with self.database.transaction() as cursor:
                self._journal(cursor, entries, forgotten)
        return entries

    def journal_discard(self, reply: Reply, at: float) -> None:
        """Journal a reply discarded with x, with a copy of it for undo."""
        state = self.state(reply.conversation_id)
        entry = journal_entry(self, DISCARD, reply.conversation_id, state, state, at, reply.id)
        with self.database.transaction() as cursor:
            self._journal(cursor, [entry])
            cursor.execute(
                "INSERT INTO commdash_discarded (source, reply_id, reply) VALUES (%s, %s, %s) "
                "ON CONFLICT (source, reply_id) DO UPDATE SET reply = excluded.reply",
                (self.source, reply.id, Jsonb(reply.to_dict())),
            )
            cursor.execute(
                "DELETE FROM commdash_discarded d WHERE source = %s AND NOT EXISTS ("
                "SELECT 1 FROM commdash_journal j WHERE j.source = d.source "
                "AND j.reply_id = d.reply_id)",
                (self.source,),
            )

    def undo_latest(self, put_back: Callable[[Reply], None]) -> Undoing | None:
        """Take this manager's latest action out of the journal (of this session if it has
        any, else of one of this manager's sessions that ended) and put back what it
        changed, in one transaction. None when nothing is left to undo."""
        written: list[int] = []
        with self.database.transaction() as cursor:
            head = self._latest_own(cursor)
            if head is None:
                return None
            head_id, batch = head
            rows = cursor.execute(
                "DELETE FROM commdash_journal WHERE "
                + ("batch = %s AND source = %s" if batch else "id = %s AND source = %s")
                + " RETURNING id, entry",
                (batch or head_id, self.source),
            ).fetchall()
            undone = tuple(JournalEntry.from_dict(document) for _, document in sorted(rows))
            entry = undone[0]
            if entry.action == DISCARD and entry.reply_id is not None:
                copy = cursor.execute(
                    "DELETE FROM commdash_discarded WHERE source = %s AND reply_id = %s "
                    "RETURNING reply",
                    (self.source, entry.reply_id),
                ).fetchone()
                found = Reply.from_dict(copy[0]) if copy else None
                if found is not None:
                    put_back(found)
            else:
                written = self._revert(cursor, [f for f in undone if f.reply_id is None])
        for version in written:
            self._wrote(version)
        if batch:
            entry = replace(entry, conversation_id="", before=BLANK, after=BLANK, reply_id=None)
        return Undoing(entry, undone)

    def _latest_own(self, cursor: Cursor[Any]) -> tuple[int, str] | None:
        """The id and batch of this manager's latest action that undo may take."""
        row = cursor.execute(
            "SELECT id, batch FROM commdash_journal WHERE source = %s AND head "
            "AND session = %s ORDER BY id DESC LIMIT 1 FOR UPDATE",
            (self.source, self.session),
        ).fetchone()
        if row is None:
            row = cursor.execute(
                "SELECT j.id, j.batch FROM commdash_journal j WHERE j.source = %s AND j.head "
                "AND j.manager = %s AND NOT EXISTS (SELECT 1 FROM commdash_sessions s "
                "WHERE s.session = j.session AND s.seen_at > %s) "
                "ORDER BY j.id DESC LIMIT 1 FOR UPDATE",
                (self.source, self.manager, time.time() - SESSION_ALIVE),
            ).fetchone()
        return None if row is None else (int(row[0]), str(row[1]))

    def _revert(self, cursor: Cursor[Any], entries: list[JournalEntry]) -> list[int]:
        """Put back what each entry changed where it is still as the entry left it; returns
        the version written (none when there is nothing to put back)."""
        if not entries:
            return []
        version = self.database.bump(cursor, self.source, "states")
        current = self._locked_states(cursor, [entry.conversation_id for entry in entries])
        reverted = {
            entry.conversation_id: revert(
                current.get(entry.conversation_id, BLANK), entry.before, entry.after
            )
            for entry in entries
        }
        self._write_states(cursor, version, reverted)
        return [version]

    # Working offline ------------------------------------------------------------------

    def known(self, conversation_ids: Iterable[str]) -> dict[str, TriageState]:
        """The states of these conversations as this process last read or wrote them."""
        with self._cache_lock:
            return {cid: self._cache.get(cid, BLANK) for cid in conversation_ids}

    def known_all(self) -> dict[str, TriageState]:
        """Every state as this process last read or wrote them."""
        with self._cache_lock:
            return dict(self._cache)

    def journal_in(self, cursor: Cursor[Any], entry: JournalEntry) -> None:
        """Journal an entry made offline (a reply queued), in the caller's transaction."""
        self._journal(cursor, [entry])

    def draft_in(self, cursor: Cursor[Any], conversation_id: str, text: str) -> None:
        """Save or delete a draft written offline, in the caller's transaction."""
        self._save_draft(cursor, conversation_id, text)

    def remember(self, states: Mapping[str, TriageState]) -> None:
        """Keep states changed while the database was away (shown until it is back)."""
        with self._cache_lock:
            for cid, state in states.items():
                if state.is_blank:
                    self._cache.pop(cid, None)
                else:
                    self._cache[cid] = state

    def refresh(self, conversation_ids: Iterable[str]) -> None:
        """Read these conversations' states afresh (after catching up: what the database
        made of an action done offline may differ from what was shown)."""
        with self.database.connection() as connection:
            rows = connection.execute(
                "SELECT conversation_id, state FROM commdash_states "
                "WHERE source = %s AND conversation_id = ANY(%s)",
                (self.source, list(conversation_ids)),
            ).fetchall()
        found = dict.fromkeys(conversation_ids, BLANK)
        found.update((cid, TriageState.from_dict(document)) for cid, document in rows)
        self.remember(found)

    def replay(self, cursor: Cursor[Any], entry: JournalEntry) -> tuple[str, ...]:
        """Apply an action done offline to the state as the database has it now (field by
        field, the later of two clashing changes winning: :func:`commdash.triage.rebase`),
        journal it, and tell the manager whose change it overruled. Returns the clashes in
        which the colleague's change stayed."""
        version = self.database.bump(cursor, self.source, "states")
        row = cursor.execute(
            "SELECT state, changed_at, changed_by FROM commdash_states "
            "WHERE source = %s AND conversation_id = %s FOR UPDATE",
            (self.source, entry.conversation_id),
        ).fetchone()
        current = TriageState.from_dict(row[0]) if row else BLANK
        changed_at, changed_by = (float(row[1]), str(row[2])) if row else (0.0, "")
        ours_later = entry.at >= changed_at
        merged, clashes = rebase(current, entry.before, entry.after, ours_later)
        if merged != current:
            self._write_states(cursor, version, {entry.conversation_id: merged}, at=entry.at)
            self._journal(cursor, [replace(entry, before=current, after=merged, batch="")])
        if clashes and ours_later and changed_by and changed_by != self.manager:
            told = ", ".join(clashes)
            cursor.execute(
                "INSERT INTO commdash_notices (source, manager, text, at) VALUES (%s, %s, %s, %s)",
                (
                    self.source,
                    changed_by,
                    f"{self.manager} changed the {told} of {entry.conversation_id} later, "
                    "offline: theirs replaced yours",
                    time.time(),
                ),
            )
            self.database.announce(cursor, self.source, "notice")
        self._wrote(version)
        return () if ours_later else clashes

    # Drafts -------------------------------------------------------------------------------

    def drafts(self) -> dict[str, str]:
        """This manager's drafts, by conversation."""
        with self.database.connection() as connection:
            rows = connection.execute(
                "SELECT conversation_id, text FROM commdash_drafts "
                "WHERE source = %s AND manager = %s",
                (self.source, self.manager),
            )
            return {str(cid): str(text) for cid, text in rows}

    def save_draft(self, conversation_id: str, text: str) -> None:
        """Keep the draft; an empty one is deleted."""
        with self.database.transaction() as cursor:
            self._save_draft(cursor, conversation_id, text)

    def _save_draft(self, cursor: Cursor[Any], conversation_id: str, text: str) -> None:
        if text.strip():
            cursor.execute(
                "INSERT INTO commdash_drafts (source, conversation_id, manager, text) "
                "VALUES (%s, %s, %s, %s) ON CONFLICT (source, conversation_id, manager) "
                "DO UPDATE SET text = excluded.text",
                (self.source, conversation_id, self.manager, text),
            )
        else:
            cursor.execute(
                "DELETE FROM commdash_drafts WHERE source = %s AND conversation_id = %s "
                "AND manager = %s",
                (self.source, conversation_id, self.manager),
            )

    def put_before_draft(self, conversation_id: str, text: str) -> None:
        draft = self.drafts().get(conversation_id, "").rstrip()
        self.save_draft(conversation_id, f"{text}\n\n{draft}".strip())

    # Meta ---------------------------------------------------------------------------------

    def anchor(self, now: float) -> float:
        """The moment the bundled demo is shifted to: kept while there is state to match, or
        another manager has it open (both must see the same times, or a conversation one
        marks done would look answered later than that to the other)."""
        with self.database.transaction() as cursor:
            row = cursor.execute(
                "SELECT anchor FROM commdash_sources WHERE source = %s FOR UPDATE", (self.source,)
            ).fetchone()
            has_state = cursor.execute(
                "SELECT EXISTS (SELECT 1 FROM commdash_journal WHERE source = %s) "
                "OR EXISTS (SELECT 1 FROM commdash_states WHERE source = %s "
                "AND state <> '{}'::jsonb) OR EXISTS (SELECT 1 FROM commdash_sessions "
                "WHERE source = %s AND session <> %s AND seen_at > %s)",
                (
                    self.source,
                    self.source,
                    self.source,
                    self.session,
                    time.time() - SESSION_ALIVE,
                ),
            ).fetchone()
            if row is not None and row[0] is not None and has_state and has_state[0]:
                return float(row[0])
            cursor.execute(
                "UPDATE commdash_sources SET anchor = %s WHERE source = %s", (now, self.source)
            )
            return now
