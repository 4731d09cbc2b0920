"""Delivering the outbox to a live source: each item exactly once, whatever fails.

Every item is claimed on disk (``sending``) before its request goes out. On a platform that
may not deduplicate a resend, the courier first notes on the item which of the platform's
messages it could be taken for (``matching_replies``: ours, with its text, where it goes).
On every later attempt (an earlier one may have reached the platform: it broke off, or a
commdash died while sending), a match that was not there before is the reply, and it is
sent again only when there is none. Only the platform's ids are compared: neither the local
clock nor ``--now`` can make a reply post twice, or take an older message of the same text
for it. Transient failures are retried with exponential backoff and jitter, never sooner
than the server asked; permanent ones stop with the reason on the item. A refused token
pauses every waiting item, visibly, until the manager renews it (:meth:`Courier.resume`).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, replace

from commdash.errors import SourceError, StateError
from commdash.outbox import TOKEN_REFUSED, Reply, this_process
from commdash.sources.http import RemoteError, backoff
from commdash.sources.live import Document, LiveSource, OutgoingReply
from commdash.store import Store
from commdash.timeutil import Clock

_TOKEN_REFUSED_NOTE = TOKEN_REFUSED[0].upper() + TOKEN_REFUSED[1:]


@dataclass(frozen=True, slots=True)
class Delivered:
    """What became of one attempt."""

    item: Reply
    """The item as written after the attempt."""
    note: str
    """One line for the manager."""
    stops_round: bool = False
    """The failure would befall the next items too: they wait."""


class Courier:
    def __init__(
        self,
        source: LiveSource,
        store: Store,
        clock: Clock,
        document: Callable[[], Document | None],
        owner: str | None = None,
    ) -> None:
        self.source = source
        self.store = store
        self.clock = clock
        self.document = document
        """The last pulled document (threads and authors a send may need)."""
        self.owner = owner or this_process()
        self.paused_until = 0.0
        """After a failure that is not about one item (the server down, a rate limit),
        nothing is sent before this time: the other items would fail alike and make it
        worse."""
        self.refused: str | None = None
        """Why the platform refused the token: nothing is sent until :meth:`resume`."""
        self._round = threading.Lock()
        """Held by a round, so that a resume never falls in the middle of one."""

    def deliver_due(self, stop: Callable[[], bool] = lambda: False) -> list[Delivered]:
        """Send every item that is due, one at a time, until none is left, ``stop()``, or
        a failure that would befall the next ones too. While the token is refused, the
        items queued meanwhile are marked as waiting for it instead."""
        with self._round:
            store = self.store  # one directory for the round, whatever the UI does meanwhile
            if self.refused is not None:
                return self._wait_for_token(store)
            done: list[Delivered] = []
            while not stop() and self.clock.now() >= self.paused_until:
                claimed = store.claim_due(self.clock.now(), self.owner)
                if claimed is None:
                    break
                # Whether it may be on the platform already, the item itself tells (a
                # refusal after a crash leaves no attempt counted): see _attempt.
                outcome = self._attempt(store, claimed)
                done.append(outcome)
                if outcome.stops_round:
                    break
            if self.refused is not None:
                self._wait_for_token(store)
            return done

    def resume(self) -> None:
        """The token was read again: every item that waited for it is sent in turn."""
        with self._round:
            self.refused = None
            self.paused_until = 0.0
            store = self.store
            for item in store.replies():
                if item.paused:
                    store.update_reply(item.id, lambda now: now.resumed() if now.paused else None)

    def _wait_for_token(self, store: Store) -> list[Delivered]:
        """Mark every queued item as waiting for the refused token; the items newly marked."""
        why = f"{TOKEN_REFUSED} ({_without_location(self.refused or '')})"
        marked: list[Delivered] = []
        for item in store.replies():
            if item.status == "queued" and not item.paused:
                written = store.update_reply(
                    item.id,
                    lambda now: now.waiting_for_token(why) if now.status == "queued" else None,
                )
                if written is not None:
                    marked.append(Delivered(written, _TOKEN_REFUSED_NOTE))
        return marked

    def _attempt(self, store: Store, item: Reply) -> Delivered:
        document = self.document() or {}
        try:
            first = item.kind == "reply" and item.preexisting is None  # no request sent yet
            if first:
                item = self._note_preexisting(store, item, document)
            remote_id = self._send(store, item, document, check_first=not first)
        except RemoteError as error:
            return self._failed(store, item, error)
        except SourceError as error:  # e.g. a URL the config does not allow
            return self._record(store, item.failed(str(error)), f"Not delivered: {error}")
        except NotImplementedError as error:
            return self._record(store, item.failed(str(error)), f"Not delivered: {error}")
        except StateError:
            raise  # the state on disk, not the item: it stays claimed and is taken up again
        except Exception as error:  # an answer no parser foresaw: the manager decides
            reason = f"unexpected answer from the platform ({type(error).__name__})"
            return self._record(store, item.failed(reason), f"Not delivered: {reason}")
        sent = item.sent(remote_id or None, self.clock.now())
        return self._record(store, sent, _sent_note(item))

    def _send(self, store: Store, item: Reply, document: Document, check_first: bool) -> str | None:
        """Deliver the item. ``check_first``: a request may have reached the platform before
        (whatever became of it: a crash, a lost answer, a refusal after it), so the
        platform is asked first where it cannot drop a resend."""
        if item.kind != "reply":
            self.source.set_hidden(item.in_reply_to, item.kind == "hide")
            return None
        if check_first:
            posted = self._posted(store, item, document)
            if posted is not None:
                return posted
        return self.source.send_reply(_outgoing(item), document)

    def _note_preexisting(self, store: Store, item: Reply, document: Document) -> Reply:
        """The item with the messages it could be taken for written on it, on disk, before
        its first request."""
        found = self.source.matching_replies(_outgoing(item), document)
        if found is None:
            return item  # the platform deduplicates by the Idempotency-Key
        noted = replace(item, preexisting=tuple(found))
        if store.update_reply(item.id, lambda now: noted if now.sending_by == self.owner else None):
            return noted
        raise StateError(f"outbox item {item.id}: changed on disk while being sent; not sent")

    def _posted(self, store: Store, item: Reply, document: Document) -> str | None:
        """The id of the message an earlier attempt became, when the platform has it: a
        match that was there neither before the first attempt nor as another reply."""
        found = self.source.matching_replies(_outgoing(item), document)
        if found is None:
            return None
        others = {r.remote_id for r in store.replies() if r.remote_id and r.id != item.id}
        excluded = others.union(item.preexisting or ())
        return next((message for message in found if message not in excluded), None)

    def _failed(self, store: Store, item: Reply, error: RemoteError) -> Delivered:
        reason = str(error)
        now = self.clock.now()
        if error.refused:
            self.refused = reason
            waiting = item.waiting_for_token(f"{TOKEN_REFUSED} ({reason})")
            paused = self._record(store, waiting, _TOKEN_REFUSED_NOTE)
            return Delivered(paused.item, paused.note, stops_round=True)
        if not error.transient:
            return self._record(store, item.failed(reason), f"Not delivered: {reason}")
        wait = max(error.retry_after or 0.0, backoff(item.attempts))
        self.paused_until = now + wait
        again = item.retry_at(now + wait, reason)
        retried = self._record(store, again, f"Delivery will be retried in {wait:.0f} s: {reason}")
        return Delivered(retried.item, retried.note, stops_round=True)

    def _record(self, store: Store, item: Reply, note: str) -> Delivered:
        """Write the outcome, unless the manager changed the item meanwhile (it is ours while
        ``sending``, so that happens only when it was removed by hand)."""
        try:
            written = store.update_reply(
                item.id, lambda now: item if now.sending_by == self.owner else None
            )
        except StateError as error:
            # Left ``sending`` under our name: once the claim's lease ends, the next round
            # resolves it (the platform is checked first).
            return Delivered(item, f"{note} (not recorded: {error})")
        return Delivered(written or item, note)

    def next_due(self) -> float | None:
        """When the earliest queued item is due (not before a pause ends); None when
        nothing is queued, or everything waits for a renewed token."""
        if self.refused is not None:
            return None
        times = [r.next_attempt_at for r in self.store.replies() if r.status == "queued"]
        return max(min(times), self.paused_until) if times else None


def _outgoing(item: Reply) -> OutgoingReply:
    """What the source is given of an outbox item: the reply, not the outbox's bookkeeping."""
    return OutgoingReply(item.id, item.conversation_id, item.in_reply_to, item.text, item.queued_at)


def _sent_note(item: Reply) -> str:
    if item.kind == "reply":
        return "Reply delivered"
    return "Hidden on the platform" if item.kind == "hide" else "Shown again on the platform"


def _without_location(reason: str) -> str:
    """A failure's reason without the URL it starts with: the refusal was another item's,
    and its URL (another comment) would mislead under this one."""
    if reason.startswith(("https://", "http://")) and ": " in reason:
        return reason.split(": ", 1)[1]
    return reason
