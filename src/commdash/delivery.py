"""Delivering the outbox to a live source: each item exactly once, whatever fails.

Every item is claimed on disk (``sending``) before its request goes out. When an attempt may
have reached the platform (an earlier attempt broke off, or a commdash died while sending),
the courier first asks the source whether the reply is already there (``find_sent``) and
sends again only when it is not; sources whose platform honours the ``Idempotency-Key`` may
leave that to the key. Transient failures are retried with exponential backoff and jitter,
never sooner than the server asked; permanent ones stop with the reason on the item.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from commdash.errors import SourceError, StateError
from commdash.outbox import Reply, this_process
from commdash.sources.http import RemoteError, backoff
from commdash.sources.live import Document, LiveSource
from commdash.store import Store
from commdash.timeutil import Clock


@dataclass(frozen=True, slots=True)
class Delivered:
    """What became of one attempt."""

    item: Reply
    """The item as written after the attempt."""
    note: str
    """One line for the manager."""


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

    def deliver_due(self, stop: Callable[[], bool] = lambda: False) -> list[Delivered]:
        """Send every item that is due, one at a time, until none is left or ``stop()``."""
        done: list[Delivered] = []
        while not stop():
            claimed = self.store.claim_due(self.clock.now(), self.owner)
            if claimed is None:
                break
            done.append(self._attempt(*claimed))
        return done

    def _attempt(self, item: Reply, uncertain: bool) -> Delivered:
        document = self.document() or {}
        try:
            remote_id = self._send(item, uncertain, document)
        except RemoteError as error:
            return self._failed(item, error)
        except SourceError as error:  # e.g. a URL the config does not allow
            return self._record(item.failed(str(error)), f"Not delivered: {error}")
        except NotImplementedError as error:
            return self._record(item.failed(str(error)), f"Not delivered: {error}")
        sent = item.sent(remote_id, self.clock.now())
        return self._record(sent, _sent_note(item))

    def _send(self, item: Reply, uncertain: bool, document: Document) -> str | None:
        if item.kind != "reply":
            self.source.set_hidden(item.in_reply_to, item.kind == "hide")
            return None
        if uncertain:
            found = self.source.find_sent(item, document)
            if found is not None:
                return found
        return self.source.send_reply(item, document)

    def _failed(self, item: Reply, error: RemoteError) -> Delivered:
        reason = str(error)
        if not error.transient:
            return self._record(item.failed(reason), f"Not delivered: {reason}")
        wait = max(error.retry_after or 0.0, backoff(item.attempts))
        again = item.retry_at(self.clock.now() + wait, reason)
        return self._record(again, f"Delivery will be retried in {wait:.0f} s: {reason}")

    def _record(self, item: Reply, note: str) -> Delivered:
        """Write the outcome, unless the manager changed the item meanwhile (it is ours while
        ``sending``, so that happens only when it was removed by hand)."""
        try:
            written = self.store.update_reply(
                item.id, lambda now: item if now.sending_by == self.owner else None
            )
        except StateError as error:
            # Left ``sending`` under our name: the next start resolves it (find_sent first).
            return Delivered(item, f"{note} (not recorded: {error})")
        return Delivered(written or item, note)

    def next_due(self) -> float | None:
        """When the earliest queued item is due; None when nothing is queued."""
        times = [r.next_attempt_at for r in self.store.replies() if r.status == "queued"]
        return min(times) if times else None


def _sent_note(item: Reply) -> str:
    if item.kind == "reply":
        return "Reply delivered"
    return "Hidden on the platform" if item.kind == "hide" else "Shown again on the platform"
