"""Tests for commdash.threads.build_conversations: thread order, depth, parents, cycles."""

from __future__ import annotations

import random

from commdash.figures import facts_of
from commdash.model import Author, Conversation
from commdash.threads import RawComment, build_conversations, thread_facts
from commdash.triage import BLANK

ACCOUNT = "brand"


def raw(cid: str, parent: str | None = None, at: float = 0.0, author: str = "u1") -> RawComment:
    return RawComment(
        id=cid,
        parent_id=parent,
        author=Author(author, author.title()),
        created_at=at,
        text=f"text of {cid}",
        likes=0,
        hidden=False,
    )


def build(*comments: RawComment) -> tuple[list[Conversation], list[str]]:
    reports: list[str] = []
    conversations = build_conversations("p1", list(comments), ACCOUNT, reports.append)
    return conversations, reports


def layout(conversations: list[Conversation]) -> list[list[tuple[str, int, str | None]]]:
    """Each conversation as (id, depth, parent id) in thread order."""
    return [[(m.id, m.depth, m.parent_id) for m in c.messages] for c in conversations]


def test_no_comments_no_conversations() -> None:
    assert build() == ([], [])


def test_thread_order_is_depth_first_with_siblings_by_time() -> None:
    conversations, reports = build(
        raw("b", at=50),
        raw("a", at=10),
        raw("a2", "a", at=30),
        raw("a1", "a", at=20),
        raw("a1x", "a1", at=40),
        raw("b1", "b", at=60),
        raw("a1y", "a1", at=35),
    )
    assert reports == []
    assert layout(conversations) == [
        [
            ("a", 0, None),
            ("a1", 1, "a"),
            ("a1y", 2, "a1"),
            ("a1x", 2, "a1"),
            ("a2", 1, "a"),
        ],
        [("b", 0, None), ("b1", 1, "b")],
    ]


def test_equal_times_keep_input_order() -> None:
    conversations, _ = build(
        raw("r2", at=5), raw("r1", at=5), raw("k2", "r2", at=7), raw("k1", "r2", at=7)
    )
    assert [c.id for c in conversations] == ["r2", "r1"]
    assert [m.id for m in conversations[0].messages] == ["r2", "k2", "k1"]


def test_root_is_the_top_level_comment() -> None:
    conversations, _ = build(raw("late-reply", "top", at=100), raw("top", at=200))
    (conversation,) = conversations
    assert conversation.id == "top"
    assert conversation.root.id == "top"
    assert conversation.root.parent_id is None
    assert conversation.post_id == "p1"
    assert all(m.post_id == "p1" for m in conversation.messages)
    # A reply older than its parent (clock skew) still sits under it.
    assert layout(conversations) == [[("top", 0, None), ("late-reply", 1, "top")]]


def test_unknown_parent_makes_a_top_level_comment() -> None:
    conversations, reports = build(raw("a", "gone", at=1), raw("b", "a", at=2))
    assert reports == []
    assert layout(conversations) == [[("a", 0, None), ("b", 1, "a")]]


def test_fields_are_carried_and_ours_is_set() -> None:
    comment = RawComment("c1", None, Author(ACCOUNT, "Us"), 12.5, "hello", 3, True)
    conversations, _ = build(comment, raw("c2", "c1", at=13, author="u2"))
    ours, theirs = conversations[0].messages
    assert (ours.author.name, ours.created_at, ours.text, ours.likes, ours.hidden) == (
        "Us",
        12.5,
        "hello",
        3,
        True,
    )
    assert ours.ours is True
    assert theirs.ours is False
    assert theirs.hidden is False


def test_cycle_of_length_one() -> None:
    conversations, reports = build(raw("self", "self", at=1), raw("kid", "self", at=2))
    assert layout(conversations) == [[("self", 0, None), ("kid", 1, "self")]]
    assert len(reports) == 1
    assert "'self'" in reports[0] and "itself" in reports[0]
    assert "'p1'" in reports[0]


def test_cycle_of_length_two_is_cut_at_its_earliest_comment() -> None:
    conversations, reports = build(raw("x", "y", at=20), raw("y", "x", at=10))
    assert layout(conversations) == [[("y", 0, None), ("x", 1, "y")]]
    assert len(reports) == 1
    assert "cycle" in reports[0]
    assert "'x'" in reports[0] and "'y'" in reports[0]
    assert reports[0].endswith("'y' shown top level")


def test_cycle_of_length_three_with_a_tail() -> None:
    conversations, reports = build(
        raw("tail", "b", at=5),
        raw("a", "c", at=30),
        raw("b", "a", at=10),
        raw("c", "b", at=20),
    )
    assert layout(conversations) == [
        [("b", 0, None), ("tail", 1, "b"), ("c", 1, "b"), ("a", 2, "c")],
    ]
    assert len(reports) == 1
    assert reports[0].endswith("'b' shown top level")
    assert "'tail'" not in reports[0]


def test_cycle_tie_on_time_cuts_the_first_listed() -> None:
    conversations, _ = build(raw("m", "n", at=7), raw("n", "m", at=7))
    assert [c.id for c in conversations] == ["m"]


def test_several_cycles_and_normal_threads_together() -> None:
    conversations, reports = build(
        raw("ok", at=0),
        raw("ok1", "ok", at=1),
        raw("s", "s", at=2),
        raw("p", "q", at=3),
        raw("q", "p", at=4),
        raw("u", "w", at=5),
        raw("v", "u", at=6),
        raw("w", "v", at=7),
    )
    assert [c.id for c in conversations] == ["ok", "s", "p", "u"]
    assert [len(c.messages) for c in conversations] == [2, 1, 2, 3]
    assert len(reports) == 3


def test_every_comment_appears_exactly_once() -> None:
    rng = random.Random(4711)
    ids = [f"c{i}" for i in range(2000)]
    comments = [raw(cid, rng.choice([None, "missing", *ids]), at=rng.randrange(100)) for cid in ids]
    conversations, _ = build(*comments)
    seen = [m.id for c in conversations for m in c.messages]
    assert sorted(seen) == sorted(ids)
    for conversation in conversations:
        by_id = {m.id: m for m in conversation.messages}
        assert conversation.root.depth == 0
        for message in conversation.messages[1:]:
            assert message.parent_id in by_id
            assert message.depth == by_id[message.parent_id].depth + 1


def test_very_deep_thread_needs_no_recursion() -> None:
    n = 50_000
    comments = [raw(f"c{i}", f"c{i - 1}" if i else None, at=i) for i in range(n)]
    conversations, reports = build(*reversed(comments))
    assert reports == []
    (conversation,) = conversations
    assert conversation.messages[-1].depth == n - 1
    assert conversation.messages[-1].parent_id == f"c{n - 2}"


def test_very_long_cycle_needs_no_recursion() -> None:
    n = 50_000
    comments = [raw(f"c{i}", f"c{(i + 1) % n}", at=n - i) for i in range(n)]
    conversations, reports = build(*comments)
    (conversation,) = conversations
    assert conversation.root.id == f"c{n - 1}"  # the earliest
    assert conversation.messages[-1].id == "c0"
    assert conversation.messages[-1].depth == n - 1
    assert len(reports) == 1


def test_a_reply_written_in_the_same_second_as_what_it_answers_is_the_later() -> None:
    member_after_us = [
        raw("q", at=5),
        raw("ours", "q", at=10, author=ACCOUNT),
        raw("m", "ours", at=10),
    ]
    us_after_member = [
        raw("q", at=5),
        raw("m", "q", at=10),
        raw("ours", "m", at=10, author=ACCOUNT),
    ]
    for comments, latest_ours in ((member_after_us, False), (us_after_member, True)):
        for order in (comments, comments[::-1]):  # parents listed first, or not
            conversations, _ = build(*order)
            (conversation,) = conversations
            assert facts_of(conversation, BLANK, []).latest_ours is latest_ours
            (fast,), _ = thread_facts("p1", list(order), ACCOUNT, lambda line: None)
            assert fast[1].latest_ours is latest_ours


def test_facts_without_messages_agree_with_facts_from_messages() -> None:
    rng = random.Random(99)
    ids = [f"c{i}" for i in range(3000)]
    comments = [
        raw(cid, rng.choice([None, *ids]), at=rng.randrange(20), author=rng.choice(["u", ACCOUNT]))
        for cid in ids
    ]
    conversations, _ = build(*comments)
    fast, _ = thread_facts("p1", comments, ACCOUNT, lambda line: None)
    assert [(c.id, facts_of(c, BLANK, [])) for c in conversations] == fast
