"""The inbox's volume by hour and by day, kept in sorted times, agrees with the count
figures.compute() makes from each conversation's facts, bucket by bucket, edges included."""

from __future__ import annotations

from _builders import DAY, HOUR, MINUTE, NOW, conv, msg, post, snapshot

from commdash import figures
from commdash.inbox import Inbox
from commdash.timeutil import Clock
from commdash.triage import BLANK

SLA = 60 * MINUTE


def test_volume_by_hour_and_day_agrees_with_figures_compute() -> None:
    ages = [0.0, 1.0, HOUR - 1, HOUR, HOUR + 1, 5 * HOUR + 30 * MINUTE, 24 * HOUR - 1, 24 * HOUR]
    ages += [DAY + HOUR, 2 * DAY, 6.5 * DAY, 13 * DAY, 14 * DAY - 1, 14 * DAY, 20 * DAY, -MINUTE]
    conversations = [conv(msg(f"c{n}", NOW - age)) for n, age in enumerate(ages)]
    inbox = Inbox(snapshot([post("p1")], conversations), {}, [], Clock(NOW), SLA)
    counted = figures.compute(
        ((figures.facts_of(c, BLANK, []), "open") for c in conversations), NOW, SLA
    )
    volume = inbox.figures().conversation
    assert sum(counted.volume_24h) == 7
    assert sum(counted.volume_14d) == 13
    assert volume.volume_24h == counted.volume_24h
    assert volume.volume_14d == counted.volume_14d
