"""Where a source's reply limit comes from: the document's optional ``source.reply_limit``,
Facebook's comment limit, and the Mastodon server's own limit, read once per session and
kept in the cursor and the offline copy (real HTTP against fakes on 127.0.0.1)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from servers.base import Response
from servers.graph import FakeGraph
from servers.mastodon import FakeMastodon

from commdash.replying import reply_limit
from commdash.sources.graph import GraphSource
from commdash.sources.live import Pulled
from commdash.sources.mastodon import MastodonSource
from commdash.sources.native import read_native
from commdash.sync import LiveFeed

INSTANCE = "/api/v2/instance"


def document(limit: Any = None, platform: str = "generic") -> dict[str, Any]:
    source: dict[str, Any] = {"platform": platform, "account": {"id": "a", "name": "Brand"}}
    if limit is not None:
        source["reply_limit"] = limit
    return {"format": "commdash/v1", "source": source, "posts": []}


# -- the native format ----------------------------------------------------------------


def test_a_document_may_give_its_reply_limit() -> None:
    read = read_native(document(2000), "team.json", "team", 0.0)
    assert read.source.reply_limit == 2000 and read.skipped == ()
    assert reply_limit(read.source) is not None


def test_a_document_without_one_reads_as_before() -> None:
    read = read_native(document(), "team.json", "team", 0.0)
    assert read.source.reply_limit is None and read.skipped == ()
    assert reply_limit(read.source) is None


@pytest.mark.parametrize("bad", [0, -5, 2.5, "500", True, 10**12])
def test_a_reply_limit_that_is_no_count_is_reported_and_left_out(bad: Any) -> None:
    read = read_native(document(bad, "mastodon"), "team.json", "team", 0.0)
    assert read.source.reply_limit is None
    assert len(read.skipped) == 1 and read.skipped[0].startswith("source.reply_limit: ")
    limit = reply_limit(read.source)
    assert limit is not None and limit.most == 500  # the platform's default


# -- Facebook ---------------------------------------------------------------------------


def test_a_facebook_page_says_its_comment_limit() -> None:
    with FakeGraph().running() as fake:
        fake.add_post("Meetup on Friday")
        source = GraphSource(fake.page_id, fake.token, fake.base_url)
        try:
            pulled = source.pull(None, {}, lambda _: None)
        finally:
            source.close()
    assert pulled.document is not None
    assert pulled.document["source"]["reply_limit"] == 8000
    read = read_native(pulled.document, "graph", "graph", time.time())
    assert read.source.reply_limit == 8000


# -- Mastodon ---------------------------------------------------------------------------


@pytest.fixture
def fake() -> Iterator[FakeMastodon]:
    with FakeMastodon().running() as server:
        yield server


def session(fake: FakeMastodon) -> MastodonSource:
    """A new MastodonSource: what a new commdash process (a session) makes."""
    return MastodonSource(fake.url, fake.token)


def pull(source: MastodonSource, before: Pulled | None = None) -> Pulled:
    if before is None:
        return source.pull(None, {}, lambda _: None)
    return source.pull(before.document, before.cursor, lambda _: None)


def limit_of(pulled: Pulled, fallback: Pulled | None = None) -> Any:
    doc = pulled.document if pulled.document is not None else (fallback and fallback.document)
    assert doc is not None
    return doc["source"].get("reply_limit")


def test_the_mastodon_server_s_limit_is_read_once_per_session(fake: FakeMastodon) -> None:
    fake.max_characters = 11_000
    fake.mention("alice", "hi")
    source = session(fake)
    first = pull(source)
    assert limit_of(first) == 11_000 and first.cursor["reply_limit"] == 11_000
    fake.max_characters = 5000  # the admin changes it: this session keeps what it read
    second = pull(source, first)
    assert second.document is None  # nothing changed
    assert len(fake.requests("GET", INSTANCE)) == 1
    later = pull(session(fake), second)  # the next session reads it again
    assert limit_of(later) == 5000 and later.cursor["reply_limit"] == 5000
    assert len(fake.requests("GET", INSTANCE)) == 2


def test_a_server_that_cannot_say_keeps_the_limit_last_read(fake: FakeMastodon) -> None:
    fake.mention("alice", "hi")
    first = pull(session(fake))
    assert limit_of(first) == 500
    fake.server.fail_next("GET", INSTANCE, Response(404, {"error": "Not found"}))
    source = session(fake)
    second = pull(source, first)
    assert limit_of(second, first) == 500 and second.cursor["reply_limit"] == 500
    pull(source, second)
    assert len(fake.requests("GET", INSTANCE)) == 2  # a 404 is not asked again this session


def test_a_passing_failure_is_no_failed_pull_and_is_asked_again(fake: FakeMastodon) -> None:
    fake.max_characters = 700
    fake.mention("alice", "hi")
    fake.server.fail_next("GET", INSTANCE, Response(503, {"error": "busy"}))
    source = session(fake)
    first = pull(source)
    assert limit_of(first) is None  # not known yet: Mastodon's default applies
    second = pull(source, first)
    assert limit_of(second) == 700
    assert len(fake.requests("GET", INSTANCE)) == 2


def test_a_server_that_says_nothing_leaves_mastodon_s_default(fake: FakeMastodon) -> None:
    fake.max_characters = None
    fake.mention("alice", "hi")
    pulled = pull(session(fake))
    assert limit_of(pulled) is None
    read = read_native(pulled.document, "m", "m", time.time())
    limit = reply_limit(read.source)
    assert limit is not None and limit.most == 500


def test_the_offline_copy_keeps_the_limit(fake: FakeMastodon, tmp_path: Path) -> None:
    fake.max_characters = 1234
    fake.mention("alice", "hi")
    cache = tmp_path / "live" / "m.json"
    synced = LiveFeed(session(fake), cache, "m").pull(lambda _: None)
    assert synced is not None and synced.snapshot is not None
    assert synced.snapshot.source.reply_limit == 1234
    fake.stop()  # offline
    reopened = LiveFeed(session(fake), cache, "m").open_cached()
    assert reopened is not None and reopened.source.reply_limit == 1234
