"""The outbox on disk: which item goes next (a hide and its undo in order, replies not held
up by moderation), what a claim records, what can be discarded or changed, and how long
sent items are kept (30 days before the newest queued item, by when they were sent; a hide
queued drops none)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from commdash.outbox import Reply
from commdash.store import Store

NOW = 1_764_061_200.0
DAY = 86400.0


def hide(message: str, at: float, show: bool = False) -> Reply:
    return Reply.moderation("c1", message, hide=not show, now=at)


def test_a_reply_is_not_held_up_by_a_hide_of_the_message_it_answers(tmp_path: Path) -> None:
    store = Store(tmp_path)
    store.queue_moderation(hide("m1", NOW))
    answer = Reply.new("c1", "m1", "Thanks!", NOW + 1)
    store.queue_reply(answer)
    first = store.claim_due(NOW + 2, "me")  # the hide, on its way
    assert first is not None and first.kind == "hide"
    second = store.claim_due(NOW + 2, "me")
    assert second is not None and second.id == answer.id


def test_a_hide_is_not_held_up_by_a_reply_to_the_same_message(tmp_path: Path) -> None:
    store = Store(tmp_path)
    answer = Reply.new("c1", "m1", "Thanks!", NOW)
    store.queue_reply(answer)
    store.queue_moderation(hide("m1", NOW + 1))
    first = store.claim_due(NOW + 2, "me")  # the reply, on its way
    assert first is not None and first.id == answer.id
    second = store.claim_due(NOW + 2, "me")
    assert second is not None and second.kind == "hide"


def test_an_unhide_waits_while_its_hide_is_being_sent(tmp_path: Path) -> None:
    store = Store(tmp_path)
    store.queue_moderation(hide("m1", NOW))
    store.queue_moderation(hide("m1", NOW + 1, show=True))
    first = store.claim_due(NOW + 2, "me")
    assert first is not None and first.kind == "hide"
    assert store.claim_due(NOW + 2, "me") is None


def test_a_claim_records_who_and_when(tmp_path: Path) -> None:
    store = Store(tmp_path)
    store.queue_reply(Reply.new("c1", "c1", "Thanks!", NOW))
    claimed = store.claim_due(NOW + 5, "host:42:abc")
    assert claimed is not None
    assert (claimed.status, claimed.sending_by, claimed.claimed_at) == (
        "sending",
        "host:42:abc",
        NOW + 5,
    )
    assert store.replies() == [claimed]


def test_a_refused_reply_can_be_discarded(tmp_path: Path) -> None:
    store = Store(tmp_path)
    refused = Reply.new("c1", "c1", "Thanks!", NOW)
    store.queue_reply(refused)
    store.update_reply(refused.id, lambda r: r.failed("HTTP 422"))
    discarded = store.discard_reply(refused.id)
    assert discarded is not None and discarded.status == "failed"
    assert store.replies() == []


def test_changing_an_item_that_is_gone_changes_nothing(tmp_path: Path) -> None:
    store = Store(tmp_path)
    assert store.update_reply("gone", lambda r: replace(r, text="edited")) is None
    assert store.replies() == []


def sent(rid: str, queued_at: float, sent_at: float) -> Reply:
    return Reply(rid, "c1", "c1", "Thanks!", queued_at).sent(f"m-{rid}", sent_at)


def test_sent_items_are_kept_30_days_by_when_they_were_sent(tmp_path: Path) -> None:
    store = Store(tmp_path)
    for item in (
        sent("exactly-30-days", NOW - 31 * DAY, NOW - 30 * DAY),
        sent("30-days-and-a-second", NOW - 31 * DAY, NOW - 30 * DAY - 1),
        sent("queued-long-ago", NOW - 40 * DAY, NOW - 29 * DAY),
    ):
        store.queue_moderation(item)  # written as is
    store.queue_reply(Reply.new("c1", "c1", "A new one", NOW))
    assert {r.id for r in store.replies() if r.status == "sent"} == {
        "exactly-30-days",
        "queued-long-ago",
    }


def test_a_hide_queued_keeps_the_sent_items(tmp_path: Path) -> None:
    """They go when a reply is queued, with the journal entries of the replies among them."""
    store = Store(tmp_path)
    old = sent("long-ago", NOW - 60 * DAY, NOW - 59 * DAY)
    store.queue_moderation(old)
    store.queue_moderation(hide("m1", NOW))
    assert [r.id for r in store.replies() if r.status == "sent"] == ["long-ago"]
