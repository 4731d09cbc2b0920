"""Figures at their edges: every breach counted, hour and day buckets one second inside
their bounds, a reach of one, a refused reply, a conversation with only our messages."""

from __future__ import annotations

import pytest
from _builders import DAY, HOUR, MINUTE, NOW, conv, msg, post, reply

from commdash.figures import compute, engagement_rate, facts_of, needs_reply
from commdash.model import Facts
from commdash.triage import BLANK

SLA = 60 * MINUTE


def test_every_conversation_over_the_sla_is_a_breach() -> None:
    late = [facts_of(conv(msg(f"c{i}", NOW - (2 + i) * HOUR)), BLANK, []) for i in range(3)]
    figures = compute([(f, "open") for f in late], NOW, SLA)
    assert (figures.needs_reply, figures.sla_breached) == (3, 3)


@pytest.mark.parametrize(
    ("age", "hour", "day"),
    [
        (HOUR - 1, 23, 13),  # 59:59 old: still the latest hour
        (24 * HOUR - 1, 0, 13),  # the earliest hour of the 24
        (14 * DAY - 1, None, 0),  # the earliest day of the 14
    ],
)
def test_a_message_one_second_inside_a_bucket_is_counted_in_it(
    age: float, hour: int | None, day: int
) -> None:
    figures = compute([(facts_of(conv(msg("a", NOW - age)), BLANK, []), "open")], NOW, SLA)
    hourly = [0] * 24
    if hour is not None:
        hourly[hour] = 1
    daily = [0] * 14
    daily[day] = 1
    assert figures.volume_24h == tuple(hourly)
    assert figures.volume_14d == tuple(daily)


def test_a_reach_of_one_gives_a_rate() -> None:
    assert engagement_rate(post("p", reactions={"like": 1}, reach=1), visible_comments=2) == 3.0


def test_a_refused_reply_is_no_answer() -> None:
    c = conv(msg("a", NOW - 2 * HOUR))
    f = facts_of(c, BLANK, [reply("a", NOW - HOUR, status="failed")])
    assert needs_reply(f, "open")
    assert f.first_response_at is None
    assert f.latest_at == NOW - 2 * HOUR


def test_only_our_messages_make_no_first_response() -> None:
    f = facts_of(conv(msg("a", NOW - HOUR, ours=True)), BLANK, [])
    assert f == Facts(
        latest_at=NOW - HOUR,
        latest_ours=True,
        latest_member_at=None,
        first_member_at=None,
        first_response_at=None,
        member_times=(),
        visible_count=1,
    )
