"""What the courier tells the platform and what it records: the last pulled document goes to
the source, a reply that may have gone out is not taken for another reply's message, every
outcome gets its line for the manager and its trace on disk (who claimed it, when it was
sent, why it failed), a refused token pauses the outbox until resumed, and what another
process changed meanwhile (a claim taken over, an item resumed or claimed) is not
overwritten."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from commdash.delivery import Courier
from commdash.errors import SourceError, StateError
from commdash.outbox import TOKEN_REFUSED, Reply, this_process
from commdash.sources.http import RemoteError
from commdash.sources.live import Cursor, Document, LiveSource, OutgoingReply, ProgressFn, Pulled
from commdash.store import Store
from commdash.timeutil import Clock

NOW = 1_800_000_000.0
DOCUMENT: Document = {"format": "commdash/v1", "posts": [{"id": "p1"}]}


class Platform(LiveSource):
    """Records what it is given; raises ``failures`` first; runs ``during_send`` while a
    reply is on its way. ``messages`` (id → text): what it holds, for a platform that may
    not deduplicate a resend (``checks``); the others deduplicate by the idempotency key."""

    location = "platform"
    requests = 0

    def __init__(
        self,
        *failures: Exception,
        during_send: Callable[[], None] = lambda: None,
        checks: bool = False,
    ) -> None:
        self.failures = list(failures)
        self.during_send = during_send
        self.checks = checks
        self.given: list[tuple[str, Document]] = []
        self.asked: list[Document] = []
        self.hidden: list[tuple[str, bool]] = []
        self.messages: dict[str, str] = {}

    def pull(self, previous: Document | None, cursor: Cursor, progress: ProgressFn) -> Pulled:
        return Pulled(None, cursor)

    def send_reply(self, reply: OutgoingReply, document: Document) -> str:
        self.during_send()
        if self.failures:
            raise self.failures.pop(0)
        self.given.append((reply.id, document))
        self.messages[f"m-{reply.id}"] = reply.text
        return f"m-{reply.id}"

    def set_hidden(self, message_id: str, hidden: bool) -> None:
        if self.failures:
            raise self.failures.pop(0)
        self.hidden.append((message_id, hidden))

    def matching_replies(self, reply: OutgoingReply, document: Document) -> list[str] | None:
        if not self.checks:
            return None
        self.asked.append(document)
        return [mid for mid, text in self.messages.items() if text == reply.text]

    def use_token(self, token: str | None) -> None:
        pass

    def close(self) -> None:
        pass


class CannotHide(Platform):
    set_hidden = LiveSource.set_hidden  # type: ignore[assignment]


def courier(
    store: Store,
    source: LiveSource,
    now: float = NOW,
    document: Document | None = DOCUMENT,
    owner: str | None = "me",
) -> Courier:
    return Courier(source, store, Clock(now), lambda: document, owner=owner)


def queued(store: Store, text: str = "Thanks!", at: float = NOW) -> Reply:
    reply = Reply.new("c1", "c1", text, at)
    store.queue_reply(reply)
    return reply


def test_the_source_gets_the_last_pulled_document_or_an_empty_one(tmp_path: Path) -> None:
    store = Store(tmp_path)
    first, second = queued(store), queued(store, at=NOW + 1)
    source = Platform()
    courier(store, source).deliver_due()
    assert source.given == [(first.id, DOCUMENT), (second.id, DOCUMENT)]
    third = queued(store, at=NOW + 2)
    courier(store, source, document=None).deliver_due()
    assert source.given[-1] == (third.id, {})


def test_a_reply_that_may_have_gone_out_is_not_taken_for_another_replys_message(
    tmp_path: Path,
) -> None:
    store = Store(tmp_path)
    source = Platform(RemoteError("connection reset", transient=True, retry_after=100), checks=True)
    cut_off = queued(store)  # its attempt is cut off: it may have gone out
    courier(store, source).deliver_due()
    twin = queued(store, at=NOW + 1)  # the same text, sent meanwhile
    courier(store, source, now=NOW + 2).deliver_due()
    courier(store, source, now=NOW + 1000).deliver_due()
    assert [given for given, _ in source.given] == [twin.id, cut_off.id]
    [found] = [r for r in store.replies() if r.id == cut_off.id]
    assert (found.status, found.remote_id) == ("sent", f"m-{cut_off.id}")
    assert source.asked == [DOCUMENT] * 3  # before each first attempt, and after the cut


def test_a_courier_claims_in_its_owners_name_or_this_processs(tmp_path: Path) -> None:
    store = Store(tmp_path)
    claims: list[str | None] = []
    source = Platform(during_send=lambda: claims.extend(r.sending_by for r in store.replies()))
    queued(store)
    courier(store, source, owner="host:42:abc").deliver_due()
    queued(store, at=NOW + 1)
    courier(store, source, owner=None).deliver_due()
    assert claims[0] == "host:42:abc"
    assert claims[-1] == this_process()


def test_each_outcome_has_its_line_and_its_record(tmp_path: Path) -> None:
    store = Store(tmp_path)
    reply = queued(store)
    store.queue_moderation(Reply.moderation("c1", "m1", hide=True, now=NOW + 1))
    store.queue_moderation(Reply.moderation("c1", "m1", hide=False, now=NOW + 2))
    done = courier(store, Platform(), now=NOW + 10).deliver_due()
    assert [d.note for d in done] == [
        "Reply delivered",
        "Hidden on the platform",
        "Shown again on the platform",
    ]
    sent = next(r for r in store.replies() if r.id == reply.id)
    assert (sent.status, sent.remote_id, sent.sent_at) == ("sent", f"m-{reply.id}", NOW + 10)
    assert done[0].item == sent


def test_a_source_that_refuses_the_item_fails_it_with_its_reason(tmp_path: Path) -> None:
    store = Store(tmp_path)
    queued(store)
    store.queue_moderation(Reply.moderation("c1", "m1", hide=True, now=NOW + 1))
    source = CannotHide(SourceError("https://x.example/ is not allowed"))
    done = courier(store, source).deliver_due()
    assert [d.note for d in done] == [
        "Not delivered: https://x.example/ is not allowed",
        "Not delivered: platform: this source cannot hide comments",
    ]
    assert [(r.status, r.error) for r in store.replies()] == [
        ("failed", "https://x.example/ is not allowed"),
        ("failed", "platform: this source cannot hide comments"),
    ]
    assert [d.item for d in done] == store.replies()


def test_a_refused_token_pauses_the_reply_and_the_rest_until_resumed(tmp_path: Path) -> None:
    store = Store(tmp_path)
    first, second = queued(store), queued(store, at=NOW + 1)
    source = Platform(RemoteError("HTTP 401: token refused", refused=True))
    post = courier(store, source)
    [done] = post.deliver_due()
    assert done.note == "Delivery paused: token refused"
    assert done.item == next(r for r in store.replies() if r.id == first.id)
    why = f"{TOKEN_REFUSED} (HTTP 401: token refused)"
    assert [(r.status, r.paused, r.attempts, r.error) for r in store.replies()] == [
        ("queued", True, 0, why),
        ("queued", True, 0, why),
    ]
    assert post.refused == "HTTP 401: token refused"
    assert post.next_due() is None
    post.resume()
    assert post.next_due() is not None and post.next_due() <= NOW
    assert [d.item.id for d in post.deliver_due()] == [first.id, second.id]


def test_after_a_wait_the_courier_sends_at_the_very_second_it_ends(tmp_path: Path) -> None:
    store = Store(tmp_path)
    reply = queued(store)
    source = Platform(RemoteError("HTTP 503", transient=True, retry_after=120.0))
    post = courier(store, source)
    [done] = post.deliver_due()
    assert done.item == next(r for r in store.replies() if r.id == reply.id)
    assert done.item.next_attempt_at == NOW + 120
    post.clock = Clock(NOW + 120)
    assert [d.note for d in post.deliver_due()] == ["Reply delivered"]


def test_nothing_queued_is_nothing_due(tmp_path: Path) -> None:
    assert courier(Store(tmp_path), Platform()).next_due() is None


def test_a_claim_taken_over_meanwhile_is_not_overwritten(tmp_path: Path) -> None:
    # The send outlived the claim's lease and another commdash took the item over.
    store = Store(tmp_path)
    reply = queued(store)

    def taken_over() -> None:
        store.update_reply(reply.id, lambda r: r.claimed("elsewhere:7:xyz", NOW + 400))

    [done] = courier(store, Platform(during_send=taken_over)).deliver_due()
    assert done.note == "Reply delivered"
    assert done.item.status == "sent"
    [kept] = store.replies()
    assert (kept.status, kept.sending_by) == ("sending", "elsewhere:7:xyz")


def test_an_outcome_the_disk_refuses_is_still_told(tmp_path: Path) -> None:
    store = Store(tmp_path)
    queued(store)

    def disk_gone() -> None:
        (tmp_path / "outbox.json").unlink()
        (tmp_path / "outbox.json").mkdir()

    source = Platform(during_send=disk_gone)
    [done] = courier(store, source).deliver_due(stop=lambda: bool(source.given))
    assert done.item.status == "sent"
    assert done.note == (
        f"Reply delivered (not recorded: {tmp_path / 'outbox.json'}: cannot read: Is a directory)"
    )


class Meanwhile(Store):
    """A store after whose next listing of the outbox another commdash writes (``then``), as
    it may before this one writes what it made of that listing."""

    then: Callable[[], object] | None = None

    def replies(self) -> list[Reply]:
        listed = super().replies()
        if self.then is not None:
            then, self.then = self.then, None
            then()
        return listed


def refused(store: Store) -> Courier:
    post = courier(store, Platform(RemoteError("HTTP 401: token refused", refused=True)))
    post.deliver_due()
    assert post.refused is not None
    return post


def test_an_item_resumed_and_failed_meanwhile_keeps_its_reason(tmp_path: Path) -> None:
    store = Meanwhile(tmp_path)
    reply = queued(store)
    post = refused(store)
    other = Store(tmp_path)  # renewed its token first, and the platform refused the text
    store.then = lambda: other.update_reply(reply.id, lambda r: r.resumed().failed("HTTP 422"))
    post.resume()
    [kept] = store.replies()
    assert (kept.status, kept.error) == ("failed", "HTTP 422")


def test_an_item_claimed_meanwhile_is_not_made_to_wait_for_the_token(tmp_path: Path) -> None:
    store = Meanwhile(tmp_path)
    queued(store)
    post = refused(store)
    later = queued(store, at=NOW + 1)
    other = Store(tmp_path)  # its token works
    store.then = lambda: other.update_reply(later.id, lambda r: r.claimed("elsewhere:7:xyz", NOW))
    assert post.deliver_due() == []
    [kept] = [r for r in store.replies() if r.id == later.id]
    assert (kept.status, kept.sending_by, kept.paused) == ("sending", "elsewhere:7:xyz", False)


def test_an_item_queued_while_the_token_is_refused_is_told_it_waits(tmp_path: Path) -> None:
    store = Store(tmp_path)
    queued(store)
    post = refused(store)
    later = queued(store, at=NOW + 1)
    [done] = post.deliver_due()
    assert (done.item.id, done.item.paused) == (later.id, True)
    assert done.note == "Delivery paused: token refused"


def test_a_claim_taken_over_before_the_first_request_stops_it(tmp_path: Path) -> None:
    store = Store(tmp_path)
    reply = queued(store)

    class TakenOver(Platform):
        def matching_replies(self, reply: OutgoingReply, document: Document) -> list[str]:
            store.update_reply(reply.id, lambda r: r.claimed("elsewhere:7:xyz", NOW + 400))
            return []

    source = TakenOver()
    with pytest.raises(StateError) as caught:
        courier(store, source).deliver_due()
    assert str(caught.value) == (
        f"outbox item {reply.id}: changed on disk while being sent; not sent"
    )
    assert source.given == []
    [kept] = store.replies()
    assert (kept.sending_by, kept.preexisting) == ("elsewhere:7:xyz", None)
