"""A saved reply sent to many conversations at once: each filled for the member it answers,
the ones it cannot go to skipped with why, one outbox write and one journal entry, and undo
taking back the replies still waiting (never those on their way or sent)."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest
from _builders import HOUR, NOW, conv, msg, post, snapshot

from commdash import statefiles
from commdash.actions import Triager
from commdash.inbox import Inbox
from commdash.model import Conversation
from commdash.outbox import this_process
from commdash.recap import recap
from commdash.saved_replies import SavedReply
from commdash.store import Store
from commdash.timeutil import Clock

HOURS = SavedReply("Opening hours", "Hi {first_name}, we open at 9.")
LIMIT = 40
"""The source's reply limit here: a long enough name makes the filled reply too long."""


def conversations() -> list[Conversation]:
    """m1 … m5 each a member's question; c2 also has Lee's follow-up (the latest member
    message), ro's comment is read-only, anon's author has no name, long's a very long one."""
    made = [conv(msg(f"m{i}", NOW - HOUR - i, who=f"Member{i} Surname")) for i in range(1, 6)]
    made[1] = conv(
        msg("m2", NOW - 2 * HOUR, who="Dana Ruiz"),
        msg("m2-lee", NOW - HOUR, who="Lee Park"),
        msg("m2-us", NOW - HOUR + 60, ours=True),
    )
    made.append(conv(replace(msg("ro", NOW - HOUR, who="Ola Nord"), read_only=True)))
    made.append(conv(msg("anon", NOW - HOUR, who="")))
    made.append(conv(msg("long", NOW - HOUR, who="Bartholomew-Alexander-Maximilian Smith")))
    return made


@pytest.fixture
def triager(tmp_path: Path) -> Triager:
    clock = Clock(NOW)
    store = Store(tmp_path / "state", manager="kari@desk")
    data = snapshot([post("p1")], conversations())
    data = replace(data, source=replace(data.source, reply_limit=LIMIT))
    return Triager(Inbox(data, store.states(), store.replies(), clock, HOUR), store, clock)


def fresh(triager: Triager) -> Store:
    """The state directory as another process reads it."""
    return Store(triager.store.directory, manager="kari@desk")


def test_each_reply_is_filled_for_the_member_it_answers(triager: Triager) -> None:
    sent = triager.bulk_reply(["m1", "m2", "m3"], HOURS)
    assert sent.skipped == ()
    answered = {(r.conversation_id, r.in_reply_to, r.text) for r in fresh(triager).replies()}
    assert answered == {
        ("m1", "m1", "Hi Member1, we open at 9."),
        ("m2", "m2-lee", "Hi Lee, we open at 9."),  # the latest member message, as r does
        ("m3", "m3", "Hi Member3, we open at 9."),
    }
    assert all(triager.inbox.replies(cid) for cid in ("m1", "m2", "m3"))  # shown at once
    assert not triager.inbox.needs_reply("m1")


def test_those_it_cannot_go_to_are_skipped_with_why(triager: Triager) -> None:
    sent = triager.bulk_reply(["m1", "ro", "anon", "long", "gone"], HOURS)
    assert [r.conversation_id for r in sent.queued] == ["m1"]
    assert [(s.conversation_id, s.who, s.why) for s in sent.skipped] == [
        ("ro", "Ola Nord", "read-only"),
        ("anon", "", "[first_name?] not filled"),
        ("long", "Bartholomew-Alexander-Maximilian Smith", "too long"),
        ("gone", "", "no longer in the source"),
    ]
    assert [r.conversation_id for r in fresh(triager).replies()] == ["m1"]


def test_a_conversation_named_twice_gets_one_reply(triager: Triager) -> None:
    sent = triager.bulk_reply(["m1", "m2", "m1", "m2", "m1"], HOURS)
    assert sorted(r.conversation_id for r in sent.queued) == ["m1", "m2"]
    assert sorted(r.conversation_id for r in fresh(triager).replies()) == ["m1", "m2"]


def test_sending_it_again_skips_where_it_is_waiting_already(triager: Triager) -> None:
    triager.bulk_reply(["m1", "m2"], HOURS)
    again = triager.bulk_reply(["m1", "m2", "m3"], HOURS)
    assert [r.conversation_id for r in again.queued] == ["m3"]
    assert {s.why for s in again.skipped} == {"already in the outbox"}
    other = triager.bulk_reply(["m1"], SavedReply("Thanks", "Thanks {name}!"))
    assert len(other.queued) == 1  # another reply is no repeat


def test_one_outbox_write_and_one_journal_entry(
    triager: Triager, monkeypatch: pytest.MonkeyPatch
) -> None:
    written: Counter[str] = Counter()
    real = statefiles.write_atomically

    def counting(path: Path, payload: bytes) -> None:
        written[path.parent.name if path.parent.name == "batches" else path.name] += 1
        real(path, payload)

    monkeypatch.setattr(statefiles, "write_atomically", counting)
    triager.bulk_reply(["m1", "m2", "m3", "m4", "m5"], HOURS)
    assert written == {"outbox.json": 1, "triage.json": 1, "batches": 1}
    journal = fresh(triager).journal()
    assert [e.conversation_id for e in journal] == ["m1", "m2", "m3", "m4", "m5"]
    assert len({e.batch for e in journal}) == 1 and journal[0].batch


def test_undo_discards_the_waiting_replies_and_says_which_went_out(triager: Triager) -> None:
    triager.save_draft("m4", "Something else I was writing")
    sent = triager.bulk_reply(["m1", "m2", "m3", "m4"], HOURS)
    ids = {r.conversation_id: r.id for r in sent.queued}
    store = fresh(triager)
    owner = this_process()
    on_its_way = store.claim_due(NOW, owner)
    assert on_its_way is not None and on_its_way.id == ids["m1"]
    assert store.claim_due(NOW, owner) is not None
    store.update_reply(ids["m2"], lambda r: r.sent("remote-1", NOW))

    undone = triager.undo()
    assert undone is not None and undone.restored
    assert (undone.entry.action, undone.count) == ("reply", 4)
    assert undone.note == "2 already on their way or sent"
    left = {r.id: r.status for r in fresh(triager).replies()}
    assert left == {ids["m1"]: "sending", ids["m2"]: "sent"}
    assert triager.inbox.replies("m3") == [] and triager.inbox.replies("m4") == []
    assert fresh(triager).drafts() == {"m4": "Something else I was writing"}  # untouched
    assert triager.undo() is None  # the whole send was one action


def test_undo_when_every_reply_is_on_its_way_takes_nothing_back(triager: Triager) -> None:
    sent = triager.bulk_reply(["m1", "m3"], HOURS)
    store = fresh(triager)
    while store.claim_due(NOW, this_process()) is not None:
        pass
    undone = triager.undo()
    assert undone is not None and not undone.restored and undone.count == 2
    assert {r.id for r in fresh(triager).replies()} == {r.id for r in sent.queued}


def test_replies_sent_long_ago_and_pruned_are_not_taken_back(triager: Triager) -> None:
    """Queuing drops replies sent over 30 days ago from the outbox: undo of the send that
    queued them finds nothing waiting, and says so."""
    first = triager.bulk_reply(["m1", "m3"], HOURS)
    for reply in first.queued:
        fresh(triager).update_reply(reply.id, lambda r: r.sent("x", NOW))
    triager.clock = Clock(NOW + 40 * 86400.0)
    triager.bulk_reply(["m4", "m5"], HOURS)
    assert {r.conversation_id for r in fresh(triager).replies()} == {"m4", "m5"}
    undone = triager.undo()
    assert undone is not None and undone.restored and undone.count == 2
    undone = triager.undo()
    assert undone is not None and not undone.restored and undone.count == 2
    assert "already on their way or sent" in str(undone.note)


def test_the_recap_counts_each_reply_of_a_bulk_send(triager: Triager) -> None:
    triager.bulk_reply(["m1", "m3", "m4"], HOURS)
    store = fresh(triager)
    done = recap(triager.inbox, store.journal(), store.replies(), NOW - HOUR, NOW)
    assert done.managers["kari@desk"].replies_queued == 3


def test_a_send_to_one_is_undone_as_a_send_to_many(triager: Triager) -> None:
    """Undo of a bulk send discards its replies, leaving the drafts alone, whatever the
    count (a reply typed in the box would become the draft again)."""
    triager.save_draft("m1", "Something else")
    triager.bulk_reply(["m1"], HOURS)
    undone = triager.undo()
    assert undone is not None and undone.restored and undone.entry.batch
    assert (undone.entry.action, undone.count) == ("reply", 1)
    assert fresh(triager).replies() == []
    assert fresh(triager).drafts() == {"m1": "Something else"}
