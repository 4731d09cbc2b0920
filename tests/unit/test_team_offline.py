"""The team store when its database goes away: the network cut (a relay on loopback) or the
server restarted mid-session. commdash keeps working on a local queue, then catches up."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from _stores import SOURCE, eventually, team_db
from psycopg.conninfo import make_conninfo
from servers.postgres import PostgresCluster
from servers.tcp_relay import TcpRelay

from commdash.outbox import Reply
from commdash.store.team import TeamStore
from commdash.store.team_db import TeamDatabase
from commdash.store.team_pending import PENDING
from commdash.triage import assign, edit_tags, mark_done

__all__ = ["team_db"]  # a fixture

NOW = 1_764_061_200.0


def through(relay: TcpRelay, conninfo: str) -> TeamDatabase:
    """The database reached through the relay, failing fast once it is cut."""
    return TeamDatabase(make_conninfo(conninfo, port=relay.port, connect_timeout=2)).open()


@pytest.fixture
def remote(team_database: str, postgres_relay: TcpRelay) -> Iterator[TeamDatabase]:
    """The test's database as another machine reaches it: through the relay."""
    database = through(postgres_relay, team_database)
    yield database
    database.close()


def test_a_cut_network_leaves_commdash_working_then_it_catches_up(
    remote: TeamDatabase, team_db: TeamDatabase, postgres_relay: TcpRelay, tmp_path: Path
) -> None:
    ana = TeamStore(tmp_path / "ana", remote, SOURCE, manager="ana@laptop")
    ana.apply("c1", "assign", lambda s: assign(s, "ana"), NOW)
    ana.states()
    postgres_relay.cut()

    started = time.monotonic()
    entry = ana.apply("c1", "tag", lambda s: edit_tags(s, ["vip"], []), NOW + 1)
    assert time.monotonic() - started < 10  # the cut is noticed, never waited out
    assert entry is not None and entry.after.tags == ("vip",)
    assert ana.offline and "working offline" in ana.standing()
    ana.apply("c2", "done", lambda s: mark_done(s, NOW + 2), NOW + 2)
    reply = Reply.new("c2", "m2", "Sorted, thanks!", NOW + 3)
    ana.queue_reply(reply)
    ana.save_draft("c3", "half a thought")
    assert ana.states()["c1"].tags == ("vip",)  # shown at once
    assert [item.id for item in ana.replies()] == [reply.id]
    assert ana.drafts() == {"c3": "half a thought"}
    assert ana.waiting() == 4
    assert (tmp_path / "ana" / PENDING).exists()  # on disk: a crash loses none of it

    postgres_relay.mend()
    assert eventually(lambda: not ana.offline and ana.waiting() == 0, within=15)
    bo = TeamStore(tmp_path / "bo", team_db, SOURCE, manager="bo@desk")
    states = bo.states()
    assert states["c1"].tags == ("vip",) and states["c1"].assignee == "ana"
    assert states["c2"].done_at == NOW + 2
    assert [item.id for item in bo.replies()] == [reply.id]
    assert ana.drafts() == {"c3": "half a thought"}
    assert ana.standing() == ""


def test_an_assignee_changed_by_both_while_apart_goes_to_the_later(
    remote: TeamDatabase, team_db: TeamDatabase, postgres_relay: TcpRelay, tmp_path: Path
) -> None:
    ana = TeamStore(tmp_path / "ana", remote, SOURCE, manager="ana@laptop")
    bo = TeamStore(tmp_path / "bo", team_db, SOURCE, manager="bo@desk")
    ana.apply("c1", "assign", lambda s: assign(s, "cy"), NOW)
    ana.states()
    postgres_relay.cut()
    ana.apply("c1", "assign", lambda s: assign(s, "ana"), time.time() + 60)  # later
    bo.apply("c1", "assign", lambda s: assign(s, "bo"), time.time())
    postgres_relay.mend()
    assert eventually(lambda: ana.waiting() == 0, within=15)
    assert bo.states()["c1"].assignee == "ana"
    told: list[str] = []

    def heard() -> bool:
        told.extend(bo.take_notices())
        return bool(told)

    assert eventually(heard, within=3)
    assert told == ["ana@laptop changed the assignee of c1 later, offline: theirs replaced yours"]


def test_an_earlier_offline_assignment_leaves_the_colleagues_and_says_so(
    remote: TeamDatabase, team_db: TeamDatabase, postgres_relay: TcpRelay, tmp_path: Path
) -> None:
    ana = TeamStore(tmp_path / "ana", remote, SOURCE, manager="ana@laptop")
    bo = TeamStore(tmp_path / "bo", team_db, SOURCE, manager="bo@desk")
    ana.states()
    postgres_relay.cut()
    ana.apply("c1", "assign", lambda s: assign(s, "ana"), time.time() - 60)  # earlier
    bo.apply("c1", "assign", lambda s: assign(s, "bo"), time.time())
    postgres_relay.mend()
    assert eventually(lambda: ana.waiting() == 0, within=15)
    assert bo.states()["c1"].assignee == "bo"
    assert eventually(lambda: ana.states()["c1"].assignee == "bo")
    told = ana.take_notices()
    assert told == ["assignee of c1: a colleague's later change stays"]


def test_offline_undo_takes_back_the_queued_action(
    remote: TeamDatabase, postgres_relay: TcpRelay, team_db: TeamDatabase, tmp_path: Path
) -> None:
    ana = TeamStore(tmp_path, remote, SOURCE)
    ana.states()
    postgres_relay.cut()
    ana.apply("c1", "done", lambda s: mark_done(s, NOW), NOW)
    reply = Reply.new("c2", "m2", "Typed offline", NOW)
    ana.queue_reply(reply)
    undone = ana.undo()
    assert undone is not None and undone.reply_id == reply.id
    assert ana.replies() == [] and ana.drafts() == {"c2": "Typed offline"}
    undone = ana.undo()
    assert undone is not None and undone.conversation_id == "c1"
    assert ana.states() == {}
    postgres_relay.mend()
    assert eventually(lambda: ana.waiting() == 0 and not ana.offline, within=15)
    assert TeamStore(tmp_path / "x", team_db, SOURCE).states() == {}
    assert TeamStore(tmp_path / "x", team_db, SOURCE).replies() == []


def test_the_database_restarted_mid_session(
    postgres_cluster: PostgresCluster, team_db: TeamDatabase, tmp_path: Path
) -> None:
    ana = TeamStore(tmp_path, team_db, SOURCE)
    ana.apply("c1", "tag", lambda s: edit_tags(s, ["before"], []), NOW)
    postgres_cluster.stop("immediate")
    ana.apply("c1", "tag", lambda s: edit_tags(s, ["during"], []), NOW + 1)
    assert ana.offline
    postgres_cluster.start()
    assert eventually(lambda: not ana.offline and ana.waiting() == 0, within=15)
    ana.apply("c1", "tag", lambda s: edit_tags(s, ["after"], []), NOW + 2)
    fresh = TeamStore(tmp_path / "fresh", team_db, SOURCE)
    assert set(fresh.states()["c1"].tags) == {"before", "during", "after"}


CATCHER = """
import sys
from pathlib import Path
from commdash.store.team import TeamStore
from commdash.store.team_db import TeamDatabase
database = TeamDatabase(sys.argv[1]).open()
store = TeamStore(Path(sys.argv[2]), database, "facebook-1234")
store.catch_up()
database.close()
"""


def test_a_queue_left_by_a_killed_commdash_is_applied_once(
    team_database: str, team_db: TeamDatabase, postgres_relay: TcpRelay, tmp_path: Path
) -> None:
    remote = through(postgres_relay, team_database)
    ana = TeamStore(tmp_path, remote, SOURCE)
    ana.states()
    postgres_relay.cut()
    for i in range(5):
        ana.apply(f"c{i}", "tag", lambda s: edit_tags(s, ["offline"], []), NOW)
    remote.close()  # as if killed: the queue stays on disk
    postgres_relay.mend()
    for _ in range(2):  # the second run finds nothing left to do
        subprocess.run(
            [sys.executable, "-c", CATCHER, team_database, str(tmp_path)], check=True, timeout=60
        )
    states = TeamStore(tmp_path / "reader", team_db, SOURCE).states()
    assert sorted(states) == [f"c{i}" for i in range(5)]
    journal = TeamStore(tmp_path / "reader", team_db, SOURCE).journal()
    assert len(journal) == 5


def test_every_outage_of_a_session_is_caught_up_with(
    remote: TeamDatabase, team_db: TeamDatabase, postgres_relay: TcpRelay, tmp_path: Path
) -> None:
    """The queue's ids start again at 1 once it is empty: what the database records of each
    item must not be mistaken for an earlier outage's."""
    ana = TeamStore(tmp_path / "ana", remote, SOURCE)
    ana.states()
    for outage in range(3):
        postgres_relay.cut()
        ana.apply(f"c{outage}", "done", lambda s: mark_done(s, NOW), NOW)
        ana.queue_reply(Reply.new(f"c{outage}", "m", f"reply {outage}", NOW))
        assert ana.offline
        postgres_relay.mend()
        assert eventually(lambda: not ana.offline and ana.waiting() == 0, within=15)
    bo = TeamStore(tmp_path / "bo", team_db, SOURCE)
    assert sorted(bo.states()) == ["c0", "c1", "c2"]
    assert sorted(reply.text for reply in bo.replies()) == ["reply 0", "reply 1", "reply 2"]


def test_a_database_that_never_answers_holds_an_action_no_longer_than_the_deadline(
    team_database: str, team_db: TeamDatabase, tmp_path: Path
) -> None:
    """The server's processes stopped (SIGSTOP): the connection stays open and nothing ever
    answers, which no TCP timeout notices."""
    database = TeamDatabase(team_database).open()
    database.deadline = 1.0
    stopped: list[int] = []
    try:
        ana = TeamStore(tmp_path, database, SOURCE)
        ana.states()
        with psycopg.connect(team_database, autocommit=True) as admin:
            rows = admin.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                "AND pid <> pg_backend_pid()"
            ).fetchall()
        for (pid,) in rows:
            os.kill(pid, signal.SIGSTOP)
            stopped.append(pid)
        started = time.monotonic()
        ana.apply("c1", "done", lambda s: mark_done(s, NOW), NOW)
        assert time.monotonic() - started < 5
        assert ana.states()["c1"].done_at == NOW  # shown, and kept for when it answers
    finally:
        for pid in stopped:
            os.kill(pid, signal.SIGCONT)
    assert eventually(lambda: ana.waiting() == 0, within=15)
    assert TeamStore(tmp_path / "bo", team_db, SOURCE).states()["c1"].done_at == NOW
    database.close()


def test_a_failed_catch_up_is_tried_again_while_the_database_answers(
    team_db: TeamDatabase, tmp_path: Path
) -> None:
    """An operation failed (the pool still reconnecting after a restart, say) while the
    listener's own connection works: commdash must not stay 'away' for ever."""
    ana = TeamStore(tmp_path, team_db, SOURCE)
    ana.states()
    team_db.reachable = False  # as a failed operation leaves it
    ana.apply("c1", "done", lambda s: mark_done(s, NOW), NOW)
    assert ana.waiting() == 1
    assert eventually(lambda: not ana.offline and ana.waiting() == 0, within=3)
    assert TeamStore(tmp_path / "bo", team_db, SOURCE).states()["c1"].done_at == NOW


def test_offline_undo_takes_back_a_bulk_action_or_send_whole(
    remote: TeamDatabase, postgres_relay: TcpRelay, tmp_path: Path
) -> None:
    ana = TeamStore(tmp_path, remote, SOURCE)
    ana.states()
    postgres_relay.cut()
    ana.save_draft("c1", "my own words")
    ana.apply_many(["c1", "c2", "c3"], "done", lambda s: mark_done(s, NOW), NOW)
    sent = [Reply.new(f"c{n}", f"m{n}", "Opening hours: 9-17", NOW) for n in (1, 2)]
    entries = ana.queue_replies(sent)
    assert len({entry.batch for entry in entries}) == 1 and entries[0].batch

    undoing = ana.undo_latest()
    assert undoing is not None and len(undoing.entries) == 2  # the whole send
    assert ana.replies() == []
    assert ana.drafts() == {"c1": "my own words"}  # a bulk send's text is no draft
    undoing = ana.undo_latest()
    assert undoing is not None and undoing.entry.batch
    assert sorted(entry.conversation_id for entry in undoing.entries) == ["c1", "c2", "c3"]
    assert ana.states() == {}
    postgres_relay.mend()
