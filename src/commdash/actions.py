"""Triage actions: each one is written to disk first, then applied to the inbox.

The UI calls these and shows the result; if the disk refuses, a :class:`StateError` reaches
the UI and the inbox is left as it was, so the screen never shows what was not saved. An
action refused before anything is written (a read-only message, a reply too long) raises
:class:`Refused`. Messages that name keys name them by binding id (:mod:`commdash.hints`).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

from commdash import double_reply, triage
from commdash.double_reply import Answer, Seen
from commdash.errors import CommdashError
from commdash.hints import Hint, Press
from commdash.inbox import Inbox
from commdash.model import Snapshot
from commdash.outbox import Reply
from commdash.replying import queued_text, reply_limit, too_long
from commdash.saved_replies import (
    SavedReply,
    fill,
    for_reply_box,
    gaps,
    manager_name,
    template_values,
)
from commdash.store import DISCARD, Store
from commdash.store.triage import Transition, Undoing
from commdash.text import sanitize
from commdash.timeutil import Clock
from commdash.triage import BLANK, JournalEntry, TriageState

SNOOZE_MORNING_HOUR = 9
WHY_READ_ONLY = Hint(" (", Press("inbox.load-report"), " says why).")
RETRIES = Hint(Press("outbox.retry"), " retries")


class Refused(CommdashError):
    """An action refused before anything was written; ``hint`` says why."""

    def __init__(self, hint: Hint | str) -> None:
        self.hint = hint
        super().__init__(str(hint))


class ReadOnlyError(Refused):
    """A reply or hide on a read-only message: it could never be delivered, so it is not
    queued (the screen checks first; this guards every other way in)."""


class TooLongError(Refused):
    """A reply longer than the platform takes: it would only come back refused."""


class GapError(Refused):
    """A reply with a variable that has no value for its member (``{first_name}`` typed,
    or a saved reply's gap ``[first_name?]`` left in it): never sent so."""


@dataclass(frozen=True, slots=True)
class Undone:
    """What an undo did with the action it took from the journal."""

    entry: JournalEntry
    """For a bulk action, its head: ``batch`` set, no conversation."""
    restored: bool
    """False when nothing could be put back (``note`` says why)."""
    note: str | Hint = ""
    count: int = 1
    """How many conversations the action changed (a bulk action's: any number)."""


@dataclass(frozen=True, slots=True)
class Bulk:
    """What a bulk action did."""

    action: str
    """As journalled: done or reopen, snooze, tag, assign, hide or unhide."""
    changed: int
    """The conversations whose state it changed (undo takes them all back at once)."""
    skipped: int = 0
    """Those it could not act on: a read-only comment cannot be hidden."""


@dataclass(frozen=True, slots=True)
class Skipped:
    """A conversation a bulk send left out, and why."""

    conversation_id: str
    who: str
    """The member it would have answered (as the source names them)."""
    why: str
    """In a few words: ``read-only``, ``[first_name?] not filled``, ``too long``…"""


@dataclass(frozen=True, slots=True)
class BulkReply:
    """What sending a saved reply to many conversations did."""

    queued: tuple[Reply, ...]
    skipped: tuple[Skipped, ...] = ()


class Triager:
    def __init__(self, inbox: Inbox, store: Store, clock: Clock) -> None:
        self.inbox = inbox
        self.store = store
        self.clock = clock
        self.seen = store.fingerprint()
        self.moderates = False
        """Whether hides go to the platform too (a live source that can hide)."""
        self.saved_replies = store.library()
        """The library of the state directory (every source's folder is in it)."""

    def _change(
        self, action: str, cid: str, transition: Callable[[TriageState], TriageState]
    ) -> TriageState:
        """Apply ``transition`` to the state on disk (another manager's change included) and
        show the result."""
        entry = self.store.apply(cid, action, transition, self.clock.now())
        self._note_own_write()
        if entry is not None:
            self.inbox.set_state(cid, entry.after)
        return self.inbox.state(cid)

    def _note_own_write(self) -> None:
        """After a write of ours: if the files were as we last read them, what is on disk now
        is what we show, and the next sync need not reload."""
        written = self.store.last_write
        if written is not None and written[0] == self.seen:
            self.seen = written[1]

    def toggle_done(self, cid: str) -> bool:
        """Mark done, or reopen a done conversation; True when it is now done."""
        if self.inbox.status(cid) == "done":
            self._change("reopen", cid, triage.reopen)
            return False
        now, seen = self.clock.now(), self.inbox.facts(cid).latest_member_at
        self._change("done", cid, lambda state: triage.mark_done(state, now, seen))
        return True

    def snooze(self, cid: str, until: float) -> None:
        self._change("snooze", cid, lambda state: triage.snooze(state, until))

    def set_tags(self, cid: str, text: str, shown: tuple[str, ...]) -> tuple[str, ...]:
        """The manager edited the tags ``shown`` into ``text``: apply just those additions
        and removals, so a colleague's tag added meanwhile is kept."""
        wanted = triage.normalise_tags(triage.parse_tags(sanitize(text)))
        added = [tag for tag in wanted if tag not in shown]
        removed = [tag for tag in shown if tag not in wanted]
        return self._change("tag", cid, lambda s: triage.edit_tags(s, added, removed)).tags

    def assign(self, cid: str, who: str) -> str | None:
        name = " ".join(sanitize(who).split())[:60]
        return self._change("assign", cid, lambda state: triage.assign(state, name)).assignee

    # Bulk actions: one write per shard, one journal entry, one undo ------------------------

    def bulk(self, cids: Iterable[str], action: str, transition: Transition) -> list[JournalEntry]:
        """Apply ``transition`` to every conversation of ``cids`` as one action: written
        first (one write per shard touched), then shown; undo takes it back whole. Returns
        the entries of the conversations it changed."""
        return self.bulk_each(dict.fromkeys(cids, transition), action)

    def bulk_each(self, transitions: Mapping[str, Transition], action: str) -> list[JournalEntry]:
        """:meth:`bulk` with a transition per conversation."""
        entries = self.store.apply_each(transitions, action, self.clock.now())
        self._note_own_write()
        for entry in entries:
            if entry.conversation_id in self.inbox.conversations:
                self.inbox.set_state(entry.conversation_id, entry.after)
        return entries

    def bulk_done(self, cids: Iterable[str]) -> Bulk:
        """Mark every conversation done, or reopen them all when all are done already."""
        chosen = list(cids)
        if chosen and all(self.inbox.status(cid) == "done" for cid in chosen):
            return Bulk("reopen", len(self.bulk(chosen, "reopen", triage.reopen)))
        now = self.clock.now()
        transitions: dict[str, Transition] = {
            cid: partial(
                triage.mark_done, now=now, latest_member_at=self.inbox.facts(cid).latest_member_at
            )
            for cid in chosen
            if self.inbox.status(cid) != "done"
        }
        return Bulk("done", len(self.bulk_each(transitions, "done")))

    def bulk_snooze(self, cids: Iterable[str], until: float) -> Bulk:
        return Bulk("snooze", len(self.bulk(cids, "snooze", partial(triage.snooze, until=until))))

    def bulk_tags(self, cids: Iterable[str], text: str, shown: tuple[str, ...]) -> Bulk:
        """The manager edited ``shown`` (the tags the conversations share) into ``text``: add
        and remove just those tags on each, keeping its others."""
        wanted = triage.normalise_tags(triage.parse_tags(sanitize(text)))
        added = [tag for tag in wanted if tag not in shown]
        removed = [tag for tag in shown if tag not in wanted]
        edit = partial(triage.edit_tags, added=added, removed=removed)
        return Bulk("tag", len(self.bulk(cids, "tag", edit)))

    def bulk_assign(self, cids: Iterable[str], who: str) -> Bulk:
        name = " ".join(sanitize(who).split())[:60]
        return Bulk("assign", len(self.bulk(cids, "assign", partial(triage.assign, assignee=name))))

    def bulk_hide(self, cids: Iterable[str]) -> Bulk:
        """Hide the top-level comment of every conversation, or show them all again when all
        are hidden already; a live source that can hide is told each (through the outbox).
        Read-only comments are left out (counted as skipped)."""
        chosen = list(cids)
        hideable = self._hideable(chosen)
        hide = self.bulk_hides(chosen)
        transitions: dict[str, Transition] = {
            cid: partial(triage.set_hidden, message_id=root_id, hidden=hide)
            for cid, root_id in hideable.items()
        }
        entries = self.bulk_each(transitions, "hide" if hide else "unhide")
        self._moderate([(e.conversation_id, hideable[e.conversation_id], hide) for e in entries])
        return Bulk("hide" if hide else "unhide", len(entries), len(chosen) - len(hideable))

    def bulk_hides(self, cids: list[str]) -> bool:
        """Whether :meth:`bulk_hide` hides (else all the comments it can hide are hidden,
        and it shows them again)."""
        conversations = self.inbox.conversations
        hideable = self._hideable(cids)
        return not hideable or any(
            self.inbox.is_visible(cid, conversations[cid].root) for cid in hideable
        )

    def _hideable(self, cids: list[str]) -> dict[str, str]:
        """The top-level comment's id of each conversation whose comment can be hidden."""
        roots = {cid: self.inbox.conversations[cid].root.id for cid in cids}
        return {cid: root for cid, root in roots.items() if self.cannot_hide(cid, root) is None}

    def add_note(self, cid: str, text: str) -> triage.Note:
        """Add an internal note, by this manager, now: kept in the state (the team sees
        it), journalled (undo takes it back), never sent. :class:`Refused` when it is
        empty or longer than :data:`~commdash.triage.NOTE_LIMIT`."""
        if len(text.strip()) > triage.NOTE_LIMIT:
            raise Refused(f"A note is at most {triage.NOTE_LIMIT:,} characters.")
        note = triage.new_note(uuid.uuid4().hex, self.store.manager, self.clock.now(), text)
        if note is None:
            raise Refused("An empty note is not kept.")
        self._change("note", cid, lambda state: triage.add_note(state, note))
        return note

    def cannot_reply(self, cid: str, in_reply_to: str) -> Hint | None:
        """Why a reply to ``in_reply_to`` cannot be queued, or None when it can. A reply
        goes to the conversation's top comment on some platforms, to the message on others:
        both must be writable."""
        conversation = self.inbox.conversations[cid]
        message = conversation.message(in_reply_to)
        if conversation.root.read_only or (message is not None and message.read_only):
            return (
                "This conversation is read-only: the source gave no id to reply to, so a "
                "reply could never be delivered" + WHY_READ_ONLY
            )
        return None

    def cannot_hide(self, cid: str, message_id: str) -> Hint | None:
        """Why the message cannot be hidden or shown again, or None when it can."""
        message = self.inbox.conversations[cid].message(message_id)
        if message is not None and message.read_only:
            return "This comment is read-only: the source gave no id to hide it by" + WHY_READ_ONLY
        return None

    def toggle_hidden(self, cid: str, message_id: str) -> bool:
        """Hide or unhide one message; True when it is now hidden."""
        message = self.inbox.conversations[cid].message(message_id)
        if message is None:
            raise KeyError(message_id)
        why = self.cannot_hide(cid, message_id)
        if why is not None:
            raise ReadOnlyError(why)
        hide = self.inbox.is_visible(cid, message)
        self._change(
            "hide" if hide else "unhide",
            cid,
            lambda state: triage.set_hidden(state, message_id, hide),
        )
        self._moderate([(cid, message_id, hide)])
        return hide

    def _moderate(self, changes: list[tuple[str, str, bool]]) -> None:
        """On a live source that can hide, the platform follows (through the outbox, in one
        write): each (conversation, message, hidden) made here."""
        if self.moderates and changes:
            now = self.clock.now()
            self.store.queue_moderations(
                [Reply.moderation(cid, message_id, hide, now) for cid, message_id, hide in changes]
            )
            self._note_own_write()

    def _moderation_undone(self, entry: JournalEntry) -> list[tuple[str, str, bool]]:
        """What the platform must be told after undoing a hide or unhide: the visibility
        now of each message the action changed."""
        cid = entry.conversation_id
        if entry.action not in ("hide", "unhide") or cid not in self.inbox.conversations:
            return []
        return [
            (cid, message.id, not self.inbox.is_visible(cid, message))
            for message in self.inbox.conversations[cid].messages
            if (changed := entry.after.hidden_override(message.id)) is not None
            and changed != entry.before.hidden_override(message.id)
        ]

    def reply(self, cid: str, in_reply_to: str, text: str) -> Reply:
        why = self.cannot_reply(cid, in_reply_to)
        if why is not None:
            raise ReadOnlyError(why)
        now = self.clock.now()
        text = self._sendable(cid, in_reply_to, text)
        reply = self.store.as_queued(Reply.new(cid, in_reply_to, text, now))
        self.store.queue_reply(reply)
        self.inbox.add_reply(reply)
        return reply

    def reply_target(self, cid: str) -> str:
        """The message a reply to the conversation answers unless one is chosen: the
        latest member message (the member still waiting), else the top-level comment."""
        conversation = self.inbox.conversations[cid]
        members = [m for m in conversation.messages if not m.ours]
        return max(members, key=lambda m: m.created_at, default=conversation.root).id

    def bulk_reply(
        self, cids: Iterable[str], saved: SavedReply, seen: Mapping[str, Seen] | None = None
    ) -> BulkReply:
        """Send ``saved`` to every conversation of ``cids`` (once each, however often it is
        named), each reply to its :meth:`reply_target` and filled for that member, as one
        action: one outbox write, one journal entry, one undo. A conversation it cannot go
        to is skipped, with why: read-only, a gap left after filling, too long, gone from
        the source, this very reply already waiting there, or (given what the manager had
        ``seen`` of each) answered since."""
        now, manager = self.clock.now(), manager_name()
        outbox = self.store.replies() if seen else []
        queued: list[Reply] = []
        skipped: list[Skipped] = []
        for cid in dict.fromkeys(cids):
            if cid not in self.inbox.conversations:
                skipped.append(Skipped(cid, "", "no longer in the source"))
                continue
            target = self.reply_target(cid)
            member = self.inbox.conversations[cid].message(target)
            who = "" if member is None else member.author.name
            text, why = self._bulk_text(cid, target, saved, manager)
            since = (seen or {}).get(cid)
            conversation = self.inbox.conversations[cid]
            if why is None and since and double_reply.answered_since(since, conversation, outbox):
                why = "answered meanwhile"
            if why is not None:
                skipped.append(Skipped(cid, who, why))
                continue
            queued.append(self.store.as_queued(Reply.new(cid, target, text, now)))
        if queued:
            self.store.queue_replies(queued)
            self._note_own_write()
            for reply in queued:
                self.inbox.add_reply(reply)
        return BulkReply(tuple(queued), tuple(skipped))

    def answers_seen(self, cid: str) -> Seen:
        """What the manager sees now of the conversation's answers: what a reply started
        now is checked against (:meth:`answered_since`)."""
        return double_reply.seen(cid, self.inbox.conversations.get(cid), self.inbox.replies(cid))

    def answered_since(self, seen: Seen, editing: str = "") -> list[Answer]:
        """The answers to the conversation that came since the manager had ``seen`` it (a
        colleague's reply, the page's own on the platform), oldest first; the outbox is
        read afresh. ``editing``: the outbox's reply being edited, which does not count."""
        conversation = self.inbox.conversations.get(seen.conversation_id)
        return double_reply.answered_since(seen, conversation, self.store.replies(), editing)

    def bulk_preview(self, cids: Iterable[str], saved: SavedReply) -> str | None:
        """What :meth:`bulk_reply` would queue for the first conversation it goes to; None
        when it would go to none."""
        manager = manager_name()
        for cid in cids:
            if cid in self.inbox.conversations:
                text, why = self._bulk_text(cid, self.reply_target(cid), saved, manager)
                if why is None:
                    return text
        return None

    def _bulk_text(
        self, cid: str, target: str, saved: SavedReply, manager: str | None
    ) -> tuple[str, str | None]:
        """``saved`` as a bulk send queues it to ``target`` (as ctrl+t then ctrl+s would),
        and why it skips the conversation, in a few words (None when it can go)."""
        if self.cannot_reply(cid, target) is not None:
            return "", "read-only"
        box = for_reply_box(saved.text, template_values(self.inbox, cid, target, manager))
        try:
            sendable = self._sendable(cid, target, box, manager)
        except GapError:
            return "", f"{', '.join(dict.fromkeys(gaps(queued_text(box))))} not filled"
        except TooLongError:
            return "", "too long"
        waiting = (r for r in self.inbox.replies(cid) if r.kind == "reply" and r.pending)
        if any(reply.text == sendable for reply in waiting):
            return "", "already in the outbox"
        return sendable, None

    def fill_saved_reply(self, saved: SavedReply, cid: str, in_reply_to: str) -> str:
        """The saved reply as inserted in the reply box for the author of ``in_reply_to``."""
        values = template_values(self.inbox, cid, in_reply_to, manager_name())
        return for_reply_box(saved.text, values)

    def filled(self, cid: str, in_reply_to: str, text: str, manager: str | None = None) -> str:
        """The reply box's ``text`` as it would be queued: its variables filled for the
        author of ``in_reply_to`` (a missing value a gap), its doubled braces made one."""
        return filled_with(text, self.values_for(cid, in_reply_to, manager))

    def values_for(self, cid: str, in_reply_to: str, manager: str | None = None) -> dict[str, str]:
        """The values of the variables of a reply to ``in_reply_to``: worked out once per
        reply box, not at every key typed in it (the manager's name is a system lookup)."""
        return template_values(self.inbox, cid, in_reply_to, manager or manager_name())

    def _sendable(self, cid: str, in_reply_to: str, text: str, manager: str | None = None) -> str:
        """The reply's text as queued, filled (:meth:`filled`): every reply, typed, edited
        or sent to many, comes through here. :class:`GapError` while a variable has no
        value; :class:`TooLongError` when the platform would refuse it for its length."""
        queued = self.filled(cid, in_reply_to, text, manager)
        left = gaps(queued)
        if left:
            shown = ", ".join(dict.fromkeys(left))
            named = ", ".join(f"{{{found[1:-2]}}}" for found in dict.fromkeys(left))
            raise GapError(f"Fill in {shown} first: there is no value for {named} here.")
        why = too_long(queued, reply_limit(self.inbox.snapshot.source))
        if why is not None:
            raise TooLongError(why)
        return queued

    def save_draft(self, cid: str, text: str) -> None:
        self.store.save_draft(cid, text)
        self._note_own_write()

    def undo(self) -> Undone | None:
        """Take back the manager's latest action, and say whether anything was put back:
        an action whose every change was changed again since (by a colleague), a reply
        already on its way or sent, or one no longer in the outbox, is not undone (the
        journal entry is used up all the same, so undo goes on further back)."""
        outbox = {reply.id: reply for reply in self.store.replies()}
        undoing = self.store.undo_latest()
        if undoing is None:
            return None
        entry = undoing.entry
        if entry.action == DISCARD and entry.reply_id is not None:
            return self._undone_discard(entry, entry.reply_id)
        if entry.reply_id is not None:
            return self._undone_reply(entry, outbox.get(entry.reply_id))
        if entry.batch and entry.action == "reply":
            return self._undone_replies(undoing, outbox)
        if entry.batch:
            return self._undone_batch(undoing)
        cid = entry.conversation_id
        state = self.store.state(cid)
        if cid in self.inbox.conversations:
            self.inbox.set_state(cid, state)
            self._moderate(self._moderation_undone(entry))
        if _put_back(entry, state):
            return Undone(entry, True)
        return Undone(entry, False, "changed again since, by someone else")

    def _undone_batch(self, undoing: Undoing) -> Undone:
        """Undo of a bulk action: every conversation it changed, shown as it is now."""
        states = self.store.states()
        moderation: list[tuple[str, str, bool]] = []
        restored = 0
        for entry in undoing.entries:
            cid = entry.conversation_id
            state = states.get(cid, BLANK)
            if cid in self.inbox.conversations:
                self.inbox.set_state(cid, state)
                moderation += self._moderation_undone(entry)
            restored += _put_back(entry, state)
        self._moderate(moderation)
        count = len(undoing.entries)
        if not count:
            return Undone(undoing.entry, False, "its record is gone from the state directory", 0)
        if not restored:
            return Undone(undoing.entry, False, "changed again since, by someone else", count)
        changed = count - restored
        note = f"{changed:,} changed again since, by someone else, stay so" if changed else ""
        return Undone(undoing.entry, True, note, count)

    def _undone_replies(self, undoing: Undoing, before: Mapping[str, Reply]) -> Undone:
        """Undo of a saved reply sent to many: those that were waiting (in the outbox
        ``before``) were discarded, in one write; those on their way or sent stay."""
        count = len(undoing.entries)
        if not count:
            return Undone(undoing.entry, False, "its record is gone from the state directory", 0)
        replies = self.store.replies()
        self.inbox.reload(self.store.states(), replies)
        after = {reply.id for reply in replies}
        taken = sum(e.reply_id in before and e.reply_id not in after for e in undoing.entries)
        if not taken:
            gone = "they are already on their way or sent: they cannot be taken back"
            return Undone(undoing.entry, False, gone, count)
        kept = count - taken
        note = f"{kept:,} already on {'its' if kept == 1 else 'their'} way or sent" if kept else ""
        return Undone(undoing.entry, True, note, count)

    def _undone_reply(self, entry: JournalEntry, queued: Reply | None) -> Undone:
        """Undo of a reply: taken out of the outbox into the draft, if it was still there."""
        reply_id = entry.reply_id
        assert reply_id is not None
        if not self.reply_gone(reply_id):
            return Undone(entry, False, "it is already on its way or sent: it cannot be taken back")
        self.inbox.remove_reply(reply_id)
        draft = self.store.drafts().get(entry.conversation_id, "")
        if queued is None or queued.text not in draft:
            return Undone(entry, False, "that reply is no longer in the outbox")
        return Undone(entry, True, "its text is your draft")

    def _undone_discard(self, entry: JournalEntry, reply_id: str) -> Undone:
        """Undo of x: the reply is back in the outbox as it was (the same id, so it can
        never be posted twice). If the message it answered has left the source meanwhile,
        its text becomes the conversation's draft instead."""
        back = next((reply for reply in self.store.replies() if reply.id == reply_id), None)
        if back is None:
            return Undone(entry, False, "its copy is not in the state directory any more")
        conversation = self.inbox.conversations.get(entry.conversation_id)
        if conversation is None or conversation.message(back.in_reply_to) is None:
            if self.store.discard_reply(reply_id) is not None:
                draft = self.store.drafts().get(entry.conversation_id, "").rstrip()
                self.save_draft(entry.conversation_id, f"{back.text}\n\n{draft}".strip())
            return Undone(entry, True, "the message it answered is gone: its text is your draft")
        self.inbox.reload(self.store.states(), self.store.replies())
        if back.status == "failed":
            return Undone(entry, True, "the reply is back, not sent: " + RETRIES)
        return Undone(entry, True, "the reply is back, queued")

    def reply_gone(self, reply_id: str) -> bool:
        """Whether the outbox no longer has that reply (taken back, or discarded)."""
        return all(reply.id != reply_id for reply in self.store.replies())

    def replace_snapshot(self, snapshot: Snapshot, store: Store) -> None:
        """A live source brought new data (and, on its first pull, the account whose state
        directory ``store`` is)."""
        if store.directory != self.store.directory:
            self.store = store
        self.seen = self.store.fingerprint()
        self.inbox.replace_snapshot(snapshot, self.store.states(), self.store.replies())

    def retry_reply(self, reply_id: str) -> Reply | None:
        """Queue a failed reply again; None when it is not failed (any more)."""
        return self._change_reply(
            reply_id, lambda r: r.requeued() if r.status == "failed" else None
        )

    def edit_reply(self, reply_id: str, text: str) -> Reply | None:
        """Replace the text of a reply not sent yet and queue it again; None when it is on
        its way or sent."""
        reply = next((r for r in self.store.replies() if r.id == reply_id), None)
        if reply is None:
            return None
        text = self._sendable(reply.conversation_id, reply.in_reply_to, text)
        return self._change_reply(reply_id, lambda r: r.requeued(text) if r.editable else None)

    def discard_reply(self, reply_id: str) -> Reply | None:
        """Drop a reply not sent yet (undo puts it back); None when it is on its way or
        sent."""
        found = self.store.discard_reply_undoably(reply_id, self.clock.now())
        self._note_own_write()
        if found is not None:
            self.inbox.remove_reply(reply_id)
        return found

    def _change_reply(self, reply_id: str, change: Callable[[Reply], Reply | None]) -> Reply | None:
        changed = self.store.update_reply(reply_id, change)
        self._note_own_write()
        if changed is not None:
            self.inbox.reload(self.store.states(), self.store.replies())
        return changed

    def sync_from_disk(self) -> bool:
        """Take changes another commdash made to this source's state; True if there were.

        Any change of the files counts, this process's own writes included: a write of ours
        may have landed just after another manager's, whose change must not be missed."""
        mark = self.store.fingerprint()
        if mark == self.seen:
            return False
        self.inbox.reload(self.store.states(), self.store.replies())
        self.seen = mark
        return True


def filled_with(text: str, values: dict[str, str]) -> str:
    """``text`` as queued with these variables' values (:meth:`Triager.filled`)."""
    return queued_text(fill(text, values))


def _put_back(entry: JournalEntry, state: TriageState) -> bool:
    """Whether ``state`` has back, from before the action, anything the action changed."""
    before, after = entry.before, entry.after
    for name in ("done_at", "done_through", "snoozed_until", "assignee"):
        was = getattr(before, name)
        if was != getattr(after, name) and getattr(state, name) == was:
            return True
    added = set(after.tags) - set(before.tags)
    removed = set(before.tags) - set(after.tags)
    if added - set(state.tags) or removed & set(state.tags):
        return True
    noted_before = {note.id for note in before.notes}
    noted_after = {note.id for note in after.notes}
    noted_now = {note.id for note in state.notes}
    if (noted_after - noted_before) - noted_now or (noted_before - noted_after) & noted_now:
        return True
    hidden = {message_id for message_id, _ in (*before.hidden, *after.hidden)}
    return any(
        before.hidden_override(m) != after.hidden_override(m)
        and state.hidden_override(m) == before.hidden_override(m)
        for m in hidden
    )


def snooze_choices(now: float) -> list[tuple[str, float]]:
    """The snooze menu: an hour, four hours, tomorrow morning, next Monday morning (local)."""
    local = datetime.fromtimestamp(now).astimezone()
    morning = local.replace(hour=SNOOZE_MORNING_HOUR, minute=0, second=0, microsecond=0)
    tomorrow = morning + timedelta(days=1)
    monday = morning + timedelta(days=7 - local.weekday())
    return [
        ("1 hour", now + 3600),
        ("4 hours", now + 4 * 3600),
        (f"Tomorrow {tomorrow:%a %H:%M}", tomorrow.timestamp()),
        (f"Next week {monday:%a %d %b %H:%M}", monday.timestamp()),
    ]
