"""The inbox keeps its figures, rankings and lists one conversation at a time: after any mix
of actions, replies, colleagues' changes and clock moves, they must equal what an inbox built
from scratch on the same state says."""

from __future__ import annotations

import pickle
import random

import pytest

from commdash.inbox import VIEWS, Inbox
from commdash.outbox import Reply
from commdash.sources import DEMO_PATH, open_file
from commdash.timeutil import Clock
from commdash.triage import BLANK, assign, mark_done, reopen, set_hidden, set_tags, snooze

SLA = 3600.0


def same_as_fresh(inbox: Inbox, clock: Clock) -> None:
    fresh = Inbox(
        inbox.snapshot,
        {cid: inbox.state(cid) for cid in inbox.conversations},
        [reply for cid in inbox.conversations for reply in inbox.replies(cid)],
        Clock(clock.now()),
        SLA,
    )
    assert inbox.figures() == fresh.figures()
    assert list(inbox.post_summaries()) == list(fresh.post_summaries())
    for view in VIEWS:
        assert inbox.conversation_ids(view) == fresh.conversation_ids(view), view
    post_id = fresh.post_summaries()[0].post.id
    assert inbox.figures(post_id) == fresh.figures(post_id)


@pytest.mark.parametrize("seed", range(4))
def test_random_changes_keep_every_figure_equal_to_a_fresh_count(seed: int) -> None:
    rng = random.Random(seed)
    snapshot = open_file(str(DEMO_PATH))
    clock = Clock(snapshot.source.exported_at)
    inbox = Inbox(snapshot, {}, [], clock, SLA)
    cids = list(inbox.conversations)
    replies: list[Reply] = []
    for step in range(120):
        cid = rng.choice(cids)
        state = inbox.state(cid)
        now = clock.now()
        kind = rng.randrange(9)
        if kind == 0:
            inbox.set_state(cid, mark_done(state, now))
        elif kind == 1:
            inbox.set_state(cid, snooze(state, now + rng.choice([60, 1800, 7200])))
        elif kind == 2:
            inbox.set_state(cid, reopen(state))
        elif kind == 3:
            inbox.set_state(cid, set_tags(state, [rng.choice(["vip", "bug"])]))
        elif kind == 4:
            message = rng.choice(inbox.conversations[cid].messages)
            inbox.set_state(cid, set_hidden(state, message.id, rng.random() < 0.7))
        elif kind == 5:
            reply = Reply.new(cid, cid, "thanks!", now)
            replies.append(reply)
            inbox.add_reply(reply)
        elif kind == 6 and replies:
            inbox.remove_reply(replies.pop(rng.randrange(len(replies))).id)
        elif kind == 7:
            clock.pinned = now + rng.choice([30, 600, 3600, 5 * 3600])
        else:
            states = {c: inbox.state(c) for c in cids if not inbox.state(c).is_blank}
            states[cid] = assign(BLANK, "kim")  # a colleague replaced the whole state
            inbox.reload(states, [r for c in cids for r in inbox.replies(c)])
        if step % 10 == 0:
            same_as_fresh(inbox, clock)
    same_as_fresh(inbox, clock)


def test_the_clock_going_back_recounts_everything() -> None:
    snapshot = open_file(str(DEMO_PATH))
    clock = Clock(snapshot.source.exported_at + 4 * 3600)
    inbox = Inbox(snapshot, {}, [], clock, SLA)
    breached_later = inbox.figures().conversation.sla_breached
    clock.pinned = snapshot.source.exported_at
    assert inbox.figures().conversation.sla_breached < breached_later
    same_as_fresh(inbox, clock)


@pytest.mark.parametrize("later", [0.0, 600.0, 3 * 86400.0])
def test_an_inbox_restored_from_a_saved_count_equals_a_fresh_one(later: float) -> None:
    snapshot = open_file(str(DEMO_PATH))
    start = snapshot.source.exported_at
    base = pickle.loads(pickle.dumps(Inbox(snapshot, {}, [], Clock(start), SLA).base()))
    assert isinstance(snapshot.conversations, tuple)
    cids = [c.id for c in snapshot.conversations]
    states = {
        cids[0]: mark_done(BLANK, start),
        cids[1]: snooze(BLANK, start + 7200),
        cids[2]: set_hidden(BLANK, cids[2], True),
        cids[3]: set_tags(BLANK, ["vip"]),
    }
    replies = [Reply.new(cids[4], cids[4], "on it", start)]
    clock = Clock(start + later)
    restored = Inbox.restore(base, snapshot, states, replies, clock, SLA)
    assert restored.state(cids[0]) == states[cids[0]]
    assert restored.replies(cids[4]) == replies
    same_as_fresh(restored, clock)


def test_a_saved_count_for_another_sla_or_an_earlier_clock_is_not_used() -> None:
    snapshot = open_file(str(DEMO_PATH))
    start = snapshot.source.exported_at
    base = Inbox(snapshot, {}, [], Clock(start), SLA).base()
    for clock, sla in ((Clock(start), 2 * SLA), (Clock(start - 3600), SLA)):
        restored = Inbox.restore(base, snapshot, {}, [], clock, sla)
        fresh = Inbox(snapshot, {}, [], Clock(clock.now()), sla)
        assert restored.figures() == fresh.figures()


def test_a_saved_count_missing_a_counted_field_is_counted_afresh() -> None:
    """A base saved by another build (a field renamed or gone) is not half used."""
    snapshot = open_file(str(DEMO_PATH))
    clock = Clock(snapshot.source.exported_at)
    base = dict(Inbox(snapshot, {}, [], clock, SLA).base())
    base["_facts_renamed"] = base.pop("_facts")
    restored = Inbox.restore(base, snapshot, {}, [], clock, SLA)
    same_as_fresh(restored, clock)


def test_a_restored_inbox_has_every_field_a_fresh_one_has() -> None:
    """What restore sets (the counted fields saved, the session's own made anew) is all an
    inbox has: a field added to the count but not to what is saved fails here."""
    snapshot = open_file(str(DEMO_PATH))
    clock = Clock(snapshot.source.exported_at)
    base = Inbox(snapshot, {}, [], clock, SLA).base()
    restored = Inbox.restore(base, snapshot, {}, [], clock, SLA)
    assert vars(restored).keys() == vars(Inbox(snapshot, {}, [], clock, SLA)).keys()
