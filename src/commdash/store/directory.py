"""One source's state directory (``<state root>/<source key>/``): the triage store and the
outbox store under one cross-process lock (``.lock``), and what involves both.

Every change runs under the lock, reads the files afresh, and replaces each atomically
(:mod:`commdash.statefiles`): a kill -9 at any moment leaves the old or the new file, and
two processes never lose each other's updates. The first use of a directory, under the
lock, moves a 0.1 directory's conversations to shards and removes the temporary files of
writers that were killed.
"""

from __future__ import annotations

import getpass
import os
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

from commdash.host import hostname
from commdash.outbox import Reply
from commdash.presence import Presence
from commdash.statefiles import DirectoryLock, remove_stale_temporaries, stale_temporaries
from commdash.store.backends import OutboxBackend, SavedRepliesBackend, TriageBackend
from commdash.store.outbox import OutboxStore
from commdash.store.presence import FOLDER as PRESENCE
from commdash.store.presence import FilePresence
from commdash.store.rules import RULES
from commdash.store.saved_replies import SavedReplyStore
from commdash.store.triage import DISCARD, Transition, TriageStore, Undoing
from commdash.triage import JournalEntry, TriageState


class Store:
    """One source's state directory: what the app and the courier read and change.

    Reading and changing one half is the triage store's or the outbox store's business (the
    methods here hand it on); what involves both happens here, in an order that loses
    nothing if commdash is killed half-way: queuing a reply (the outbox first, then the
    journal), undo (a discarded reply back in the outbox before its entry leaves the
    journal) and discarding a reply so that undo can put it back (the copy first)."""

    def __init__(
        self,
        directory: Path,
        session: str | None = None,
        manager: str | None = None,
        name: str | None = None,
    ) -> None:
        """``name``: how the other managers see this one typing (``✎ ana``); by default
        the part of ``manager`` before the ``@``."""
        self.directory = directory
        self.session = session or uuid.uuid4().hex
        self.manager = manager or default_manager()
        self.last_write: tuple[tuple[int, ...], tuple[int, ...]] | None = None
        """The files' fingerprints just before and after this store's latest write, taken
        under the lock: if nobody else wrote in between, a reader can skip reloading."""
        self._lock = DirectoryLock(directory)
        self._prepared = False
        self.triage: TriageBackend = TriageStore(directory, self.locked, self.session, self.manager)
        self.outbox: OutboxBackend = OutboxStore(directory / "outbox.json", self.locked)
        self.presence: Presence = FilePresence(directory, self.session, self.manager, name)
        """Who else writes a reply, and where; this session's own announcements."""

    @contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the directory's lock (re-entrant), the directory prepared for use."""
        with self._lock.held():
            if not self._prepared:
                self._prepare()
            before = self.fingerprint()
            yield
            self.last_write = (before, self.fingerprint())

    @property
    def _folders(self) -> tuple[Path, ...]:
        """Where the state files are written."""
        folders = self.triage.shard_folder, self.triage.batch_folder, self.directory / RULES
        return self.directory, *folders, self.directory / PRESENCE

    def _prepare(self) -> None:
        """What the first use of a directory does, under the lock: move a 0.1 directory's
        conversations to shards, and remove the temporary files of writers that were killed
        (under the lock no writer is at work, and each file's pid is checked besides)."""
        remove_stale_temporaries(*self._folders)
        self._prepared = self.triage.migrate()

    def fingerprint(self) -> tuple[int, ...]:
        """Changes whenever either file is replaced, by this process or another."""
        marks: list[int] = []
        for path in (self.triage.path, self.outbox.path):
            try:
                stat = path.stat()
                marks += [stat.st_mtime_ns, stat.st_ino, stat.st_size]
            except FileNotFoundError:
                marks += [0, 0, 0]
        return tuple(marks)

    # Triage state -------------------------------------------------------------------------

    def states(self) -> dict[str, TriageState]:
        """Every conversation's saved state, by conversation id (the first call prepares
        the directory when it needs it)."""
        if not self._prepared:
            if self.triage.has_v1_conversations() or stale_temporaries(*self._folders):
                with self.locked():
                    pass
            self._prepared = True
        return self.triage.states()

    def state(self, conversation_id: str) -> TriageState:
        return self.triage.state(conversation_id)

    def apply(
        self,
        conversation_id: str,
        action: str,
        transition: Callable[[TriageState], TriageState],
        at: float,
    ) -> JournalEntry | None:
        """Apply ``transition`` to the conversation's state *as it is on disk now* and journal
        it (:meth:`apply_each`). None when the state did not change."""
        entries = self.apply_each({conversation_id: transition}, action, at)
        return entries[0] if entries else None

    def apply_many(
        self,
        conversation_ids: Iterable[str],
        action: str,
        transition: Callable[[TriageState], TriageState],
        at: float,
    ) -> list[JournalEntry]:
        return self.apply_each(dict.fromkeys(conversation_ids, transition), action, at)

    def apply_each(
        self, transitions: Mapping[str, Transition], action: str, at: float
    ) -> list[JournalEntry]:
        """One action on many conversations (:meth:`TriageStore.apply_each`): one write per
        shard, and undo takes it back whole."""
        return self.triage.apply_each(transitions, action, at)

    def drafts(self) -> dict[str, str]:
        return self.triage.drafts()

    def journal(self) -> list[JournalEntry]:
        return self.triage.journal()

    def save_draft(self, conversation_id: str, text: str) -> None:
        self.triage.save_draft(conversation_id, text)

    def anchor(self, now: float) -> float:
        return self.triage.anchor(now)

    # Outbox -------------------------------------------------------------------------------

    def replies(self) -> list[Reply]:
        return self.outbox.replies()

    def unreadable_replies(self) -> str | None:
        """One line about the outbox items that cannot be read, or None when there are none."""
        found = self.outbox.unreadable()
        if not found:
            return None
        listed = ", ".join(found[:5]) + (", …" if len(found) > 5 else "")
        items = f"item {listed}" if len(found) == 1 else f"{len(found)} items ({listed})"
        return (
            f"{self.outbox.path}: {items} cannot be read (an id, a target, a text or a time "
            "is missing or mistyped): kept in the file, never sent"
        )

    def queue_moderation(self, item: Reply) -> None:
        """Put a hide or unhide in the outbox (the local state is the triage action's)."""
        self.outbox.add(item)

    def queue_moderations(self, items: list[Reply]) -> None:
        """Put hides or unhides in the outbox, in one write."""
        self.outbox.add_many(items)

    def claim_due(self, now: float, owner: str) -> Reply | None:
        return self.outbox.claim_due(now, owner)

    def update_reply(self, reply_id: str, change: Callable[[Reply], Reply | None]) -> Reply | None:
        return self.outbox.update(reply_id, change)

    def discard_reply(self, reply_id: str) -> Reply | None:
        return self.outbox.discard(reply_id)

    def close(self) -> None:
        """Let go of what the store holds open: nothing, for files."""

    def library(self) -> SavedRepliesBackend:
        """The saved replies: the state directory's (every source's folder is in it)."""
        return SavedReplyStore(self.directory.parent)

    # A team's news ------------------------------------------------------------------------

    def standing(self) -> str:
        """How the store stands, when the manager must know (a team database away): empty
        for the files, which are always there."""
        return ""

    def take_notices(self) -> list[str]:
        """What the manager must be told once (a colleague's change that replaced theirs):
        none for the files."""
        return []

    # Both ---------------------------------------------------------------------------------

    def as_queued(self, reply: Reply) -> Reply:
        """``reply`` as this store queues it: by this manager (the one place that says so)."""
        return replace(reply, queued_by=self.manager)

    def queue_reply(self, reply: Reply) -> JournalEntry:
        """Put the reply in the outbox (first, so it is never lost), by this manager, then
        journal it and drop the conversation's draft."""
        reply = self.as_queued(reply)
        pruned = self.outbox.add(reply, prune_sent=True)
        return self.triage.journal_reply(reply, forgotten=pruned)

    def queue_replies(self, replies: list[Reply]) -> list[JournalEntry]:
        """Put replies to many conversations in the outbox in one write (first, so none is
        ever lost), by this manager, then journal them as one action."""
        replies = [self.as_queued(reply) for reply in replies]
        pruned = self.outbox.add_many(replies, prune_sent=True)
        return self.triage.journal_replies(replies, forgotten=pruned)

    def undo(self) -> JournalEntry | None:
        """:meth:`undo_latest`, saying only which entry was taken."""
        undoing = self.undo_latest()
        return None if undoing is None else undoing.entry

    def undo_latest(self) -> Undoing | None:
        """Take back this manager's latest action (:meth:`TriageStore.undo_latest`): restore
        the states before it, put the reply it discarded back in the outbox, turn the reply
        it queued back into a draft, or discard the replies a bulk send queued (those not
        on their way yet, in one write). None when nothing is left to undo."""
        undoing = self.triage.undo_latest(put_back=self.outbox.put_back)
        if undoing is None or undoing.entry.action == DISCARD:
            return undoing
        if undoing.entry.batch:
            sent_to_many = [entry.reply_id for entry in undoing.entries if entry.reply_id]
            if sent_to_many:  # a saved reply sent to the marked: those not on their way go
                self.outbox.discard_many(sent_to_many)
            return undoing
        for entry in undoing.entries:
            if entry.reply_id is not None:
                reply = self.outbox.discard(entry.reply_id)
                if reply is not None:
                    self.triage.put_before_draft(entry.conversation_id, reply.text)
        return undoing

    def discard_reply_undoably(self, reply_id: str, at: float) -> Reply | None:
        """:meth:`discard_reply`, journalled with a copy of the reply so that undo puts it
        back as it was. The copy is written before the reply leaves the outbox, so its text
        is never lost. None, and nothing journalled, when the reply is gone, sent, or on its
        way."""
        with self.locked():
            reply = self.outbox.discardable(reply_id)
            if reply is None:
                return None
            self.triage.journal_discard(reply, at)
            self.outbox.discard(reply_id)
            return reply


def default_manager() -> str:
    """Who is acting, as journalled for undo: ``user@host``."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = str(os.getuid()) if hasattr(os, "getuid") else "user"
    return f"{user}@{hostname()}"
