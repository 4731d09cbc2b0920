"""Tests for commdash.inbox: views, search, live updates, post ranking and figures."""

from __future__ import annotations

import pytest
from _builders import HOUR, MINUTE, NOW, conv, msg, post, reply, snapshot

from commdash.inbox import Inbox
from commdash.outbox import Reply
from commdash.timeutil import Clock
from commdash.triage import BLANK, TriageState, assign, mark_done, set_hidden, set_tags, snooze

SLA = 60 * MINUTE


def build(
    states: dict[str, TriageState] | None = None, replies: list[Reply] | None = None
) -> Inbox:
    """The example inbox used throughout, seen at NOW.

    p1 (published): c1 Alice waits 3 h (over SLA), c2 Bob waits 20 min, c3 Carol answered,
                    c6 Frank waits 90 min but is snoozed for another hour.
    p2 (pending):   c4 Dave waits 2 h (over SLA), c5 Eve marked done after her message.
    p3 (published): no conversations, 1 reaction.
    p4 (pending):   no conversations, no reactions.
    """
    posts = [
        post("p1", reactions={"like": 10}, shares=2, reach=100),
        post("p2", status="pending", reactions={"like": 1}, reach=40),
        post("p3", reactions={"like": 1}),
        post("p4", status="pending"),
    ]
    conversations = [
        conv(msg("c1", NOW - 3 * HOUR, who="Alice", text="Where is my ORDER?")),
        conv(msg("c2", NOW - 20 * MINUTE, who="Bob", text="Love this")),
        conv(
            msg("c3", NOW - 5 * HOUR, who="Carol", text="Opening hours?"),
            msg("c3r", NOW - 4 * HOUR, ours=True, text="9 to 5"),
        ),
        conv(msg("c4", NOW - 2 * HOUR, who="Dave", text="refund please", post="p2")),
        conv(msg("c5", NOW - 10 * HOUR, who="Eve", text="thanks", post="p2")),
        conv(msg("c6", NOW - 90 * MINUTE, who="Frank", text="later maybe")),
    ]
    base = {"c5": mark_done(BLANK, NOW - 9 * HOUR), "c6": snooze(BLANK, NOW + HOUR)}
    base.update(states or {})
    return Inbox(snapshot(posts, conversations), base, replies or [], Clock(NOW), SLA)


# Views -------------------------------------------------------------------------------------


def test_needs_reply_is_ordered_longest_waiting_first() -> None:
    # Waiting since: c1 -3 h, c4 -2 h, c2 -20 min. c3 answered, c5 done, c6 snoozed.
    assert build().conversation_ids("needs-reply") == ["c1", "c4", "c2"]


def test_default_view_is_needs_reply() -> None:
    inbox = build()
    assert inbox.conversation_ids() == inbox.conversation_ids("needs-reply")


def test_open_view_lists_waiting_first_then_the_rest_latest_first() -> None:
    extra = build(states={"c2": TriageState(tags=("x",))})  # a tag keeps it open
    assert extra.conversation_ids("open") == ["c1", "c4", "c2", "c3"]


def test_snoozed_done_and_all_views() -> None:
    inbox = build()
    assert inbox.conversation_ids("snoozed") == ["c6"]
    assert inbox.conversation_ids("done") == ["c5"]
    # Everything, latest activity first: c2 -20 min, c6 -90 min, c4 -2 h, c1 -3 h, c3 -4 h,
    # c5 -10 h.
    assert inbox.conversation_ids("all") == ["c2", "c6", "c4", "c1", "c3", "c5"]


def test_snoozed_view_is_ordered_by_wake_up_time() -> None:
    inbox = build(states={"c1": snooze(BLANK, NOW + 3 * HOUR), "c2": snooze(BLANK, NOW + 2 * HOUR)})
    # c6 wakes at +1 h, c2 at +2 h, c1 at +3 h.
    assert inbox.conversation_ids("snoozed") == ["c6", "c2", "c1"]


def test_done_view_is_most_recently_done_first() -> None:
    inbox = build(states={"c1": mark_done(BLANK, NOW - MINUTE)})
    assert inbox.conversation_ids("done") == ["c1", "c5"]


def test_views_are_narrowed_to_a_post() -> None:
    inbox = build()
    assert inbox.conversation_ids("needs-reply", post_id="p1") == ["c1", "c2"]
    assert inbox.conversation_ids("needs-reply", post_id="p2") == ["c4"]
    assert inbox.conversation_ids("all", post_id="p2") == ["c4", "c5"]
    assert inbox.conversation_ids("all", post_id="p3") == []
    assert inbox.conversation_ids("all", post_id="unknown") == []


def test_snooze_expiry_follows_the_clock() -> None:
    inbox = build()
    assert inbox.status("c6") == "snoozed"
    assert not inbox.needs_reply("c6")
    inbox.clock.pinned = NOW + HOUR + 1  # the snooze ended a second ago
    assert inbox.status("c6") == "open"
    assert inbox.needs_reply("c6")
    assert inbox.conversation_ids("snoozed") == []
    assert inbox.conversation_ids("needs-reply")[0] == "c1"
    assert "c6" in inbox.conversation_ids("needs-reply")


def test_done_conversation_reopens_on_a_newer_member_message() -> None:
    # Eve's message is at -10 h; marked done at -11 h it is newer than the mark.
    inbox = build(states={"c5": mark_done(BLANK, NOW - 11 * HOUR)})
    assert inbox.status("c5") == "open"
    assert inbox.needs_reply("c5")
    assert inbox.conversation_ids("needs-reply") == ["c5", "c1", "c4", "c2"]


# Search ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("alice", ["c1"]),  # author name
        ("ALICE", ["c1"]),
        ("order", ["c1"]),  # text, case-insensitive
        ("  bob  ", ["c2"]),  # surrounding blanks ignored
        ("refund", ["c4"]),
        ("9 to 5", ["c3"]),  # our reply's text
        ("brand", ["c3"]),  # our own account's name
        ("nobody", []),
    ],
)
def test_query_matches_authors_and_text(query: str, expected: list[str]) -> None:
    assert build().conversation_ids("all", query=query) == expected


def test_query_matches_tags_and_assignee_and_follows_changes() -> None:
    inbox = build()
    assert inbox.conversation_ids("all", query="vip") == []
    assert inbox.conversation_ids("all", query="zoë") == []
    inbox.set_state("c3", set_tags(BLANK, ["VIP"]))
    inbox.set_state("c4", assign(BLANK, "Zoë"))
    assert inbox.conversation_ids("all", query="Vip") == ["c3"]
    assert inbox.conversation_ids("all", query="ZOË") == ["c4"]
    inbox.set_state("c3", BLANK)
    assert inbox.conversation_ids("all", query="vip") == []


def test_known_tags_and_assignees_are_those_in_use_and_follow_changes() -> None:
    gone = {"c-gone": TriageState(tags=("old",), assignee="Ola")}  # not in the source
    inbox = build(states={"c2": TriageState(tags=("vip", "billing"), assignee="Zoë"), **gone})
    inbox.set_state("c3", TriageState(tags=("billing",), assignee="Kari"))
    assert inbox.known_tags() == ["billing", "vip"]
    assert inbox.known_assignees() == ["Kari", "Zoë"]
    inbox.set_state("c2", BLANK)
    inbox.reload({"c4": TriageState(tags=("refund",))}, [])
    assert inbox.known_tags() == ["refund"]
    assert inbox.known_assignees() == []


def test_query_combines_with_view_and_post() -> None:
    inbox = build()
    assert inbox.conversation_ids("needs-reply", query="e") == ["c1", "c4", "c2"]
    assert inbox.conversation_ids("needs-reply", post_id="p2", query="e") == ["c4"]
    assert inbox.conversation_ids("done", query="alice") == []


# Changes -----------------------------------------------------------------------------------


def test_set_state_updates_needs_reply_immediately() -> None:
    inbox = build()
    inbox.set_state("c1", mark_done(BLANK, NOW))
    assert inbox.status("c1") == "done"
    assert not inbox.needs_reply("c1")
    assert not inbox.over_sla("c1")
    assert inbox.conversation_ids("needs-reply") == ["c4", "c2"]
    assert inbox.conversation_ids("done") == ["c1", "c5"]

    inbox.set_state("c1", BLANK)
    assert inbox.state("c1") == BLANK
    assert inbox.needs_reply("c1")
    assert inbox.conversation_ids("needs-reply") == ["c1", "c4", "c2"]


def test_set_state_hiding_the_latest_member_message_updates_facts() -> None:
    inbox = build()
    inbox.set_state("c2", set_hidden(BLANK, "c2", True))
    assert not inbox.needs_reply("c2")
    assert inbox.facts("c2").visible_count == 0
    assert not inbox.is_visible("c2", inbox.conversations["c2"].messages[0])


def test_add_and_remove_reply_update_needs_reply_immediately() -> None:
    inbox = build()
    queued = reply("c2", NOW, rid="r1")
    inbox.add_reply(queued)
    assert not inbox.needs_reply("c2")
    assert inbox.replies("c2") == [queued]
    assert inbox.conversation_ids("needs-reply") == ["c1", "c4"]
    assert inbox.figures().replies_queued == 1

    assert inbox.remove_reply("r1") == "c2"
    assert inbox.needs_reply("c2")
    assert inbox.replies("c2") == []
    assert inbox.conversation_ids("needs-reply") == ["c1", "c4", "c2"]
    assert inbox.remove_reply("r1") is None
    assert inbox.remove_reply("never") is None


def test_only_pending_replies_are_taken_at_start() -> None:
    inbox = build(
        replies=[
            reply("c1", NOW - MINUTE, rid="sent", status="sent"),
            reply("c4", NOW - MINUTE, rid="failed", status="failed"),
            reply("gone", NOW - MINUTE, rid="orphan"),
        ]
    )
    assert inbox.needs_reply("c1")  # a sent reply waits for the next fetch to show
    assert inbox.needs_reply("c4")  # a refused one is not an answer
    assert inbox.replies("c4") != []  # but it shows, to be retried or discarded
    assert inbox.figures().replies_queued == 0  # sent, refused, or of no conversation


def test_states_of_unknown_conversations_are_ignored() -> None:
    inbox = build(states={"ghost": mark_done(BLANK, NOW)})
    assert inbox.state("ghost") == BLANK
    assert inbox.figures().conversation.done == 1


def test_reload_applies_another_process_states_and_replies() -> None:
    inbox = build()
    assert inbox.conversation_ids("all", query="vip") == []
    inbox.reload(
        {
            "c1": mark_done(BLANK, NOW),
            "c3": set_tags(BLANK, ["vip"]),
            "c6": snooze(BLANK, NOW + HOUR),
            # c5's done mark is gone: reopened elsewhere.
        },
        [reply("c2", NOW, rid="r1"), reply("c4", NOW, rid="r2", status="sent")],
    )
    assert inbox.status("c1") == "done"
    assert not inbox.needs_reply("c2")
    assert inbox.needs_reply("c4")
    assert inbox.status("c5") == "open"
    assert inbox.conversation_ids("needs-reply") == ["c5", "c4"]
    assert inbox.conversation_ids("all", query="vip") == ["c3"]
    assert inbox.figures().replies_queued == 1

    # And back again: replies withdrawn, states cleared.
    inbox.reload({}, [])
    assert inbox.conversation_ids("needs-reply") == ["c5", "c1", "c4", "c6", "c2"]
    assert inbox.conversation_ids("all", query="vip") == []
    assert inbox.figures().replies_queued == 0


# Posts and figures -------------------------------------------------------------------------


def test_post_summaries_rank_by_attention() -> None:
    summaries = build().post_summaries()
    # p1 and p2 both have one conversation over SLA; p1 has two waiting, p2 one. p3 and p4
    # have nothing: the pending p4 comes first although p3 has more engagement.
    assert [s.post.id for s in summaries] == ["p1", "p2", "p4", "p3"]
    p1, p2, p4, p3 = summaries
    assert (p1.conversations, p1.needs_reply, p1.over_sla) == (4, 2, 1)
    assert (p2.conversations, p2.needs_reply, p2.over_sla) == (2, 1, 1)
    # p1: 10 likes + 5 visible comments (c1, c2, c3 + our reply, c6) + 2 shares = 17.
    assert p1.engagement == 17
    assert p1.engagement_rate == pytest.approx(0.17)
    # p2: 1 like + 2 comments = 3, over reach 40.
    assert p2.engagement == 3
    assert p2.engagement_rate == pytest.approx(3 / 40)
    assert (p3.engagement, p3.engagement_rate) == (1, None)
    assert (p4.engagement, p4.engagement_rate) == (0, None)


def test_post_ranking_moves_with_the_sla() -> None:
    inbox = build(states={"c1": mark_done(BLANK, NOW)})
    # p1 has no conversation over SLA any more; p2 still has c4.
    assert [s.post.id for s in inbox.post_summaries()][:2] == ["p2", "p1"]


def test_hidden_comments_leave_post_engagement() -> None:
    inbox = build()
    inbox.set_state("c3", set_hidden(BLANK, "c3r", True))
    p1 = next(s for s in inbox.post_summaries() if s.post.id == "p1")
    assert p1.engagement == 16  # one comment fewer


def test_figures_of_everything() -> None:
    fig = build(replies=[reply("c2", NOW - MINUTE)]).figures()
    c = fig.conversation
    assert fig.posts == 4
    assert fig.replies_queued == 1
    assert c.conversations == 6
    assert (c.open, c.done, c.snoozed) == (4, 1, 1)
    assert c.needs_reply == 2  # c1, c4 (c2 answered by the queued reply)
    assert c.sla_breached == 2
    # Member messages in all 6; answered: c3 (after 1 h) and c2 (after 19 min).
    assert c.response_rate == pytest.approx(2 / 6)
    assert c.median_first_response_seconds == pytest.approx((HOUR + 19 * MINUTE) / 2)
    # Engagement: p1 17 + p2 3 + p3 1 + p4 0 = 21; rates 0.17 and 0.075, median 0.1225.
    assert fig.engagement_total == 21
    assert fig.engagement_rate_median == pytest.approx((0.17 + 3 / 40) / 2)
    assert [s.post.id for s in fig.top_posts] == ["p1", "p2", "p3", "p4"]


def test_figures_restricted_to_a_post() -> None:
    fig = build(replies=[reply("c2", NOW - MINUTE), reply("c4", NOW - MINUTE, rid="r4")]).figures(
        "p2"
    )
    c = fig.conversation
    assert fig.posts == 1
    assert fig.replies_queued == 1  # only c4's
    assert c.conversations == 2
    assert (c.open, c.done, c.snoozed) == (1, 1, 0)
    assert c.needs_reply == 0
    assert c.response_rate == pytest.approx(1 / 2)  # c4 answered, c5 not
    assert fig.engagement_total == 3
    assert [s.post.id for s in fig.top_posts] == ["p2"]


def test_top_posts_are_at_most_five_by_engagement() -> None:
    posts = [post(f"p{i}", reactions={"like": i}) for i in range(8)]
    inbox = Inbox(snapshot(posts, []), {}, [], Clock(NOW), SLA)
    fig = inbox.figures()
    assert [s.post.id for s in fig.top_posts] == ["p7", "p6", "p5", "p4", "p3"]
    assert fig.engagement_total == sum(range(8))
    assert fig.engagement_rate_median is None
    assert fig.conversation.response_rate is None


def test_figures_of_an_unknown_post_are_empty() -> None:
    fig = build().figures("no-such-post")
    assert fig.conversation.conversations == 0
    assert fig.posts == 0
    assert fig.engagement_total == 0


def test_a_new_snapshot_is_counted_afresh_and_keeps_state_and_replies() -> None:
    first = snapshot([post("p1")], [conv(msg("a", NOW - 3 * HOUR)), conv(msg("b", NOW - HOUR))])
    done = mark_done(BLANK, NOW - 2 * HOUR)
    queued = reply("b", NOW - 30 * MINUTE)
    inbox = Inbox(first, {"a": done}, [queued], Clock(NOW), 3600.0)
    assert inbox.conversation_ids("needs-reply") == []
    later = snapshot(
        [post("p1")],
        [
            conv(msg("a", NOW - 3 * HOUR), msg("a2", NOW - 10 * MINUTE, who="Newcomer")),
            conv(msg("b", NOW - HOUR)),
            conv(msg("c", NOW - 5 * MINUTE)),
        ],
    )
    inbox.replace_snapshot(later, {"a": done}, [queued])
    fresh = Inbox(later, {"a": done}, [queued], Clock(NOW), 3600.0)
    assert inbox.conversation_ids("needs-reply") == fresh.conversation_ids("needs-reply")
    assert inbox.conversation_ids("needs-reply") == ["a", "c"]  # "a" reopened by a2
    assert inbox.figures() == fresh.figures()
    assert inbox.replies("b") == [queued]


def test_a_sent_reply_shows_until_the_source_has_the_message_it_became() -> None:
    sent = Reply("r1", "b", "b", "On it", NOW - 20 * MINUTE).sent("m-new", NOW - 19 * MINUTE)
    before = snapshot([post("p1")], [conv(msg("b", NOW - HOUR))])
    inbox = Inbox(before, {}, [sent], Clock(NOW), 3600.0)
    assert inbox.replies("b") == [sent]
    assert not inbox.needs_reply("b")  # the reply went out: nothing waits
    after = snapshot(
        [post("p1")], [conv(msg("b", NOW - HOUR), msg("m-new", NOW - 19 * MINUTE, ours=True))]
    )
    inbox.replace_snapshot(after, {}, [sent])
    assert inbox.replies("b") == []
    assert not inbox.needs_reply("b")


def test_a_refused_reply_is_not_an_answer() -> None:
    refused = Reply("r1", "b", "b", "No", NOW - 20 * MINUTE).failed("HTTP 422")
    inbox = Inbox(
        snapshot([post("p1")], [conv(msg("b", NOW - HOUR))]), {}, [refused], Clock(NOW), 3600.0
    )
    assert inbox.replies("b") == [refused]  # shown, to be retried or discarded
    assert inbox.needs_reply("b")
    assert inbox.figures().conversation.response_rate == 0.0
