"""Triage state of a conversation, and the actions on it as pure transitions.

Every action yields a new :class:`TriageState`; the caller journals ``before`` and ``after``
so that any action can be undone by putting ``before`` back.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Literal

from commdash import records
from commdash.text import sanitize
from commdash.timeutil import ClockTime

Status = Literal["open", "done", "snoozed"]

NOTE_LIMIT = 2000
"""The longest internal note, in characters."""


@dataclass(frozen=True, slots=True)
class Note:
    """An internal note on a conversation: for the team, never sent to the platform."""

    id: str
    """Tells two notes of the same text and moment apart: undo takes back only its own."""
    author: str
    """The manager who wrote it, as the journal names them (``user@host``)."""
    at: ClockTime
    text: str


def new_note(note_id: str, author: str, at: float, text: str) -> Note | None:
    """A note of ``text`` made safe (sanitised, trimmed); None when nothing is left. A
    longer text than :data:`NOTE_LIMIT` is cut there (the note box refuses it first)."""
    clean = sanitize(text).strip()[:NOTE_LIMIT].rstrip()
    return Note(note_id, author, at, clean) if clean else None


@dataclass(frozen=True, slots=True)
class RuleMark:
    """A rule of the config acted on the conversation: shown in the thread, so the manager
    sees why it is tagged or done without having done it."""

    rule: str
    """The rule's name (a rule acts once on a conversation: the name tells its mark)."""
    at: ClockTime
    did: str
    """What it did, in brief: ``#refund @ana done``."""


@dataclass(frozen=True, slots=True)
class TriageState:
    done_at: float | None = None
    snoozed_until: float | None = None
    tags: tuple[str, ...] = ()
    assignee: str | None = None
    hidden: tuple[tuple[str, bool], ...] = ()
    """Moderation done here: (message id, hidden) pairs overriding the source's flag."""
    done_through: float | None = None
    """The latest member message there was when it was marked done. A member message the
    manager had not seen then (written earlier, but brought by a later sync) reopens it."""
    notes: tuple[Note, ...] = ()
    """Internal notes, oldest first."""
    rules: tuple[RuleMark, ...] = ()
    """The rules of the config that acted on it, in the order they did."""

    def status(self, latest_member_at: float | None, now: float) -> Status:
        """open unless snoozed until after ``now``, or done with no member message newer
        than when it was marked done (or than the latest one there was then)."""
        if self.snoozed_until is not None and self.snoozed_until > now:
            return "snoozed"
        if self.done_at is None:
            return "open"
        line = self.done_at if self.done_through is None else min(self.done_at, self.done_through)
        return "done" if latest_member_at is None or latest_member_at <= line else "open"

    def hidden_override(self, message_id: str) -> bool | None:
        for hidden_id, hidden in self.hidden:
            if hidden_id == message_id:
                return hidden
        return None

    @property
    def is_blank(self) -> bool:
        return self == BLANK

    def to_dict(self) -> dict[str, Any]:
        values = records.to_json(self)
        if not self.notes:
            del values["notes"]  # most states have none: written as before notes existed
        if not self.rules:
            del values["rules"]
        return values

    @classmethod
    def from_dict(cls, raw: object) -> TriageState:
        """Tolerant of missing or mistyped fields (a hand-edited state file, an older
        version): blank when it is not an object at all."""
        return records.from_json(cls, raw) or BLANK


BLANK = TriageState()


def mark_done(state: TriageState, now: float, latest_member_at: float | None = None) -> TriageState:
    return replace(state, done_at=now, done_through=latest_member_at, snoozed_until=None)


def reopen(state: TriageState) -> TriageState:
    return replace(state, done_at=None, done_through=None, snoozed_until=None)


def snooze(state: TriageState, until: float) -> TriageState:
    return replace(state, snoozed_until=until, done_at=None, done_through=None)


def set_tags(state: TriageState, tags: list[str]) -> TriageState:
    return replace(state, tags=normalise_tags(tags))


def assign(state: TriageState, assignee: str) -> TriageState:
    return replace(state, assignee=assignee.strip() or None)


def set_hidden(state: TriageState, message_id: str, hidden: bool) -> TriageState:
    others = tuple(pair for pair in state.hidden if pair[0] != message_id)
    return replace(state, hidden=(*others, (message_id, hidden)))


def add_note(state: TriageState, note: Note) -> TriageState:
    """Add a note to those on disk: two managers noting at once both keep theirs."""
    if any(kept.id == note.id for kept in state.notes):
        return state
    return replace(state, notes=(*state.notes, note))


def add_rule_mark(state: TriageState, mark: RuleMark) -> TriageState:
    """Record that a rule acted (once: a rule's second mark is not kept)."""
    if any(kept.rule == mark.rule for kept in state.rules):
        return state
    return replace(state, rules=(*state.rules, mark))


def edit_tags(state: TriageState, added: list[str], removed: list[str]) -> TriageState:
    """Add and remove tags, keeping the others: two managers tagging at once both count."""
    gone = set(normalise_tags(removed))
    kept = [tag for tag in state.tags if tag not in gone]
    return replace(state, tags=normalise_tags([*kept, *added]))


def revert(current: TriageState, before: TriageState, after: TriageState) -> TriageState:
    """Undo one action (``before`` → ``after``) on the state as it is now: only what that
    action changed goes back, and only where nobody has changed it since. A colleague's tag
    or assignment made in between stays."""
    reverted = current
    for name in ("done_at", "done_through", "snoozed_until", "assignee"):
        was, became = getattr(before, name), getattr(after, name)
        if was != became and getattr(current, name) == became:
            reverted = replace(reverted, **{name: was})
    added = [tag for tag in after.tags if tag not in before.tags]
    removed = [tag for tag in before.tags if tag not in after.tags]
    reverted = edit_tags(reverted, added=removed, removed=added)
    reverted = _revert_notes(reverted, before.notes, after.notes)
    reverted = _revert_rule_marks(reverted, before.rules, after.rules)
    for message_id, hidden in after.hidden:
        earlier = before.hidden_override(message_id)
        if earlier != hidden and current.hidden_override(message_id) == hidden:
            reverted = _restore_hidden(reverted, message_id, earlier)
    return reverted


CLAIMS = (("done", ("done_at", "done_through", "snoozed_until")), ("assignee", ("assignee",)))
"""The fields an action claims together, by the name a clash is told by: done, reopened
and snoozed are one decision, whoever made it last."""


def rebase(
    current: TriageState, before: TriageState, after: TriageState, ours_later: bool
) -> tuple[TriageState, tuple[str, ...]]:
    """Apply one action (``before`` → ``after``, made on the state as it was known then,
    e.g. offline) to the state as it is now, field by field. Tags, notes and rule marks it
    added or removed are added or removed; a status or an assignee it changed is set,
    unless a colleague changed it meanwhile: then the later of the two wins
    (``ours_later``: the action is), and the clash is named in what is returned."""
    merged = current
    clashes: list[str] = []
    for claim, names in CLAIMS:
        was, became, now = ([getattr(s, n) for n in names] for s in (before, after, current))
        if was == became or now == became:
            continue
        if now != was:
            clashes.append(claim)
            if not ours_later:
                continue
        merged = replace(merged, **{name: getattr(after, name) for name in names})
    added = [tag for tag in after.tags if tag not in before.tags]
    removed = [tag for tag in before.tags if tag not in after.tags]
    merged = edit_tags(merged, added=added, removed=removed)
    merged = _revert_notes(merged, after.notes, before.notes)
    for mark in after.rules:
        if mark not in before.rules:
            merged = add_rule_mark(merged, mark)
    for message_id, hidden in after.hidden:
        was_hidden = before.hidden_override(message_id)
        now_hidden = current.hidden_override(message_id)
        if was_hidden != hidden and (now_hidden == was_hidden or ours_later):
            merged = _restore_hidden(merged, message_id, hidden)
    return merged, tuple(clashes)


def _revert_notes(
    current: TriageState, before: tuple[Note, ...], after: tuple[Note, ...]
) -> TriageState:
    """The notes the action added go, those it removed come back; a colleague's stay."""
    added = {note.id for note in after} - {note.id for note in before}
    kept = tuple(note for note in current.notes if note.id not in added)
    present = {note.id for note in kept} | {note.id for note in after}
    back = [note for note in before if note.id not in present]
    if kept == current.notes and not back:
        return current
    return replace(current, notes=tuple(sorted((*kept, *back), key=lambda note: note.at)))


def _revert_rule_marks(
    current: TriageState, before: tuple[RuleMark, ...], after: tuple[RuleMark, ...]
) -> TriageState:
    """The marks of the rules the action applied go (its undo leaves no trace of it)."""
    added = {mark.rule for mark in after} - {mark.rule for mark in before}
    kept = tuple(mark for mark in current.rules if mark.rule not in added)
    return current if kept == current.rules else replace(current, rules=kept)


def _restore_hidden(state: TriageState, message_id: str, value: bool | None) -> TriageState:
    others = tuple(pair for pair in state.hidden if pair[0] != message_id)
    return replace(state, hidden=others if value is None else (*others, (message_id, value)))


def normalise_tags(tags: list[str]) -> tuple[str, ...]:
    """Lower-case, no spaces inside, no '#', no duplicates, in the order given."""
    seen: dict[str, None] = {}
    for tag in tags:
        clean = "-".join(tag.strip().lstrip("#").lower().split())[:40]
        if clean:
            seen.setdefault(clean, None)
    return tuple(seen)


def parse_tags(text: str) -> list[str]:
    """Tags typed by the manager: separated by commas or spaces."""
    return [part for part in text.replace(",", " ").split() if part]


@dataclass(frozen=True, slots=True)
class JournalEntry:
    """One action as recorded for undo."""

    action: str = ""
    conversation_id: str = ""
    before: TriageState = BLANK
    after: TriageState = BLANK
    at: float = 0.0
    session: str = ""
    reply_id: str | None = None
    """For a queued reply: undo discards it while it is still queued."""
    manager: str = ""
    """Who acted (user@host): undo only ever takes back one's own actions."""
    pid: int = 0
    """The process that acted, to tell a finished session from one still running."""
    batch: str = ""
    """The bulk action this entry belongs to (its entries share it; undo takes them all
    back in one step); empty for an action on one conversation."""

    def to_dict(self) -> dict[str, Any]:
        """Without an empty ``batch``: an action on one conversation is written as before
        bulk actions existed."""
        values = records.to_json(self)
        values["before"], values["after"] = self.before.to_dict(), self.after.to_dict()
        if not self.batch:
            del values["batch"]
        return values

    @classmethod
    def from_dict(cls, raw: object) -> JournalEntry:
        """Tolerant of missing or mistyped fields, each read as its default."""
        return records.from_json(cls, raw) or JournalEntry()
