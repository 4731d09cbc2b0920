"""Tests for reading commdash/v1 exports (FORMATS.md §1) through ``open_file``."""

from __future__ import annotations

import json
import os
import time
import unicodedata
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
import pytest

from commdash.errors import SourceError
from commdash.model import Message, Snapshot
from commdash.sources.files import open_file

ACCOUNT = {"id": "brand", "name": "The Brand"}
T0 = datetime(2026, 11, 24, 10, 0, tzinfo=UTC).timestamp()
T0_ISO = "2026-11-24T10:00:00Z"
EXPORTED_ISO = "2026-11-25T09:00:00Z"
EXPORTED = datetime(2026, 11, 25, 9, 0, tzinfo=UTC).timestamp()


# --- helpers -------------------------------------------------------------------------------


def export(posts: Any, **top: Any) -> dict[str, Any]:
    document: dict[str, Any] = {
        "format": "commdash/v1",
        "source": {"name": "Test Source", "platform": "facebook", "account": ACCOUNT},
        "exported_at": EXPORTED_ISO,
        "posts": posts,
    }
    document.update(top)
    return document


def post(pid: Any = "p1", comments: Any = None, **fields: Any) -> dict[str, Any]:
    raw: dict[str, Any] = {"id": pid, "created_at": T0_ISO}
    if comments is not None:
        raw["comments"] = comments
    raw.update(fields)
    return raw


def comment(
    cid: Any, author: Any = "u1", at: Any = None, parent: str | None = None, **fields: Any
) -> dict[str, Any]:
    raw: dict[str, Any] = {
        "id": cid,
        "parent_id": parent,
        "author": {"id": author, "name": f"Name of {author}"}
        if isinstance(author, str)
        else author,
        "created_at": T0_ISO if at is None else at,
    }
    raw.update(fields)
    return raw


def write(tmp_path: Path, document: object, name: str = "export.json") -> str:
    path = tmp_path / name
    path.write_text(json.dumps(document), encoding="utf-8")
    return str(path)


def load(tmp_path: Path, document: object) -> Snapshot:
    return open_file(write(tmp_path, document))


def messages(snapshot: Snapshot) -> dict[str, Message]:
    return {m.id: m for c in snapshot.conversations for m in c.messages}


def assert_terminal_safe(text: str) -> None:
    for char in text:
        if char in "\n\t":
            continue
        assert unicodedata.category(char) not in ("Cc", "Cs"), repr(char)
    text.encode("utf-8")  # strict: fails on any surrogate


def skipped_matching(snapshot: Snapshot, *needles: str) -> list[str]:
    return [line for line in snapshot.skipped if all(n in line for n in needles)]


# --- defaults ------------------------------------------------------------------------------


def test_full_example_loads_as_documented(tmp_path: Path) -> None:
    document = export(
        [
            post(
                "p1",
                [
                    comment("c1", "u17", "2026-11-24T15:40:00Z", likes=2, hidden=False),
                    comment("c2", "brand", "2026-11-24T16:05:00Z", parent="c1", likes=1),
                ],
                channel="ANS Members Group",
                author=ACCOUNT,
                status="published",
                text="Our community meetup is on Friday.",
                permalink="https://example.invalid/posts/p1",
                metrics={"reactions": {"like": 120, "love": 9}, "shares": 4, "reach": 5400},
            )
        ]
    )
    snapshot = load(tmp_path, document)
    assert snapshot.skipped == ()
    assert snapshot.source.name == "Test Source"
    assert snapshot.source.platform == "facebook"
    assert (snapshot.source.account.id, snapshot.source.account.name) == ("brand", "The Brand")
    assert snapshot.source.exported_at == EXPORTED
    (p,) = snapshot.posts
    assert p.channel == "ANS Members Group"
    assert p.reactions == {"like": 120, "love": 9}
    assert (p.shares, p.reach, p.impressions) == (4, 5400, None)
    assert p.permalink == "https://example.invalid/posts/p1"
    (conversation,) = snapshot.conversations
    assert [m.id for m in conversation.messages] == ["c1", "c2"]
    c1, c2 = conversation.messages
    assert (c1.likes, c2.likes) == (2, 1)
    assert c2.parent_id == "c1"
    assert c2.depth == 1


def test_source_name_defaults_to_the_file_name(tmp_path: Path) -> None:
    document = export([])
    del document["source"]["name"]
    snapshot = open_file(write(tmp_path, document, name="my-page.json"))
    assert snapshot.source.name == "my-page.json"


def test_empty_source_name_also_defaults_to_the_file_name(tmp_path: Path) -> None:
    document = export([])
    document["source"]["name"] = ""
    snapshot = open_file(write(tmp_path, document, name="other.json"))
    assert snapshot.source.name == "other.json"


def test_platform_defaults_to_generic(tmp_path: Path) -> None:
    document = export([])
    del document["source"]["platform"]
    assert load(tmp_path, document).source.platform == "generic"


def test_exported_at_falls_back_to_the_file_mtime(tmp_path: Path) -> None:
    document = export([])
    del document["exported_at"]
    path = write(tmp_path, document)
    os.utime(path, (1_700_000_000, 1_700_000_000))
    snapshot = open_file(path)
    assert snapshot.source.exported_at == 1_700_000_000
    assert snapshot.skipped == ()


def test_unreadable_exported_at_falls_back_to_mtime_and_is_reported(tmp_path: Path) -> None:
    path = write(tmp_path, export([], exported_at="yesterday"))
    os.utime(path, (1_700_000_000, 1_700_000_000))
    snapshot = open_file(path)
    assert snapshot.source.exported_at == 1_700_000_000
    assert skipped_matching(snapshot, "exported_at")


def test_post_defaults(tmp_path: Path) -> None:
    snapshot = load(tmp_path, export([{"id": "p1", "created_at": T0_ISO}]))
    (p,) = snapshot.posts
    assert p.author == snapshot.source.account
    assert p.status == "published"
    assert p.channel == ""
    assert p.text == ""
    assert p.permalink is None
    assert p.scheduled_at is None
    assert p.reactions == {}
    assert (p.shares, p.reach, p.impressions) == (None, None, None)
    assert snapshot.conversations == ()
    assert snapshot.skipped == ()


def test_post_author_null_defaults_to_the_account(tmp_path: Path) -> None:
    snapshot = load(tmp_path, export([post(author=None)]))
    assert snapshot.posts[0].author == snapshot.source.account


def test_post_author_given_is_kept(tmp_path: Path) -> None:
    snapshot = load(tmp_path, export([post(author={"id": "guest", "name": "Guest"})]))
    assert (snapshot.posts[0].author.id, snapshot.posts[0].author.name) == ("guest", "Guest")


def test_scheduled_post_keeps_status_and_time(tmp_path: Path) -> None:
    snapshot = load(
        tmp_path, export([post(status="scheduled", scheduled_at="2026-11-26T08:00:00Z")])
    )
    (p,) = snapshot.posts
    assert p.status == "scheduled"
    assert p.scheduled_at == datetime(2026, 11, 26, 8, tzinfo=UTC).timestamp()


@pytest.mark.parametrize("metrics", [None, {}, {"shares": None, "reach": None}])
def test_null_metrics_are_unknown_not_zero(tmp_path: Path, metrics: Any) -> None:
    snapshot = load(tmp_path, export([post(metrics=metrics)]))
    (p,) = snapshot.posts
    assert p.shares is None
    assert p.reach is None
    assert p.impressions is None
    assert p.reactions == {}


def test_zero_metrics_stay_zero(tmp_path: Path) -> None:
    metrics = {"reactions": {"like": 0}, "shares": 0, "reach": 0, "impressions": 0}
    (p,) = load(tmp_path, export([post(metrics=metrics)])).posts
    assert (p.shares, p.reach, p.impressions) == (0, 0, 0)
    assert p.reactions == {"like": 0}


def test_comment_defaults(tmp_path: Path) -> None:
    raw = {"id": "c1", "author": {"id": "u1"}, "created_at": T0_ISO}
    snapshot = load(tmp_path, export([post(comments=[raw])]))
    (c1,) = messages(snapshot).values()
    assert c1.likes == 0
    assert c1.hidden is False
    assert c1.text == ""
    assert c1.parent_id is None
    assert c1.depth == 0
    assert c1.author.name == "u1"  # no name: the id stands in
    assert c1.ours is False
    assert snapshot.skipped == ()


def test_hidden_only_when_true(tmp_path: Path) -> None:
    comments = [
        comment("c1", hidden=True),
        comment("c2", hidden="true"),
        comment("c3", hidden=1),
        comment("c4", hidden=None),
    ]
    found = messages(load(tmp_path, export([post(comments=comments)])))
    assert [found[c].hidden for c in ("c1", "c2", "c3", "c4")] == [True, False, False, False]


@pytest.mark.parametrize("comments", [None, [], "missing"])
def test_comments_null_or_missing_mean_none(tmp_path: Path, comments: Any) -> None:
    raw = post("p1")
    if comments != "missing":
        raw["comments"] = comments
    snapshot = load(tmp_path, export([raw]))
    assert len(snapshot.posts) == 1
    assert snapshot.conversations == ()
    assert snapshot.skipped == ()


def test_posts_null_or_missing_mean_none(tmp_path: Path) -> None:
    document = export([])
    del document["posts"]
    assert load(tmp_path, document).posts == ()
    assert load(tmp_path, export(None)).posts == ()


def test_ours_is_decided_by_author_id_only(tmp_path: Path) -> None:
    comments = [
        comment("c1", "u1"),
        comment("c2", {"id": "brand", "name": "Someone Else"}, parent="c1"),
        comment("c3", {"id": "u9", "name": "The Brand"}, parent="c1"),
    ]
    found = messages(load(tmp_path, export([post(comments=comments)])))
    assert [found[c].ours for c in ("c1", "c2", "c3")] == [False, True, False]


def test_unknown_fields_are_ignored(tmp_path: Path) -> None:
    document = export(
        [
            post(
                comments=[comment("c1", extra={"deep": [1, 2]}, reactions={"x": 1})],
                shiny=True,
                metrics={"reactions": {"like": 1}, "ctr": 0.5},
            )
        ],
        version=7,
        generator={"name": "tool"},
    )
    document["source"]["colour"] = "blue"
    document["source"]["account"]["avatar"] = "https://example.invalid/a.png"
    snapshot = load(tmp_path, document)
    assert snapshot.skipped == ()
    assert len(snapshot.posts) == 1
    assert list(messages(snapshot)) == ["c1"]
    assert snapshot.posts[0].reactions == {"like": 1}


# --- timestamps ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "2026-11-24T10:00:00Z",
        "2026-11-24T10:00:00+0000",
        "2026-11-24T10:00:00+00:00",
        "2026-11-24T12:00:00+0200",
        "2026-11-24T05:00:00-05:00",
        "2026-11-24T10:00:00",
        "2026-11-24T10:00:00.000Z",
        T0,
        int(T0),
    ],
)
def test_timestamp_forms(tmp_path: Path, value: object) -> None:
    snapshot = load(tmp_path, export([post(comments=[comment("c1", at=value)])], exported_at=value))
    assert messages(snapshot)["c1"].created_at == T0
    assert snapshot.source.exported_at == T0
    assert snapshot.skipped == ()


def test_unix_seconds_with_fraction(tmp_path: Path) -> None:
    snapshot = load(tmp_path, export([post(comments=[comment("c1", at=1_700_000_000.25)])]))
    assert messages(snapshot)["c1"].created_at == 1_700_000_000.25


@pytest.mark.parametrize(
    "value",
    [
        None,
        "",
        "soon",
        "2026-13-01T00:00:00Z",
        "0001-01-01T00:00:00Z",
        "9999-12-31T23:59:59-14:00",
        True,
        -1,
        1e30,
        [T0],
        {"t": T0},
    ],
)
def test_bad_comment_timestamp_is_skipped_and_reported(tmp_path: Path, value: object) -> None:
    comments = [comment("good"), comment("bad", created_at=value)]
    snapshot = load(tmp_path, export([post(comments=comments)]))
    assert list(messages(snapshot)) == ["good"]
    assert len(skipped_matching(snapshot, "'bad'", "created_at")) == 1


def test_post_with_bad_timestamp_is_skipped_with_its_comments(tmp_path: Path) -> None:
    posts = [post("p1", [comment("c1")], created_at="never"), post("p2", [comment("c2")])]
    snapshot = load(tmp_path, export(posts))
    assert [p.id for p in snapshot.posts] == ["p2"]
    assert list(messages(snapshot)) == ["c2"]
    assert len(skipped_matching(snapshot, "posts[0]", "'p1'", "created_at")) == 1


def test_huge_integers_are_not_times(tmp_path: Path) -> None:
    # orjson cannot read these (they overflow a double); the json fallback reads them as ints
    # of any size, or past Python's 4300-digit limit, not at all.
    long_400 = "1" * 400
    long_5000 = "2" * 5000
    text = (
        '{"format": "commdash/v1", "source": {"account": {"id": "brand"}}, "posts": ['
        f'{{"id": "p1", "created_at": "{T0_ISO}", "metrics": {{"shares": {long_400}}},'
        f' "comments": [{{"id": "c1", "author": "u1", "created_at": {long_400}}},'
        f' {{"id": "c2", "author": "u1", "created_at": {long_5000}}},'
        f' {{"id": "c3", "author": "u1", "created_at": "{T0_ISO}", "likes": {long_5000}}}]}}]}}'
    )
    path = tmp_path / "big.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(orjson.JSONDecodeError):
        orjson.loads(text)
    snapshot = open_file(str(path))
    assert snapshot.posts[0].shares is None
    assert list(messages(snapshot)) == ["c3"]
    assert messages(snapshot)["c3"].likes == 0
    assert len(skipped_matching(snapshot, "'c1'", "created_at")) == 1
    assert len(skipped_matching(snapshot, "'c2'", "created_at")) == 1


# --- skipped and repaired items ------------------------------------------------------------


def test_duplicate_comment_ids_keep_the_first_and_report(tmp_path: Path) -> None:
    comments = [
        comment("c1", text="first"),
        comment("c1", text="second"),
        comment("c2"),
    ]
    posts = [post("p1", comments), post("p2", [comment("c2", text="other post")])]
    snapshot = load(tmp_path, export(posts))
    found = messages(snapshot)
    assert sorted(found) == ["c1", "c2"]
    assert found["c1"].text == "first"
    assert found["c2"].post_id == "p1"  # unique within the source, not just the post
    assert len(skipped_matching(snapshot, "duplicate comment id 'c1'")) == 1
    assert len(skipped_matching(snapshot, "posts[1]", "duplicate comment id 'c2'")) == 1
    assert len(snapshot.skipped) == 2


def test_duplicate_post_ids_keep_the_first_and_report(tmp_path: Path) -> None:
    posts = [
        post("p1", [comment("c1")], text="first"),
        post("p1", [comment("c2")], text="second"),
    ]
    snapshot = load(tmp_path, export(posts))
    assert [(p.id, p.text) for p in snapshot.posts] == [("p1", "first")]
    assert list(messages(snapshot)) == ["c1"]
    assert skipped_matching(snapshot, "posts[1]", "duplicate post id 'p1'")
    assert len(snapshot.skipped) == 1


@pytest.mark.parametrize("bad_id", [None, "", True, [1], {"id": "x"}])
def test_post_without_usable_id_is_skipped(tmp_path: Path, bad_id: object) -> None:
    posts = [post("p1"), {"id": bad_id, "created_at": T0_ISO}]
    if bad_id is None:
        del posts[1]["id"]
    snapshot = load(tmp_path, export(posts))
    assert [p.id for p in snapshot.posts] == ["p1"]
    assert skipped_matching(snapshot, "posts[1]", "no id")


def test_numeric_ids_are_accepted_as_strings(tmp_path: Path) -> None:
    snapshot = load(tmp_path, export([post(42, [comment(7)])]))
    assert snapshot.posts[0].id == "42"
    assert list(messages(snapshot)) == ["7"]


def test_comments_without_id_or_author_are_skipped(tmp_path: Path) -> None:
    comments = [
        {"author": {"id": "u1"}, "created_at": T0_ISO},
        comment("", "u1"),
        comment("no-author", None),
        comment("author-without-id", {"name": "Anonymous"}),
        comment("ok"),
        "not an object",
    ]
    snapshot = load(tmp_path, export([post(comments=comments)]))
    assert list(messages(snapshot)) == ["ok"]
    assert skipped_matching(snapshot, "comments[0]", "no id")
    assert skipped_matching(snapshot, "comments[1]", "no id")
    assert skipped_matching(snapshot, "comments[2]", "'no-author'", "no author")
    assert skipped_matching(snapshot, "comments[3]", "'author-without-id'", "no author")
    assert skipped_matching(snapshot, "comments[5]", "not an object")
    assert len(snapshot.skipped) == 5


def test_comments_not_a_list_is_reported(tmp_path: Path) -> None:
    snapshot = load(tmp_path, export([post(comments={"c1": "x"}), post("p2")]))
    assert [p.id for p in snapshot.posts] == ["p1", "p2"]
    assert snapshot.conversations == ()
    assert skipped_matching(snapshot, "comments", "not a list")


def test_parent_null_unknown_or_on_another_post_is_top_level(tmp_path: Path) -> None:
    posts = [
        post("p1", [comment("a1"), comment("a2", at=T0 + 10, parent="a1")]),
        post(
            "p2",
            [
                comment("b1", at=T0 + 1, parent=None),
                comment("b2", at=T0 + 2, parent="nowhere"),
                comment("b3", at=T0 + 3, parent="a1"),
            ],
        ),
    ]
    snapshot = load(tmp_path, export(posts))
    found = messages(snapshot)
    for cid in ("b1", "b2", "b3"):
        assert found[cid].parent_id is None
        assert found[cid].depth == 0
        assert found[cid].post_id == "p2"
    assert found["a2"].parent_id == "a1"
    assert [c.id for c in snapshot.conversations] == ["a1", "b1", "b2", "b3"]


def test_self_parent_and_cycle_are_broken_and_reported(tmp_path: Path) -> None:
    comments = [
        comment("self", at=T0, parent="self"),
        comment("x", at=T0 + 10, parent="y"),
        comment("y", at=T0 + 20, parent="x"),
    ]
    snapshot = load(tmp_path, export([post(comments=comments)]))
    found = messages(snapshot)
    assert found["self"].parent_id is None
    assert found["x"].parent_id is None  # the earliest of the cycle becomes top level
    assert (found["y"].parent_id, found["y"].depth) == ("x", 1)
    assert [c.id for c in snapshot.conversations] == ["self", "x"]
    assert len(skipped_matching(snapshot, "'self'", "itself")) == 1
    assert len(skipped_matching(snapshot, "cycle", "'x'")) == 1
    assert len(snapshot.skipped) == 2


def test_ten_thousand_deep_thread_loads_quickly(tmp_path: Path) -> None:
    n = 10_000
    comments = [
        comment(f"c{i}", "brand" if i % 2 else "u1", at=T0 + i, parent=f"c{i - 1}" if i else None)
        for i in range(n)
    ]
    path = write(tmp_path, export([post(comments=comments[::-1])]))  # children listed first
    start = time.perf_counter()
    snapshot = open_file(path)
    elapsed = time.perf_counter() - start
    assert elapsed < 5.0
    (conversation,) = snapshot.conversations
    assert conversation.root.id == "c0"
    assert [m.depth for m in conversation.messages] == list(range(n))
    assert [m.id for m in conversation.messages] == [f"c{i}" for i in range(n)]
    assert conversation.messages[-1].parent_id == f"c{n - 2}"
    assert snapshot.skipped == ()


def test_ten_thousand_long_cycle_loads(tmp_path: Path) -> None:
    n = 10_000
    comments = [comment(f"c{i}", at=T0 + i, parent=f"c{(i - 1) % n}") for i in range(n)]
    snapshot = load(tmp_path, export([post(comments=comments)]))
    (conversation,) = snapshot.conversations
    assert conversation.root.id == "c0"
    assert conversation.messages[-1].depth == n - 1
    assert len(skipped_matching(snapshot, "cycle")) == 1


def test_five_megabyte_comment_loads(tmp_path: Path) -> None:
    big = "word [x] " * 600_000  # 5.4 MB
    hostile = "a" * 5_000_000 + "\x1b[31m!"
    comments = [comment("big", text=big), comment("hostile", text=hostile)]
    start = time.perf_counter()
    found = messages(load(tmp_path, export([post(comments=comments)])))
    assert time.perf_counter() - start < 10.0
    assert found["big"].text == big
    assert found["hostile"].text == "a" * 5_000_000 + "!"


# --- hostile text --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("\x1b]52;c;Y3VybCBldmlsLnNo\x07copy me", "copy me"),
        ("\x1b]0;pwned\x07title", "title"),
        ("\x1b]0;pwned\x1b\\title", "title"),
        ("[bold]hi[/bold]", "[bold]hi[/bold]"),
        ("[link=https://evil.invalid]x[/link] [@click=quit]y[/]", None),
        ("\x1b[2J\x1b[31mred\x1b[0m", "red"),
        ("\x9b31mC1\x9d0;t\x9c", "C1"),
        ("abc\u202edcba", "abcdcba"),
        ("line1\r\nline2\x00\x07\x08", "line1\nline2"),
    ],
)
def test_texts_reach_the_model_without_control_codes(
    tmp_path: Path, raw: str, expected: str | None
) -> None:
    document = export(
        [
            post(
                comments=[comment("c1", {"id": "u1", "name": raw}, text=raw)],
                text=raw,
                channel=raw,
            )
        ]
    )
    document["source"]["name"] = raw
    snapshot = load(tmp_path, document)
    c1 = messages(snapshot)["c1"]
    for text in (c1.text, c1.author.name, snapshot.posts[0].text, snapshot.posts[0].channel):
        assert_terminal_safe(text)
    assert_terminal_safe(snapshot.source.name)
    assert c1.text == (raw if expected is None else expected)
    assert snapshot.posts[0].text == c1.text
    assert c1.author.name == " ".join(c1.text.split())  # the same cleaning, on one line


def test_escape_sequences_in_ids_do_not_survive(tmp_path: Path) -> None:
    comments = [comment("c\x1b]0;x\x07", "u\x1b[31m1"), comment("c\x1b]0;x\x07")]
    snapshot = load(tmp_path, export([post("p\x1b[2J", comments)]))
    assert snapshot.posts[0].id == "p"
    assert list(messages(snapshot)) == ["c"]
    assert messages(snapshot)["c"].author.id == "u1"
    for line in snapshot.skipped:
        assert_terminal_safe(line)
    assert len(snapshot.skipped) == 1  # the duplicate, compared after cleaning


def test_lone_surrogate_escapes_load_without_surrogates(tmp_path: Path) -> None:
    document = export(
        [
            post(
                "p\udc00",
                [
                    comment("c1", {"id": "u1", "name": "N\ud800"}, text="a\ud800b"),
                    comment("c2", text="pair \ud83d\ude00 ok", parent="c1"),
                ],
                text="\udfff",
            )
        ]
    )
    data = json.dumps(document).encode("ascii")
    assert b"\\ud800" in data
    with pytest.raises(orjson.JSONDecodeError):
        orjson.loads(data)  # the loader must fall back to the json module
    path = tmp_path / "surrogates.json"
    path.write_bytes(data)
    snapshot = open_file(str(path))
    found = messages(snapshot)
    assert found["c1"].text == "a\ufffdb"
    assert found["c1"].author.name == "N\ufffd"
    assert found["c2"].text == "pair \U0001f600 ok"
    assert snapshot.posts[0].text == "\ufffd"
    assert snapshot.posts[0].id == "p\ufffd"
    for m in found.values():
        assert_terminal_safe(m.text)
        assert_terminal_safe(m.author.name)


def test_utf8_bom_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(export([post()])).encode())
    assert [p.id for p in open_file(str(path)).posts] == ["p1"]


def test_one_bad_item_does_not_stop_the_rest(tmp_path: Path) -> None:
    posts = [
        "junk",
        None,
        post("p1", [comment("c1"), 5, comment("c2", at="x"), comment("c3", parent="c1")]),
        post("p2", [comment("c4")]),
    ]
    snapshot = load(tmp_path, export(posts))
    assert [p.id for p in snapshot.posts] == ["p1", "p2"]
    assert sorted(messages(snapshot)) == ["c1", "c3", "c4"]
    assert len(snapshot.skipped) == 4


# --- errors --------------------------------------------------------------------------------


def error_for(path: str) -> str:
    with pytest.raises(SourceError) as info:
        open_file(path)
    message = str(info.value)
    assert "\n" not in message and "\r" not in message
    assert message.startswith(path + ": ")
    return message


def write_bytes(tmp_path: Path, data: bytes, name: str = "bad.json") -> str:
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


def test_not_json_names_line_and_column(tmp_path: Path) -> None:
    # Line 3 is `  "posts": [}`: the `}` is character 13.
    path = write_bytes(tmp_path, b'{\n  "format": "commdash/v1",\n  "posts": [}\n')
    message = error_for(path)
    assert message.startswith(f"{path}: line 3 column 13: not valid JSON")


def test_json_error_column_counts_characters_not_bytes(tmp_path: Path) -> None:
    # `{"t": "ñü€", x}`: the x is character 14 (but byte 18).
    path = write_bytes(tmp_path, '{"t": "ñü€", x}'.encode())
    assert error_for(path).startswith(f"{path}: line 1 column 14: not valid JSON")


def test_json_error_after_a_lone_surrogate(tmp_path: Path) -> None:
    # orjson fails on the surrogate; the position still comes from the real error (the `,`).
    path = write_bytes(tmp_path, b'{"a": "\\ud800",\n\n"b": 1,,}')
    assert error_for(path).startswith(f"{path}: line 3 column 8: not valid JSON")


def test_trailing_garbage(tmp_path: Path) -> None:
    path = write_bytes(tmp_path, b'{"format": "commdash/v1"}\nx')
    assert error_for(path).startswith(f"{path}: line 2 column 1: not valid JSON")


def test_not_utf8_names_line_and_column(tmp_path: Path) -> None:
    # Line 3 is `  "source": {"name": "caf\xe9"}`: the Latin-1 é is character 26.
    data = b'{\n  "format": "commdash/v1",\n  "source": {"name": "caf\xe9"}\n}\n'
    path = write_bytes(tmp_path, data)
    message = error_for(path)
    assert message.startswith(f"{path}: line 3 column 26: not UTF-8")
    assert "0xe9" in message


def test_not_utf8_column_counts_characters_before_it(tmp_path: Path) -> None:
    # `"ñ€ x` then 0xe9: characters 1-5 come before it (8 bytes), so it is column 6.
    path = write_bytes(tmp_path, b"{}\n" + '"ñ€ x'.encode() + b"\xe9\n")
    assert error_for(path).startswith(f"{path}: line 2 column 6: not UTF-8")


@pytest.mark.parametrize("data", [b"", b"   \n\t\n"])
def test_empty_file(tmp_path: Path, data: bytes) -> None:
    path = write_bytes(tmp_path, data)
    message = error_for(path)
    assert message.startswith(f"{path}: line 1 column 1:")
    assert "empty" in message


@pytest.mark.parametrize(
    ("document", "needles"),
    [
        ([export([])], ["not a commdash/v1 export", "an array"]),
        ("commdash/v1", ["not a commdash/v1 export", "a string"]),
        (None, ["not a commdash/v1 export", "null"]),
        ({**export([]), "format": "commdash/v2"}, ['"format"', "commdash/v2"]),
        ({**export([]), "format": None}, ['"format" is missing']),
        ({k: v for k, v in export([]).items() if k != "format"}, ['"format" is missing']),
        ({**export([]), "format": "\x1b]0;t\x07v9"}, ['"format"', "v9"]),
        ({**export([]), "source": None}, ['"source"']),
        ({k: v for k, v in export([]).items() if k != "source"}, ['"source"']),
        ({**export([]), "source": {"name": "x"}}, ['"source.account"']),
        ({**export([]), "source": {"account": {"name": "x"}}}, ['"source.account"']),
        ({**export([]), "source": {"account": None}}, ['"source.account"']),
        ({**export([]), "posts": {"p1": {}}}, ['"posts" must be an array', "an object"]),
        ({**export([]), "posts": "none"}, ['"posts" must be an array', "a string"]),
    ],
)
def test_documents_that_are_not_exports(
    tmp_path: Path, document: object, needles: list[str]
) -> None:
    message = error_for(write(tmp_path, document))
    for needle in needles:
        assert needle in message
    assert_terminal_safe(message)


def test_missing_file(tmp_path: Path) -> None:
    assert "no such file" in error_for(str(tmp_path / "absent.json"))


def test_directory(tmp_path: Path) -> None:
    assert "is a directory" in error_for(str(tmp_path))


def test_file_name_with_newline_still_gives_one_line(tmp_path: Path) -> None:
    with pytest.raises(SourceError) as info:
        open_file(str(tmp_path / "two\nlines.json"))
    message = str(info.value)
    assert "\n" not in message
    assert "two lines.json: no such file" in message


def test_unknown_home_directory_is_a_source_error() -> None:
    with pytest.raises(SourceError, match="no such file"):
        open_file("~commdash-no-such-user-4711/export.json")


def test_nul_in_path_is_a_source_error() -> None:
    with pytest.raises(SourceError, match="cannot read"):
        open_file("bad\x00name.json")


def test_an_author_name_with_nothing_visible_shows_the_author_id(tmp_path: Path) -> None:
    comment = {
        "id": "c1",
        "author": {"id": "u-ghost", "name": "\u200b\u200d\u2060\ufeff "},
        "created_at": "2026-11-24T10:00:00Z",
    }
    snapshot = load(tmp_path, export([post("p1", [comment])]))
    assert snapshot.conversations[0].root.author.name == "u-ghost"
