"""A source's state in the team database: :class:`TeamStore` is the :class:`Store` of a team,
its triage half and outbox half in PostgreSQL (shared by every manager's commdash), what
stays personal to this machine (the rules' records, the presence files of the file store)
in the local state directory."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import replace
from pathlib import Path
from typing import Any

from psycopg import Cursor

from commdash.errors import StateError
from commdash.outbox import Reply
from commdash.presence import display_name
from commdash.store.backends import SavedRepliesBackend
from commdash.store.directory import Store
from commdash.store.team_db import Part, TeamDatabase
from commdash.store.team_outbox import TeamOutboxStore
from commdash.store.team_pending import PendingQueue
from commdash.store.team_presence import TeamPresence
from commdash.store.team_saved_replies import TeamSavedReplyStore
from commdash.store.team_triage import TeamTriageStore
from commdash.store.triage import Transition, Undoing, journal_entry
from commdash.triage import BLANK, JournalEntry, TriageState


class TeamStore(Store):
    """One source's triage state and outbox in the team database (``source`` names its rows;
    ``directory`` is the local state directory, for what stays on this machine)."""

    def __init__(
        self,
        directory: Path,
        database: TeamDatabase,
        source: str,
        session: str | None = None,
        manager: str | None = None,
        name: str | None = None,
    ) -> None:
        super().__init__(directory, session, manager, name)
        self.name = display_name(self.manager, name)
        """How the other managers see this one (``[team] name``)."""
        self.database = database
        self.source = source
        database.register(source)
        self._versions_lock = threading.Lock()
        self.team_triage = TeamTriageStore(database, source, directory, self.session, self.manager)
        self.team_outbox = TeamOutboxStore(database, source)
        self.team_presence = TeamPresence(database, source, self.session)
        self.presence = self.team_presence
        self.triage = self.team_triage
        self.outbox = self.team_outbox
        self.pending = PendingQueue(directory, self.locked)
        self._catching_up = threading.Lock()
        self._offline_items: list[Reply] = [
            item
            for doc in self.pending.all()
            if doc.get("kind") == "item" and (item := Reply.from_dict(doc.get("item"))) is not None
        ]
        self._drafts: dict[str, str] = {}
        self._notices_due = True
        self.clashes: list[str] = []
        """What the database kept of a colleague's over an action done offline, to tell."""
        self.team_triage.on_write = lambda before, after: self._wrote("states", before, after)
        self.team_outbox.on_write = lambda before, after: self._wrote("outbox", before, after)
        database.join(self.session, source, self.manager, self.name)
        database.listen(self._heard)

    @contextmanager
    def locked(self) -> Iterator[None]:
        """The local state directory's lock (the rules' records are on this machine); the
        database's own transactions serialise the writes of the team."""
        with self._lock.held():
            yield

    def fingerprint(self) -> tuple[int, ...]:
        """The states' and the outbox's versions this process knows of: changed by its own
        writes, and by the news of every other commdash's (``LISTEN``), never by polling."""
        return (self.team_triage.version, self.team_outbox.version)

    def _wrote(self, part: Part, before: int, after: int) -> None:
        """After a write of ours: the versions just before and after it (the database's, so
        a colleague's write not heard of yet is never taken as seen)."""
        with self._versions_lock:
            if part == "states":
                outbox = self.team_outbox.version
                self.last_write = ((before, outbox), (after, outbox))
            else:
                states = self.team_triage.version
                self.last_write = ((states, before), (states, after))

    def _heard(self, source: str, part: Part, version: int) -> None:
        """News from the listener: a change committed (``source`` empty: the listener has
        just connected, and whatever happened while it was away is read)."""
        if not source:
            self.team_presence.due = True
            with suppress(StateError):
                self.catch_up()
            states, outbox = self.database.versions(self.source)
        elif source != self.source:
            return
        elif part == "notice":
            self._notices_due = True
            return
        elif part == "presence":
            self.team_presence.due = True
            return
        else:
            states = version if part == "states" else 0
            outbox = version if part == "outbox" else 0
        with self._versions_lock:
            self.team_triage.version = max(self.team_triage.version, states)
            self.team_outbox.version = max(self.team_outbox.version, outbox)

    def close(self) -> None:
        """This session ends: its row goes (its actions are its manager's to undo from any
        session at once), and the local copy of the states is brought up to date. The
        database's connections stay: other stores share them."""
        if not self.offline and not self.waiting():  # else what it shows is not the team's
            self.team_triage.keep_copy()
        with suppress(StateError):
            self.database.leave(self.session)

    def library(self) -> SavedRepliesBackend:
        """The saved replies: the team's, one library for the whole database."""
        return TeamSavedReplyStore(self.database)

    def standing(self) -> str:
        """Said in the header while the team database is away, or what was done meanwhile
        has not all reached it yet."""
        waiting = self.waiting()
        if self.offline:
            return f"team database away: working offline ({waiting:,} waiting)"
        return f"team database back: catching up ({waiting:,} waiting)" if waiting else ""

    def take_notices(self) -> list[str]:
        """The clashes the database settled against this manager's offline actions, and
        what colleagues' offline actions replaced of theirs (read once the news came)."""
        told, self.clashes = self.clashes, []
        if self._notices_due and not self.offline:
            self._notices_due = False
            try:
                with self.database.connection() as connection:
                    rows = connection.execute(
                        "DELETE FROM commdash_notices WHERE source = %s AND manager = %s "
                        "RETURNING id, text",
                        (self.source, self.manager),
                    ).fetchall()
            except StateError:
                self._notices_due = True
                return told
            told += [str(text) for _, text in sorted(rows)]
        return told

    # Working offline --------------------------------------------------------------------

    @property
    def offline(self) -> bool:
        """Whether the team database could not be reached at the latest try."""
        return not self.database.reachable

    def waiting(self) -> int:
        """How many actions, replies and drafts wait for the database."""
        return len(self.pending)

    def _online(self) -> bool:
        """Whether to try the database: not while it is known to be away, and only once
        what waits for it has reached it (the order of a manager's actions holds)."""
        if self.offline:
            return False
        if self.waiting():
            with suppress(StateError):
                self.catch_up()
        return not self.offline

    def apply_each(
        self, transitions: Mapping[str, Transition], action: str, at: float
    ) -> list[JournalEntry]:
        """In the database; while it is away, on the states as this process knows them,
        kept in the local queue until it is back."""
        if self._online():
            try:
                return super().apply_each(transitions, action, at)
            except StateError:
                if not self.offline:
                    raise
        known = self.team_triage.known(transitions)
        batch = uuid.uuid4().hex if len(transitions) > 1 else ""
        entries = [
            journal_entry(self.team_triage, action, cid, before, after, at, batch=batch)
            for cid, before in known.items()
            if (after := transitions[cid](before)) != before
        ]
        if entries:
            self.pending.add([PendingQueue.action(entry) for entry in entries])
            self.team_triage.remember({e.conversation_id: e.after for e in entries})
        return entries

    def states(self) -> dict[str, TriageState]:
        if self._online():
            try:
                return super().states()
            except StateError:
                if not self.offline:
                    raise
        return self.team_triage.known_all()

    def replies(self) -> list[Reply]:
        if self._online():
            try:
                return super().replies()
            except StateError:
                if not self.offline:
                    raise
        return [*self.team_outbox.known(), *self._offline_items]

    def drafts(self) -> dict[str, str]:
        if self._online():
            try:
                self._drafts = super().drafts()
                return dict(self._drafts)
            except StateError:
                if not self.offline:
                    raise
        return dict(self._drafts)

    def save_draft(self, conversation_id: str, text: str) -> None:
        if self._online():
            try:
                super().save_draft(conversation_id, text)
                return
            except StateError:
                if not self.offline:
                    raise
        self.pending.add([PendingQueue.draft(conversation_id, text)])
        if text.strip():
            self._drafts[conversation_id] = text
        else:
            self._drafts.pop(conversation_id, None)

    def queue_reply(self, reply: Reply) -> JournalEntry:
        if self._online():
            try:
                return super().queue_reply(reply)
            except StateError:
                if not self.offline:
                    raise
        reply = self.as_queued(reply)
        state = self.team_triage.known([reply.conversation_id])[reply.conversation_id]
        entry = journal_entry(
            self.team_triage,
            "reply",
            reply.conversation_id,
            state,
            state,
            reply.queued_at,
            reply.id,
        )
        self._queue_offline([reply], entry)
        self._drafts.pop(reply.conversation_id, None)
        return entry

    def queue_replies(self, replies: list[Reply]) -> list[JournalEntry]:
        if self._online():
            try:
                return super().queue_replies(replies)
            except StateError:
                if not self.offline:
                    raise
        batch = uuid.uuid4().hex  # one action, as online: undo takes the whole send back
        queued = [self.as_queued(reply) for reply in replies]
        known = self.team_triage.known(reply.conversation_id for reply in queued)
        entries = [
            journal_entry(
                self.team_triage,
                "reply",
                reply.conversation_id,
                known[reply.conversation_id],
                known[reply.conversation_id],
                reply.queued_at,
                reply.id,
                batch,
            )
            for reply in queued
        ]
        self.pending.add([PendingQueue.item(r, e) for r, e in zip(queued, entries, strict=True)])
        self._offline_items += queued
        return entries

    def queue_moderations(self, items: list[Reply]) -> None:
        if self._online():
            try:
                super().queue_moderations(items)
                return
            except StateError:
                if not self.offline:
                    raise
        self._queue_offline(items, None)

    def queue_moderation(self, item: Reply) -> None:
        self.queue_moderations([item])

    def _queue_offline(self, items: list[Reply], entry: JournalEntry | None) -> None:
        self.pending.add([PendingQueue.item(item, entry) for item in items])
        self._offline_items += items

    def undo_latest(self) -> Undoing | None:
        """Online, as the file store's; offline, this session's latest action still in the
        local queue is taken back from it (an action that reached the database waits for
        it to be back)."""
        if self._online():
            return super().undo_latest()
        waiting = self.pending.all()
        for doc in reversed(waiting):
            entry = JournalEntry.from_dict(doc.get("entry"))
            if doc.get("kind") == "draft" or entry.session != self.session:
                continue
            taken = [doc]
            if entry.batch:
                taken = [
                    other
                    for other in waiting
                    if JournalEntry.from_dict(other.get("entry")).batch == entry.batch
                ]
            undone = self._take_back_offline(taken, drafts=not entry.batch)
            if not entry.batch:
                return Undoing(entry, undone)
            head = replace(entry, conversation_id="", before=BLANK, after=BLANK, reply_id=None)
            return Undoing(head, undone)
        raise StateError(
            f"{self.database.shown} cannot be reached: undo of an action it already has "
            "waits until it is back"
        )

    def _take_back_offline(
        self, docs: list[dict[str, Any]], drafts: bool
    ) -> tuple[JournalEntry, ...]:
        """Take these out of the local queue: their states back as they were before, their
        replies and hides out of the outbox shown (a reply's text back before its draft,
        ``drafts``: as online, a bulk send's are not). Their entries."""
        self.pending.remove([doc["_id"] for doc in docs])
        back: dict[str, TriageState] = {}
        entries = []
        for doc in docs:
            entry = JournalEntry.from_dict(doc.get("entry"))
            entries.append(entry)
            if doc.get("kind") == "action":
                back[entry.conversation_id] = entry.before
            elif (item := Reply.from_dict(doc.get("item"))) is not None:
                self._offline_items = [i for i in self._offline_items if i.id != item.id]
                if item.kind == "reply" and drafts:
                    draft = self._drafts.get(item.conversation_id, "").rstrip()
                    text = f"{item.text}\n\n{draft}".strip()
                    self.save_draft(item.conversation_id, text)
        self.team_triage.remember(back)
        return tuple(entries)

    def catch_up(self) -> None:
        """Apply, in order, what waits in the local queue: each in a transaction of its
        own that also records its key, so a crash between the database and the queue
        never applies anything twice."""
        with self._catching_up, self.locked():
            waiting = self.pending.all()
            if not waiting:
                return
            for doc in waiting:
                key = f"pending:{doc.get('key') or uuid.uuid4().hex}"
                with self.database.transaction() as cursor:
                    fresh = cursor.execute(
                        "INSERT INTO commdash_applied (key, at) VALUES (%s, %s) "
                        "ON CONFLICT DO NOTHING RETURNING key",
                        (key, time.time()),
                    ).fetchone()
                    if fresh is not None:
                        self._replay(cursor, doc)
                self.pending.remove([doc["_id"]])
            self._offline_items = []
            self.team_triage.refresh(
                {
                    JournalEntry.from_dict(doc.get("entry")).conversation_id
                    for doc in waiting
                    if doc.get("kind") == "action"
                }
            )

    def _replay(self, cursor: Cursor[Any], doc: dict[str, Any]) -> None:
        kind = doc.get("kind")
        entry = JournalEntry.from_dict(doc.get("entry"))
        if kind == "action":
            self.clashes += [
                f"{clash} of {entry.conversation_id}: a colleague's later change stays"
                for clash in self.team_triage.replay(cursor, entry)
            ]
        elif kind == "item" and (item := Reply.from_dict(doc.get("item"))) is not None:
            self.team_outbox.insert(cursor, item)
            if doc.get("entry"):
                self.team_triage.journal_in(cursor, entry)
        elif kind == "draft":
            self.team_triage.draft_in(
                cursor, str(doc.get("conversation_id", "")), str(doc.get("text", ""))
            )
