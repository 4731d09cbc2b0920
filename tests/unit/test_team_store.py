"""The team store against a real PostgreSQL: what only a shared database does (news of the
others' changes, couriers on several machines, processes killed mid-transaction, hostile
rows, the schema's versions)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import psycopg
import pytest
from _stores import SOURCE, eventually, team_db
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from commdash.errors import StateError
from commdash.outbox import Reply
from commdash.presence import PRESENCE_TTL
from commdash.store.team import TeamStore
from commdash.store.team_copy import COPY
from commdash.store.team_db import TeamDatabase
from commdash.store.team_schema import MIGRATIONS
from commdash.triage import BLANK, mark_done, set_tags

__all__ = ["team_db"]  # a fixture

NOW = 1_764_061_200.0


def test_another_managers_change_is_heard_without_polling(
    team_db: TeamDatabase, tmp_path: Path
) -> None:
    ana = TeamStore(tmp_path / "ana", team_db, SOURCE, manager="ana@laptop")
    other = TeamDatabase(team_db._conninfo).open()  # another machine: its own connections
    try:
        bo = TeamStore(tmp_path / "bo", other, SOURCE, manager="bo@desk")
        seen = ana.fingerprint()
        bo.apply("c1", "done", lambda s: mark_done(s, NOW), NOW)
        assert eventually(lambda: ana.fingerprint() != seen, within=1.0)
        assert ana.states() == {"c1": mark_done(BLANK, NOW)}
        seen = ana.fingerprint()
        bo.queue_reply(Reply.new("c1", "m1", "On it", NOW))
        assert eventually(lambda: ana.fingerprint() != seen, within=1.0)
        assert [reply.text for reply in ana.replies()] == ["On it"]
    finally:
        other.close()


def test_a_write_after_an_unheard_one_does_not_hide_it(
    team_db: TeamDatabase, tmp_path: Path
) -> None:
    """The version before our write is the database's: a colleague's write in between, not
    heard of yet, keeps the reader from taking our write as all there is to read."""
    ana = TeamStore(tmp_path / "ana", team_db, SOURCE)
    ana.states()
    seen = ana.fingerprint()
    with team_db.transaction() as cursor:  # a colleague's commit, its news not heard yet
        team_db.bump(cursor, SOURCE, "states")
    ana.team_triage.version = seen[0]
    ana.apply("c2", "done", lambda s: mark_done(s, NOW), NOW)
    assert ana.last_write is not None
    assert ana.last_write[0] != seen


def test_two_couriers_send_each_item_once(team_db: TeamDatabase, tmp_path: Path) -> None:
    store = TeamStore(tmp_path / "a", team_db, SOURCE)
    store.queue_replies([Reply.new(f"c{i}", f"m{i}", "Thanks", NOW + i) for i in range(120)])
    claimed: dict[str, list[str]] = {"a": [], "b": []}
    other = TeamDatabase(team_db._conninfo).open()

    both_ready = threading.Barrier(2)

    def deliver(name: str, database: TeamDatabase) -> None:
        courier = TeamStore(tmp_path / name, database, SOURCE)
        both_ready.wait(timeout=30)
        owner = f"host-{name}:1:x"
        while (item := courier.claim_due(NOW + 1000, owner)) is not None:
            claimed[name].append(item.id)
            courier.update_reply(item.id, lambda r: r.sent(f"remote-{r.id}", NOW + 1000))

    try:
        threads = [
            threading.Thread(target=deliver, args=("a", team_db)),
            threading.Thread(target=deliver, args=("b", other)),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    finally:
        other.close()
    every = claimed["a"] + claimed["b"]
    assert len(every) == 120 and len(set(every)) == 120
    assert claimed["a"] and claimed["b"]  # both worked: neither waited for the other's lock
    assert {reply.status for reply in store.replies()} == {"sent"}


def test_a_hide_waits_for_the_earlier_unhide_of_its_message(
    team_db: TeamDatabase, tmp_path: Path
) -> None:
    store = TeamStore(tmp_path, team_db, SOURCE)
    hide = Reply.moderation("c1", "m1", True, NOW)
    unhide = Reply.moderation("c1", "m1", False, NOW + 1)
    store.queue_moderations([hide, unhide])
    first = store.claim_due(NOW + 10, "host:1:x")
    assert first is not None and first.id == hide.id
    assert store.claim_due(NOW + 10, "host:1:x") is None  # the unhide waits for the hide
    store.update_reply(hide.id, lambda r: r.sent("remote", NOW + 10))
    second = store.claim_due(NOW + 10, "host:1:x")
    assert second is not None and second.id == unhide.id


WRITER = """
import sys
from pathlib import Path
from commdash.store.team import TeamStore
from commdash.store.team_db import TeamDatabase
from commdash.triage import set_tags
conninfo, directory, prefix, count = sys.argv[1], Path(sys.argv[2]), sys.argv[3], int(sys.argv[4])
database = TeamDatabase(conninfo).open()
store = TeamStore(directory, database, "facebook-1234", manager=prefix + "@host")
for i in range(count):
    store.apply(f"c{i % 10}", "tag", lambda s: set_tags(s, [*s.tags, f"{prefix}{i}"]), 0.0)
    print(i, flush=True)
database.close()
"""


def test_two_processes_interleaving_a_thousand_actions_lose_nothing(
    team_database: str, team_db: TeamDatabase, tmp_path: Path
) -> None:
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, team_database, str(tmp_path / p), p, "500"],
            stdout=subprocess.DEVNULL,
        )
        for p in ("ana", "bo")
    ]
    for process in processes:
        assert process.wait(timeout=120) == 0
    states = TeamStore(tmp_path / "reader", team_db, SOURCE).states()
    tags = [tag for state in states.values() for tag in state.tags]
    assert sorted(tags) == sorted(f"{p}{i}" for p in ("ana", "bo") for i in range(500))


def test_kill_9_mid_transaction_loses_no_acknowledged_action(
    team_database: str, team_db: TeamDatabase, tmp_path: Path
) -> None:
    acknowledged: list[str] = []
    for round_ in range(3):
        process = subprocess.Popen(
            [sys.executable, "-c", WRITER, team_database, str(tmp_path), f"r{round_}-", "100000"],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert process.stdout is not None
        for _ in range(20 + 15 * round_):
            acknowledged.append(f"r{round_}-{process.stdout.readline().strip()}")
        os.kill(process.pid, signal.SIGKILL)
        rest, _ = process.communicate(timeout=10)
        acknowledged += [f"r{round_}-{line}" for line in rest.split()]
    states = TeamStore(tmp_path / "reader", team_db, SOURCE).states()
    kept = {tag for state in states.values() for tag in state.tags}
    assert set(acknowledged) <= kept
    assert len(kept) - len(acknowledged) <= 3  # at most the one each kill interrupted


def test_hostile_text_in_the_database_never_reaches_the_screen_as_controls(
    team_db: TeamDatabase, tmp_path: Path
) -> None:
    store = TeamStore(tmp_path, team_db, SOURCE)
    store.apply("c1", "tag", lambda s: set_tags(s, ["vip"]), NOW)
    with team_db.connection() as connection:  # a hostile or broken client wrote this
        connection.execute(
            "UPDATE commdash_states SET state = jsonb_build_object('tags', "
            "jsonb_build_array(%s::text), 'assignee', %s::text), version = version + 100",
            ("\x1b]52;c;cHduZWQ=\x07evil", "[bold]ana\x1b[2J"),
        )
        connection.execute("UPDATE commdash_sources SET states_version = states_version + 100")
    state = TeamStore(tmp_path / "fresh", team_db, SOURCE).states()["c1"]
    shown = "".join(state.tags) + (state.assignee or "")
    assert "\x1b" not in shown and "\x07" not in shown
    assert "evil" in shown and "[bold]ana" in shown  # kept as text, never as markup


def test_two_processes_opening_a_new_database_migrate_it_once(team_database: str) -> None:
    databases = [TeamDatabase(team_database) for _ in range(4)]
    threads = [threading.Thread(target=database.open) for database in databases]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    with psycopg.connect(team_database) as connection:
        versions = connection.execute("SELECT version FROM commdash_schema").fetchall()
    for database in databases:
        database.close()
    assert versions == [(number,) for number in range(1, len(MIGRATIONS) + 1)]


def test_a_database_newer_than_this_commdash_is_refused(team_database: str) -> None:
    TeamDatabase(team_database).open().close()
    with psycopg.connect(team_database, autocommit=True) as connection:
        connection.execute("INSERT INTO commdash_schema (version) VALUES (999)")
    database = TeamDatabase(team_database)
    with pytest.raises(StateError, match=r"schema version 999.*upgrade commdash"):
        database.open()
    database.close()


def test_an_unreachable_database_is_one_line_naming_it() -> None:
    database = TeamDatabase(
        "postgresql://nobody@127.0.0.1:1/team?connect_timeout=1", shown="team db on 127.0.0.1"
    )
    with pytest.raises(StateError) as caught:
        database.open()
    message = str(caught.value)
    assert message.startswith("team db on 127.0.0.1: cannot connect (")
    assert "\n" not in message


def test_a_manager_role_with_only_dml_on_the_tables_is_enough(
    team_database: str, tmp_path: Path
) -> None:
    """README's least-privilege set-up: the owner makes the tables (commdash team check);
    each manager's role may only read and write their rows."""
    tag = uuid.uuid4().hex[:8]
    owner, managers, ana = f"owner_{tag}", f"managers_{tag}", f"ana_{tag}"
    dbname = conninfo_to_dict(team_database)["dbname"]
    with psycopg.connect(team_database, autocommit=True) as admin:
        for statement in (
            f"CREATE ROLE {owner} LOGIN",
            f"CREATE ROLE {managers} NOLOGIN",
            f"CREATE ROLE {ana} LOGIN IN ROLE {managers}",
            f"ALTER DATABASE {dbname} OWNER TO {owner}",
            f"ALTER DEFAULT PRIVILEGES FOR ROLE {owner} IN SCHEMA public "
            f"GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {managers}",
            f"ALTER DEFAULT PRIVILEGES FOR ROLE {owner} IN SCHEMA public "
            f"GRANT USAGE, SELECT ON SEQUENCES TO {managers}",
        ):
            admin.execute(statement)  # type: ignore[arg-type]

    too_early = TeamDatabase(make_conninfo(team_database, user=ana))
    with pytest.raises(StateError, match=r"made or brought up to date by the database's owner"):
        too_early.open()

    TeamDatabase(make_conninfo(team_database, user=owner)).open().close()
    database = TeamDatabase(make_conninfo(team_database, user=ana)).open()
    try:
        store = TeamStore(tmp_path, database, SOURCE, manager="ana@laptop")
        store.apply("c1", "tag", lambda s: set_tags(s, ["vip"]), NOW)
        store.save_draft("c1", "draft")
        reply = Reply.new("c1", "m1", "Thanks", NOW)
        store.queue_reply(reply)
        claimed = store.claim_due(NOW + 1, "host:1:x")
        assert claimed is not None and claimed.id == reply.id
        store.update_reply(reply.id, lambda r: r.sent("remote", NOW + 1))
        assert store.undo() is not None
        assert store.library().replies() == []
        assert store.states() == {"c1": set_tags(BLANK, ["vip"])}
    finally:
        database.close()


def test_a_manager_writing_a_reply_shows_to_another_machine_within_a_second(
    team_db: TeamDatabase, tmp_path: Path
) -> None:
    other = TeamDatabase(team_db._conninfo).open()
    try:
        ana = TeamStore(tmp_path / "a", team_db, SOURCE, manager="ana@laptop", name="Ana")
        bo = TeamStore(tmp_path / "b", other, SOURCE, manager="bo@desk")
        assert bo.presence.others(time.time()) == {}
        ana.presence.announce("c1", time.time())
        assert eventually(lambda: bo.presence.others(time.time()) == {"c1": ("Ana",)}, 1.0)
        assert ana.presence.others(time.time()) == {}  # one's own typing is not shown
        ana.presence.announce(None, time.time())
        assert eventually(lambda: bo.presence.others(time.time()) == {}, 1.0)
        ana.presence.announce("c2", time.time())  # then its commdash is killed: no more news
        assert eventually(lambda: bo.presence.others(time.time()) == {"c2": ("Ana",)}, 1.0)
        assert bo.presence.others(time.time() + PRESENCE_TTL + 1) == {}  # expires on its own
    finally:
        other.close()


def test_presence_names_from_the_database_are_plain_text(
    team_db: TeamDatabase, tmp_path: Path
) -> None:
    ana = TeamStore(tmp_path / "a", team_db, SOURCE)
    bo = TeamStore(tmp_path / "b", team_db, SOURCE)
    with team_db.connection() as connection:  # written by a hostile or broken client
        connection.execute(
            "UPDATE commdash_sessions SET name = %s, typing_in = %s, "
            "typing_at = extract(epoch from clock_timestamp()) WHERE session = %s",
            ("[bold]x\x1b]52;c;cHduZWQ=\x07", "c1\x1b[2J", ana.session),
        )
    bo.presence.announce(None, time.time())  # news: the rows are read again
    assert eventually(lambda: bool(bo.presence.others(time.time())), 1.0)
    ((cid, names),) = bo.presence.others(time.time()).items()
    assert "\x1b" not in cid + "".join(names) and "\x07" not in "".join(names)
    assert names == ("[bold]x",)


def test_two_managers_opening_the_demo_together_see_the_same_times(
    team_db: TeamDatabase, tmp_path: Path
) -> None:
    ana = TeamStore(tmp_path / "a", team_db, SOURCE)
    assert ana.anchor(1000.0) == 1000.0
    bo = TeamStore(tmp_path / "b", team_db, SOURCE)  # while ana has it open, nothing triaged
    assert bo.anchor(1060.0) == 1000.0
    team_db.leave(ana.session)
    team_db.leave(bo.session)
    assert TeamStore(tmp_path / "c", team_db, SOURCE).anchor(2000.0) == 2000.0  # alone again


def test_the_local_copy_of_the_states_is_used_only_while_it_can_be_trusted(
    team_database: str, team_db: TeamDatabase, tmp_path: Path
) -> None:
    cids = [f"c{n}" for n in range(1200)]
    writer = TeamStore(tmp_path / "writer", team_db, SOURCE)
    writer.apply_many(cids, "done", lambda s: mark_done(s, NOW), NOW)
    first = TeamStore(tmp_path / "ana", team_db, SOURCE)
    assert len(first.states()) == 1200  # read in full, and kept
    assert eventually(lambda: (tmp_path / "ana" / COPY).exists())  # written aside
    writer.apply("c7", "tag", lambda s: set_tags(s, ["later"]), NOW)
    writer.apply("c8", "reopen", lambda s: BLANK, NOW)
    with team_db.connection() as connection:  # behind commdash's back: not a new version
        connection.execute(
            'UPDATE commdash_states SET state = \'{"tags": ["unseen"]}\' '
            "WHERE conversation_id = 'c9'"
        )
    again = TeamStore(tmp_path / "ana", team_db, SOURCE).states()
    assert again["c7"].tags == ("later",) and "c8" not in again  # the rows since the copy
    assert again["c9"] == mark_done(BLANK, NOW)  # the rest came from the copy

    (tmp_path / "ana" / COPY).write_bytes(b'{"epoch": "x\\u001b]52;c;x\\u0007"}')
    assert TeamStore(tmp_path / "ana", team_db, SOURCE).states()["c9"].tags == ("unseen",)


def test_a_copy_of_another_database_is_not_used(
    team_database: str, team_db: TeamDatabase, tmp_path: Path
) -> None:
    store = TeamStore(tmp_path / "ana", team_db, SOURCE)
    store.apply_many([f"c{n}" for n in range(1100)], "done", lambda s: mark_done(s, NOW), NOW)
    store.states()
    assert eventually(lambda: (tmp_path / "ana" / COPY).exists())  # written aside
    with team_db.connection() as connection:  # a new database under the same name
        connection.execute("TRUNCATE commdash_states, commdash_journal")
        connection.execute("UPDATE commdash_sources SET epoch = 'another', states_version = 0")
    assert TeamStore(tmp_path / "ana", team_db, SOURCE).states() == {}


def test_damaged_tables_are_one_line_not_a_traceback(team_database: str) -> None:
    TeamDatabase(team_database).open().close()
    with psycopg.connect(team_database, autocommit=True) as admin:
        admin.execute("DELETE FROM commdash_schema")
    with pytest.raises(StateError, match=r"not as commdash made them \(relation"):
        TeamDatabase(team_database).open()
    with psycopg.connect(team_database, autocommit=True) as admin:
        admin.execute("DROP TABLE commdash_schema")
        admin.execute("CREATE TABLE commdash_schema (version text)")
        admin.execute("INSERT INTO commdash_schema VALUES ('abc')")
    with pytest.raises(StateError, match="not as commdash made them"):
        TeamDatabase(team_database).open()


def test_a_privilege_taken_back_mid_session_is_an_error_to_show(
    team_database: str, tmp_path: Path
) -> None:
    role = f"bo_{uuid.uuid4().hex[:8]}"
    TeamDatabase(team_database).open().close()
    with psycopg.connect(team_database, autocommit=True) as admin:
        admin.execute(f"CREATE ROLE {role} LOGIN")  # type: ignore[arg-type]
        admin.execute(  # type: ignore[arg-type]
            f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}"
        )
        admin.execute(f"GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO {role}")  # type: ignore[arg-type]
    database = TeamDatabase(make_conninfo(team_database, user=role)).open()
    try:
        store = TeamStore(tmp_path, database, SOURCE)
        store.apply("c1", "done", lambda s: mark_done(s, NOW), NOW)
        with psycopg.connect(team_database, autocommit=True) as admin:
            admin.execute(f"REVOKE UPDATE ON commdash_sources FROM {role}")  # type: ignore[arg-type]
        with pytest.raises(StateError) as refused:
            store.apply("c2", "done", lambda s: mark_done(s, NOW), NOW)
        assert "permission denied for table commdash_sources" in str(refused.value)
        assert "needs SELECT, INSERT, UPDATE, DELETE" in str(refused.value)
        assert not store.offline  # refused is not away: nothing queued behind its back
    finally:
        database.close()


def test_a_refused_connection_is_told_at_once_with_what_to_do(team_database: str) -> None:
    """The test server has no TLS: libpq refuses a connection that requires it."""
    database = TeamDatabase(make_conninfo(team_database, sslmode="require"), shown="team db")
    started = time.monotonic()
    with pytest.raises(StateError) as refused:
        database.open()
    assert time.monotonic() - started < 2  # one attempt, not the pool's retries
    message = str(refused.value)
    assert message.startswith("team db: cannot connect (") and "does not support SSL" in message
    assert 'sslmode = "disable" for one on this machine' in message and "\n" not in message


def test_text_columns_from_the_database_are_sanitised_too(
    team_db: TeamDatabase, tmp_path: Path
) -> None:
    store = TeamStore(tmp_path, team_db, SOURCE, manager="ana@laptop")
    with team_db.connection() as connection:  # written by a hostile or broken client
        connection.execute(
            "INSERT INTO commdash_drafts (source, conversation_id, manager, text) "
            "VALUES (%s, 'c1', 'ana@laptop', %s)",
            (SOURCE, "Hi\x1b]52;c;cHduZWQ=\x07 there"),
        )
        connection.execute(
            "INSERT INTO commdash_notices (source, manager, text, at) "
            "VALUES (%s, 'ana@laptop', %s, 0)",
            (SOURCE, "[bold]bo\x1b[2J changed it"),
        )
    (draft,) = store.drafts().values()
    (notice,) = store.take_notices()
    assert "\x1b" not in draft + notice and "\x07" not in draft
    assert "there" in draft and "[bold]bo" in notice
