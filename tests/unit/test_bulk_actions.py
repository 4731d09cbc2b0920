"""The Triager's bulk API: each action on many conversations at once, shown after it is
written, undone whole; hides told to a live platform through the outbox like single ones."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from _builders import DAY, HOUR, NOW, conv, msg, post, snapshot

from commdash import triage
from commdash.actions import Triager
from commdash.inbox import Inbox
from commdash.model import Conversation
from commdash.store import Store
from commdash.timeutil import Clock

MEMBERS = 30


def conversations() -> list[Conversation]:
    """c0 … c29, each a member's question; c0's comment is read-only."""
    made = [conv(msg(f"c{i}", NOW - HOUR - i, who=f"M{i}")) for i in range(MEMBERS)]
    made[0] = conv(replace(made[0].root, read_only=True))
    return made


@pytest.fixture
def triager(tmp_path: Path) -> Triager:
    clock = Clock(NOW)
    store = Store(tmp_path / "state", manager="kari@desk")
    data = snapshot([post("p1")], conversations())
    return Triager(Inbox(data, store.states(), store.replies(), clock, HOUR), store, clock)


CIDS = [f"c{i}" for i in range(1, 11)]


def test_bulk_done_marks_all_done_then_reopens_all(triager: Triager) -> None:
    triager.toggle_done("c1")  # one done already
    done = triager.bulk_done(CIDS)
    assert (done.action, done.changed) == ("done", 9)  # c1 is left as it was
    assert all(triager.inbox.status(cid) == "done" for cid in CIDS)
    assert Store(triager.store.directory).states().keys() == set(CIDS)
    reopened = triager.bulk_done(CIDS)
    assert (reopened.action, reopened.changed) == ("reopen", 10)
    assert all(triager.inbox.status(cid) == "open" for cid in CIDS)


def test_bulk_done_remembers_each_conversations_latest_member_message(triager: Triager) -> None:
    triager.bulk_done(["c1", "c2"])
    states = Store(triager.store.directory).states()
    assert states["c1"].done_through == NOW - HOUR - 1
    assert states["c2"].done_through == NOW - HOUR - 2


def test_one_undo_takes_the_whole_bulk_action_back(triager: Triager) -> None:
    triager.assign("c20", "ana")
    triager.bulk_done(CIDS)
    undone = triager.undo()
    assert undone is not None and undone.restored
    assert (undone.entry.action, undone.count, undone.note) == ("done", 10, "")
    assert all(triager.inbox.status(cid) == "open" for cid in CIDS)
    assert set(Store(triager.store.directory).states()) == {"c20"}
    undone = triager.undo()  # then the action before it
    assert undone is not None and undone.entry.conversation_id == "c20"


def test_undo_says_how_many_a_colleague_changed_again_meanwhile(triager: Triager) -> None:
    triager.bulk_assign(CIDS, "kari")
    colleague = Store(triager.store.directory, manager="ola@desk")
    for cid in ("c1", "c2"):
        colleague.apply(cid, "assign", lambda s: triage.assign(s, "ola"), NOW)
    triager.sync_from_disk()
    undone = triager.undo()
    assert undone is not None and undone.restored and undone.count == 10
    assert "2 changed again since" in str(undone.note)
    assert triager.inbox.state("c1").assignee == "ola"
    assert triager.inbox.state("c3").assignee is None


def test_bulk_snooze_tag_and_assign(triager: Triager) -> None:
    triager.set_tags("c1", "vip", ())
    assert triager.bulk_snooze(CIDS, NOW + DAY).changed == 10
    assert all(triager.inbox.status(cid) == "snoozed" for cid in CIDS)
    # The tags they share were shown: removing one and adding one keeps each one's others.
    triager.bulk_tags(CIDS, "refund", ())
    tagged = triager.bulk_tags(CIDS, "late", ("refund",))
    assert (tagged.action, tagged.changed) == ("tag", 10)
    assert triager.inbox.state("c1").tags == ("vip", "late")
    assert triager.inbox.state("c2").tags == ("late",)
    assert triager.bulk_assign(CIDS, "  Ana \x1b[2J ").changed == 10
    assert {triager.inbox.state(cid).assignee for cid in CIDS} == {"Ana"}


def test_bulk_hide_hides_each_top_comment_and_tells_a_live_platform(triager: Triager) -> None:
    triager.moderates = True
    hidden = triager.bulk_hide(["c0", *CIDS])
    assert (hidden.action, hidden.changed, hidden.skipped) == ("hide", 10, 1)  # c0: read-only
    conversations = triager.inbox.conversations
    assert not any(triager.inbox.is_visible(cid, conversations[cid].root) for cid in CIDS)
    queued = triager.store.replies()
    assert sorted((r.kind, r.in_reply_to) for r in queued) == [
        ("hide", cid) for cid in sorted(CIDS)
    ]

    undone = triager.undo()
    assert undone is not None and undone.restored and undone.count == 10
    assert all(triager.inbox.is_visible(cid, conversations[cid].root) for cid in CIDS)
    unhides = [r for r in triager.store.replies() if r.kind == "unhide"]
    assert sorted(r.in_reply_to for r in unhides) == sorted(CIDS)


def test_bulk_hide_shows_them_again_when_all_are_hidden(triager: Triager) -> None:
    triager.bulk_hide(CIDS)
    shown = triager.bulk_hide(CIDS)
    assert (shown.action, shown.changed) == ("unhide", 10)
    conversations = triager.inbox.conversations
    assert all(triager.inbox.is_visible(cid, conversations[cid].root) for cid in CIDS)


def test_a_file_source_queues_no_hide_for_the_platform(triager: Triager) -> None:
    triager.bulk_hide(CIDS)
    assert triager.store.replies() == []


def test_undo_of_a_bulk_action_whose_file_is_gone_says_so(triager: Triager) -> None:
    triager.bulk_done(CIDS)
    for path in (triager.store.directory / "batches").glob("*.json"):
        path.unlink()
    undone = triager.undo()
    assert undone is not None and not undone.restored and undone.count == 0
    assert "gone" in str(undone.note)


def test_the_figures_after_a_bulk_action_and_its_undo_are_a_fresh_counts(
    triager: Triager,
) -> None:
    def same_as_fresh() -> None:
        store = Store(triager.store.directory)
        inbox = triager.inbox
        fresh = Inbox(inbox.snapshot, store.states(), store.replies(), inbox.clock, HOUR)
        assert inbox.figures() == fresh.figures()
        for view in ("needs-reply", "open", "done", "snoozed", "all"):
            assert inbox.conversation_ids(view) == fresh.conversation_ids(view), view

    triager.bulk_done(CIDS)
    same_as_fresh()
    triager.bulk_snooze(CIDS[:5], NOW + HOUR)
    same_as_fresh()
    triager.bulk_hide(CIDS[3:])
    same_as_fresh()
    for _ in range(3):
        triager.undo()
        same_as_fresh()
