"""What the inbox says of one conversation: over SLA only past it, hidden messages not
visible, hides not replies, a reply on its way still queued, and states from elsewhere
(another conversation, a hand-edited file) taken as they come."""

from __future__ import annotations

import pytest
from _builders import HOUR, MINUTE, NOW, conv, msg, post, reply, snapshot

from commdash.inbox import Inbox
from commdash.outbox import Reply
from commdash.timeutil import Clock
from commdash.triage import BLANK, TriageState, mark_done

SLA = 60 * MINUTE


def one(
    *member_times: float,
    states: dict[str, TriageState] | None = None,
    replies: list[Reply] | None = None,
) -> Inbox:
    """Conversation "a" on post p1 (reach 10, one like) with member messages at those times."""
    first, *rest = member_times
    c = conv(msg("a", first), *(msg(f"a{n}", at) for n, at in enumerate(rest)))
    p = post("p1", reactions={"like": 1}, reach=10)
    return Inbox(snapshot([p], [c]), states or {}, replies or [], Clock(NOW), SLA)


@pytest.mark.parametrize(("waiting", "over"), [(SLA - 1, False), (SLA, False), (SLA + 1, True)])
def test_over_sla_only_once_past_it(waiting: float, over: bool) -> None:
    inbox = one(NOW - waiting)
    assert inbox.over_sla("a") is over
    assert inbox.post_summaries()[0].over_sla == int(over)
    assert inbox.figures().conversation.sla_breached == int(over)


def test_a_conversation_exactly_at_the_sla_is_not_over_it_when_it_changes() -> None:
    inbox = one(NOW - SLA + 10)
    inbox.clock.pinned = NOW + 10  # exactly the SLA
    assert inbox.post_summaries()[0].over_sla == 0
    inbox.set_state("a", mark_done(BLANK, NOW + 10))
    assert inbox.post_summaries()[0].over_sla == 0
    inbox.set_state("a", BLANK)  # reopened: waiting again, exactly at the SLA
    assert inbox.post_summaries()[0].over_sla == 0
    inbox.clock.pinned = NOW + 11
    assert inbox.post_summaries()[0].over_sla == 1


def test_a_message_hidden_by_the_source_is_not_visible() -> None:
    c = conv(msg("a", NOW - HOUR), msg("a1", NOW - MINUTE, hidden=True))
    inbox = Inbox(snapshot([post("p1")], [c]), {}, [], Clock(NOW), SLA)
    assert [inbox.is_visible("a", m) for m in c.messages] == [True, False]


def test_a_queued_hide_is_not_an_answer() -> None:
    hide = Reply.moderation("a", "a", hide=False, now=NOW - MINUTE)
    inbox = one(NOW - HOUR, replies=[hide])
    assert inbox.replies("a") == []
    assert inbox.needs_reply("a")


def test_replies_to_conversations_it_does_not_have_are_left_out() -> None:
    inbox = one(NOW - HOUR, replies=[reply("gone", NOW - MINUTE)])
    assert inbox.figures().replies_queued == 0
    inbox.reload({"gone": TriageState(tags=("x",))}, [reply("gone", NOW - MINUTE)])
    assert inbox.figures().conversation.conversations == 1
    assert inbox.state("gone") == BLANK


def test_a_reply_on_its_way_still_counts_as_queued() -> None:
    sending = reply("a", NOW - MINUTE).claimed("host:1", NOW)
    inbox = one(NOW - HOUR, replies=[sending])
    assert inbox.figures().replies_queued == 1
    assert inbox.figures("p1").replies_queued == 1


def test_a_posts_figures_carry_its_engagement_rate() -> None:
    figures = one(NOW - HOUR).figures("p1")
    assert figures.engagement_total == 2  # a like and a comment
    assert figures.engagement_rate_median == pytest.approx(0.2)


@pytest.mark.parametrize(("member_at", "after"), [(NOW - 3 * HOUR, "done"), (NOW - HOUR, "open")])
def test_a_hand_made_done_and_snoozed_state_is_done_or_open_when_the_snooze_ends(
    member_at: float, after: str
) -> None:
    # Written by hand (or by an older commdash): done 2 h ago and snoozed for a minute.
    state = TriageState(done_at=NOW - 2 * HOUR, snoozed_until=NOW + MINUTE)
    inbox = one(member_at, states={"a": state})
    assert inbox.conversation_ids("snoozed") == ["a"]
    inbox.clock.pinned = NOW + 2 * MINUTE
    assert inbox.conversation_ids("snoozed") == []
    assert inbox.conversation_ids(after) == ["a"]  # type: ignore[arg-type]
    assert inbox.figures().conversation.done == int(after == "done")
