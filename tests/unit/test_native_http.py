"""The commdash/v1-over-HTTP source against a real fake service on 127.0.0.1."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest
from _deep import DEPTHS, nested_export, too_deep_at
from servers.base import DROP, Response
from servers.native import ACCOUNT, EXPORT_PATH, HIDE_PATH, REPLY_PATH, FakeNative, make_document

from commdash.errors import SourceError
from commdash.outbox import Reply
from commdash.sources.http import RemoteError
from commdash.sources.jsondoc import MAX_DEPTH
from commdash.sources.live import Progress
from commdash.sources.native import read_native
from commdash.sources.native_http import NativeHttpSource
from commdash.statefiles import temporary_name
from commdash.sync import LiveFeed

QUEUED_AT = 1_795_100_000.0  # 2026-11-19T14:53:20Z

Make = Callable[..., NativeHttpSource]


@pytest.fixture
def fake() -> Iterator[FakeNative]:
    server = FakeNative().start()
    yield server
    server.stop()


@pytest.fixture
def make(fake: FakeNative) -> Iterator[Make]:
    """Sources for ``fake`` (replies and hides configured unless told otherwise)."""
    made: list[NativeHttpSource] = []

    def build(**options: Any) -> NativeHttpSource:
        settings: dict[str, Any] = {
            "token": fake.token,
            "reply_url": fake.reply_url,
            "hide_url": fake.hide_url,
            **options,
        }
        source = NativeHttpSource(fake.url, **settings)
        made.append(source)
        return source

    yield build
    for source in made:
        source.close()


def ignore(progress: Progress) -> None:
    pass


def remote_error(call: Callable[[], object]) -> RemoteError:
    with pytest.raises(RemoteError) as caught:
        call()
    message = str(caught.value)
    assert "\n" not in message and len(message) < 300
    return caught.value


def a_reply(key: str = "key-1", text: str = "Thanks, see you Friday!") -> Reply:
    return Reply(key, "p0-c0", "p0-c0", text, QUEUED_AT)


def comments_of(document: dict[str, Any]) -> list[dict[str, Any]]:
    return [c for post in document["posts"] for c in post["comments"]]


# Pulling


def test_the_first_pull_returns_the_document_and_its_validators(
    fake: FakeNative, make: Make
) -> None:
    seen: list[Progress] = []
    pulled = make().pull(None, {}, seen.append)
    assert pulled.document == fake.document
    assert pulled.cursor == {"etag": fake.etag, "last_modified": fake.last_modified}
    assert pulled.warnings == ()
    assert seen == [Progress(pages=1, items=2 + 4)]
    request = fake.server.requests("GET")[0]
    assert request.headers["authorization"] == f"Bearer {fake.token}"
    assert "if-none-match" not in request.headers


def test_an_unchanged_source_costs_exactly_one_request_and_no_document(
    fake: FakeNative, make: Make
) -> None:
    source = make()
    first = source.pull(None, {}, ignore)
    before = (source.requests, len(fake.server.log))
    again = source.pull(first.document, first.cursor, ignore)
    assert again.document is None
    assert again.cursor == first.cursor
    assert (source.requests, len(fake.server.log)) == (before[0] + 1, before[1] + 1)
    sent = fake.server.log[-1].headers
    assert sent["if-none-match"] == fake.etag
    assert sent["if-modified-since"] == fake.last_modified


def test_a_changed_document_comes_whole_with_a_new_etag(fake: FakeNative, make: Make) -> None:
    source = make()
    first = source.pull(None, {}, ignore)
    fake.populate(3, 9)
    changed = source.pull(first.document, first.cursor, ignore)
    assert changed.document == fake.document
    assert changed.cursor["etag"] == fake.etag != first.cursor["etag"]
    assert source.pull(changed.document, changed.cursor, ignore).document is None


def test_a_server_with_only_last_modified(fake: FakeNative, make: Make) -> None:
    fake.send_etag = False
    source = make()
    first = source.pull(None, {}, ignore)
    assert first.cursor == {"last_modified": fake.last_modified}
    assert source.pull(first.document, first.cursor, ignore).document is None
    fake.populate(1, 1)
    changed = source.pull(first.document, first.cursor, ignore)
    assert changed.document == fake.document
    assert changed.cursor["last_modified"] != first.cursor["last_modified"]


def test_a_server_without_validators_is_pulled_whole_each_time(
    fake: FakeNative, make: Make
) -> None:
    fake.send_etag = fake.send_last_modified = False
    source = make()
    first = source.pull(None, {}, ignore)
    assert first.cursor == {}
    assert source.pull(first.document, first.cursor, ignore).document == fake.document


def test_without_a_previous_document_the_cursor_is_not_used(fake: FakeNative, make: Make) -> None:
    # The cache lost the document but kept the cursor: a 304 would leave nothing to show.
    source = make()
    cursor = source.pull(None, {}, ignore).cursor
    assert source.pull(None, cursor, ignore).document == fake.document
    assert "if-none-match" not in fake.server.log[-1].headers


@pytest.mark.parametrize(
    "cursor", [{"etag": 7, "last_modified": None}, {"etag": '"a"\r\nX-Evil: 1'}, {"etag": ""}]
)
def test_a_damaged_cursor_makes_an_unconditional_pull(
    fake: FakeNative, make: Make, cursor: dict[str, Any]
) -> None:
    source = make()
    previous = source.pull(None, {}, ignore).document
    assert source.pull(previous, cursor, ignore).document == fake.document
    assert "if-none-match" not in fake.server.log[-1].headers
    assert "x-evil" not in fake.server.log[-1].headers


def test_a_304_to_an_unconditional_request_is_an_error(fake: FakeNative, make: Make) -> None:
    fake.server.fail_next("GET", EXPORT_PATH, Response(304))
    error = remote_error(lambda: make().pull(None, {}, ignore))
    assert "304" in str(error) and not error.transient


# Failures


@pytest.mark.parametrize(
    ("status", "says", "transient"),
    [
        (403, "HTTP 403", False),
        (404, "HTTP 404", False),
        (500, "HTTP 500", True),
        (503, "HTTP 503", True),
    ],
)
def test_error_statuses(
    fake: FakeNative, make: Make, status: int, says: str, transient: bool
) -> None:
    fake.server.fail_next("GET", EXPORT_PATH, Response(status, {"error": "no"}))
    error = remote_error(lambda: make().pull(None, {}, ignore))
    assert says in str(error) and fake.url in str(error)
    assert error.transient is transient


def test_a_refused_token_is_a_permanent_401(make: Make) -> None:
    error = remote_error(lambda: make(token="wrong-token").pull(None, {}, ignore))
    assert "HTTP 401" in str(error) and "token" in str(error)
    assert not error.transient
    assert "wrong-token" not in str(error)


def test_a_rate_limit_says_how_long_to_wait(fake: FakeNative, make: Make) -> None:
    fake.server.fail_next("GET", EXPORT_PATH, Response(429, {}, {"Retry-After": "7"}))
    error = remote_error(lambda: make().pull(None, {}, ignore))
    assert "429" in str(error)
    assert error.transient and error.retry_after == 7.0


def test_a_dropped_connection_is_transient(fake: FakeNative, make: Make) -> None:
    fake.server.fail_next("GET", EXPORT_PATH, DROP)
    assert remote_error(lambda: make().pull(None, {}, ignore)).transient


def test_a_slow_server_is_transient(fake: FakeNative, make: Make) -> None:
    fake.server.delay = 0.5
    assert remote_error(lambda: make(timeout=0.1).pull(None, {}, ignore)).transient


def test_a_body_that_is_not_json_names_the_line_and_column(fake: FakeNative, make: Make) -> None:
    fake.set_body(b'{\n  "format": "commdash/v1",\n  "posts": [,]\n}')
    error = remote_error(lambda: make().pull(None, {}, ignore))
    assert str(error).startswith(f"{fake.url}: line 3 column 13: not valid JSON")
    assert not error.transient


@pytest.mark.parametrize(
    ("body", "says"),
    [
        (b'{"format": "other/v2", "posts": []}', "\"format\" is 'other/v2'"),
        (b'{"posts": []}', '"format" is missing'),
        (b"[1, 2]", "the top level is an array"),
        (b'"\\u001b[31m"', "the top level is a string"),
    ],
)
def test_a_document_that_is_not_a_commdash_export(
    fake: FakeNative, make: Make, body: bytes, says: str
) -> None:
    fake.set_body(body)
    error = remote_error(lambda: make().pull(None, {}, ignore))
    assert f"{fake.url}: not a commdash/v1 export" in str(error) and says in str(error)
    assert not error.transient


def test_a_hostile_document_arrives_whole_and_reads(fake: FakeNative, make: Make) -> None:
    document = make_document(1, 3)
    thread = document["posts"][0]["comments"]
    thread[0]["text"] = "\x1b[2J\x1b]0;owned\x07[bold]x[/]\u202e" + "y" * 3_000_000
    thread[1]["parent_id"] = thread[2]["id"]  # a cycle
    thread[2]["parent_id"] = thread[1]["id"]
    thread.append(dict(thread[0]))  # a repeated id
    thread += [
        {"id": f"d{i}", "parent_id": f"d{i - 1}", "author": {"id": "u"}} for i in range(3000)
    ]
    body = orjson.dumps(document).replace(b'"Post 0"', b'"\\ud800 lone"')
    fake.set_body(body)
    pulled = make().pull(None, {}, ignore)
    assert pulled.document is not None
    assert pulled.document["posts"][0]["text"] == "\ufffd lone"  # writable as UTF-8 again
    snapshot = read_native(pulled.document, fake.url, "fake", 0.0)
    assert len(snapshot.posts) == 1


def test_plain_http_to_another_host_is_refused_before_any_request() -> None:
    with pytest.raises(SourceError, match="plain http is refused"):
        NativeHttpSource("http://example.com/export.json")
    with pytest.raises(SourceError, match="plain http is refused"):
        NativeHttpSource("https://example.com/export.json", reply_url="http://example.com/r")
    with pytest.raises(SourceError, match="not an http"):
        NativeHttpSource("ftp://example.com/export.json")
    NativeHttpSource("http://example.com/export.json", allow_http=True).close()
    NativeHttpSource("http://127.0.0.1:9/export.json").close()


def test_the_token_appears_in_no_message_nor_cursor(fake: FakeNative, make: Make) -> None:
    token = "s3cr3t-t0ken"
    fake.token = token
    source = make(token=token)
    echo = {"error": f"token {token} expired", "format": token}
    messages = []
    for failure in (Response(400, echo), Response(500, echo), DROP, Response(200, echo)):
        fake.server.fail_next("GET", EXPORT_PATH, failure)
        messages.append(str(remote_error(lambda: source.pull(None, {}, ignore))))
    fake.server.fail_next(
        "GET", EXPORT_PATH, Response(200, fake.body, {"ETag": f'"{token}"', "Last-Modified": token})
    )
    cursor = source.pull(None, {}, ignore).cursor
    assert all(token not in message for message in messages), messages
    assert "[token]" in messages[0]
    assert token not in orjson.dumps(cursor).decode()


# Replies


def test_a_reply_is_posted_with_its_key_and_the_next_pull_sees_it(
    fake: FakeNative, make: Make
) -> None:
    source = make()
    new_id = source.send_reply(a_reply(), {})
    request = fake.server.requests("POST", REPLY_PATH)[0]
    assert request.headers["idempotency-key"] == "key-1"
    assert request.headers["authorization"] == f"Bearer {fake.token}"
    assert request.headers["content-type"] == "application/json"
    assert request.json() == {
        "id": "key-1",
        "conversation_id": "p0-c0",
        "in_reply_to": "p0-c0",
        "text": "Thanks, see you Friday!",
        "queued_at": "2026-11-19T14:53:20Z",
    }
    pulled = source.pull(None, {}, ignore)
    assert pulled.document is not None
    [posted] = [c for c in comments_of(pulled.document) if c["id"] == new_id]
    assert posted["author"] == ACCOUNT and posted["parent_id"] == "p0-c0"


def test_a_repeated_key_posts_once_and_gives_the_same_id(fake: FakeNative, make: Make) -> None:
    source = make()
    first = source.send_reply(a_reply(), {})
    etag = fake.etag
    assert source.send_reply(a_reply(), {}) == first
    assert fake.etag == etag
    assert fake.document is not None
    assert [c["id"] for c in comments_of(fake.document)].count(first) == 1
    assert source.matching_replies(a_reply(), {}) is None


def test_a_conflict_means_already_posted(fake: FakeNative, make: Make) -> None:
    fake.conflict_on_repeat = True
    source = make()
    first = source.send_reply(a_reply(), {})
    assert source.send_reply(a_reply(), {}) == first
    fake.server.fail_next("POST", REPLY_PATH, Response(409, b""))
    assert source.send_reply(a_reply("key-2"), {}) == ""


def test_a_conflict_elsewhere_is_an_ordinary_error(fake: FakeNative, make: Make) -> None:
    fake.server.fail_next("GET", EXPORT_PATH, Response(409, {"error": "busy"}))
    assert str(remote_error(lambda: make().pull(None, {}, ignore))).endswith("HTTP 409: busy")


def test_replies_need_a_reply_url(fake: FakeNative, make: Make) -> None:
    error = remote_error(lambda: make(reply_url=None).send_reply(a_reply(), {}))
    assert "set reply_url for this source in the config" in str(error)
    assert not error.transient
    assert fake.server.requests("POST") == []


@pytest.mark.parametrize(
    ("answer", "says", "transient"),
    [
        (Response(422, {"error": "too long"}), "HTTP 422: too long", False),
        (Response(400, b"<html>"), "HTTP 400", False),
        (Response(503), "HTTP 503", True),
        (Response(429, {}, {"Retry-After": "30"}), "HTTP 429", True),
        (DROP, "broke off", True),
        (Response(201, {"ok": True}), 'without the new message\'s "id"', False),
        (Response(200, b"not json"), 'without the new message\'s "id"', False),
    ],
)
def test_reply_failures(
    fake: FakeNative, make: Make, answer: Response, says: str, transient: bool
) -> None:
    fake.server.fail_next("POST", REPLY_PATH, answer)
    error = remote_error(lambda: make().send_reply(a_reply(), {}))
    assert says in str(error) and fake.reply_url in str(error)
    assert error.transient is transient


def test_a_numeric_id_is_taken_as_text(fake: FakeNative, make: Make) -> None:
    fake.server.fail_next("POST", REPLY_PATH, Response(200, {"id": 12345}))
    assert make().send_reply(a_reply(), {}) == "12345"


# Hiding


def test_hiding_through_the_hide_url(fake: FakeNative, make: Make) -> None:
    source = make()
    assert source.can_hide
    source.set_hidden("p1-c1", True)
    assert fake.server.requests("POST", HIDE_PATH)[0].json() == {
        "message_id": "p1-c1",
        "hidden": True,
    }
    assert (fake.comment("p1-c1") or {})["hidden"] is True
    source.set_hidden("p1-c1", False)
    assert (fake.comment("p1-c1") or {})["hidden"] is False
    fake.server.fail_next("POST", HIDE_PATH, Response(500))
    assert remote_error(lambda: source.set_hidden("p1-c1", True)).transient


def test_without_a_hide_url_the_source_cannot_hide(fake: FakeNative, make: Make) -> None:
    source = make(hide_url=None)
    assert not source.can_hide
    with pytest.raises(NotImplementedError, match="cannot hide"):
        source.set_hidden("p1-c1", True)
    assert fake.server.requests("POST") == []


def test_populate_makes_a_document_of_the_size_asked(fake: FakeNative, make: Make) -> None:
    document = fake.populate(7, 100)
    assert len(document["posts"]) == 7 and len(comments_of(document)) == 100
    seen: list[Progress] = []
    make().pull(None, {}, seen.append)
    assert seen == [Progress(pages=1, items=107)]


# Nesting: the same limit as for a file, and what is accepted can be kept


@pytest.mark.parametrize("depth", DEPTHS)
def test_a_document_nested_too_deep_fails_the_sync_and_one_accepted_is_kept(
    tmp_path: Path, fake: FakeNative, make: Make, depth: int
) -> None:
    data = nested_export(depth)
    fake.set_body(data)
    feed = LiveFeed(make(), tmp_path / "live" / "copy.json", "fake")
    if depth > MAX_DEPTH:
        line, column = too_deep_at(data)
        error = remote_error(lambda: feed.pull(ignore))
        assert str(error) == (
            f"{fake.url}: line {line} column {column}: arrays and objects nested deeper than "
            f"{MAX_DEPTH} levels; a commdash/v1 export needs 6"
        )
        assert not error.transient
        assert not feed.cache_path.exists()
        return
    synced = feed.pull(ignore)
    assert synced is not None and synced.snapshot is not None
    assert synced.warnings == ()  # the offline copy was written
    again = LiveFeed(make(), feed.cache_path, "fake").open_cached()
    assert again is not None and again.posts == synced.snapshot.posts


def test_an_offline_copy_nested_too_deep_is_ignored(
    tmp_path: Path, fake: FakeNative, make: Make
) -> None:
    copy = tmp_path / "copy.json"
    document = nested_export(300).decode()
    copy.write_text(f'{{"format": 1, "synced_at": 1, "cursor": {{}}, "document": {document}}}')
    assert LiveFeed(make(), copy, "fake").open_cached() is None


# The offline copy's files: private by default, a mode set by hand kept, killed writers tidied


def test_the_offline_copy_is_private_and_keeps_a_mode_set_by_hand(
    tmp_path: Path, fake: FakeNative, make: Make
) -> None:
    fake.populate(2, 5)
    root = tmp_path / "state"
    feed = LiveFeed(make(), root / "live" / "copy.json", "fake")
    previous = os.umask(0o022)
    try:
        assert feed.pull(ignore) is not None
    finally:
        os.umask(previous)
    assert stat.S_IMODE(root.stat().st_mode) == 0o700
    assert stat.S_IMODE((root / "live").stat().st_mode) == 0o700
    assert stat.S_IMODE(feed.cache_path.stat().st_mode) == 0o600
    feed.cache_path.chmod(0o640)
    fake.populate(3, 6)
    synced = feed.pull(ignore)
    assert synced is not None and synced.snapshot is not None  # written again
    assert stat.S_IMODE(feed.cache_path.stat().st_mode) == 0o640


def test_opening_the_offline_copy_removes_what_killed_writers_left(
    tmp_path: Path, make: Make
) -> None:
    live = tmp_path / "live"
    live.mkdir()
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    left = [
        live / f".copy.json.{dead.pid}.140000.tmp",  # as commdash named them before
        live / temporary_name("copy.json").replace(f".{os.getpid()}.", f".{dead.pid}."),
    ]
    writing = live / temporary_name("copy.json")  # this process: alive, so it is writing
    for path in [*left, writing]:
        path.write_bytes(b"{")
    LiveFeed(make(), live / "copy.json", "fake").open_cached()
    assert [path.exists() for path in left] == [False, False]
    assert writing.exists()
