"""The courier and the outbox claims: every item delivered once, retried when it may work
later, stopped with the reason when it cannot, resolved after a crash mid-send."""

from __future__ import annotations

import multiprocessing
import socket
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from commdash.delivery import Courier
from commdash.outbox import TOKEN_REFUSED, Reply
from commdash.sources.http import RemoteError
from commdash.sources.live import Cursor, Document, LiveSource, OutgoingReply, ProgressFn, Pulled
from commdash.store import Store
from commdash.timeutil import Clock

NOW = 1_800_000_000.0
YEAR = 365 * 86_400.0


class Recorder(LiveSource):
    """A platform that records what it is asked to deliver; ``failures`` are raised first,
    and the next ``lost_answers`` replies are posted but their answers lost."""

    location = "recorder"
    requests = 0

    def __init__(self, failures: list[RemoteError] | None = None) -> None:
        self.failures = list(failures or [])
        self.check_failures: list[RemoteError] = []
        """Raised first by matching_replies."""
        self.lost_answers = 0
        self.sent: list[str] = []
        self.given: list[OutgoingReply] = []
        """What the courier gave send_reply and matching_replies."""
        self.hidden: list[tuple[str, bool]] = []
        self.messages: dict[str, str] = {}
        """What the platform holds: message id → text."""
        self.asked: list[str] = []
        """The replies whose matches were looked for."""

    def pull(self, previous: Document | None, cursor: Cursor, progress: ProgressFn) -> Pulled:
        return Pulled(None, cursor)

    def send_reply(self, reply: OutgoingReply, document: Document) -> str:
        self.given.append(reply)
        if self.failures:
            raise self.failures.pop(0)
        self.sent.append(reply.id)
        message_id = f"m-{len(self.messages) + 1}"
        self.messages[message_id] = reply.text
        if self.lost_answers:
            self.lost_answers -= 1
            raise RemoteError("the connection broke off", transient=True)
        return message_id

    def set_hidden(self, message_id: str, hidden: bool) -> None:
        if self.failures:
            raise self.failures.pop(0)
        self.hidden.append((message_id, hidden))

    def matching_replies(self, reply: OutgoingReply, document: Document) -> list[str]:
        self.given.append(reply)
        if self.check_failures:
            raise self.check_failures.pop(0)
        self.asked.append(reply.id)
        return [mid for mid, text in self.messages.items() if text == reply.text]

    def use_token(self, token: str | None) -> None:
        pass

    def close(self) -> None:
        pass


def courier(tmp_path: Path, source: LiveSource, clock: Clock, owner: str = "") -> Courier:
    return Courier(source, Store(tmp_path / "s"), clock, lambda: {}, owner=owner or None)


def queue(tmp_path: Path, text: str = "Thanks!") -> Reply:
    reply = Reply.new("c1", "c1", text, NOW)
    Store(tmp_path / "s").queue_reply(reply)
    return reply


def stored(tmp_path: Path, reply_id: str) -> Reply:
    return next(r for r in Store(tmp_path / "s").replies() if r.id == reply_id)


def test_a_queued_reply_is_sent_once_and_recorded(tmp_path: Path) -> None:
    reply = queue(tmp_path)
    source = Recorder()
    done = courier(tmp_path, source, Clock(NOW)).deliver_due()
    assert [d.item.status for d in done] == ["sent"]
    assert source.sent == [reply.id]
    after = stored(tmp_path, reply.id)
    assert (after.status, after.remote_id, after.sending_by) == ("sent", "m-1", None)
    assert courier(tmp_path, source, Clock(NOW + 10)).deliver_due() == []
    assert source.sent == [reply.id]


def test_the_source_is_given_the_reply_not_the_outbox_item(tmp_path: Path) -> None:
    """A source sees what it posts (the id as idempotency key, where, what, when queued),
    never the outbox's bookkeeping (attempts, claims, what was there before)."""
    reply = queue(tmp_path, "Thanks, it ships today")
    source = Recorder()
    courier(tmp_path, source, Clock(NOW)).deliver_due()
    given = OutgoingReply(reply.id, "c1", "c1", "Thanks, it ships today", NOW)
    assert source.given == [given, given]  # looked for first (no idempotency key), then sent


def test_a_transient_failure_waits_at_least_what_the_server_asked(tmp_path: Path) -> None:
    reply = queue(tmp_path)
    source = Recorder([RemoteError("HTTP 429, rate limited", True, 120.0)])
    clock = Clock(NOW)
    done = courier(tmp_path, source, clock).deliver_due()
    assert "retried in 120 s" in done[0].note
    waiting = stored(tmp_path, reply.id)
    assert (waiting.status, waiting.attempts) == ("queued", 1)
    assert waiting.next_attempt_at >= NOW + 120
    assert waiting.error is not None and "429" in waiting.error
    assert courier(tmp_path, source, Clock(NOW + 60)).deliver_due() == []  # not due yet
    later = courier(tmp_path, source, Clock(waiting.next_attempt_at)).deliver_due()
    assert [d.item.status for d in later] == ["sent"]
    assert source.asked == [reply.id, reply.id]  # before the first attempt, and again
    assert source.sent == [reply.id]


def test_backoff_grows_with_each_attempt(tmp_path: Path) -> None:
    reply = queue(tmp_path)
    failures = [RemoteError("HTTP 503", True) for _ in range(6)]
    source = Recorder(failures)
    waits = []
    at = NOW
    for _ in range(6):
        courier(tmp_path, source, Clock(at)).deliver_due()
        item = stored(tmp_path, reply.id)
        waits.append(item.next_attempt_at - at)
        at = item.next_attempt_at
    assert max(waits[3:]) > max(waits[:2])  # exponential, even with jitter
    assert all(wait > 0 for wait in waits)


def test_a_permanent_failure_stops_with_the_reason_until_retried(tmp_path: Path) -> None:
    reply = queue(tmp_path)
    source = Recorder([RemoteError("HTTP 401, the token was refused; check or renew it")])
    done = courier(tmp_path, source, Clock(NOW)).deliver_due()
    failed = stored(tmp_path, reply.id)
    assert failed.status == "failed" and "401" in (failed.error or "")
    assert "Not delivered" in done[0].note
    assert courier(tmp_path, source, Clock(NOW + 3600)).deliver_due() == []
    Store(tmp_path / "s").update_reply(reply.id, lambda r: r.requeued("Thanks again!"))
    sent = courier(tmp_path, source, Clock(NOW + 3601)).deliver_due()
    assert [d.item.text for d in sent] == ["Thanks again!"]
    assert source.sent == [reply.id]


def _dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


@pytest.mark.parametrize("reached", [True, False])
def test_a_send_cut_off_by_a_crash_is_resolved_without_posting_twice(
    tmp_path: Path, reached: bool
) -> None:
    reply = queue(tmp_path)
    dead = f"{socket.gethostname()}:{_dead_pid()}"
    source = Recorder()
    source.messages["m-older"] = reply.text  # there before: never taken for the reply
    claimed = replace(reply.claimed(dead, NOW), preexisting=("m-older",))
    Store(tmp_path / "s").update_reply(reply.id, lambda r: claimed)
    if reached:
        source.messages["m-earlier"] = reply.text
    done = courier(tmp_path, source, Clock(NOW)).deliver_due()
    assert source.asked == [reply.id]
    assert done[0].item.status == "sent"
    assert source.sent == ([] if reached else [reply.id])
    assert stored(tmp_path, reply.id).remote_id == ("m-earlier" if reached else "m-2")


def test_a_reply_cut_off_by_a_crash_is_checked_for_even_after_a_refused_token(
    tmp_path: Path,
) -> None:
    reply = queue(tmp_path)
    dead = f"{socket.gethostname()}:{_dead_pid()}"
    claimed = replace(reply.claimed(dead, NOW), preexisting=())
    Store(tmp_path / "s").update_reply(reply.id, lambda r: claimed)
    source = Recorder()
    source.messages["m-1"] = reply.text  # the process that died had posted it
    source.check_failures.append(RemoteError("HTTP 401", refused=True))
    mine = courier(tmp_path, source, Clock(NOW))
    assert [d.item.paused for d in mine.deliver_due()] == [True]
    mine.resume()
    assert [d.item.status for d in mine.deliver_due()] == ["sent"]
    assert source.sent == [] and stored(tmp_path, reply.id).remote_id == "m-1"


def test_a_claim_of_a_live_process_is_left_alone(tmp_path: Path) -> None:
    reply = queue(tmp_path)
    Store(tmp_path / "s").update_reply(reply.id, lambda r: r.claimed("other-host:1", NOW))
    source = Recorder()
    assert courier(tmp_path, source, Clock(NOW)).deliver_due() == []
    assert source.sent == []


def test_hides_are_delivered_in_order(tmp_path: Path) -> None:
    store = Store(tmp_path / "s")
    store.queue_moderation(Reply.moderation("c1", "m9", True, NOW))
    store.queue_moderation(Reply.moderation("c1", "m9", False, NOW + 1))
    source = Recorder()
    courier(tmp_path, source, Clock(NOW + 2)).deliver_due()
    assert source.hidden == [("m9", True), ("m9", False)]


def test_a_reply_on_its_way_cannot_be_discarded_or_edited(tmp_path: Path) -> None:
    reply = queue(tmp_path)
    store = Store(tmp_path / "s")
    claimed = store.claim_due(NOW, "me:1")
    assert claimed is not None and claimed.id == reply.id
    assert store.discard_reply(reply.id) is None
    edit = store.update_reply(
        reply.id, lambda r: r.requeued("x") if r.status in ("queued", "failed") else None
    )
    assert edit is None
    assert stored(tmp_path, reply.id).text == "Thanks!"


def _claim_all(directory: str, owner: str, found: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    store = Store(Path(directory))
    while (claimed := store.claim_due(NOW, owner)) is not None:
        found.put(claimed.id)


def test_two_processes_never_claim_the_same_item(tmp_path: Path) -> None:
    ids = {queue(tmp_path, f"reply {n}").id for n in range(30)}
    context = multiprocessing.get_context("spawn")
    found: multiprocessing.Queue = context.Queue()  # type: ignore[type-arg]
    workers = [
        context.Process(target=_claim_all, args=(str(tmp_path / "s"), f"h:{n}", found))
        for n in range(2)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    claimed = [found.get(timeout=5) for _ in range(len(ids))]
    assert sorted(claimed) == sorted(ids)
    assert found.empty()


def test_a_claim_past_its_lease_is_resolved_whoever_made_it(tmp_path: Path) -> None:
    import os

    from commdash.outbox import CLAIM_LEASE, this_process

    reply = queue(tmp_path)
    store = Store(tmp_path / "s")
    store.update_reply(reply.id, lambda r: r.claimed("other-host:1:x", NOW))
    source = Recorder()
    assert courier(tmp_path, source, Clock(NOW + 10)).deliver_due() == []
    done = courier(tmp_path, source, Clock(NOW + CLAIM_LEASE + 1)).deliver_due()
    assert [d.item.status for d in done] == ["sent"] and source.asked == [reply.id]
    # This very pid, claimed by an earlier process that had it (a container restarted):
    again = queue(tmp_path, "Another")
    store.update_reply(
        again.id, lambda r: r.claimed(f"{socket.gethostname()}:{os.getpid()}:old", NOW)
    )
    assert this_process() != f"{socket.gethostname()}:{os.getpid()}:old"
    done = courier(tmp_path, source, Clock(NOW + 1)).deliver_due()
    assert [d.item.id for d in done] == [again.id]


def test_a_hide_and_its_undo_go_out_in_order_even_when_the_hide_must_wait(
    tmp_path: Path,
) -> None:
    store = Store(tmp_path / "s")
    store.queue_moderation(Reply.moderation("c1", "m9", True, NOW))
    source = Recorder([RemoteError("HTTP 503", True, 120.0)])
    courier(tmp_path, source, Clock(NOW)).deliver_due()  # the hide must wait 120 s
    store.queue_moderation(Reply.moderation("c1", "m9", False, NOW + 1))
    assert courier(tmp_path, source, Clock(NOW + 2)).deliver_due() == []  # not before it
    courier(tmp_path, source, Clock(NOW + 200)).deliver_due()
    assert source.hidden == [("m9", True), ("m9", False)]


def test_a_failure_of_the_server_stops_the_round_and_pauses_the_rest(tmp_path: Path) -> None:
    for n in range(4):
        queue(tmp_path, f"reply {n}")
    source = Recorder([RemoteError("HTTP 429", True, 60.0)])
    mine = courier(tmp_path, source, Clock(NOW))
    done = mine.deliver_due()
    assert len(done) == 1  # the other three were not tried against a rate limit
    assert mine.deliver_due() == []
    due = mine.next_due()
    assert due is not None and due >= NOW + 60


def test_a_refused_token_pauses_every_waiting_item_until_it_is_renewed(tmp_path: Path) -> None:
    replies = [queue(tmp_path, f"reply {n}") for n in range(3)]
    refusal = "https://graph.example/v19.0/1_2/comments: HTTP 401, the token was refused"
    source = Recorder([RemoteError(refusal, refused=True)])
    clock = Clock(NOW)
    mine = courier(tmp_path, source, clock)
    done = mine.deliver_due()
    assert [d.note for d in done] == [TOKEN_REFUSED[0].upper() + TOKEN_REFUSED[1:]]
    waiting = Store(tmp_path / "s").replies()
    assert [(r.status, r.paused, r.attempts) for r in waiting] == [("queued", True, 0)] * 3
    assert [r.error for r in waiting] == [
        f"{TOKEN_REFUSED} ({refusal})",  # the one refused names its URL, the others do not
        *[f"{TOKEN_REFUSED} (HTTP 401, the token was refused)"] * 2,
    ]
    assert not any(r.counts_as_answer for r in waiting)  # they may never go out
    assert mine.next_due() is None  # no timer "retrying in 0 s" for ever

    later = queue(tmp_path, "queued while paused")
    assert [d.item.id for d in mine.deliver_due()] == [later.id]
    assert stored(tmp_path, later.id).paused and source.sent == []
    clock.pinned = NOW + 86_400
    assert mine.deliver_due() == []  # a day later too

    mine.resume()
    assert not any(r.paused or r.error for r in Store(tmp_path / "s").replies())
    sent = mine.deliver_due()
    assert [d.item.status for d in sent] == ["sent"] * 4
    assert source.sent == [*(r.id for r in replies), later.id]


def test_the_same_text_twice_is_not_mistaken_for_the_first(tmp_path: Path) -> None:
    first = queue(tmp_path, "Thanks!")
    source = Recorder()
    courier(tmp_path, source, Clock(NOW)).deliver_due()
    second = queue(tmp_path, "Thanks!")
    source.failures.append(RemoteError("HTTP 500", True, 1.0))
    courier(tmp_path, source, Clock(NOW + 1)).deliver_due()
    courier(tmp_path, source, Clock(NOW + 100)).deliver_due()
    assert source.sent == [first.id, second.id]
    assert stored(tmp_path, second.id).remote_id == "m-2"


@pytest.mark.parametrize("skew", [-YEAR, 0.0, YEAR])
def test_a_message_of_the_same_text_from_before_is_not_taken_for_the_reply(
    tmp_path: Path, skew: float
) -> None:
    """Whatever the clocks say: only the platform's ids tell an attempt's message from one
    that was there before."""
    source = Recorder()
    source.messages["m-1"] = "Thanks!"  # written by hand on the platform, before queueing
    reply = queue(tmp_path, "Thanks!")
    source.lost_answers = 1  # posted, but the answer never came
    clock = Clock(NOW + skew)
    first = courier(tmp_path, source, clock).deliver_due()
    assert [d.item.status for d in first] == ["queued"]
    assert stored(tmp_path, reply.id).preexisting == ("m-1",)
    clock.pinned = first[0].item.next_attempt_at
    second = courier(tmp_path, source, clock).deliver_due()
    assert [d.item.status for d in second] == ["sent"]
    assert source.sent == [reply.id]  # posted once
    assert stored(tmp_path, reply.id).remote_id == "m-2"


def test_an_edited_text_is_compared_anew(tmp_path: Path) -> None:
    source = Recorder([RemoteError("HTTP 422, too long")])
    reply = queue(tmp_path, "Thanks!")
    courier(tmp_path, source, Clock(NOW)).deliver_due()
    assert stored(tmp_path, reply.id).preexisting == ()
    source.messages["m-1"] = "Thanks a lot!"  # written by hand meanwhile
    Store(tmp_path / "s").update_reply(reply.id, lambda r: r.requeued("Thanks a lot!"))
    assert stored(tmp_path, reply.id).preexisting is None
    courier(tmp_path, source, Clock(NOW + 1)).deliver_due()
    assert stored(tmp_path, reply.id).preexisting == ("m-1",)
    assert source.sent == [reply.id] and stored(tmp_path, reply.id).remote_id == "m-2"


def test_an_uncertain_reply_cannot_be_edited(tmp_path: Path) -> None:
    reply = queue(tmp_path)
    courier(tmp_path, Recorder([RemoteError("broke off", True)]), Clock(NOW)).deliver_due()
    waiting = stored(tmp_path, reply.id)
    assert waiting.may_be_posted and not waiting.editable
    failed = waiting.failed("HTTP 422")
    assert failed.editable and not failed.may_be_posted


def test_an_answer_no_parser_foresaw_fails_the_reply_instead_of_leaving_it_claimed(
    tmp_path: Path,
) -> None:
    class Broken(Recorder):
        def send_reply(self, reply: Reply, document: Document) -> str:
            raise TypeError("'int' object is not subscriptable")

    reply = queue(tmp_path)
    done = courier(tmp_path, Broken(), Clock(NOW)).deliver_due()
    failed = stored(tmp_path, reply.id)
    assert (failed.status, failed.sending_by) == ("failed", None)
    assert failed.error == "unexpected answer from the platform (TypeError)"
    assert done[0].note == "Not delivered: unexpected answer from the platform (TypeError)"
