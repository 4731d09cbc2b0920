"""What waits to be delivered to the platform: replies, and hides a moderator made.

An item's life: ``queued`` → ``sending`` (claimed by one commdash process, written to disk
before the request goes out) → ``sent``; a transient failure puts it back to ``queued`` with
a later ``next_attempt_at``; a permanent one makes it ``failed`` with the reason, until the
manager retries, edits or discards it.
"""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass, replace
from typing import Any, Literal

from commdash import records
from commdash.hints import Hint, Press
from commdash.host import hostname, process_alive
from commdash.timeutil import ClockTime

ReplyStatus = Literal["queued", "sending", "sent", "failed"]
ReplyKind = Literal["reply", "hide", "unhide"]
TOKEN_REFUSED = "delivery paused: token refused"
"""What an item waiting behind a refused token says (``Reply.paused``), and the header."""
RENEW_TOKEN = Hint("renew it, then press ", Press("outbox.retry"))
"""What to do about a refused token, where the manager can press the key: it is not in the
item's ``error``, which is kept on disk and outlives any key."""


@dataclass(frozen=True, slots=True)
class Reply:
    id: str
    """Also the idempotency key sent with the reply, so a retry never posts twice."""
    conversation_id: str
    in_reply_to: str
    """The message answered (for a hide: the message hidden)."""
    text: str
    queued_at: ClockTime
    status: ReplyStatus = "queued"
    error: str | None = None
    """Why the last attempt failed (kept while a transient failure is retried)."""
    kind: ReplyKind = "reply"
    attempts: int = 0
    next_attempt_at: ClockTime = 0.0
    remote_id: str | None = None
    """The platform's id of the message the reply became, once sent."""
    sending_by: str | None = None
    """``host:pid:process-id`` of the process sending it, while ``sending``."""
    sent_at: ClockTime | None = None
    claimed_at: ClockTime | None = None
    """When it was last claimed for sending: a claim older than :data:`CLAIM_LEASE` is
    taken as that of a process that died or hung."""
    paused: bool = False
    """Queued, but the platform refused the token: nothing is sent until the manager renews
    it (``error`` says so). It does not count as an answer meanwhile: it may never go out."""
    preexisting: tuple[str, ...] | None = None
    """Read from the platform just before the first request of a reply to a platform that
    may not deduplicate a resend: the ids of the messages already there that it could be
    taken for (ours, with its text, where it goes). After an attempt that may have reached
    the platform, only a match not among them is the reply: ids are compared, never
    clocks. None until then, so None also means no request was sent yet."""
    queued_by: str | None = None
    """The manager (``user@host``) who queued it; None in an outbox an older commdash wrote."""

    @classmethod
    def new(cls, conversation_id: str, in_reply_to: str, text: str, now: float) -> Reply:
        return cls(str(uuid.uuid4()), conversation_id, in_reply_to, text, now)

    @classmethod
    def moderation(cls, conversation_id: str, message_id: str, hide: bool, now: float) -> Reply:
        kind: ReplyKind = "hide" if hide else "unhide"
        return cls(str(uuid.uuid4()), conversation_id, message_id, "", now, kind=kind)

    @property
    def pending(self) -> bool:
        return self.status != "sent"

    @property
    def may_be_posted(self) -> bool:
        """An attempt may have reached the platform, and it is not known yet: the reply can
        be neither edited nor safely discarded until the next attempt settles it."""
        return self.status == "sending" or (self.status == "queued" and self.attempts > 0)

    @property
    def counts_as_answer(self) -> bool:
        """Whether the figures count it as ours: not once refused, nor while it waits for a
        token the platform refused."""
        return self.status != "failed" and not self.paused

    @property
    def editable(self) -> bool:
        return self.status == "failed" or (self.status == "queued" and self.attempts == 0)

    def claimed(self, owner: str, now: float) -> Reply:
        return replace(self, status="sending", sending_by=owner, claimed_at=now, paused=False)

    def waiting_for_token(self, why: str) -> Reply:
        """Queued until the manager renews the token the platform refused; the refusal is
        no attempt (nothing reached the platform)."""
        return replace(self, status="queued", paused=True, error=why, sending_by=None)

    def resumed(self) -> Reply:
        """The token was read again: sent in turn, as when it was queued."""
        return replace(self, paused=False, error=None)

    def sent(self, remote_id: str | None, now: float) -> Reply:
        return replace(
            self, status="sent", remote_id=remote_id, sent_at=now, sending_by=None, error=None
        )

    def retry_at(self, when: float, error: str) -> Reply:
        return replace(
            self,
            status="queued",
            attempts=self.attempts + 1,
            next_attempt_at=when,
            error=error,
            sending_by=None,
        )

    def failed(self, error: str) -> Reply:
        return replace(
            self, status="failed", attempts=self.attempts + 1, error=error, sending_by=None
        )

    def requeued(self, text: str | None = None) -> Reply:
        """Queued afresh by the manager (retry, or edit of a reply not sent). A new text
        could be mistaken for other messages: they are read again before it is sent."""
        edited = text is not None and text != self.text
        return replace(
            self,
            status="queued",
            text=self.text if text is None else text,
            next_attempt_at=0.0,
            error=None,
            sending_by=None,
            paused=False,
            preexisting=None if edited else self.preexisting,
        )

    def to_dict(self) -> dict[str, Any]:
        return records.to_json(self)

    @classmethod
    def from_dict(cls, raw: object) -> Reply | None:
        """None for an item that cannot be sent as it is: an id, a target or a text
        missing or not text, a time missing where it is needed, or one no clock shows."""
        return records.from_json(cls, raw)


CLAIM_LEASE = 300.0
"""Seconds after which a claim is stale whoever made it: an attempt takes at most a few
timeouts of 20 s, so its process has died or hung (or its pid was reused)."""
_PROCESS = uuid.uuid4().hex[:12]


def this_process() -> str:
    """How an outbox claim names its owner: host, pid, and an id of this very process (a
    pid can be reused, by a container restarted, say)."""
    return f"{hostname()}:{os.getpid()}:{_PROCESS}"


def owner_alive(owner: str | None, claimed_at: float | None, now: float) -> bool:
    """Whether the process that claimed an item may still be sending it."""
    if claimed_at is None or now - claimed_at > CLAIM_LEASE:
        return False
    host, _, rest = (owner or "").partition(":")
    pid, _, process = rest.partition(":")
    if host != hostname():
        return bool(host)  # another machine's claim: trusted until the lease ends
    if not (pid.isascii() and pid.isdigit()):
        return False
    if int(pid) == os.getpid():
        return process == _PROCESS
    return process_alive(int(pid))
