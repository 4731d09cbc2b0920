"""A recap of the work done over a period: per manager, the replies sent (and still queued)
and the conversations done, snoozed, tagged, assigned and noted; and the figures at the
start and at the end of the period.

Who did what comes from the journal (each action with its manager and time) and the outbox
(whether each reply went out). The journal keeps the latest
:data:`~commdash.store.triage.JOURNAL_LIMIT` actions: when the period reaches past its
oldest entry, :attr:`Recap.journal_starts_at` says from when it counts. An action undone is
out of the journal, so it is not counted.

The figures at a past moment are counted as the inbox counts them, with the clock set to
that moment, over the conversations as they were then, **reconstructed**, not guessed:

- the messages are those written by then (a message written later is left out, and a
  conversation none of whose messages was written yet is not counted);
- each conversation's triage state is the one its first journalled action after that moment
  started from (the journal records every action's state before and after, and actions on
  one conversation follow each other under the state directory's lock), else today's;
- the replies are those queued by then.

What the journal and the outbox no longer know cannot be put back, so these stay as they
are now: a message the platform deleted or hid since, a reply's delivery (one refused since
counts as not sent), an action undone or older than the journal, a state file edited by
hand. Figures at the present moment are the inbox's own (``commdash stats``).
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from commdash import figures
from commdash.figures import Figures
from commdash.inbox import Inbox
from commdash.model import Conversation, Facts
from commdash.outbox import Reply
from commdash.triage import JournalEntry, Status, TriageState

UNKNOWN = ""
"""The manager of a reply in the outbox whose journal entry is gone (older than the
journal): who queued it is no longer known."""


@dataclass(frozen=True, slots=True)
class Tally:
    """What one manager did: how many replies (by how they stand now) and conversations."""

    replies_sent: int = 0
    replies_queued: int = 0
    """Queued in the period and not sent yet (waiting, or on their way)."""
    replies_failed: int = 0
    done: int = 0
    """Conversations marked done (each once, however often)."""
    snoozed: int = 0
    tagged: int = 0
    """Conversations given a tag."""
    assigned: int = 0
    """Conversations assigned to someone."""
    notes: int = 0
    """Internal notes written."""


COUNTS = tuple(field.name for field in dataclasses.fields(Tally))
"""What is counted per manager, in the order shown."""


@dataclass(frozen=True, slots=True)
class Recap:
    since: float
    until: float
    managers: dict[str, Tally]
    """By manager (``user@host``, or :data:`UNKNOWN`), in name order, only those who did
    something."""
    start: Figures
    end: Figures
    journal_starts_at: float | None
    """The oldest action the journal holds, when it is later than ``since``: nothing before
    it is counted. None when the journal reaches back to ``since`` (or is empty)."""

    @property
    def total(self) -> Tally:
        return Tally(
            **{name: sum(getattr(t, name) for t in self.managers.values()) for name in COUNTS}
        )


def recap(
    inbox: Inbox,
    journal: Sequence[JournalEntry],
    replies: Sequence[Reply],
    since: float,
    until: float,
) -> Recap:
    """The recap of ``since`` to ``until`` (the inbox's clock's now) from the ``journal``
    (oldest first) and the outbox's ``replies``."""
    oldest = journal[0].at if journal else None
    return Recap(
        since=since,
        until=until,
        managers=_tallies([e for e in journal if since <= e.at <= until], replies, since, until),
        start=figures_at(inbox, journal, replies, since),
        end=figures_at(inbox, journal, replies, until),
        journal_starts_at=oldest if oldest is not None and oldest > since else None,
    )


def _tallies(
    entries: Iterable[JournalEntry], replies: Sequence[Reply], since: float, until: float
) -> dict[str, Tally]:
    """Per manager, the distinct replies, conversations and notes counted under each name
    of :data:`COUNTS`."""
    found: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    outbox = {reply.id: reply for reply in replies if reply.kind == "reply"}
    journalled: set[str] = set()
    for entry in entries:
        mine, cid = found[entry.manager], entry.conversation_id
        if entry.action == "reply" and entry.reply_id is not None:
            journalled.add(entry.reply_id)
            reply = outbox.get(entry.reply_id)
            if reply is not None:  # else discarded since: never sent
                mine[_reply_count(reply)].add(reply.id)
        elif entry.action == "done":
            mine["done"].add(cid)
        elif entry.action == "snooze" and (entry.after.snoozed_until or 0.0) > entry.at:
            mine["snoozed"].add(cid)  # not "wake up now"
        elif entry.action == "tag" and set(entry.after.tags) - set(entry.before.tags):
            mine["tagged"].add(cid)
        elif entry.action == "assign" and entry.after.assignee:
            mine["assigned"].add(cid)
        elif entry.action == "note":
            before = {note.id for note in entry.before.notes}
            mine["notes"].update(n.id for n in entry.after.notes if n.id not in before)
    for reply in outbox.values():
        if since <= reply.queued_at <= until and reply.id not in journalled:
            found[UNKNOWN][_reply_count(reply)].add(reply.id)
    return {
        manager: Tally(**{name: len(ids) for name, ids in counted.items()})
        for manager, counted in sorted(found.items())
        if any(counted.values())
    }


def _reply_count(reply: Reply) -> str:
    """Under which count a reply goes, by how it stands now."""
    if reply.status == "sent":
        return "replies_sent"
    return "replies_failed" if reply.status == "failed" else "replies_queued"


def figures_at(
    inbox: Inbox, journal: Sequence[JournalEntry], replies: Sequence[Reply], moment: float
) -> Figures:
    """The figures as they were at ``moment`` (see the module's docstring for how the
    conversations are put back as they were then)."""
    state_then: dict[str, TriageState] = {}
    for entry in journal:  # oldest first: the first action after the moment is kept
        if entry.at > moment:
            state_then.setdefault(entry.conversation_id, entry.before)
    replies_then: dict[str, list[Reply]] = defaultdict(list)
    later: set[str] = set()
    for reply in replies:
        if reply.kind == "reply":
            if reply.queued_at <= moment:
                replies_then[reply.conversation_id].append(reply)
            else:
                later.add(reply.conversation_id)
    counted: list[tuple[Facts, Status]] = []
    for cid in inbox.conversations:
        facts = inbox.facts(cid)
        unchanged = cid not in state_then and cid not in later
        if unchanged and (facts.latest_at is None or facts.latest_at <= moment):
            # As it is now: nothing of it is later than the moment (the usual case).
            state = inbox.state(cid)
        else:
            state = state_then.get(cid, inbox.state(cid))
            found = _as_it_was(inbox.conversations[cid], state, replies_then[cid], moment)
            if found is None:
                continue
            facts = found
        counted.append((facts, state.status(facts.latest_member_at, moment)))
    return figures.compute(counted, moment, inbox.sla_seconds)


def _as_it_was(
    conversation: Conversation, state: TriageState, replies: Sequence[Reply], moment: float
) -> Facts | None:
    """The facts of the conversation with only the messages written by ``moment``; None
    when none was written yet."""
    messages = tuple(m for m in conversation.messages if m.created_at <= moment)
    if not messages:
        return None
    then = Conversation(conversation.id, conversation.post_id, messages)
    return figures.facts_of(then, state, replies)
