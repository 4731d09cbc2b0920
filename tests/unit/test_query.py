"""The filter language: parsing, its mistakes with their places, and what each term matches
on a real inbox (in memory and on a shelf)."""

from __future__ import annotations

import dataclasses
import random
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import pytest
from _builders import HOUR, MINUTE, NOW, conv, msg, post, reply, snapshot
from test_shelf import both

from commdash.inbox import VIEWS, Inbox
from commdash.query import (
    KEYS,
    MAX_DEPTH,
    And,
    Compare,
    Not,
    Or,
    QueryError,
    Term,
    Word,
    manager_names,
    parse,
)
from commdash.timeutil import Clock
from commdash.triage import (
    BLANK,
    Note,
    TriageState,
    add_note,
    assign,
    mark_done,
    set_hidden,
    set_tags,
    snooze,
)

SLA = 60 * MINUTE
T = TypeVar("T")

# Parsing ------------------------------------------------------------------------------------


def test_spaces_are_and_or_binds_looser_and_minus_negates() -> None:
    assert parse("tag:refund -is:done age:>2h") == And(
        (Term("tag", "refund"), Not(Term("is", "done")), Compare("age", ">", 7200.0, 3600.0))
    )
    assert parse("a b or c") == Or((And((Word("a"), Word("b"))), Word("c")))
    assert parse("a (b or c)") == And((Word("a"), Or((Word("b"), Word("c")))))
    assert parse("-(a or b)") == Not(Or((Word("a"), Word("b"))))


def test_keys_and_values_are_case_insensitive_and_phrases_keep_their_words() -> None:
    assert parse("TAG:Refund OR Is:Done") == Or((Term("tag", "refund"), Term("is", "done")))
    assert parse('"Order  Never arrived"') == Word("order never arrived")
    assert parse('from:"Dana Ruiz"') == Term("from", "dana ruiz")
    assert parse("MINE unassigned") == And((Term("mine", ""), Term("unassigned", "")))


def test_empty_query_matches_everything_and_words_that_look_like_keys_stay_words() -> None:
    assert parse("   ") is None
    assert parse("https://example.com/x") == Word("https://example.com/x")
    assert parse("12:30") == Word("12:30")
    assert parse("co-op") == Word("co-op")
    assert parse("#refund @ana") == And((Word("#refund"), Word("@ana")))


def test_an_or_with_nothing_to_join_is_a_word_as_one_types() -> None:
    assert parse("or") == Word("or")
    assert parse("a or") == And((Word("a"), Word("or")))
    assert parse("or a") == And((Word("or"), Word("a")))
    assert parse("(a or) -or") == And((And((Word("a"), Word("or"))), Not(Word("or"))))
    assert parse("a or or b") == Or((And((Word("a"), Word("or"))), Word("b")))


def test_durations_take_every_unit_and_comparison() -> None:
    assert parse("age:<=90s") == Compare("age", "<=", 90.0, 1.0)
    assert parse("waiting:>=1.5h") == Compare("waiting", ">=", 5400.0, 3600.0)
    assert parse("age:=2d") == Compare("age", "=", 2 * 86400.0, 86400.0)
    assert parse("age:<1w") == Compare("age", "<", 604800.0, 604800.0)
    assert parse("age:>10m") == Compare("age", ">", 600.0, 60.0)
    assert parse("likes:>5") == Compare("likes", ">", 5.0, 1.0)


@pytest.mark.parametrize(
    ("text", "message", "span"),
    [
        ("age:>2x", "age:>2x: unknown unit", (6, 7)),
        ("tag:a age:>2", "age:>2: needs a unit", (11, 12)),
        ("age:2h", "age:2h: expected <, >, <=, >= or = first", (4, 6)),
        ("likes:>many", "likes:>many: expected a number", (7, 11)),
        ("likes:>2.5", "likes:>2.5: expected a whole number", (7, 10)),
        ("is:lost", "is:lost: unknown state", (3, 7)),
        ("has:notes", "has:notes: unknown", (4, 9)),
        ("tga:refund", "tga: unknown key", (0, 4)),
        ("tag:", "tag: needs a value", (0, 4)),
        ("x (a b", "unclosed (", (2, 3)),
        ("a b)", "unmatched )", (3, 4)),
        ("a () b", "empty parentheses", (2, 4)),
        ('say "hi', 'unclosed "', (4, 7)),
        ('""', "empty quotes", (0, 2)),
        ("a -)", "- needs a term after it", (2, 3)),
    ],
)
def test_a_mistake_names_what_and_where(text: str, message: str, span: tuple[int, int]) -> None:
    with pytest.raises(QueryError) as caught:
        parse(text)
    assert caught.value.message.startswith(message)
    assert (caught.value.start, caught.value.end) == span
    assert text[span[0] : span[1]]  # the span marks characters of the text


def test_any_input_gives_a_query_or_a_query_error() -> None:
    """A seeded soup of the language's pieces, and of arbitrary characters: nothing but
    QueryError ever comes out, and an error's span is inside the text."""
    pieces = [
        *KEYS,
        "or",
        "OR",
        "-",
        "(",
        ")",
        '"',
        "is:",
        "age:>",
        "2h",
        "x",
        "likes:>=3",
        ":",
        "|",
        "\\",
        "é",
        "\x1b[31m",
        "\t",
        " ",
        "waiting:<",
        "1.5",
        "w",
        "needs-reply",
        "#tag",
        "@",
    ]
    rng = random.Random(11)
    for _ in range(4000):
        if rng.random() < 0.05:  # deep nesting, long runs: never more than a QueryError
            text = "".join(rng.choice(pieces) * rng.randint(1, 400) for _ in range(4))
        elif rng.random() < 0.8:
            text = "".join(rng.choice(pieces) + rng.choice(["", " "]) for _ in range(8))
        else:
            text = "".join(chr(rng.randint(0, 0x2FF)) for _ in range(rng.randint(0, 20)))
        try:
            parse(text)
        except QueryError as error:
            assert 0 <= error.start < error.end <= max(len(text), 1), text


@pytest.mark.parametrize(
    "text",
    ["(" * 3000 + "a" + ")" * 3000, "(" * 330 + "a", "-" * 1000 + "a", "-(" * 200 + "a"],
    ids=["3000 (", "330 (", "1000 -", "200 -("],
)
def test_nesting_deeper_than_the_limit_is_a_mistake_at_its_place(text: str) -> None:
    with pytest.raises(QueryError) as caught:
        parse(text)
    assert caught.value.message == f"nested too deeply (more than {MAX_DEPTH} levels)"
    opened = [at for at, char in enumerate(text) if char in "(-"]
    assert caught.value.start == opened[MAX_DEPTH]


# Matching -------------------------------------------------------------------------------------


def build(states: dict[str, TriageState] | None = None) -> Inbox:
    """c1 Alice waits 3 h and asks; c2 Bob waits 20 min with a link and 7 likes; c3 Carol
    was answered; c4 Dave (p2) waits 2 h; c5 Eve is done; c6 Frank is snoozed."""
    posts = [post("p1"), post("p2")]
    liked = dataclasses.replace(
        msg("c2", NOW - 20 * MINUTE, who="Bob", text="see https://x.example"), likes=7
    )
    conversations = [
        conv(msg("c1", NOW - 3 * HOUR, who="Alice", text="Where is my ORDER?")),
        conv(liked),
        conv(
            msg("c3", NOW - 5 * HOUR, who="Carol", text="Opening hours"),
            msg("c3r", NOW - 4 * HOUR, ours=True, text="9 to 5?"),
        ),
        conv(msg("c4", NOW - 2 * HOUR, who="Dave", text="refund please", post="p2")),
        conv(msg("c5", NOW - 10 * HOUR, who="Eve", text="thanks", post="p2")),
        conv(msg("c6", NOW - 90 * MINUTE, who="Frank", text="later maybe")),
    ]
    base = {
        "c1": set_tags(assign(BLANK, "ana"), ["refund"]),
        "c4": set_tags(BLANK, ["Refund", "vip"]),
        "c5": mark_done(assign(BLANK, "me"), NOW - 9 * HOUR),
        "c6": snooze(BLANK, NOW + HOUR),
    }
    base.update(states or {})
    replies = [reply("c3", NOW - HOUR, status="failed")]
    inbox = Inbox(snapshot(posts, conversations), base, replies, Clock(NOW), SLA)
    inbox.manager = "me@laptop"
    return inbox


def ids(inbox: Inbox, query: str, view: str = "all", **options: object) -> set[str]:
    return set(inbox.conversation_ids(view, None, query, **options))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("is:needs-reply", {"c1", "c2", "c4"}),
        ("is:open", {"c1", "c2", "c3", "c4"}),
        ("is:done", {"c5"}),
        ("is:snoozed", {"c6"}),
        ("is:over-sla", {"c1", "c4"}),
        ("is:failed", {"c3"}),
        ("is:queued", set()),
        ("mine", {"c5"}),
        ("unassigned", {"c2", "c3", "c4", "c6"}),
        ("assignee:ANA", {"c1"}),
        ("tag:refund", {"c1", "c4"}),
        ("tag:#vip", {"c4"}),
        ("from:ali", {"c1"}),
        ("post:p2", {"c4", "c5"}),
        ("channel:facebook", {"c1", "c2", "c3", "c4", "c5", "c6"}),
        ("channel:mastodon", set()),
        ("age:>2h", {"c1", "c3", "c5"}),
        ("age:<=2h", {"c2", "c4", "c6"}),
        ("age:=1h", {"c6"}),
        ("waiting:>1h", {"c1", "c4"}),
        ("likes:>5", {"c2"}),
        ("likes:=0", {"c1", "c3", "c4", "c5", "c6"}),
        ("has:question", {"c1"}),
        ("has:link", {"c2"}),
        ("order", {"c1"}),
        ("#refund", {"c1", "c4"}),
        ('"refund please"', {"c4"}),
        ("tag:refund -is:done age:>2h", {"c1"}),
        ("tag:refund or from:bob", {"c1", "c2", "c4"}),
        ("-(tag:refund or is:done)", {"c2", "c3", "c6"}),
        ("is:marked", {"c3"}),
    ],
)
def test_each_term_matches_what_it_says(query: str, expected: set[str]) -> None:
    assert ids(build(), query, marked=frozenset({"c3"})) == expected


def test_notes_are_found_by_has_note_and_by_their_words() -> None:
    note = Note("n1", "me@laptop", 1.0, "Called her back about the REFUND")
    inbox = build({"c2": add_note(BLANK, note)})
    assert ids(inbox, "has:note") == {"c2"}
    assert ids(inbox, '"called her"') == {"c2"}
    assert ids(inbox, "-has:note is:needs-reply") == {"c1", "c4"}


def test_hidden_counts_our_moderation_and_the_platforms() -> None:
    inbox = build({"c2": set_hidden(BLANK, "c2", True)})
    assert ids(inbox, "is:hidden") == {"c2"}


def test_a_query_narrows_the_view_and_keeps_its_order() -> None:
    inbox = build()
    assert inbox.conversation_ids("needs-reply", None, "tag:refund") == ["c1", "c4"]
    assert inbox.conversation_ids("done", None, "tag:refund") == []
    assert inbox.conversation_ids("all", "p2", "-tag:vip") == ["c5"]


def test_a_bad_query_raises_query_error() -> None:
    with pytest.raises(QueryError):
        build().conversation_ids("all", None, "age:>2x")


def test_mine_means_the_user_or_user_at_host() -> None:
    assert manager_names("Ana@Laptop") == {"ana@laptop", "ana"}
    inbox = build({"c2": assign(BLANK, "ME@laptop")})
    assert ids(inbox, "mine") == {"c2", "c5"}
    inbox.manager = ""
    assert ids(inbox, "mine") == set()


def test_sorts_order_the_view() -> None:
    inbox = build()
    assert inbox.conversation_ids("needs-reply", sort="newest") == ["c2", "c4", "c1"]
    assert inbox.conversation_ids("all", sort="oldest")[:2] == ["c5", "c3"]
    assert inbox.conversation_ids("all", sort="likes")[0] == "c2"
    # waiting: what waits first, longest-waiting first, then the rest latest first
    assert inbox.conversation_ids("all", sort="waiting") == ["c1", "c4", "c2", "c6", "c3", "c5"]


def test_a_shelf_and_memory_agree_on_compound_queries(tmp_path: Path) -> None:
    eager, shelved, _ = both(tmp_path / "big.json")
    assert isinstance(eager.conversations, tuple)
    cids = [c.id for c in eager.conversations]
    states = {
        cids[0]: set_tags(BLANK, ["refund"]),
        cids[1]: mark_done(set_tags(BLANK, ["refund"]), 1.0),
        cids[2]: assign(BLANK, "u1"),
    }
    a, b = (Inbox(s, states, [], Clock(1_764_061_200.0), 3600.0) for s in (eager, shelved))
    queries = [
        "order -brake",
        '"order late" or hi',
        "tag:refund -is:done",
        "from:user -has:question",
        "has:question or has:link",
        "likes:>=0 order",
        "is:hidden",
        "age:>2d (brake or u1)",
        "waiting:>1h unassigned",
    ]
    for view in VIEWS:
        for query in queries:
            assert a.conversation_ids(view, None, query) == b.conversation_ids(view, None, query)


def test_message_tests_read_a_shelf_once_then_remember(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After an action the list is made again with the same query: the messages (which never
    change) are not read from the file again."""
    _, shelved, shelf = both(tmp_path / "big.json")
    inbox = Inbox(shelved, {}, [], Clock(1_764_061_200.0), 3600.0)
    reads: list[str] = []
    original = type(shelf).__getitem__

    def counted(self: object, cid: str) -> object:
        reads.append(cid)
        return original(shelf, cid)

    monkeypatch.setattr(type(shelf), "__getitem__", counted)
    first = inbox.conversation_ids("all", None, "likes:>=0 has:link", sort="likes")
    assert reads
    reads.clear()
    cid = next(iter(shelf))
    inbox.set_state(cid, mark_done(BLANK, 1.0))
    assert inbox.conversation_ids("all", None, "likes:>=0 has:link", sort="likes") == first
    assert reads == []


def _deepest_allowed() -> str:
    """``-(w1 order or -(w2 order or … order))``: every level an and, an or and a not,
    MAX_DEPTH ( and - in all; an odd number of nots around "order"."""
    text = "order"
    for level in range(1, MAX_DEPTH // 2 + 1):
        text = f"-(w{level} order or {text})"
    return text


def _in_a_deep_stack(depth: int, run: Callable[[], T]) -> T:
    """``run()`` called ``depth`` frames down, as from deep inside the TUI's event handling."""
    return run() if depth == 0 else _in_a_deep_stack(depth - 1, run)


def test_the_deepest_allowed_query_parses_compiles_and_checks_in_a_deep_stack() -> None:
    inbox = build()
    deepest = _deepest_allowed()
    assert sum(deepest.count(char) for char in "(-") == MAX_DEPTH
    # Python stops at 1000 frames; the TUI may already be a few hundred deep.
    found = _in_a_deep_stack(600, lambda: ids(inbox, deepest))
    assert MAX_DEPTH // 2 % 2 == 1
    assert found == ids(inbox, "-order") == {"c2", "c3", "c4", "c5", "c6"}


def test_a_long_flat_query_is_quick() -> None:
    inbox = build()
    words = " ".join(f"-word{n}" for n in range(10_000))
    either = " or ".join(f"word{n}" for n in range(10_000))
    started = time.perf_counter()
    assert ids(inbox, words) == ids(inbox, "")
    assert ids(inbox, either) == set()
    assert time.perf_counter() - started < 5
