"""Who else is writing a reply, and where: the managers' presence, as both stores share it.

A session that opens the reply box announces itself (the conversation, now), again every
couple of seconds while the box stays open, and takes it back when the box closes. Every
other session polls :meth:`Presence.others` and shows ``✎ ana`` where a colleague types. An
announcement older than :data:`PRESENCE_TTL` seconds no longer counts (its session hung, or
died on another machine); one whose process is gone on this machine drops at once.

The names come from colleagues' files or rows: untrusted, so they are made safe and short
here (:func:`display_name`), on the way out and on the way in. Times are the wall clock's
(``time.time()``), never a clock pinned with ``--now``: presence is about this very moment.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from commdash.text import one_line

PRESENCE_TTL = 5.0
"""Seconds an announcement counts: more than twice :data:`ANNOUNCE_SECONDS`, so one late
write never makes a colleague's marker blink."""
ANNOUNCE_SECONDS = 2.0
"""How often a session with its reply box open says so again."""
POLL_SECONDS = 0.5
"""How often the others' presence is read: a colleague's typing shows within a second."""
NAME_CELLS = 16
"""The most cells a name takes in a row or a title."""
TYPING = "✎"


@dataclass(frozen=True, slots=True)
class Typist:
    """A session writing a reply."""

    session: str
    manager: str
    """``user@host``, as the journal names managers."""
    name: str
    """As the others see it: one line, at most :data:`NAME_CELLS` cells, safe."""
    conversation_id: str
    at: float
    """When it last said so (wall clock)."""

    def fresh(self, now: float) -> bool:
        """Whether the announcement still counts at ``now``."""
        return now - PRESENCE_TTL <= self.at <= now + PRESENCE_TTL


class Presence(Protocol):
    """What a store offers for presence: this session's announcements, the others'."""

    def announce(self, conversation_id: str | None, now: float) -> None:
        """This session is writing a reply in ``conversation_id``. None: it stopped (this
        never fails: an announcement left behind expires)."""

    def others(self, now: float) -> dict[str, tuple[str, ...]]:
        """Conversation id → the names of the OTHER sessions writing there now, each name
        once, in order."""


def display_name(manager: str, name: str | None = None) -> str:
    """How the others see a manager: ``name`` when given, else the part of ``manager``
    (``user@host``) before the ``@``; safe, one line, short. Never empty."""
    return short_name(name if name is not None and name.strip() else manager.partition("@")[0])


def short_name(name: str) -> str:
    """A name as a row or a question shows it: safe, one line, at most :data:`NAME_CELLS`
    cells; never empty."""
    return one_line(name, NAME_CELLS) or "someone"


def writing(typists: Iterable[Typist], now: float) -> dict[str, tuple[str, ...]]:
    """The fresh ``typists`` by conversation: their names, each once, sorted (so that a
    row changes only when who types there changes)."""
    found: dict[str, set[str]] = {}
    for typist in typists:
        if typist.fresh(now):
            found.setdefault(typist.conversation_id, set()).add(typist.name)
    return {cid: tuple(sorted(names)) for cid, names in found.items()}


def marker(names: tuple[str, ...]) -> str:
    """``✎ ana`` or ``✎ ana, bo``: what a row or a title shows; empty for nobody."""
    return f"{TYPING} {', '.join(names)}" if names else ""
