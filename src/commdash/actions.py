"""Triage actions: each one is written to disk first, then applied to the inbox.

The UI calls these and shows the result; if the disk refuses, a :class:`StateError` reaches
the UI and the inbox is left as it was, so the screen never shows what was not saved. An
action refused before anything is written (a read-only message, a reply too long) raises
:class:`Refused`. Messages that name keys name them by binding id (:mod:`commdash.hints`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from commdash import triage
from commdash.errors import CommdashError
from commdash.hints import Hint, Press
from commdash.inbox import Inbox
from commdash.model import Snapshot
from commdash.outbox import Reply
from commdash.replying import queued_text, reply_limit, too_long
from commdash.store import DISCARD, Store
from commdash.text import sanitize
from commdash.timeutil import Clock
from commdash.triage import JournalEntry, TriageState

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


@dataclass(frozen=True, slots=True)
class Undone:
    """What an undo did with the action it took from the journal."""

    entry: JournalEntry
    restored: bool
    """False when nothing could be put back (``note`` says why)."""
    note: str | Hint = ""


class Triager:
    def __init__(self, inbox: Inbox, store: Store, clock: Clock) -> None:
        self.inbox = inbox
        self.store = store
        self.clock = clock
        self.seen = store.fingerprint()
        self.moderates = False
        """Whether hides go to the platform too (a live source that can hide)."""

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
        self._moderate(cid, message_id, hide)
        return hide

    def _moderate(self, cid: str, message_id: str, hide: bool) -> None:
        """On a live source that can hide, the platform follows (through the outbox)."""
        if self.moderates:
            self.store.queue_moderation(Reply.moderation(cid, message_id, hide, self.clock.now()))
            self._note_own_write()

    def reply(self, cid: str, in_reply_to: str, text: str) -> Reply:
        why = self.cannot_reply(cid, in_reply_to)
        if why is not None:
            raise ReadOnlyError(why)
        now = self.clock.now()
        reply = Reply.new(cid, in_reply_to, self._sendable(text), now)
        self.store.queue_reply(reply)
        self.inbox.add_reply(reply)
        return reply

    def _sendable(self, text: str) -> str:
        """The reply's text as queued; :class:`TooLongError` when the platform would refuse
        it for its length."""
        queued = queued_text(text)
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
        entry = self.store.undo()
        if entry is None:
            return None
        if entry.action == DISCARD and entry.reply_id is not None:
            return self._undone_discard(entry, entry.reply_id)
        if entry.reply_id is not None:
            return self._undone_reply(entry, outbox.get(entry.reply_id))
        cid = entry.conversation_id
        state = self.store.state(cid)
        if cid in self.inbox.conversations:
            self.inbox.set_state(cid, state)
            if entry.action in ("hide", "unhide"):
                for message in self.inbox.conversations[cid].messages:
                    changed = entry.after.hidden_override(message.id)
                    if changed is not None and changed != entry.before.hidden_override(message.id):
                        self._moderate(cid, message.id, not self.inbox.is_visible(cid, message))
        if _put_back(entry, state):
            return Undone(entry, True)
        return Undone(entry, False, "changed again since, by someone else")

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
        text = self._sendable(text)
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
