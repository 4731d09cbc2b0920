"""Each view's order, also narrowed to a post, where it differs from the order of ids and of
activity: needs reply longest-waiting first, done most recently done first, open waiting
first then the rest latest first. Every view has a label."""

from __future__ import annotations

from typing import get_args

from _builders import HOUR, MINUTE, NOW, conv, msg, post, snapshot

from commdash.inbox import VIEWS, Inbox, View
from commdash.timeutil import Clock
from commdash.triage import BLANK, mark_done

SLA = 60 * MINUTE


def inbox() -> Inbox:
    """On p1: "a" waits 1 h, "b" 3 h; "c" (answered 4 h ago) and "d" (answered 2 h ago);
    "e" (last message 30 min ago) done 10 min ago, "f" (last message 5 h ago) done 1 min
    ago."""
    conversations = [
        conv(msg("a", NOW - HOUR)),
        conv(msg("b", NOW - 3 * HOUR)),
        conv(msg("c", NOW - 5 * HOUR), msg("c1", NOW - 4 * HOUR, ours=True)),
        conv(msg("d", NOW - 6 * HOUR), msg("d1", NOW - 2 * HOUR, ours=True)),
        conv(msg("e", NOW - 30 * MINUTE)),
        conv(msg("f", NOW - 5 * HOUR)),
    ]
    states = {"e": mark_done(BLANK, NOW - 10 * MINUTE), "f": mark_done(BLANK, NOW - MINUTE)}
    return Inbox(snapshot([post("p1")], conversations), states, [], Clock(NOW), SLA)


def test_needs_reply_is_longest_waiting_first_also_within_a_post() -> None:
    assert inbox().conversation_ids("needs-reply") == ["b", "a"]
    assert inbox().conversation_ids("needs-reply", post_id="p1") == ["b", "a"]


def test_done_is_most_recently_done_first_also_within_a_post() -> None:
    assert inbox().conversation_ids("done") == ["f", "e"]
    assert inbox().conversation_ids("done", post_id="p1") == ["f", "e"]


def test_open_is_waiting_first_then_the_rest_latest_first() -> None:
    assert inbox().conversation_ids("open") == ["b", "a", "d", "c"]


def test_every_view_has_a_label() -> None:
    assert list(VIEWS) == list(get_args(View))
    assert all(VIEWS.values())
