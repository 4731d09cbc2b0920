"""Platforms count in seconds: when a member's message and ours share a second, the reply
deeper in the thread is the later one (a reply comes after what it answers), and a reply
queued here answers whatever is there at its second."""

from __future__ import annotations

from dataclasses import replace

from _builders import HOUR, MINUTE, NOW, conv, msg, reply

from commdash.figures import compute, facts_from, facts_of, needs_reply
from commdash.model import Conversation, Message
from commdash.triage import BLANK


def deeper(message: Message, parent: Message) -> Message:
    return replace(message, parent_id=parent.id, depth=parent.depth + 1)


def thread(*messages: Message) -> Conversation:
    return Conversation(messages[0].id, messages[0].post_id, messages)


def test_a_first_response_in_the_same_second_counts_with_no_delay() -> None:
    c = conv(msg("a", NOW - HOUR), msg("a1", NOW - HOUR, ours=True))
    f = facts_of(c, BLANK, [])
    assert f.first_response_at == NOW - HOUR
    figures = compute([(f, "open")], NOW, 60 * MINUTE)
    assert figures.response_rate == 1.0
    assert figures.median_first_response_seconds == 0.0


def test_our_reply_at_the_same_second_and_depth_as_the_members_answers_it() -> None:
    c = conv(
        msg("a", NOW - 2 * HOUR),
        msg("a1", NOW - HOUR, who="Other"),
        msg("a2", NOW - HOUR, ours=True),
    )
    f = facts_of(c, BLANK, [])
    assert f.latest_ours
    assert not needs_reply(f, "open")


def test_a_deeper_member_reply_at_the_same_second_as_ours_needs_a_reply() -> None:
    top = msg("a", NOW - 2 * HOUR)
    ours = deeper(msg("a1", NOW - HOUR, ours=True), top)
    answer_to_us = deeper(msg("a2", NOW - HOUR, who="Other"), ours)
    f = facts_of(thread(top, ours, answer_to_us), BLANK, [])
    assert not f.latest_ours
    assert needs_reply(f, "open")


def test_a_reply_queued_in_the_same_second_as_a_deeper_member_reply_answers_it() -> None:
    top = msg("a", NOW - 2 * HOUR)
    ours = deeper(msg("a1", NOW - HOUR, ours=True), top)
    answer_to_us = deeper(msg("a2", NOW - MINUTE, who="Other"), ours)
    f = facts_of(thread(top, ours, answer_to_us), BLANK, [reply("a", NOW - MINUTE)])
    assert f.latest_ours
    assert f.latest_at == NOW - MINUTE
    assert not needs_reply(f, "open")


def test_without_depths_ours_at_the_same_second_is_taken_as_the_later() -> None:
    assert facts_from([NOW], [NOW], 2).latest_ours
    assert not facts_from([NOW], [NOW], 2, member_depth=1).latest_ours
    assert facts_from([NOW], [NOW], 2, our_depth=1).latest_ours
