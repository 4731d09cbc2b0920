"""The post list keeps its place: a ranking says where a post is, even a ranking taken before
the post moved, and posts are ranked over SLA first, then by waiting, then by engagement."""

from __future__ import annotations

from _builders import HOUR, MINUTE, NOW, conv, msg, post, snapshot

from commdash.inbox import Inbox
from commdash.timeutil import Clock
from commdash.triage import BLANK, mark_done

SLA = 60 * MINUTE


def inbox() -> Inbox:
    """p1: one conversation over SLA; p2: two waiting within the SLA; p3, p4: nothing
    waiting, p4 with more engagement."""
    posts = [post("p1"), post("p2"), post("p3", reactions={"like": 2}), post("p4", shares=5)]
    conversations = [
        conv(msg("a", NOW - 3 * HOUR, post="p1")),
        conv(msg("b", NOW - 10 * MINUTE, post="p2")),
        conv(msg("c", NOW - 20 * MINUTE, post="p2")),
    ]
    return Inbox(snapshot(posts, conversations), {}, [], Clock(NOW), SLA)


def test_a_conversation_over_sla_outranks_more_waiting_and_engagement_breaks_ties() -> None:
    ranking = inbox().post_summaries()
    assert [s.post.id for s in ranking] == ["p1", "p2", "p4", "p3"]
    assert [s.post.id for s in ranking[1:3]] == ["p2", "p4"]
    assert ranking.post_id(3) == "p3"


def test_a_ranking_says_where_each_post_is() -> None:
    ranking = inbox().post_summaries()
    assert [ranking.position(pid) for pid in ("p1", "p2", "p4", "p3")] == [0, 1, 2, 3]
    assert ranking.position("no-such-post") is None


def test_a_ranking_taken_before_a_post_moved_still_says_where_it_was() -> None:
    box = inbox()
    ranking = box.post_summaries()
    box.set_state("a", mark_done(BLANK, NOW))  # p1: nothing waiting, least engagement: last
    assert [s.post.id for s in box.post_summaries()] == ["p2", "p4", "p3", "p1"]
    assert [ranking.position(pid) for pid in ("p1", "p2", "p4", "p3")] == [0, 1, 2, 3]


def test_a_post_that_came_after_the_ranking_was_taken_is_not_in_it() -> None:
    box = inbox()
    ranking = box.post_summaries()
    later = snapshot([post("p1"), post("p9")], [conv(msg("z", NOW - HOUR, post="p9"))])
    box.replace_snapshot(later, {}, [])
    assert ranking.position("p9") is None
    assert box.post_summaries().position("p9") == 0
