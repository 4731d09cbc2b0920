"""Killing commdash (kill -9) while a reply is on its way, then starting again: the reply
reaches the platform exactly once, on a platform with idempotency keys and on one without."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from servers.base import DONE_THEN_DROP
from servers.graph import FakeGraph
from servers.native import REPLY_PATH, FakeNative, make_document

from commdash.outbox import Reply
from commdash.session import open_session
from commdash.timeutil import Clock

TOKEN = "tok-crash-7d2e"
TEXT = "We have shipped it today."

DELIVER = """
import sys
from commdash.session import open_session
from commdash.timeutil import Clock
session = open_session("live", sys.argv[1], Clock(), 60.0)
print(session.link.courier.deliver_due(), flush=True)
"""


def write_config(tmp_path: Path, section: str) -> None:
    (tmp_path / "config.toml").write_text(
        f'[sources.live]\n{section}token_env = "LIVE_TOKEN"\n', encoding="utf-8"
    )


def queue_reply(state: Path) -> Reply:
    """Sync once, as the TUI does first, then queue a reply to the first conversation."""
    session = open_session("live", str(state), Clock(), 60.0)
    link = session.link
    assert link is not None
    synced = link.feed.pull(lambda progress: None)
    assert synced is not None and synced.snapshot is not None
    first = next(iter(tuple(synced.snapshot.conversations)))
    reply = Reply.new(first.id, first.id, TEXT, time.time())
    link.store_for(synced.snapshot).queue_reply(reply)
    return reply


def kill_while_sending(tmp_path: Path, state: Path, posted: Any) -> None:
    """Run a courier in another process and kill -9 it once the platform has the reply but
    before its answer arrives."""
    env = {**os.environ, "COMMDASH_CONFIG": str(tmp_path / "config.toml"), "LIVE_TOKEN": TOKEN}
    env["PYTHONPATH"] = os.pathsep.join(sys.path)
    child = subprocess.Popen(
        [sys.executable, "-c", DELIVER, str(state)], env=env, stdout=subprocess.PIPE
    )
    deadline = time.monotonic() + 20
    while not posted():
        assert child.poll() is None, "the courier ended before sending"
        assert time.monotonic() < deadline, "the reply never reached the server"
        time.sleep(0.02)
    os.kill(child.pid, signal.SIGKILL)
    child.wait()


def deliver_after_restart(state: Path) -> Reply:
    session = open_session("live", str(state), Clock(), 60.0)
    assert session.link is not None and session.link.courier is not None
    done = session.link.courier.deliver_due()
    assert [d.item.status for d in done] == ["sent"]
    return done[0].item


@pytest.fixture
def environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("COMMDASH_CONFIG", str(tmp_path / "config.toml"))
    monkeypatch.setenv("LIVE_TOKEN", TOKEN)
    return tmp_path / "state"


def test_without_idempotency_the_platform_is_checked_before_sending_again(
    tmp_path: Path, environment: Path
) -> None:
    graph = FakeGraph(token=TOKEN)
    graph.populate(posts=3, comments=30)
    with graph.running():
        write_config(
            tmp_path, f'kind = "facebook"\nurl = "{graph.url}"\npage_id = "{graph.page_id}"\n'
        )
        reply = queue_reply(environment)
        comments = graph.path(reply.conversation_id, "comments")
        graph.server.late[("POST", comments)] = 30.0  # posted, but the answer never comes
        kill_while_sending(
            tmp_path,
            environment,
            lambda: any(c.message == TEXT for c in list(graph.comments.values())),
        )
        graph.server.late.clear()
        sent = deliver_after_restart(environment)
        copies = [c for c in graph.comments.values() if c.message == TEXT]
        assert len(copies) == 1
        assert sent.remote_id == copies[0].id
        assert len(graph.requests("POST", reply.conversation_id, "comments")) == 1


def test_with_an_idempotency_key_the_resend_is_deduplicated(
    tmp_path: Path, environment: Path
) -> None:
    with FakeNative(make_document(2, 10), token=TOKEN) as native:
        write_config(
            tmp_path,
            f'kind = "commdash"\nurl = "{native.url}"\nreply_url = "{native.reply_url}"\n',
        )
        reply = queue_reply(environment)
        native.server.late[("POST", REPLY_PATH)] = 30.0
        kill_while_sending(tmp_path, environment, lambda: native.posted)
        native.server.late.clear()
        sent = deliver_after_restart(environment)
        posts = native.server.requests("POST", REPLY_PATH)
        assert len(posts) == 2
        assert {p.headers["idempotency-key"] for p in posts} == {reply.id}
        document = native.document
        assert document is not None
        copies = [c for p in document["posts"] for c in p["comments"] if c["text"] == TEXT]
        assert len(copies) == 1 and sent.remote_id == copies[0]["id"]


def test_a_lost_answer_from_facebook_does_not_post_twice(tmp_path: Path, environment: Path) -> None:
    graph = FakeGraph(token=TOKEN)
    graph.populate(posts=2, comments=10)
    with graph.running():
        write_config(
            tmp_path, f'kind = "facebook"\nurl = "{graph.url}"\npage_id = "{graph.page_id}"\n'
        )
        reply = queue_reply(environment)
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
