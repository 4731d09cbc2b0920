"""A view's figures (`stats --view`, the figures panel on a view) are those of its
conversations, counted as figures.compute counts them, with the posts they are on; and a
conversation whose latest message is exactly at the SLA cutoff is not over it."""

from __future__ import annotations

from _builders import HOUR, MINUTE, NOW, conv, msg, post, reply, snapshot

from commdash import figures
from commdash.inbox import Inbox
from commdash.timeutil import Clock

SLA = HOUR


def inbox() -> Inbox:
    """Seven posts p0..p6, engagement rising with the number (p5 and p6 tie); one
    conversation each, p1 with a second; reach on all but p0."""
    posts = [
        post(f"p{n}", reactions={"like": 10 * n if n < 6 else 50}, reach=None if n == 0 else 1000)
        for n in range(7)
    ]
    conversations = [
        conv(msg("a0", NOW - 3 * HOUR, post="p0")),
        conv(
            msg("a1", NOW - 5 * HOUR, post="p1"),
            msg("a1r", NOW - 4 * HOUR, post="p1", ours=True),
        ),
        conv(msg("b1", NOW - 30 * MINUTE, post="p1")),
        *(conv(msg(f"a{n}", NOW - n * MINUTE, post=f"p{n}")) for n in range(2, 7)),
    ]
    replies = [reply("b1", NOW - MINUTE), reply("a2", NOW - MINUTE, status="sent")]
    replies.append(reply("a3", NOW - MINUTE))
    return Inbox(snapshot(posts, conversations), {}, replies, Clock(NOW), SLA)


SELECTION = ["a0", "a1", "b1", "a2", "a4", "a5", "a6"]


def test_the_conversation_figures_are_figures_compute_over_the_selection() -> None:
    box = inbox()
    got = box.selection_figures(SELECTION).conversation
    expected = figures.compute(
        ((box.facts(cid), box.counted_status(cid)) for cid in SELECTION), NOW, SLA
    )
    assert got == expected
    assert got.conversations == 7
    assert got.needs_reply == 5  # a1 answered, b1 has a reply queued
    assert got.sla_breached == 1  # a0, waiting 3 h; the others less than the hour
    assert got.median_first_response_seconds == (HOUR + 29 * MINUTE) / 2
    assert sum(got.volume_24h) == 7


def test_the_posts_are_those_the_selection_is_on() -> None:
    got = inbox().selection_figures(SELECTION)
    assert got.posts == 6  # p0 p1 p2 p4 p5 p6, p1 once for its two conversations
    assert got.engagement_total == sum(10 * n for n in (0, 1, 2, 4, 5)) + 50 + 8  # + 8 comments
    assert got.replies_queued == 1  # b1's; a2's was sent, a3 is not in it


def test_the_rate_median_leaves_out_posts_without_reach() -> None:
    box = inbox()
    got = box.selection_figures(SELECTION)
    rates = sorted(
        rate
        for pid in ("p1", "p2", "p4", "p5", "p6")
        if (rate := box.summary(pid).engagement_rate) is not None
    )
    assert len(rates) == 5
    assert got.engagement_rate_median == rates[2]


def test_the_top_posts_are_the_five_most_engaging_ties_by_id() -> None:
    got = inbox().selection_figures(SELECTION)
    assert [summary.post.id for summary in got.top_posts] == ["p5", "p6", "p4", "p2", "p1"]
    assert got.top_posts[0] == inbox().summary("p5")


def test_a_conversation_exactly_at_the_sla_cutoff_is_not_over_it_when_answered() -> None:
    conversations = [
        conv(msg("edge", NOW - SLA)),
        conv(msg("late", NOW - SLA - 1)),
    ]
    box = Inbox(snapshot([post("p1")], conversations), {}, [], Clock(NOW), SLA)
    assert box.summary("p1").over_sla == 1
    box.add_reply(reply("edge", NOW))  # answered: its part is taken out as it was counted
    assert box.summary("p1").over_sla == 1
    assert box.summary("p1").needs_reply == 1
    assert box.figures().conversation.sla_breached == 1
