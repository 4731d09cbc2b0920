"""Tests for commdash.figures against FORMATS.md §2, on hand-built conversations.

Every expected number is worked out by hand in a comment next to it.
"""

from __future__ import annotations

import pytest
from _builders import DAY, HOUR, MINUTE, NOW, conv, msg, post, reply

from commdash.figures import (
    Facts,
    compute,
    engagement,
    engagement_rate,
    facts_of,
    is_visible,
    median_or_none,
    needs_reply,
    over_sla,
)
from commdash.model import Conversation
from commdash.outbox import Reply
from commdash.triage import BLANK, Status, TriageState, mark_done, set_hidden

SLA = 60 * MINUTE


def facts(c: Conversation, state: TriageState = BLANK, replies: list[Reply] | None = None) -> Facts:
    return facts_of(c, state, replies or [])


# needs_reply and the SLA -------------------------------------------------------------------


def test_member_last_needs_reply_ours_last_does_not() -> None:
    waiting = facts(conv(msg("a", NOW - HOUR)))
    answered = facts(conv(msg("b", NOW - 2 * HOUR), msg("b1", NOW - HOUR, ours=True)))
    follow_up = facts(
        conv(
            msg("c", NOW - 3 * HOUR),
            msg("c1", NOW - 2 * HOUR, ours=True),
            msg("c2", NOW - HOUR, who="Other"),
        )
    )
    only_ours = facts(conv(msg("d", NOW - HOUR, ours=True)))
    assert needs_reply(waiting, "open")
    assert not needs_reply(answered, "open")
    assert needs_reply(follow_up, "open")
    assert not needs_reply(only_ours, "open")


@pytest.mark.parametrize("status", ["done", "snoozed"])
def test_only_open_conversations_need_a_reply(status: Status) -> None:
    waiting = facts(conv(msg("a", NOW - 5 * HOUR)))
    assert not needs_reply(waiting, status)
    assert not over_sla(waiting, status, NOW, SLA)


def test_latest_message_is_found_by_time_not_by_thread_order() -> None:
    # Thread order puts the member's reply last, but our reply is newer.
    c = conv(
        msg("a", NOW - 3 * HOUR),
        msg("a1", NOW - 2 * HOUR, who="Other"),
        msg("a2", NOW - HOUR, ours=True, parent="a"),
    )
    c = Conversation(c.id, c.post_id, (c.messages[0], c.messages[2], c.messages[1]))
    f = facts(c)
    assert f.latest_at == NOW - HOUR
    assert f.latest_ours
    assert f.latest_member_at == NOW - 2 * HOUR
    assert not needs_reply(f, "open")


def test_sla_breached_only_when_strictly_older_than_the_sla() -> None:
    exactly = facts(conv(msg("a", NOW - SLA)))
    one_more = facts(conv(msg("b", NOW - SLA - 1)))
    younger = facts(conv(msg("c", NOW - SLA + 1)))
    assert not over_sla(exactly, "open", NOW, SLA)
    assert over_sla(one_more, "open", NOW, SLA)
    assert not over_sla(younger, "open", NOW, SLA)
    # compute() counts the same way: 3 waiting, 1 breached.
    figures = compute([(exactly, "open"), (one_more, "open"), (younger, "open")], NOW, SLA)
    assert figures.needs_reply == 3
    assert figures.sla_breached == 1


def test_answered_conversation_is_never_over_sla() -> None:
    answered = facts(conv(msg("a", NOW - 5 * HOUR), msg("a1", NOW - 4 * HOUR, ours=True)))
    assert not over_sla(answered, "open", NOW, SLA)


def test_sla_is_a_parameter() -> None:
    waiting = facts(conv(msg("a", NOW - 30 * MINUTE)))
    assert not over_sla(waiting, "open", NOW, SLA)
    assert over_sla(waiting, "open", NOW, 10 * MINUTE)


# compute(): the mixed example --------------------------------------------------------------


def mixed() -> list[tuple[Facts, Status]]:
    a = conv(msg("a", NOW - 2 * HOUR))  # waits 2 h: needs reply, breached
    b = conv(msg("b", NOW - 30 * MINUTE))  # waits 30 min: needs reply, within SLA
    c = conv(msg("c", NOW - 3 * HOUR), msg("c1", NOW - 150 * MINUTE, ours=True))  # 30 min
    d = conv(
        msg("d", NOW - 5 * HOUR, ours=True),  # our own comment before the member: no response
        msg("d1", NOW - 4 * HOUR),
        msg("d2", NOW - 3 * HOUR, ours=True),  # the response, 1 h after d1
    )
    e = conv(msg("e", NOW - HOUR, ours=True))  # no member message: outside the rate
    return [(facts(x), "open") for x in (a, b, c, d, e)]


def test_compute_mixed_example() -> None:
    figures = compute(mixed(), NOW, SLA)
    assert figures.conversations == 5
    assert (figures.open, figures.done, figures.snoozed) == (5, 0, 0)
    assert figures.needs_reply == 2  # a, b
    assert figures.sla_breached == 1  # a
    # With a member message: a, b, c, d (4); replied at or after it: c, d (2).
    assert figures.response_rate == pytest.approx(2 / 4)
    # Median of the even count [30 min, 60 min] is their mean, 45 min.
    assert figures.median_first_response_seconds == pytest.approx(45 * MINUTE)


def test_first_response_ignores_our_messages_before_the_first_member_message() -> None:
    # d above: ours at -5 h, member at -4 h, ours at -3 h: the response is the -3 h one.
    d = mixed()[3][0]
    assert d.first_member_at == NOW - 4 * HOUR
    assert d.first_response_at == NOW - 3 * HOUR


def test_response_is_measured_from_the_first_member_message() -> None:
    # Member at -3 h and -2 h, ours at -1 h: response time is 2 h, not 1 h.
    f = facts(
        conv(msg("a", NOW - 3 * HOUR), msg("a1", NOW - 2 * HOUR), msg("a2", NOW - HOUR, ours=True))
    )
    figures = compute([(f, "open")], NOW, SLA)
    assert figures.response_rate == 1.0
    assert figures.median_first_response_seconds == pytest.approx(2 * HOUR)


def test_reply_only_before_the_member_message_is_no_response() -> None:
    f = facts(conv(msg("a", NOW - 2 * HOUR, ours=True), msg("a1", NOW - HOUR)))
    assert f.first_response_at is None
    figures = compute([(f, "open")], NOW, SLA)
    assert figures.response_rate == 0.0  # 0 of 1, not None
    assert figures.median_first_response_seconds is None
    assert figures.needs_reply == 1


def test_median_of_an_odd_count_is_the_middle_value() -> None:
    items = [
        (facts(conv(msg(f"m{i}", NOW - DAY), msg(f"m{i}r", NOW - DAY + wait, ours=True))), "open")
        for i, wait in enumerate([6000.0, 60.0, 600.0])
    ]
    figures = compute(items, NOW, SLA)  # type: ignore[arg-type]
    # Sorted waits 60, 600, 6000: the middle one.
    assert figures.median_first_response_seconds == 600.0
    assert figures.response_rate == 1.0


def test_response_rate_is_none_without_member_messages() -> None:
    assert compute([], NOW, SLA).response_rate is None
    only_ours = facts(conv(msg("a", NOW - HOUR, ours=True)))
    figures = compute([(only_ours, "open")], NOW, SLA)
    assert figures.response_rate is None
    assert figures.median_first_response_seconds is None
    assert figures.conversations == 1


def test_response_rate_covers_every_triage_state() -> None:
    unanswered = facts(conv(msg("a", NOW - 2 * HOUR)))
    answered = facts(conv(msg("b", NOW - 3 * HOUR), msg("b1", NOW - 2 * HOUR, ours=True)))
    figures = compute([(unanswered, "done"), (answered, "snoozed")], NOW, SLA)
    assert (figures.open, figures.done, figures.snoozed) == (0, 1, 1)
    assert figures.needs_reply == 0
    assert figures.response_rate == 0.5  # 1 of 2, the done one included
    assert figures.median_first_response_seconds == HOUR


def test_compute_of_nothing() -> None:
    figures = compute([], NOW, SLA)
    assert figures.conversations == 0
    assert figures.needs_reply == figures.sla_breached == 0
    assert figures.median_first_response_seconds is None
    assert figures.volume_24h == (0,) * 24
    assert figures.volume_14d == (0,) * 14


# Hidden messages ---------------------------------------------------------------------------


def test_message_hidden_by_the_source_is_ignored() -> None:
    c = conv(
        msg("a", NOW - 2 * HOUR),
        msg("a1", NOW - HOUR, ours=True),
        msg("a2", NOW - 30 * MINUTE, hidden=True),  # spam, hidden on the platform
    )
    f = facts(c)
    assert f.latest_member_at == NOW - 2 * HOUR
    assert f.latest_ours
    assert f.member_times == (NOW - 2 * HOUR,)
    assert f.visible_count == 2
    assert not needs_reply(f, "open")


def test_state_override_unhides_a_message_hidden_by_the_source() -> None:
    c = conv(
        msg("a", NOW - 2 * HOUR),
        msg("a1", NOW - HOUR, ours=True),
        msg("a2", NOW - 30 * MINUTE, hidden=True),
    )
    f = facts(c, set_hidden(BLANK, "a2", False))
    assert f.visible_count == 3
    assert f.latest_member_at == NOW - 30 * MINUTE
    assert needs_reply(f, "open")


def test_state_override_hides_a_visible_message() -> None:
    c = conv(msg("a", NOW - 2 * HOUR), msg("a1", NOW - HOUR, ours=True), msg("a2", NOW - MINUTE))
    assert needs_reply(facts(c), "open")
    f = facts(c, set_hidden(BLANK, "a2", True))
    assert f.visible_count == 2
    assert not needs_reply(f, "open")


def test_hidden_reply_of_ours_is_no_response() -> None:
    c = conv(msg("a", NOW - 2 * HOUR), msg("a1", NOW - HOUR, ours=True, hidden=True))
    f = facts(c)
    assert f.first_response_at is None
    assert needs_reply(f, "open")
    assert over_sla(f, "open", NOW, SLA)  # waits since -2 h


def test_fully_hidden_conversation_counts_for_nothing() -> None:
    c = conv(msg("a", NOW - 2 * HOUR, hidden=True))
    f = facts(c)
    assert f.latest_at is None
    assert f.visible_count == 0
    assert not needs_reply(f, "open")
    figures = compute([(f, "open")], NOW, SLA)
    assert figures.response_rate is None
    assert sum(figures.volume_24h) == 0


def test_is_visible_truth_table() -> None:
    hide = set_hidden(BLANK, "m", True)
    show = set_hidden(BLANK, "m", False)
    assert is_visible("m", False, BLANK)
    assert not is_visible("m", True, BLANK)
    assert not is_visible("m", False, hide)
    assert is_visible("m", True, show)
    # Overrides of other messages do not apply.
    assert not is_visible("x", True, show)


# Queued replies ----------------------------------------------------------------------------


def test_queued_reply_counts_as_ours_at_its_queued_time() -> None:
    c = conv(msg("a", NOW - 2 * HOUR))
    f = facts(c, replies=[reply("a", NOW - 90 * MINUTE)])
    assert f.latest_ours
    assert f.latest_at == NOW - 90 * MINUTE
    assert f.first_response_at == NOW - 90 * MINUTE
    assert f.visible_count == 1  # the queued reply is not a comment of the source
    assert not needs_reply(f, "open")
    figures = compute([(f, "open")], NOW, SLA)
    assert figures.response_rate == 1.0
    assert figures.median_first_response_seconds == 30 * MINUTE


def test_member_message_after_the_queued_reply_needs_reply_again() -> None:
    c = conv(msg("a", NOW - 2 * HOUR), msg("a1", NOW - 10 * MINUTE))
    f = facts(c, replies=[reply("a", NOW - 90 * MINUTE)])
    assert not f.latest_ours
    assert needs_reply(f, "open")
    assert f.first_response_at == NOW - 90 * MINUTE


def test_earliest_of_several_responses_counts() -> None:
    c = conv(msg("a", NOW - 2 * HOUR), msg("a1", NOW - 30 * MINUTE, ours=True))
    f = facts(c, replies=[reply("a", NOW - 60 * MINUTE), reply("a", NOW - 10 * MINUTE, rid="r2")])
    assert f.first_response_at == NOW - 60 * MINUTE
    assert f.latest_at == NOW - 10 * MINUTE


# Volume ------------------------------------------------------------------------------------


def test_volume_buckets() -> None:
    ages = {
        "now": 0.0,  # hour 23, day 13
        "half": 30 * MINUTE,  # hour 23, day 13
        "one": HOUR,  # exactly 1 h: the hour before the last, 22; day 13
        "late": 23 * HOUR + 59 * MINUTE,  # hour 0; day 13
        "day": 24 * HOUR,  # exactly 24 h: outside the hours; day 12
        "older": 25 * HOUR,  # day 12
        "old": 13.5 * DAY,  # day 0
        "gone": 14 * DAY,  # outside both
        "ancient": 30 * DAY,  # outside both
        "future": -MINUTE,  # ahead of now: nowhere
    }
    items = [(facts(conv(msg(k, NOW - age))), "open") for k, age in ages.items()]
    figures = compute(items, NOW, SLA)  # type: ignore[arg-type]
    hourly = [0] * 24
    hourly[23], hourly[22], hourly[0] = 2, 1, 1
    daily = [0] * 14
    daily[13], daily[12], daily[0] = 4, 2, 1
    assert figures.volume_24h == tuple(hourly)
    assert figures.volume_14d == tuple(daily)


def test_volume_counts_member_messages_only_and_not_hidden_ones() -> None:
    c = conv(
        msg("a", NOW - 3 * HOUR - MINUTE),  # hour 20
        msg("a1", NOW - 2 * HOUR - MINUTE, ours=True),  # ours: not counted
        msg("a2", NOW - 2 * HOUR - 2 * MINUTE, hidden=True),  # hidden: not counted
        msg("a3", NOW - 2 * HOUR - 3 * MINUTE, who="Other"),  # hour 21
    )
    figures = compute([(facts(c), "done")], NOW, SLA)  # done still counts in volume
    hourly = [0] * 24
    hourly[20] = hourly[21] = 1
    assert figures.volume_24h == tuple(hourly)
    assert figures.volume_14d[13] == 2
    assert sum(figures.volume_14d) == 2


# Engagement --------------------------------------------------------------------------------


def test_engagement_and_rate() -> None:
    p = post("p", reactions={"like": 3, "love": 2}, shares=4, reach=100)
    # 3 + 2 reactions + 6 comments + 4 shares = 15; 15 / 100.
    assert engagement(p, 6) == 15
    assert engagement_rate(p, 6) == pytest.approx(0.15)


def test_unknown_shares_count_as_zero() -> None:
    p = post("p", reactions={"like": 5}, shares=None, reach=50)
    assert engagement(p, 6) == 11  # 5 + 6 + 0
    assert engagement_rate(p, 6) == pytest.approx(11 / 50)


@pytest.mark.parametrize("reach", [None, 0, -5])
def test_engagement_rate_needs_a_positive_reach(reach: int | None) -> None:
    p = post("p", reactions={"like": 5}, shares=1, reach=reach)
    assert engagement(p, 2) == 8
    assert engagement_rate(p, 2) is None


def test_engagement_of_a_bare_post_is_zero() -> None:
    assert engagement(post("p"), 0) == 0
    assert engagement_rate(post("p", reach=10), 0) == 0.0


def test_hidden_comments_do_not_count_towards_engagement() -> None:
    c = conv(
        msg("a", NOW - HOUR),
        msg("a1", NOW - HOUR, hidden=True),  # hidden by the source
        msg("a2", NOW - HOUR),  # hidden here, below
        msg("a3", NOW - HOUR, ours=True),
    )
    visible = facts(c, set_hidden(BLANK, "a2", True)).visible_count
    assert visible == 2  # a and a3
    p = post("p", reactions={"like": 1}, reach=10)
    assert engagement(p, visible) == 3
    assert engagement_rate(p, visible) == pytest.approx(0.3)


def test_median_or_none() -> None:
    assert median_or_none([]) is None
    assert median_or_none([0.1, 0.3]) == pytest.approx(0.2)
    assert median_or_none([0.5, 0.1, 0.2]) == 0.2


def test_facts_do_not_depend_on_the_done_mark() -> None:
    # Facts are clock- and status-independent; the status comes from the state separately.
    c = conv(msg("a", NOW - HOUR))
    assert facts(c, mark_done(BLANK, NOW)) == facts(c)
