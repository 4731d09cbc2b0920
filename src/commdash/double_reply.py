"""The double-reply check: before a reply is queued, the answers to the conversation that
came since the manager started writing it (a colleague's reply queued or sent, a reply the
platform shows from the page itself), so that the member is not answered twice unasked.

What the manager had seen is kept as ids (:class:`Seen`, taken when the reply box opens),
and the check looks for ids not among them: clocks are never compared, so a clock pinned
with ``--now``, or another machine's running late, cannot hide a colleague's reply; and a
reply queued a second before the box opened, that the screen had not shown yet, counts.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from commdash.model import Conversation
from commdash.outbox import Reply
from commdash.presence import display_name, short_name
from commdash.text import one_line
from commdash.timeutil import ago

TEXT_CELLS = 40
"""How much of the other answer the question quotes."""


@dataclass(frozen=True, slots=True)
class Seen:
    """What the manager had seen of a conversation's answers when starting a reply."""

    conversation_id: str
    ids: frozenset[str]
    """The ids of its items in the outbox (any status) and of the page's own messages on
    the platform (an outbox id is a uuid: the two never meet)."""

    def including(self, answers: Iterable[Answer]) -> Seen:
        """What the manager has seen once shown ``answers`` too."""
        return Seen(self.conversation_id, self.ids | {answer.id for answer in answers})


@dataclass(frozen=True, slots=True)
class Answer:
    """An answer that came after :class:`Seen`."""

    id: str
    """The outbox's id for it, or the platform's."""
    who: str
    """Safe, one line, short: the colleague, or the page as the platform names it."""
    at: float
    """When it was queued or written."""
    text: str
    """Safe, one line, cut."""
    queued: bool
    """Still in the outbox, not on the platform yet."""


def seen(cid: str, conversation: Conversation | None, replies: Iterable[Reply]) -> Seen:
    """What the manager sees of the conversation now: its ``replies`` in the outbox and
    the page's own messages in the thread."""
    ours = () if conversation is None else (m.id for m in conversation.messages if m.ours)
    return Seen(cid, frozenset((*(r.id for r in replies), *ours)))


def answered_since(
    seen: Seen, conversation: Conversation | None, outbox: Iterable[Reply], editing: str = ""
) -> list[Answer]:
    """The answers to the conversation that came since ``seen``, oldest first: the items
    of ``outbox`` (read afresh: another commdash writes it) queued for it meanwhile, and
    the page's messages the last sync brought. ``editing``: the reply being edited, which
    is no other answer. A message that is an outbox item delivered counts once."""
    cid = seen.conversation_id
    items = [r for r in outbox if r.conversation_id == cid and r.kind == "reply"]
    delivered = {r.remote_id for r in items if r.remote_id is not None}
    found = [
        Answer(
            reply.id,
            display_name(reply.queued_by) if reply.queued_by else "Someone",
            reply.queued_at,
            one_line(reply.text, TEXT_CELLS),
            reply.pending,
        )
        for reply in items
        if reply.id not in seen.ids and reply.id != editing
    ]
    if conversation is not None:
        found += [
            Answer(
                message.id,
                short_name(message.author.name),
                message.created_at,
                one_line(message.text, TEXT_CELLS),
                queued=False,
            )
            for message in conversation.messages
            if message.ours and message.id not in seen.ids and message.id not in delivered
        ]
    return sorted(found, key=lambda answer: answer.at)


def question(answers: Sequence[Answer], now: float) -> str:
    """``Ana replied 2m ago: "Thanks for …" — send anyway?``: the latest of ``answers``
    (not empty), and how many more came."""
    latest = answers[-1]
    did = "queued a reply" if latest.queued else "replied"
    more = len(answers) - 1
    also = f" (and {more} more)" if more else ""
    return f'{latest.who} {did} {ago(now - latest.at)}: "{latest.text}"{also} — send anyway?'
