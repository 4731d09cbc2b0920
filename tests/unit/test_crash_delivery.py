"""Killing commdash (kill -9) while a reply is on its way, then starting again: the reply
reaches the platform exactly once, on every live source, whatever the clocks say, and a
message of the same text written before is never taken for it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from servers.base import DONE_THEN_DROP, FakeServer, Request
from servers.graph import FakeGraph
from servers.mastodon import FakeMastodon
from servers.native import ACCOUNT, REPLY_PATH, FakeNative, make_document

from commdash.outbox import Reply
from commdash.session import open_session
from commdash.timeutil import Clock

TOKEN = "tok-crash-7d2e"
TEXT = "We have shipped it today."
YEAR = 365 * 86_400.0

DELIVER = """
import sys
import time
from commdash.session import open_session
from commdash.timeutil import Clock

class Skewed(Clock):
    def now(self) -> float:
        return time.time() + float(sys.argv[2])

session = open_session("live", sys.argv[1], Clock(), 60.0)
session.link.courier.clock = Skewed()
print(session.link.courier.deliver_due(), flush=True)
"""


class Skewed(Clock):
    """This machine's clock, ``skew`` seconds off."""

    def __init__(self, skew: float) -> None:
        super().__init__()
        self.skew = skew

    def now(self) -> float:
        return time.time() + self.skew


@dataclass
class Platform:
    """A fake platform as these tests use it."""

    server: FakeServer
    section: str
    """The config lines of the source (its token aside)."""
    reply_prefix: str
    """The path of the request that posts a reply."""
    add_ours: Callable[[str, str], str]
    """``add_ours(conversation_id, text)``: a reply of ours written there by hand; its id."""
    copies: Callable[[], list[str]]
    """The ids of our messages with :data:`TEXT`."""
    deduplicates: bool
    """The platform drops a resend with the same ``Idempotency-Key``."""

    def reply_posts(self) -> list[Request]:
        return self.server.requests("POST", self.reply_prefix)


def facebook() -> Iterator[Platform]:
    graph = FakeGraph(token=TOKEN)
    graph.populate(posts=3, comments=30)

    def add_ours(cid: str, text: str) -> str:
        post = graph.comments[cid].post_id
        return graph.add_comment(post, text, author=graph.by_page, parent=cid)

    def copies() -> list[str]:
        found = list(graph.comments.values())
        return [c.id for c in found if c.message == TEXT and c.author == graph.by_page]

    with graph.running():
        section = f'kind = "facebook"\nurl = "{graph.url}"\npage_id = "{graph.page_id}"\n'
        yield Platform(graph.server, section, graph.path(), add_ours, copies, False)


def mastodon() -> Iterator[Platform]:
    fake = FakeMastodon(token=TOKEN)
    for n in range(3):
        fake.mention(f"user{n}@example.org", f"question {n}")
    fake.keeps_keys = False  # the restart comes more than an hour later

    def add_ours(cid: str, text: str) -> str:
        asker = fake.statuses[cid]["account"]["acct"]
        return str(fake.add_status(f"@{asker} {text}", in_reply_to=cid)["id"])

    def copies() -> list[str]:
        found = list(fake.statuses.values())
        return [s["id"] for s in found if s["account"] is fake.account and TEXT in s["content"]]

    with fake.running():
        section = f'kind = "mastodon"\nurl = "{fake.url}"\n'
        yield Platform(fake.server, section, "/api/v1/statuses", add_ours, copies, False)


def commdash() -> Iterator[Platform]:
    with FakeNative(make_document(2, 10), token=TOKEN) as native:

        def add_ours(cid: str, text: str) -> str:
            document = native.document
            assert document is not None
            post = next(p for p in document["posts"] if any(c["id"] == cid for c in p["comments"]))
            post["comments"].append(
                {"id": "by-hand", "parent_id": cid, "author": ACCOUNT, "created_at": time.time()}
                | {"text": text}
            )
            native.set_document(document)
            return "by-hand"

        def copies() -> list[str]:
            posts = (native.document or {})["posts"]
            return [c["id"] for p in posts for c in p["comments"] if c["text"] == TEXT]

        section = f'kind = "commdash"\nurl = "{native.url}"\nreply_url = "{native.reply_url}"\n'
        yield Platform(native.server, section, REPLY_PATH, add_ours, copies, True)


PLATFORMS = {"facebook": facebook, "mastodon": mastodon, "commdash": commdash}


@pytest.fixture(params=list(PLATFORMS))
def platform(request: pytest.FixtureRequest) -> Iterator[Platform]:
    yield from PLATFORMS[request.param]()


def write_config(tmp_path: Path, section: str) -> None:
    (tmp_path / "config.toml").write_text(
        f'[sources.live]\n{section}token_env = "LIVE_TOKEN"\n', encoding="utf-8"
    )


def first_conversation(state: Path) -> str:
    """Sync once, as the TUI does first; the first conversation's id."""
    session = open_session("live", str(state), Clock(), 60.0)
    assert session.link is not None
    synced = session.link.feed.pull(lambda progress: None)
    assert synced is not None and synced.snapshot is not None
    return next(iter(tuple(synced.snapshot.conversations))).id


def queue_reply(state: Path, cid: str, queued_at: float) -> Reply:
    """Queue a reply as the TUI does, ``queued_at`` being its clock's time (``--now``)."""
    session = open_session("live", str(state), Clock(), 60.0)
    reply = Reply.new(cid, cid, TEXT, queued_at)
    session.store.queue_reply(reply)
    return reply


def kill_while_sending(
    tmp_path: Path, state: Path, posted: Callable[[], bool], skew: float = 0.0
) -> None:
    """Run a courier in another process (its clock ``skew`` seconds off) and kill -9 it
    once the platform has the reply but before its answer arrives."""
    env = {**os.environ, "COMMDASH_CONFIG": str(tmp_path / "config.toml"), "LIVE_TOKEN": TOKEN}
    env["PYTHONPATH"] = os.pathsep.join(sys.path)
    child = subprocess.Popen(
        [sys.executable, "-c", DELIVER, str(state), str(skew)], env=env, stdout=subprocess.PIPE
    )
    deadline = time.monotonic() + 20
    while not posted():
        assert child.poll() is None, "the courier ended before sending"
        assert time.monotonic() < deadline, "the reply never reached the server"
        time.sleep(0.02)
    os.kill(child.pid, signal.SIGKILL)
    child.wait()


def deliver_after_restart(state: Path, skew: float = 0.0) -> Reply:
    session = open_session("live", str(state), Clock(), 60.0)
    assert session.link is not None and session.link.courier is not None
    session.link.courier.clock = Skewed(skew)
    done = session.link.courier.deliver_due()
    assert [d.item.status for d in done] == ["sent"]
    return done[0].item


@pytest.fixture
def environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("COMMDASH_CONFIG", str(tmp_path / "config.toml"))
    monkeypatch.setenv("LIVE_TOKEN", TOKEN)
    return tmp_path / "state"


CLOCKS = {
    "--now a year ahead": (YEAR, 0.0),
    "--now a year back": (-YEAR, 0.0),
    "clock a year ahead": (YEAR, YEAR),
    "clock a year back": (-YEAR, -YEAR),
}
"""How far off the clock that queues the reply is, and that of the couriers."""


@pytest.mark.parametrize(("queued_off", "skew"), list(CLOCKS.values()), ids=list(CLOCKS))
def test_a_reply_cut_off_by_kill_9_is_posted_exactly_once_whatever_the_clocks(
    tmp_path: Path, environment: Path, platform: Platform, queued_off: float, skew: float
) -> None:
    write_config(tmp_path, platform.section)
    cid = first_conversation(environment)
    earlier = platform.add_ours(cid, TEXT)  # the same text, written by hand before queueing
    reply = queue_reply(environment, cid, time.time() + queued_off)
    platform.server.late[("POST", platform.reply_prefix)] = 30.0  # posted, the answer held
    kill_while_sending(tmp_path, environment, lambda: len(platform.copies()) == 2, skew)
    platform.server.late.clear()
    sent = deliver_after_restart(environment, skew)
    copies = platform.copies()
    assert len(copies) == 2 and earlier in copies  # posted once, the earlier one untouched
    assert sent.remote_id == next(c for c in copies if c != earlier)
    posts = platform.reply_posts()
    if platform.deduplicates:  # sent again, with the same key
        assert len(posts) == 2 and {p.headers["idempotency-key"] for p in posts} == {reply.id}
    else:  # found on the platform: never sent again
        assert len(posts) == 1


def test_a_lost_answer_from_facebook_does_not_post_twice(tmp_path: Path, environment: Path) -> None:
    graph = FakeGraph(token=TOKEN)
    graph.populate(posts=2, comments=10)
    with graph.running():
        write_config(
            tmp_path, f'kind = "facebook"\nurl = "{graph.url}"\npage_id = "{graph.page_id}"\n'
        )
        cid = first_conversation(environment)
        reply = queue_reply(environment, cid, time.time())
        graph.server.fail_next("POST", graph.path(reply.conversation_id), DONE_THEN_DROP)
        session = open_session("live", str(environment), Clock(), 60.0)
        assert session.link is not None and session.link.courier is not None
        courier = session.link.courier
        first = courier.deliver_due()
        assert [d.item.status for d in first] == ["queued"]  # the outcome is unknown
        courier.clock = Clock(first[0].item.next_attempt_at)
        second = courier.deliver_due()
        assert [d.item.status for d in second] == ["sent"]
        copies = [c for c in graph.comments.values() if c.message == TEXT]
        assert len(copies) == 1 and second[0].item.remote_id == copies[0].id
        assert len(graph.requests("POST", reply.conversation_id, "comments")) == 1
