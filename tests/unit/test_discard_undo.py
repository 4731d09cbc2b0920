"""Discarding a reply with x and taking actions back: a bulk action journals each change with
its action and time, a discard is journalled at its time and only when the reply could be
discarded, undo puts back the very reply discarded, and a manager's undo of a reply a
colleague discarded meanwhile leaves the colleague's undo able to put it back."""

from __future__ import annotations

from pathlib import Path

from commdash.outbox import Reply
from commdash.store import Store
from commdash.triage import set_tags

NOW = 1_764_061_200.0


def test_a_bulk_action_journals_each_change_with_its_action_and_time(tmp_path: Path) -> None:
    store = Store(tmp_path)
    entries = store.apply_many(["c1", "c2"], "tag", lambda s: set_tags(s, ["vip"]), NOW)
    assert [(e.conversation_id, e.action, e.at) for e in entries] == [
        ("c1", "tag", NOW),
        ("c2", "tag", NOW),
    ]
    undone = store.undo()
    assert undone is not None and (undone.action, undone.at) == ("tag", NOW)


def test_a_discard_is_journalled_at_its_time(tmp_path: Path) -> None:
    store = Store(tmp_path)
    reply = store.as_queued(Reply.new("c1", "m1", "Thanks!", NOW))
    store.queue_reply(reply)
    assert store.discard_reply_undoably(reply.id, NOW + 5) == reply
    undone = store.undo()
    assert undone is not None
    assert (undone.action, undone.reply_id, undone.at) == ("discard", reply.id, NOW + 5)
    assert store.replies() == [reply]


def test_undo_puts_back_the_reply_discarded_not_another(tmp_path: Path) -> None:
    store = Store(tmp_path)
    first = store.as_queued(Reply.new("c1", "m1", "First", NOW))
    second = store.as_queued(Reply.new("c2", "m2", "Second", NOW + 1))
    store.queue_reply(first)
    store.queue_reply(second)
    discarded = store.discard_reply_undoably(second.id, NOW + 5)
    assert discarded == second
    assert store.replies() == [first]
    store.undo()
    assert {r.id for r in store.replies()} == {first.id, second.id}


def test_a_sent_reply_is_neither_discarded_nor_journalled(tmp_path: Path) -> None:
    store = Store(tmp_path)
    reply = store.as_queued(Reply.new("c1", "m1", "Thanks!", NOW))
    store.queue_reply(reply)
    sent = store.update_reply(reply.id, lambda r: r.sent("m-9", NOW + 1))
    assert store.discard_reply_undoably(reply.id, NOW + 5) is None
    assert store.replies() == [sent]
    undone = store.undo()  # the reply's own entry: nothing else was journalled
    assert undone is not None and undone.action == "reply"
    assert store.undo() is None


def test_my_undo_of_a_reply_a_colleague_discarded_leaves_them_their_undo(
    tmp_path: Path,
) -> None:
    mine = Store(tmp_path, session="s-ann", manager="ann@desk")
    theirs = Store(tmp_path, session="s-bo", manager="bo@desk")
    reply = mine.as_queued(Reply.new("c1", "m1", "Thanks!", NOW))
    mine.queue_reply(reply)
    assert theirs.discard_reply_undoably(reply.id, NOW + 5) == reply

    undone = mine.undo()  # my reply is gone already: nothing to take back
    assert undone is not None and undone.action == "reply"
    assert mine.replies() == [] and mine.drafts() == {}

    undone = theirs.undo()
    assert undone is not None and undone.action == "discard"
    assert theirs.replies() == [reply]
