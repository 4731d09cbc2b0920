"""The engagement figures of FORMATS.md §2, as pure functions.

Hidden messages are ignored everywhere. A reply queued in the outbox counts as a message of
ours written when it was queued: the manager has answered, so the conversation no longer
waits, and the gauges move as they work.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from commdash.model import Conversation, Facts, Post
from commdash.triage import Status, TriageState

HOUR = 3600.0
DAY = 86400.0


def is_visible(message_id: str, hidden_by_source: bool, state: TriageState) -> bool:
    override = state.hidden_override(message_id)
    return not (hidden_by_source if override is None else override)


class Answer(Protocol):
    """A reply of ours as the figures count it (an outbox item): the sources, which count
    their threads with these functions, know nothing of the outbox."""

    @property
    def queued_at(self) -> float: ...

    @property
    def counts_as_answer(self) -> bool: ...


def facts_of(conversation: Conversation, state: TriageState, replies: Sequence[Answer]) -> Facts:
    member_times: list[float] = []
    our_times: list[float] = []
    deepest = {True: _Latest(), False: _Latest()}
    visible = 0
    for message in conversation.messages:
        if not is_visible(message.id, message.hidden, state):
            continue
        visible += 1
        (our_times if message.ours else member_times).append(message.created_at)
        deepest[message.ours].see(message.created_at, message.depth)
    # A refused reply is not an answer (nor one waiting for a refused token): it only shows
    # in the thread, to be retried.
    for reply in replies:
        if reply.counts_as_answer:
            our_times.append(reply.queued_at)
            deepest[True].see(reply.queued_at, ANSWER_DEPTH)
    return facts_from(member_times, our_times, visible, deepest[False].depth, deepest[True].depth)


ANSWER_DEPTH = 1 << 30
"""A queued reply answers whatever is there: it is the latest of messages written at its time."""


class _Latest:
    """The depth of the deepest message written at the latest time seen."""

    __slots__ = ("at", "depth")

    def __init__(self) -> None:
        self.at, self.depth = -math.inf, 0

    def see(self, at: float, depth: int) -> None:
        if at > self.at:
            self.at, self.depth = at, depth
        elif at == self.at and depth > self.depth:
            self.depth = depth


def facts_from(
    member_times: list[float],
    our_times: list[float],
    visible: int,
    member_depth: int = 0,
    our_depth: int = 0,
) -> Facts:
    """The facts of a conversation from the times of its visible messages (ours including
    queued replies) and how many of the source's messages are visible. When a member's and
    one of ours share the latest time (platforms count in seconds), the deeper one in the
    thread is taken as the later: a reply comes after what it answers. ``member_depth`` and
    ``our_depth``: the depth of the deepest message of each at its latest time."""
    member_times.sort()
    first_member = member_times[0] if member_times else None
    latest_member = member_times[-1] if member_times else None
    latest_ours_at = max(our_times, default=None)
    first_response = None
    if first_member is not None:
        first_response = min((t for t in our_times if t >= first_member), default=None)
    if latest_member is None:
        latest_at, latest_ours = latest_ours_at, latest_ours_at is not None
    elif latest_ours_at is None:
        latest_at, latest_ours = latest_member, False
    else:
        latest_ours = latest_ours_at > latest_member or (
            latest_ours_at == latest_member and our_depth >= member_depth
        )
        latest_at = max(latest_member, latest_ours_at)
    return Facts(
        latest_at=latest_at,
        latest_ours=latest_ours,
        latest_member_at=latest_member,
        first_member_at=first_member,
        first_response_at=first_response,
        member_times=tuple(member_times),
        visible_count=visible,
    )


def needs_reply(facts: Facts, status: Status) -> bool:
    return status == "open" and facts.latest_at is not None and not facts.latest_ours


def over_sla(facts: Facts, status: Status, now: float, sla_seconds: float) -> bool:
    return (
        needs_reply(facts, status)
        and facts.latest_at is not None
        and now - facts.latest_at > sla_seconds
    )


@dataclass(frozen=True, slots=True)
class Figures:
    conversations: int
    open: int
    done: int
    snoozed: int
    needs_reply: int
    sla_breached: int
    response_rate: float | None
    median_first_response_seconds: float | None
    volume_24h: tuple[int, ...]
    """Member messages per hour, oldest hour first, the last ending at ``now``."""
    volume_14d: tuple[int, ...]


def compute(items: Iterable[tuple[Facts, Status]], now: float, sla_seconds: float) -> Figures:
    counts = {"open": 0, "done": 0, "snoozed": 0}
    waiting = breached = with_member = 0
    response_times: list[float] = []
    hourly = [0] * 24
    daily = [0] * 14
    total = 0
    for facts, status in items:
        total += 1
        counts[status] += 1
        if needs_reply(facts, status):
            waiting += 1
            if over_sla(facts, status, now, sla_seconds):
                breached += 1
        if facts.first_member_at is not None:
            with_member += 1
            if facts.first_response_at is not None:
                response_times.append(facts.first_response_at - facts.first_member_at)
        _count_volume(facts.member_times, now, hourly, daily)
    return Figures(
        conversations=total,
        open=counts["open"],
        done=counts["done"],
        snoozed=counts["snoozed"],
        needs_reply=waiting,
        sla_breached=breached,
        response_rate=len(response_times) / with_member if with_member else None,
        median_first_response_seconds=(
            statistics.median(response_times) if response_times else None
        ),
        volume_24h=tuple(hourly),
        volume_14d=tuple(daily),
    )


def _count_volume(times: Sequence[float], now: float, hourly: list[int], daily: list[int]) -> None:
    """Bucket i of n holds (now - (n - i) * width, now - (n - i - 1) * width]."""
    for moment in times:
        age = now - moment
        if age < 0:
            continue
        if age < 24 * HOUR:
            hourly[23 - int(age // HOUR)] += 1
        if age < 14 * DAY:
            daily[13 - int(age // DAY)] += 1


def engagement(post: Post, visible_comments: int) -> int:
    return sum(post.reactions.values()) + visible_comments + (post.shares or 0)


def engagement_rate(post: Post, visible_comments: int) -> float | None:
    if post.reach is None or post.reach <= 0:
        return None
    return engagement(post, visible_comments) / post.reach


def median_or_none(values: Sequence[float]) -> float | None:
    return statistics.median(values) if values else None
