"""The Facebook Graph source against a fake Graph API on 127.0.0.1 (real HTTP)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest
from servers.base import DROP, Response
from servers.graph import FakeGraph, RecordedGraph, graph_error, graph_time

from commdash.delivery import Courier
from commdash.errors import SourceError
from commdash.model import Conversation, Snapshot
from commdash.outbox import Reply
from commdash.sources import graph as graph_module
from commdash.sources import pull as pull_module
from commdash.sources.graph import GraphSource
from commdash.sources.http import RemoteError
from commdash.sources.live import Progress, Pulled
from commdash.sources.native import read_native
from commdash.store import Store
from commdash.timeutil import Clock


@pytest.fixture
def fake() -> Iterator[FakeGraph]:
    with FakeGraph().running() as server:
        yield server


@pytest.fixture
def source(fake: FakeGraph) -> Iterator[GraphSource]:
    opened = GraphSource(fake.page_id, fake.token, fake.base_url)
    yield opened
    opened.close()


def pull(
    source: GraphSource,
    previous: dict[str, Any] | None = None,
    cursor: dict[str, Any] | None = None,
    log: list[Progress] | None = None,
) -> Pulled:
    return source.pull(previous, cursor or {}, (log if log is not None else []).append)


def snapshot(pulled: Pulled) -> Snapshot:
    assert pulled.document is not None
    return read_native(pulled.document, "graph", "graph", time.time())


def conversations(read: Snapshot) -> list[Conversation]:
    assert isinstance(read.conversations, tuple)  # in memory: not shelved
    return list(read.conversations)


def comment_reads(fake: FakeGraph) -> list[str]:
    """The posts whose comments were asked for, in order."""
    return [
        r.path.split("/")[2]
        for r in fake.requests("GET")
        if r.path.endswith("/comments") and "after" not in r.query
    ]


def leaks(token: str, *things: object) -> bool:
    return any(token in orjson.dumps(thing, default=str).decode() for thing in things)


# -- reading ---------------------------------------------------------------------------------


def test_first_pull_reads_every_page_of_the_feed_and_of_the_comments() -> None:
    with FakeGraph(feed_page_size=2, comments_page_size=3).running() as fake:
        posts = [fake.add_post(f"post {n}", time.time() - 3600 * (n + 1)) for n in range(5)]
        for n in range(8):
            fake.add_comment(posts[0], f"comment {n}")
        fake.add_comment(posts[1], "a lone one")
        source = GraphSource(fake.page_id, fake.token, fake.base_url)
        log: list[Progress] = []
        pulled = pull(source, log=log)
        source.close()

    assert pulled.warnings == ()
    document = pulled.document
    assert document is not None
    assert [p["id"] for p in document["posts"]] == posts  # newest first, as the feed
    assert [c["text"] for c in document["posts"][0]["comments"]] == [
        f"comment {n}" for n in range(8)
    ]
    # The page, 3 feed pages, the scheduled posts, 3 + 1 comment pages (posts without
    # comments are not asked for).
    assert source.requests == len(fake.server.log) == 1 + 3 + 1 + 4
    assert [p.pages for p in log] == list(range(1, 10))
    assert log[-1].items == 5 + 9
    assert log[-1].doing == "comments of post 2 of 2"
    assert len(fake.requests("GET", posts[0], "comments")) == 3
    read = snapshot(pulled)
    assert read.skipped == ()
    assert read.source.account.id == fake.page_id
    assert read.source.account.name == fake.page_name
    assert read.source.platform == "facebook"
    assert len(read.posts) == 5 and len(conversations(read)) == 9


def test_threads_come_from_parent_and_the_pages_comments_are_ours(
    fake: FakeGraph, source: GraphSource
) -> None:
    post = fake.add_post("Meetup on Friday")
    root = fake.add_comment(post, "Is it online too?", author=("u17", "Dana Ruiz"))
    fake.add_comment(post, "Yes, we stream it.", author=fake.by_page, parent=root)
    fake.add_comment(post, "Thanks!", author=("u17", "Dana Ruiz"), parent=root)
    anonymous = fake.add_comment(post, "Who can see me?", author=None)

    read = snapshot(pull(source))

    first, second = conversations(read)
    assert first.id == root
    assert [(m.text, m.depth, m.ours) for m in first.messages] == [
        ("Is it online too?", 0, False),
        ("Yes, we stream it.", 1, True),
        ("Thanks!", 1, False),
    ]
    assert second.id == anonymous
    assert second.root.author.name == "Facebook user"
    assert second.root.author.id != fake.page_id
    assert not second.root.ours


def test_a_page_named_by_its_user_name_knows_its_own_comments(fake: FakeGraph) -> None:
    post = fake.add_post()
    root = fake.add_comment(post, "Question?")
    fake.add_comment(post, "Answer.", author=fake.by_page, parent=root)
    source = GraphSource(fake.username, fake.token, fake.base_url)
    pulled = pull(source)
    source.close()
    assert pulled.cursor["page"]["id"] == fake.page_id
    (conversation,) = conversations(snapshot(pulled))
    assert [m.ours for m in conversation.messages] == [False, True]


def test_post_fields_metrics_and_scheduled_posts(fake: FakeGraph, source: GraphSource) -> None:
    published = fake.add_post("News", shares=4, reactions={"like": 120, "love": 9})
    quiet = fake.add_post("No shares")
    later = time.time() + 86400
    scheduled = fake.add_post("Coming soon", scheduled_at=later)

    document = pull(source).document
    assert document is not None
    by_id = {p["id"]: p for p in document["posts"]}
    assert by_id[published]["metrics"] == {"reactions": {"like": 120, "love": 9}, "shares": 4}
    assert by_id[published]["permalink"].startswith("https://www.facebook.com/")
    assert by_id[published]["channel"] == fake.page_name
    assert by_id[quiet]["metrics"] == {"reactions": {}, "shares": 0}
    assert by_id[scheduled]["status"] == "scheduled"
    assert by_id[scheduled]["scheduled_at"] == int(later)
    read = snapshot(pull(source))
    assert {p.id: p.status for p in read.posts}[scheduled] == "scheduled"
    assert {p.id: p.scheduled_at for p in read.posts}[scheduled] == int(later)


def test_posts_older_than_days_are_left_out(fake: FakeGraph) -> None:
    recent = fake.add_post("recent", time.time() - 2 * 86400)
    fake.add_post("old", time.time() - 20 * 86400)
    source = GraphSource(fake.page_id, fake.token, fake.base_url, days=7)
    document = pull(source).document
    source.close()
    assert document is not None
    assert [p["id"] for p in document["posts"]] == [recent]


def test_a_name_given_is_the_sources_name(fake: FakeGraph) -> None:
    source = GraphSource(fake.page_id, fake.token, fake.base_url, name="Support page")
    document = pull(source).document
    source.close()
    assert document is not None
    assert document["source"]["name"] == "Support page"
    assert document["source"]["account"]["name"] == fake.page_name


# -- incremental pulls -------------------------------------------------------------------------


def test_a_later_pull_reads_only_the_posts_that_changed(
    fake: FakeGraph, source: GraphSource
) -> None:
    posts = [fake.add_post(f"post {n}", time.time() - 3600 * (n + 1)) for n in range(4)]
    for post in posts:
        fake.add_comment(post, "first")
    first = pull(source)
    assert first.document is not None
    assert sorted(comment_reads(fake)) == sorted(posts)
    fake.server.log.clear()

    fake.add_comment(posts[2], "new one")
    second = pull(source, first.document, first.cursor)

    assert comment_reads(fake) == [posts[2]]
    document = second.document
    assert document is not None
    assert [len(p["comments"]) for p in document["posts"]] == [1, 1, 2, 1]
    assert document["posts"][0]["comments"] == first.document["posts"][0]["comments"]
    assert len(conversations(snapshot(second))) == 5


def test_a_poll_where_nothing_changed_costs_two_requests(
    fake: FakeGraph, source: GraphSource
) -> None:
    for n in range(3):
        post = fake.add_post(f"post {n}")
        fake.add_comment(post)
    first = pull(source)
    before = source.requests

    second = pull(source, first.document, first.cursor)

    assert second.document is None
    assert second.warnings == ()
    assert source.requests - before == 2
    feed = fake.requests("GET", fake.page_id, "feed")[-1]
    assert feed.headers.get("if-none-match")  # answered 304, with no body
    assert second.cursor["posts"] == first.cursor["posts"]
    third = pull(source, first.document, second.cursor)
    assert third.document is None and source.requests - before == 4


def test_a_poll_without_304_and_with_many_feed_pages(fake: FakeGraph) -> None:
    fake.feed_page_size = 2
    for n in range(5):
        fake.add_comment(fake.add_post(f"post {n}", time.time() - 3600 * (n + 1)))
    source = GraphSource(fake.page_id, fake.token, fake.base_url)
    first = pull(source)
    before = source.requests
    second = pull(source, first.document, first.cursor)
    source.close()
    assert second.document is None
    assert source.requests - before == 3 + 1  # the feed's pages and the scheduled posts
    assert len(comment_reads(fake)) == 5


def test_changed_metrics_alone_make_a_new_document_without_reading_comments(
    fake: FakeGraph, source: GraphSource
) -> None:
    post = fake.add_post("News", reactions={"like": 1})
    fake.add_comment(post)
    first = pull(source)
    fake.posts[post].reactions["like"] = 2
    second = pull(source, first.document, first.cursor)
    assert second.document is not None
    assert second.document["posts"][0]["metrics"]["reactions"] == {"like": 2}
    assert comment_reads(fake) == [post]


def test_without_the_previous_document_everything_is_read_again(
    fake: FakeGraph, source: GraphSource
) -> None:
    post = fake.add_post()
    fake.add_comment(post)
    first = pull(source)
    second = pull(source, None, first.cursor)
    assert second.document is not None
    assert comment_reads(fake) == [post, post]
    assert len(fake.requests("GET", fake.page_id, "feed")) == 2
    assert all("if-none-match" not in r.headers for r in fake.requests("GET", fake.page_id, "feed"))


def test_a_malformed_cursor_is_forgotten(fake: FakeGraph, source: GraphSource) -> None:
    post = fake.add_post()
    fake.add_comment(post)
    first = pull(source)
    for cursor in ({"posts": [], "page": "x", "feed": 3}, {"posts": {post: "x"}}, {"posts": None}):
        again = pull(source, first.document, cursor)
        assert again.document is None  # read again, and nothing changed
    assert comment_reads(fake) == [post] * 4


def test_the_page_name_is_asked_for_once_a_day(fake: FakeGraph) -> None:
    now = [time.time()]
    source = GraphSource(fake.page_id, fake.token, fake.base_url, clock=lambda: now[0])
    first = pull(source)
    pull(source, first.document, first.cursor)
    page_reads = [r for r in fake.requests("GET") if r.path == fake.path(fake.page_id)]
    assert len(page_reads) == 1
    now[0] += 25 * 3600
    fake.page_name = "Renamed"
    third = pull(source, first.document, first.cursor)
    source.close()
    assert third.document is not None
    assert third.document["source"]["account"]["name"] == "Renamed"


# -- errors ------------------------------------------------------------------------------------


def test_a_wrong_token_is_a_permanent_one_line_error(fake: FakeGraph) -> None:
    source = GraphSource(fake.page_id, "EAAwrongtoken123", fake.base_url)
    with pytest.raises(RemoteError) as caught:
        pull(source)
    source.close()
    message = str(caught.value)
    assert not caught.value.transient
    assert "Graph error 190" in message and "get a new page access token" in message
    assert "\n" not in message and "EAAwrongtoken123" not in message and "?" not in message


@pytest.mark.parametrize(
    ("code", "header", "usage", "wait"),
    [
        (4, "x-app-usage", {"call_count": 100, "estimated_time_to_regain_access": 5}, 300.0),
        (
            32,
            "x-business-use-case-usage",
            {"245628824887810": [{"type": "pages", "estimated_time_to_regain_access": 2}]},
            120.0,
        ),
        (17, "x-other", {}, 60.0),
        (80001, "x-page-usage", {"estimated_time_to_regain_access": 3}, 180.0),
    ],
)
def test_rate_limits_are_transient_with_the_wait_from_the_usage_headers(
    fake: FakeGraph, source: GraphSource, code: int, header: str, usage: object, wait: float
) -> None:
    fake.server.fail_next(
        "GET",
        fake.path(fake.page_id, "feed"),
        graph_error(
            code,
            "(#4) Application request limit reached",
            headers={header: orjson.dumps(usage).decode()},
        ),
    )
    with pytest.raises(RemoteError) as caught:
        pull(source)
    assert caught.value.transient
    assert caught.value.retry_after == wait
    assert f"Graph error {code}" in str(caught.value)


def test_a_failure_without_a_graph_error_waits_as_the_usage_headers_say(
    fake: FakeGraph, source: GraphSource
) -> None:
    usage = {"call_count": 100, "estimated_time_to_regain_access": 4}
    headers = {"x-app-usage": orjson.dumps(usage).decode(), "Retry-After": "30"}
    fake.server.fail_next("GET", fake.path(fake.page_id, "feed"), Response(503, None, headers))
    with pytest.raises(RemoteError) as caught:
        pull(source)
    assert caught.value.transient and caught.value.retry_after == 240.0
    assert "HTTP 503" in str(caught.value)


@pytest.mark.parametrize(
    ("answer", "transient", "says"),
    [
        (graph_error(1, "An unknown error occurred", status=500), True, "try again later"),
        (graph_error(2, "Service temporarily unavailable"), True, "try again later"),
        (Response(500, b"<html>oops</html>"), True, "HTTP 500"),
        (Response(404, b"not found"), False, "HTTP 404"),
        (graph_error(200, "(#200) Requires pages_read_engagement"), False, "permissions"),
        (graph_error(10, "(#10) Not enough permission"), False, "permissions"),
        (graph_error(100, "(#100) Unsupported get request", subcode=33), False, "Graph error 100"),
        (DROP, True, "connection broke off"),
        (Response(400, {"error": {"code": "190", "message": "x"}}), False, "new page access"),
    ],
)
def test_each_kind_of_failure(
    fake: FakeGraph, source: GraphSource, answer: Response, transient: bool, says: str
) -> None:
    fake.server.fail_next("GET", fake.path(fake.page_id), answer)
    with pytest.raises(RemoteError) as caught:
        pull(source)
    assert caught.value.transient is transient
    assert says in str(caught.value)
    assert "\n" not in str(caught.value) and fake.token not in str(caught.value)


def test_a_graph_message_is_untrusted_text(fake: FakeGraph, source: GraphSource) -> None:
    hostile = "(#100) [bold]boom[/] \x1b]0;pwned\x07 line\nbreak " + "x" * 5000 + fake.token
    fake.server.fail_next("GET", fake.path(fake.page_id), graph_error(100, hostile))
    with pytest.raises(RemoteError) as caught:
        pull(source)
    message = str(caught.value)
    assert "\x1b" not in message and "\n" not in message and "\x07" not in message
    assert len(message) < 400 and fake.token not in message


def test_refused_scheduled_posts_are_a_warning_and_not_asked_for_again_soon(
    fake: FakeGraph, source: GraphSource
) -> None:
    post = fake.add_post()
    fake.add_comment(post)
    fake.server.fail_next(
        "GET",
        fake.path(fake.page_id, "scheduled_posts"),
        graph_error(200, "(#200) Permissions error"),
    )
    first = pull(source)
    assert first.document is not None and len(first.document["posts"]) == 1
    assert len(first.warnings) == 1 and "scheduled posts" in first.warnings[0]
    assert "permissions" in first.warnings[0]
    assert first.advice == (graph_module.CAUSES[graph_module.SCHEDULED_REFUSED],)
    before = source.requests
    second = pull(source, first.document, first.cursor)
    # Not asked for, and still missing: said again, so the data's report stays whole.
    assert second.document is None
    assert (second.warnings, second.advice) == (first.warnings, first.advice)
    assert source.requests - before == 1


def test_a_transient_failure_of_the_scheduled_posts_fails_the_pull(
    fake: FakeGraph, source: GraphSource
) -> None:
    fake.server.fail_next("GET", fake.path(fake.page_id, "scheduled_posts"), Response(503))
    with pytest.raises(RemoteError) as caught:
        pull(source)
    assert caught.value.transient


def test_a_post_whose_comments_cannot_be_read_is_a_warning(
    fake: FakeGraph, source: GraphSource
) -> None:
    gone, kept = fake.add_post("gone"), fake.add_post("kept")
    fake.add_comment(gone)
    fake.add_comment(kept)
    fake.server.fail_next(
        "GET", fake.path(gone, "comments"), graph_error(100, "(#100) does not exist", subcode=33)
    )
    pulled = pull(source)
    assert len(pulled.warnings) == 1 and f"comments of post {gone}" in pulled.warnings[0]
    document = pulled.document
    assert document is not None
    by_id = {p["id"]: p for p in document["posts"]}
    assert by_id[gone]["comments"] == [] and len(by_id[kept]["comments"]) == 1
    assert gone not in pulled.cursor["posts"] and kept in pulled.cursor["posts"]
    again = pull(source, document, pulled.cursor)  # read again next time
    assert again.document is not None
    assert {p["id"]: len(p["comments"]) for p in again.document["posts"]} == {gone: 1, kept: 1}
    assert sorted(comment_reads(fake)) == sorted([gone, kept, gone])
    assert comment_reads(fake)[-1] == gone


def test_a_plain_404_on_one_posts_comments_is_a_warning(
    fake: FakeGraph, source: GraphSource
) -> None:
    gone, kept = fake.add_post("gone"), fake.add_post("kept")
    fake.add_comment(gone)
    fake.add_comment(kept)
    page = Response(404, b"<html>Not Found</html>", {"Content-Type": "text/html"})
    fake.server.fail_next("GET", fake.path(gone, "comments"), page)
    pulled = pull(source)
    assert pulled.warnings == (
        f"comments of post {gone} not read: {fake.url}/{gone}/comments: HTTP 404, nothing "
        "there; check the URL or the id",
    )
    assert pulled.document is not None
    comments = {p["id"]: len(p["comments"]) for p in pulled.document["posts"]}
    assert comments == {gone: 0, kept: 1}


def test_a_token_error_on_the_comments_fails_the_pull(fake: FakeGraph, source: GraphSource) -> None:
    post = fake.add_post()
    fake.add_comment(post)
    fake.server.fail_next("GET", fake.path(post, "comments"), graph_error(190, "expired"))
    with pytest.raises(RemoteError, match="get a new page access token"):
        pull(source)


# -- hostile and malformed answers ---------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [{"data": None}, {"data": {"id": "1"}}, [1, 2], "data", None, 42, {"error": None}, {}],
)
def test_a_feed_page_that_is_not_a_list_is_a_warning(
    fake: FakeGraph, source: GraphSource, body: object
) -> None:
    fake.add_post()
    fake.server.fail_next("GET", fake.path(fake.page_id, "feed"), Response(200, orjson.dumps(body)))
    pulled = pull(source)
    assert len(pulled.warnings) == 1 and "the feed" in pulled.warnings[0]
    assert pulled.document is not None and pulled.document["posts"] == []
    assert pulled.cursor["feed"]["single"] is False


def test_a_page_that_is_not_json_is_a_transient_error(fake: FakeGraph, source: GraphSource) -> None:
    fake.server.fail_next("GET", fake.path(fake.page_id, "feed"), Response(200, b"<html>"))
    with pytest.raises(RemoteError, match="not JSON") as caught:
        pull(source)
    assert caught.value.transient


HOSTILE_TEXT = "[bold]x[/] \x1b[31mred\x1b[0m \x1b]0;title\x07 \u202eevil" + "y" * 200_000


def hostile_items(now: float) -> list[Any]:
    good_time = graph_time(now - 60)
    return [
        None,
        42,
        "a string",
        ["a", "list"],
        {},
        {"id": None, "created_time": good_time},
        {"id": True, "created_time": good_time},
        {"id": "no-time"},
        {"id": "bad-time", "created_time": "yesterday"},
        {"id": "nested-time", "created_time": {"$date": 1}},
        {
            "id": "wrong-types",
            "created_time": good_time,
            "message": 123,
            "from": "someone",
            "parent": "c1",
            "like_count": "many",
            "is_hidden": "yes",
            "shares": {"count": "lots"},
            "reactions": [],
            "comments": {"summary": {"total_count": -5}},
            "like": {"summary": "x"},
            "permalink_url": ["x"],
        },
        {
            "id": "hostile-text",
            "created_time": good_time,
            "message": HOSTILE_TEXT,
            "from": {"id": "u\x1b[2J", "name": HOSTILE_TEXT},
        },
        {"id": 777, "created_time": int(now - 30), "message": "numeric id and time"},
    ]


def test_hostile_items_are_skipped_with_warnings_and_the_rest_loads(
    fake: FakeGraph, source: GraphSource
) -> None:
    now = time.time()
    post = fake.add_post("a real post")
    fake.add_comment(post, "a real comment")
    feed = {"data": [fake.posts[post].as_graph(), *hostile_items(now)]}
    fake.server.fail_next("GET", fake.path(fake.page_id, "feed"), Response(200, feed))
    real = fake.posts[post].comments[0].as_graph(fake.posts[post], 0)
    comments = {"data": [real, *hostile_items(now)], "paging": "oops"}
    fake.server.fail_next("GET", fake.path(post, "comments"), Response(200, comments))

    pulled = pull(source)

    skipped = [w for w in pulled.warnings if w.endswith("skipped")]
    assert len(skipped) == 2 * 10
    # The three odd posts are asked for their comments, and do not exist.
    assert len(pulled.warnings) == 2 * 10 + 3
    assert all("\n" not in w and "\x1b" not in w for w in pulled.warnings)
    document = pulled.document
    assert document is not None
    ids = [p["id"] for p in document["posts"]]
    assert ids == [post, "wrong-types", "hostile-text", "777"]
    comments_read = document["posts"][0]["comments"]
    assert [c["id"] for c in comments_read] == [real["id"], "wrong-types", "hostile-text", "777"]
    hostile = comments_read[2]
    assert hostile["text"] == HOSTILE_TEXT  # passed on as data; the native reader sanitises
    wrong = comments_read[1]
    assert wrong["parent_id"] is None and wrong["likes"] == 0 and wrong["hidden"] is False
    assert wrong["author"]["name"] == "Facebook user" and wrong["text"] == ""
    assert document["posts"][1]["metrics"] == {"reactions": {}, "shares": None}

    read = snapshot(pulled)
    assert [p.id for p in read.posts] == ids
    assert len(conversations(read)) == 4
    shown = next(m for c in conversations(read) for m in c.messages if m.id == "hostile-text")
    assert "\x1b" not in shown.text and "[bold]x[/]" in shown.text
    assert "\x1b" not in shown.author.id


def test_paging_that_repeats_or_leads_elsewhere_is_not_followed(
    fake: FakeGraph, source: GraphSource
) -> None:
    post = fake.add_post()
    fake.add_comment(post, "one")
    item = fake.posts[post].comments[0].as_graph(fake.posts[post], 0)
    again = f"{fake.base_url}/{post}/comments?access_token={fake.token}&after=QQ"
    elsewhere = f"https://evil.example/{post}/comments?access_token={fake.token}"
    path = fake.path(post, "comments")
    fake.server.fail_next(
        "GET",
        path,
        Response(200, {"data": [item], "paging": {"next": again}}),
        Response(200, {"data": [], "paging": {"next": again}}),
    )
    first = pull(source)
    assert len(first.warnings) == 1 and "repeats" in first.warnings[0]
    assert len(fake.requests("GET", post, "comments")) == 2

    fake.server.fail_next(
        "GET", path, Response(200, {"data": [item], "paging": {"next": elsewhere}})
    )
    second = pull(source)
    assert len(second.warnings) == 1 and "leads elsewhere" in second.warnings[0]
    assert "evil.example" in second.warnings[0]
    assert not leaks(fake.token, first, second)
    assert len(fake.requests("GET", post, "comments")) == 3


def test_paging_is_capped(
    fake: FakeGraph, source: GraphSource, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(graph_module, "MAX_PAGES", 6)
    fake.comments_page_size = 1
    post = fake.add_post()
    for n in range(20):
        fake.add_comment(post, f"c{n}")
    pulled = pull(source)
    assert source.requests == 6
    assert any("stopped after 6 requests" in w for w in pulled.warnings)
    assert pulled.document is not None
    assert len(pulled.document["posts"][0]["comments"]) == 3  # the page, feed, scheduled
    assert post not in pulled.cursor["posts"]


def test_a_pull_reads_no_more_than_its_byte_budget(
    fake: FakeGraph, source: GraphSource, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pull_module, "PULL_MAX_BYTES", 20_000)
    post = fake.add_post()
    for n in range(200):
        fake.add_comment(post, f"comment number {n}, long enough to add up")
    with pytest.raises(RemoteError, match=r"read over 0.02 MB; set a smaller `days`") as caught:
        pull(source)
    assert not caught.value.transient
    monkeypatch.setattr(pull_module, "PULL_MAX_BYTES", 2_000_000)
    pulled = pull(source)  # the next pull has a budget of its own
    assert pulled.document is not None


def test_a_partial_read_keeps_the_comments_it_did_not_reach(
    fake: FakeGraph, source: GraphSource
) -> None:
    fake.comments_page_size = 2
    post = fake.add_post()
    for n in range(5):
        fake.add_comment(post, f"c{n}")
    first = pull(source)
    new = fake.add_comment(post, "c5")
    items = [fake.posts[post].comments[n].as_graph(fake.posts[post], 0) for n in (0, 5)]
    link = f"{fake.base_url}/{post}/comments?after=QQ"
    fake.server.fail_next(
        "GET",
        fake.path(post, "comments"),
        Response(200, {"data": items, "paging": {"next": link}}),
        Response(200, {"data": None}),
    )
    second = pull(source, first.document, first.cursor)
    assert second.document is not None and len(second.warnings) == 1
    comments = second.document["posts"][0]["comments"]
    assert sorted(c["text"] for c in comments) == [f"c{n}" for n in range(6)]
    assert new in {c["id"] for c in comments} and post not in second.cursor["posts"]
    assert second.cursor["feed"]["etag"] is None  # the next poll reads the feed whole
    third = pull(source, second.document, second.cursor)
    assert third.document is not None
    assert [c["text"] for c in third.document["posts"][0]["comments"]] == [
        f"c{n}" for n in range(6)
    ]


def test_the_token_is_never_shown(fake: FakeGraph, source: GraphSource) -> None:
    fake.comments_page_size = 1
    post = fake.add_post()
    for n in range(3):
        fake.add_comment(post, f"c{n}")
    first = pull(source)
    pages = fake.requests("GET", post, "comments")
    assert len(pages) == 3 and pages[1].query["access_token"] == [fake.token]  # links followed
    assert not leaks(fake.token, first.document, first.cursor, first.warnings, source.location)

    # An error on the second page, reached through a link holding the token.
    fake.add_comment(post, "c3")
    path = fake.path(post, "comments")
    item = fake.posts[post].comments[0].as_graph(fake.posts[post], 0)
    link = f"{fake.base_url}/{post}/comments?access_token={fake.token}&after=QQ"
    first_page = Response(200, {"data": [item], "paging": {"next": link}})
    fake.server.fail_next("GET", path, first_page, graph_error(100, f"bad cursor for {fake.token}"))
    second = pull(source, first.document, first.cursor)
    assert second.warnings and "bad cursor" in second.warnings[0]
    assert not leaks(fake.token, second.document, second.cursor, second.warnings)

    fake.add_comment(post, "c4")
    fake.server.fail_next("GET", path, first_page, Response(502))
    with pytest.raises(RemoteError) as caught:
        pull(source, second.document, second.cursor)
    assert caught.value.transient and fake.token not in str(caught.value)
    assert "?" not in str(caught.value)


# -- replying and moderating ---------------------------------------------------------------------


def test_a_reply_is_posted_to_the_conversation_and_read_back_as_ours(
    fake: FakeGraph, source: GraphSource
) -> None:
    post = fake.add_post()
    root = fake.add_comment(post, "Is it online too?")
    member_reply = fake.add_comment(post, "I wonder too", parent=root)
    first = pull(source)
    assert first.document is not None
    reply = Reply.new(root, member_reply, "Yes, we stream it.", time.time())

    new_id = source.send_reply(reply, first.document)

    (sent,) = fake.requests("POST")
    assert sent.path == fake.path(root, "comments")
    assert sent.form() == {"message": "Yes, we stream it."}
    assert sent.headers["authorization"] == f"Bearer {fake.token}"
    second = pull(source, first.document, first.cursor)
    conversation = next(iter(conversations(snapshot(second))))
    assert conversation.id == root
    assert conversation.messages[-1].id == new_id
    assert conversation.messages[-1].ours and conversation.messages[-1].depth == 1


def test_a_reply_that_facebook_refuses_or_does_not_confirm(
    fake: FakeGraph, source: GraphSource
) -> None:
    post = fake.add_post()
    root = fake.add_comment(post)
    reply = Reply.new(root, root, "Hello", time.time())
    fake.server.fail_next("POST", fake.path(root), Response(200, {"ok": 1}))
    with pytest.raises(RemoteError, match="may be posted") as caught:
        source.send_reply(reply, {})
    assert not caught.value.transient
    with pytest.raises(RemoteError, match="not a Graph id"):
        source.send_reply(Reply.new("../x?y", root, "Hello", time.time()), {})
    missing = Reply.new("1_404", "1_404", "Hello", time.time())
    with pytest.raises(RemoteError, match="Graph error 100"):
        source.send_reply(missing, {})


def test_matching_replies_are_the_page_s_comments_with_the_text_whatever_their_time(
    fake: FakeGraph, source: GraphSource
) -> None:
    fake.comments_page_size = 2
    post = fake.add_post()
    root = fake.add_comment(post, "Question?")
    for n in range(3):
        fake.add_comment(post, f"noise {n}", parent=root)
    document = pull(source).document
    assert document is not None
    reply = Reply.new(root, root, "Thanks  for\nasking!", time.time())

    assert source.matching_replies(reply, document) == []
    older = fake.add_comment(
        post, "Thanks for asking!", author=fake.by_page, parent=root, created=1.0e9
    )
    new_id = fake.add_comment(post, "Thanks for asking! ", author=fake.by_page, parent=root)
    fake.add_comment(post, "Thanks for asking!", parent=root)  # a member, not us
    assert source.matching_replies(reply, document) == [older, new_id]
    assert len(fake.requests("GET", root, "comments")) > 2  # read to the last page
    other = Reply.new(root, root, "Something else", time.time())
    assert source.matching_replies(other, document) == []

    # Items that are not comments are passed over.
    junk = Response(200, {"data": [1, "x", None, {}, {"id": 7}]})
    fake.server.fail_next("GET", fake.path(root, "comments"), junk)
    assert source.matching_replies(reply, document) == []

    # A conversation not read to its end says nothing of what it holds.
    fake.server.fail_next("GET", fake.path(root, "comments"), Response(200, {"data": 3}))
    with pytest.raises(RemoteError, match="try again later") as caught:
        source.matching_replies(other, document)
    assert caught.value.transient and fake.token not in str(caught.value)


def test_matching_replies_know_the_page_by_its_number_before_any_pull(fake: FakeGraph) -> None:
    post = fake.add_post()
    root = fake.add_comment(post, "Question?")
    ours = fake.add_comment(post, "On it", author=fake.by_page, parent=root)
    source = GraphSource(fake.username, fake.token, fake.base_url)
    reply = Reply.new(root, root, "On it", time.time())
    assert source.matching_replies(reply, {}) == [ours]
    source.close()


def test_hide_and_unhide(fake: FakeGraph, source: GraphSource) -> None:
    post = fake.add_post()
    comment = fake.add_comment(post)
    source.set_hidden(comment, True)
    assert fake.comments[comment].hidden
    (sent,) = fake.requests("POST")
    assert sent.path == fake.path(comment) and sent.form() == {"is_hidden": "true"}
    document = pull(source).document
    assert document is not None and document["posts"][0]["comments"][0]["hidden"] is True
    source.set_hidden(comment, False)
    assert not fake.comments[comment].hidden
    assert source.can_hide

    fake.server.fail_next("POST", fake.path(comment), Response(200, {"success": False}))
    with pytest.raises(RemoteError, match="did not confirm") as caught:
        source.set_hidden(comment, True)
    assert caught.value.transient


# -- the source itself -----------------------------------------------------------------------------


def test_location_and_checks(fake: FakeGraph) -> None:
    source = GraphSource(fake.page_id, fake.token, fake.base_url + "/")
    assert source.location == f"{fake.base_url}/{fake.page_id}"
    source.close()
    with pytest.raises(SourceError, match="not a page id"):
        GraphSource("12/../feed?x", fake.token, fake.base_url)
    with pytest.raises(SourceError, match="plain http is refused"):
        GraphSource("1", fake.token, "http://graph.example.com/v19.0")
    GraphSource("1", fake.token, "http://graph.example.com/v19.0", allow_http=True).close()


def test_five_thousand_comments(fake: FakeGraph, source: GraphSource) -> None:
    fake.populate(posts=50, comments=5000)
    started = time.perf_counter()
    pulled = pull(source)
    assert time.perf_counter() - started < 5
    assert pulled.warnings == ()
    read = snapshot(pulled)
    assert len(read.posts) == 50
    assert sum(len(c.messages) for c in conversations(read)) == 5000
    assert any(m.ours for c in conversations(read) for m in c.messages)


# -- comments without ids, and warnings that last --------------------------------------------


def test_the_recorded_comments_without_ids_are_shown_read_only() -> None:
    with RecordedGraph().running() as recorded:
        source = GraphSource(
            recorded.page_id, recorded.token, recorded.base_url, allow_http=True, days=3650
        )
        pulled = pull(source)
        source.close()

    read = snapshot(pulled)
    threads = conversations(read)
    messages = [m for c in threads for m in c.messages]
    assert len(threads) == 10 and len(messages) == 15
    assert all(m.read_only for m in messages)
    assert sum(m.depth == 1 for m in messages) == 5
    # The reply the page wrote to the comment asking for help with Instagram (p1, item 1).
    asked = next(c for c in threads if c.id == "10158407654328553_10158407903973553")
    assert [m.id.partition("_")[2] for m in asked.messages] == [
        "10158407903973553",
        "10158409983033553",
        "10158409984053553",
    ]
    assert {m.author.name for m in messages} == {"Facebook user"}
    read_only = [w for w in pulled.warnings if "shown read-only" in w]
    assert len(read_only) == 15 and len(pulled.warnings) == 16
    assert read_only[0] == (
        f"comments of post {RecordedGraph.post_id}, item 0: no id; shown read-only as "
        "'10158407654328553_10158407835073553', the comment its link names"
    )
    assert any(w.startswith("scheduled posts left out:") for w in pulled.warnings)
    assert pulled.advice == (
        graph_module.CAUSES[graph_module.SCHEDULED_REFUSED],
        graph_module.CAUSES[graph_module.WITHHELD_IDS],
    )
    assert "pages_manage_engagement" in pulled.advice[1] and pulled.unlisted == 0


def test_reused_comments_without_ids_are_reported_on_every_pull(fake: FakeGraph) -> None:
    fake.withhold_ids = True
    post = fake.add_post()
    root = fake.add_comment(post, "Is it online too?")
    fake.add_comment(post, "Yes, we stream it.", author=fake.by_page, parent=root)
    source = GraphSource(fake.page_id, fake.token, fake.base_url)
    first = pull(source)
    assert first.document is not None
    comments = first.document["posts"][0]["comments"]
    assert [(c["id"], c["parent_id"], c["read_only"]) for c in comments] == [
        (root, None, True),
        (fake.posts[post].comments[1].id, root, True),
    ]
    before = source.requests

    second = pull(source, first.document, first.cursor)  # the feed answers 304

    assert source.requests - before == 2 and second.document is None
    assert (second.warnings, second.advice) == (first.warnings, first.advice)
    assert len(second.warnings) == 2
    assert second.advice == (graph_module.CAUSES[graph_module.WITHHELD_IDS],)
    fake.withhold_ids = False
    fake.add_comment(post, "Thanks!")
    third = pull(source, second.document or first.document, second.cursor)
    assert third.document is not None and third.warnings == () and third.advice == ()
    assert not any(c.get("read_only") for c in third.document["posts"][0]["comments"])
    source.close()


def test_a_comment_without_an_id_or_a_link_naming_it_is_skipped_with_the_cause(
    fake: FakeGraph, source: GraphSource
) -> None:
    post = fake.add_post()
    fake.add_comment(post)
    time_given = graph_time(time.time() - 60)
    odd_links = [None, "https://www.facebook.com/x/posts/1/", "https://x/?comment_id=12a", 7]
    items = [{"created_time": time_given, "message": "?", "permalink_url": u} for u in odd_links]
    fake.server.fail_next("GET", fake.path(post, "comments"), Response(200, {"data": items}))
    pulled = pull(source)
    assert pulled.warnings == tuple(
        f"comments of post {post}, item {n}: no id; skipped" for n in range(4)
    )
    assert pulled.advice == (graph_module.CAUSES[graph_module.WITHHELD_IDS],)
    assert pulled.document is not None and pulled.document["posts"][0]["comments"] == []


def test_warnings_beyond_the_cap_are_counted(
    fake: FakeGraph, source: GraphSource, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pull_module, "MAX_PART_WARNINGS", 3)
    monkeypatch.setattr(pull_module, "MAX_WARNINGS", 4)
    fake.withhold_ids = True
    posts = [fake.add_post(f"post {n}") for n in range(2)]
    for post in posts:
        for n in range(5):
            fake.add_comment(post, f"c{n}")
    first = pull(source)
    # Each post: 3 lines kept, 2 counted; of the 6 lines kept, 4 given, 2 counted.
    assert len(first.warnings) == 4 and first.unlisted == 6
    second = pull(source, first.document, first.cursor)
    assert (second.warnings, second.unlisted) == (first.warnings, first.unlisted)


def test_warnings_kept_in_the_cursor_are_untrusted(fake: FakeGraph, source: GraphSource) -> None:
    post = fake.add_post()
    fake.add_comment(post)
    first = pull(source)
    hostile = "\x1b]52;c;cGF3bmVk\x07 [bold]x[/] line\nbreak " + "y" * 1000
    cursor = {
        **first.cursor,
        "warnings": {
            f"post {post}": {"lines": [hostile, 5], "more": 2, "causes": ["nope", "withheld-ids"]},
            "feed": {"lines": "not a list", "more": 0, "causes": []},
            "page": ["malformed"],
        },
    }
    second = pull(source, first.document, cursor)
    (line,) = second.warnings
    assert "\x1b" not in line and "\n" not in line and len(line) <= 300
    assert "[bold]x[/]" in line
    assert second.unlisted == 2
    assert second.advice == (graph_module.CAUSES[graph_module.WITHHELD_IDS],)


def test_an_expired_token_pauses_delivery_until_a_renewed_one_is_used(
    fake: FakeGraph, tmp_path: Path
) -> None:
    post = fake.add_post()
    root = fake.add_comment(post, "Question?")
    source = GraphSource(fake.page_id, "EAAG-expired-token-0000", fake.base_url)
    courier = Courier(source, Store(tmp_path / "s"), Clock(), lambda: None)
    Store(tmp_path / "s").queue_reply(Reply.new(root, root, "Answer", time.time()))
    done = courier.deliver_due()
    assert courier.refused is not None and "Graph error 190" in courier.refused
    assert [(d.item.status, d.item.paused) for d in done] == [("queued", True)]
    assert "expired-token" not in (done[0].item.error or "")
    source.use_token(fake.token)
    courier.resume()
    assert [d.item.status for d in courier.deliver_due()] == ["sent"]
    assert [c.message for c in fake.comments.values()] == ["Question?", "Answer"]
    assert fake.requests("POST")[-1].headers["authorization"] == f"Bearer {fake.token}"
    source.close()
