"""What a live sync skips or repairs is part of its snapshot, exactly as for a file: counted,
kept with the offline copy, and told once (not on every poll)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest
from servers.base import Response
from servers.graph import FakeGraph, graph_error
from servers.mastodon import FakeMastodon

from commdash.sources import graph as graph_module
from commdash.sources.graph import GraphSource
from commdash.sources.live import Progress
from commdash.sources.mastodon import MastodonSource
from commdash.sync import LiveFeed, Synced

REFUSED = "(#100) Object does not exist, cannot be loaded due to missing permission"


def ignore(_: Progress) -> None:
    pass


@pytest.fixture
def fake() -> Iterator[FakeGraph]:
    with FakeGraph().running() as server:
        post = server.add_post()
        server.add_comment(post)
        yield server


def feed_of(fake: FakeGraph, path: Path) -> LiveFeed:
    return LiveFeed(GraphSource(fake.page_id, fake.token, fake.base_url), path, "fb")


def refuse_scheduled(fake: FakeGraph) -> None:
    fake.server.fail_next(
        "GET", fake.path(fake.page_id, "scheduled_posts"), graph_error(100, REFUSED)
    )


def pulled(feed: LiveFeed) -> Synced:
    synced = feed.pull(ignore)
    assert synced is not None
    return synced


def test_a_refusal_on_an_unchanged_page_is_counted_and_told_once(
    fake: FakeGraph, tmp_path: Path
) -> None:
    feed = feed_of(fake, tmp_path / "copy.json")
    first = pulled(feed)
    assert first.snapshot is not None and first.snapshot.skipped_count == 0
    assert first.warnings == ()

    refuse_scheduled(fake)
    second = pulled(feed)  # the same data: only its report changed
    assert second.snapshot is not None
    (line,) = second.snapshot.skipped
    assert line.startswith("scheduled posts left out:") and "Graph error 100" in line
    advice = graph_module.CAUSES[graph_module.SCHEDULED_REFUSED]
    assert second.snapshot.advice == (advice,)
    assert second.warnings == (advice, line)  # the cause first: the one notice explains
    assert [p.id for p in second.snapshot.posts] == [p.id for p in first.snapshot.posts]

    third = pulled(feed)  # not asked for within the hour, still missing: nothing new to say
    assert third.snapshot is None and third.warnings == ()
    assert feed.trouble.lines == (line,)
    fake.add_comment(next(iter(fake.posts)), "A new question")
    fourth = pulled(feed)  # new data, the same trouble: shown, not told again
    assert fourth.snapshot is not None and fourth.warnings == ()
    assert fourth.snapshot.skipped == (line,) and fourth.snapshot.advice == (advice,)

    reopened = feed_of(fake, tmp_path / "copy.json").open_cached()
    assert reopened is not None
    assert (reopened.skipped, reopened.advice) == ((line,), (advice,))


def test_a_report_that_clears_gives_a_snapshot_without_it(fake: FakeGraph, tmp_path: Path) -> None:
    feed = feed_of(fake, tmp_path / "copy.json")
    bad = Response(200, {"data": [{"id": "s1", "message": "no time"}]})
    scheduled = fake.path(fake.page_id, "scheduled_posts")
    fake.server.fail_next("GET", scheduled, bad)
    first = pulled(feed)
    assert first.snapshot is not None and len(first.snapshot.skipped) == 1
    assert first.warnings == first.snapshot.skipped
    fake.server.fail_next("GET", scheduled, bad)
    assert pulled(feed).snapshot is None  # read again, the same trouble: nothing to show
    cleared = pulled(feed)
    assert cleared.snapshot is not None and cleared.snapshot.skipped == ()
    assert cleared.warnings == ()
    fake.server.fail_next("GET", scheduled, bad)
    again = pulled(feed)
    assert again.snapshot is not None and again.warnings == first.warnings  # told again


def test_the_offline_copys_report_is_untrusted(fake: FakeGraph, tmp_path: Path) -> None:
    path = tmp_path / "copy.json"
    pulled(feed_of(fake, path))
    saved = orjson.loads(path.read_bytes())
    saved["trouble"] = {
        "lines": ["\x1b]0;pwned\x07 [red]x[/red]\nline", 42, "y" * 5000],
        "unlisted": -3,
        "advice": "not a list",
    }
    path.write_bytes(orjson.dumps(saved))
    reopened = feed_of(fake, path).open_cached()
    assert reopened is not None
    first, long = reopened.skipped
    assert "\x1b" not in first and "\n" not in first and "[red]x[/red]" in first
    assert len(long) <= 300
    assert reopened.unlisted == 0 and reopened.advice == ()
    saved["trouble"] = ["malformed"]
    path.write_bytes(orjson.dumps(saved))
    reopened = feed_of(fake, path).open_cached()
    assert reopened is not None and reopened.skipped == ()


def test_a_mastodon_thread_s_unreadable_reply_is_counted_on_every_pull_and_told_once(
    tmp_path: Path,
) -> None:
    with FakeMastodon().running() as mastodon:
        _, unreadable = mastodon.thread_with_an_unreadable_reply()
        source = MastodonSource(mastodon.url, mastodon.token)
        feed = LiveFeed(source, tmp_path / "copy.json", "m")
        first = pulled(feed)
        assert first.snapshot is not None
        (line,) = first.snapshot.skipped
        assert unreadable["id"] in line and "no author" in line
        assert first.warnings == (line,)

        second = pulled(feed)  # nothing new: the thread is reused, and still lacks the reply
        assert second.snapshot is None and second.warnings == ()
        assert feed.trouble.lines == (line,)
        mastodon.mention("bob", "elsewhere")
        third = pulled(feed)  # new data, the same trouble: shown, not told again
        assert third.snapshot is not None and third.warnings == ()
        assert third.snapshot.skipped == (line,) and third.snapshot.skipped_count == 1
        source.close()
