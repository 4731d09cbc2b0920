"""The harness the PostgreSQL store is tested against works on a real server: databases,
restarts and crashes of the cluster, a relay whose network can be cut and mended, cleanup
whatever happens, and a cluster that never runs as root."""

from __future__ import annotations

import os
import pwd
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from postgres_fixtures import REQUIRE_POSTGRES, server_or_skip
from psycopg.conninfo import make_conninfo
from servers import postgres
from servers.postgres import (
    PostgresCluster,
    PostgresError,
    find_server_bindir,
    process_running,
)
from servers.tcp_relay import TcpRelay

TESTS = Path(__file__).resolve().parents[1]
CLEANUP_WAIT = 30.0


@pytest.fixture
def bindir() -> Path:
    return server_or_skip(find_server_bindir())


def test_a_query_round_trips_in_a_fresh_empty_database(team_database: str) -> None:
    with psycopg.connect(team_database) as connection:
        tables = connection.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
        assert tables.fetchone() == (0,)
        connection.execute("CREATE TABLE notes (id int PRIMARY KEY, body text)")
        connection.execute("INSERT INTO notes VALUES (1, %s)", ("héllo ✓",))
        assert connection.execute("SELECT body FROM notes").fetchall() == [("héllo ✓",)]
        assert connection.execute("SHOW listen_addresses").fetchone() == ("127.0.0.1",)
        assert connection.info.encoding == "utf-8"


def test_dropping_a_database_ends_its_sessions(postgres_cluster: PostgresCluster) -> None:
    postgres_cluster.create_database("doomed")
    with psycopg.connect(postgres_cluster.conninfo("doomed")) as connection:
        postgres_cluster.drop_database("doomed")
        with pytest.raises(psycopg.OperationalError):
            connection.execute("SELECT 1")
    with pytest.raises(psycopg.OperationalError, match="does not exist"):
        psycopg.connect(postgres_cluster.conninfo("doomed"))


def test_a_restart_keeps_the_data_and_ends_the_sessions(
    postgres_cluster: PostgresCluster, team_database: str
) -> None:
    with psycopg.connect(team_database, autocommit=True) as before:
        before.execute("CREATE TABLE kept AS SELECT 42 AS answer")
        postgres_cluster.restart()
        with pytest.raises(psycopg.OperationalError):
            before.execute("SELECT 1")
    with psycopg.connect(team_database) as after:
        assert after.execute("SELECT answer FROM kept").fetchone() == (42,)


def test_an_immediate_stop_then_a_start_recovers_what_was_committed(
    postgres_cluster: PostgresCluster, team_database: str
) -> None:
    with psycopg.connect(team_database, autocommit=True) as connection:
        connection.execute("CREATE TABLE kept AS SELECT 7 AS answer")
        postgres_cluster.stop("immediate")
        assert not postgres_cluster.is_running()
        with pytest.raises(psycopg.OperationalError):
            connection.execute("SELECT 1")
    postgres_cluster.start()
    assert postgres_cluster.is_running()
    with psycopg.connect(team_database) as connection:
        assert connection.execute("SELECT answer FROM kept").fetchone() == (7,)


def test_a_test_may_leave_the_session_cluster_stopped(
    postgres_cluster: PostgresCluster, team_database: str
) -> None:
    """The fixture starts it again to drop the database, and for the next test."""
    postgres_cluster.stop("immediate")


@pytest.mark.skipif(os.geteuid() != 0, reason="only a root test process runs it as nobody")
def test_as_root_the_cluster_runs_unprivileged(postgres_cluster: PostgresCluster) -> None:
    nobody = pwd.getpwnam("nobody").pw_uid
    pid = postgres_cluster.postmaster_pid()
    status = Path(f"/proc/{pid}/status").read_text().splitlines()
    uids = next(line for line in status if line.startswith("Uid:")).split()[1:]
    assert uids == [str(nobody)] * 4  # real, effective, saved, filesystem
    assert postgres_cluster.data.stat().st_uid == nobody


def test_the_relay_carries_large_messages_both_ways(
    team_database: str, postgres_relay: TcpRelay
) -> None:
    payload = os.urandom(3 << 20)  # several times what a socket buffers: flow control
    with psycopg.connect(make_conninfo(team_database, port=postgres_relay.port)) as connection:
        assert postgres_relay.connection_count == 1
        echoed = connection.execute("SELECT %s::bytea", (payload,)).fetchone()
        assert echoed == (payload,)


def test_a_cut_breaks_live_connections_new_ones_hang_until_mended(
    team_database: str, postgres_relay: TcpRelay
) -> None:
    through_relay = make_conninfo(team_database, port=postgres_relay.port)
    with psycopg.connect(through_relay) as live:
        live.execute("SELECT 1")
        postgres_relay.cut()
        with pytest.raises(psycopg.OperationalError):
            live.execute("SELECT 1")
    started = time.monotonic()
    with pytest.raises(psycopg.OperationalError, match="timeout"):
        psycopg.connect(through_relay, connect_timeout=2)
    assert 1.5 < time.monotonic() - started < 10
    postgres_relay.mend()
    with psycopg.connect(through_relay, connect_timeout=5) as again:
        assert again.execute("SELECT 1").fetchone() == (1,)


def test_a_connection_left_hanging_by_a_cut_goes_through_once_mended(
    team_database: str, postgres_relay: TcpRelay
) -> None:
    postgres_relay.cut()
    outcome: list[object] = []

    def connect() -> None:
        try:
            with psycopg.connect(make_conninfo(team_database, port=postgres_relay.port)) as c:
                outcome.append(c.execute("SELECT 1").fetchone())
        except psycopg.Error as error:
            outcome.append(error)

    waiting = threading.Thread(target=connect)
    waiting.start()
    time.sleep(0.5)
    assert not outcome, "the connection got through a cut network"
    postgres_relay.mend()
    waiting.join(10)
    assert outcome == [(1,)]


def test_a_refusing_cut_resets_new_connections_at_once(
    team_database: str, postgres_relay: TcpRelay
) -> None:
    postgres_relay.cut()
    postgres_relay.cut(refuse=True)  # from hanging to refusing
    started = time.monotonic()
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(make_conninfo(team_database, port=postgres_relay.port), connect_timeout=10)
    assert time.monotonic() - started < 1.5
    postgres_relay.mend()
    with psycopg.connect(make_conninfo(team_database, port=postgres_relay.port)) as connection:
        assert connection.execute("SELECT 1").fetchone() == (1,)


def test_closing_the_relay_ends_its_thread_and_its_connections(
    postgres_cluster: PostgresCluster, team_database: str
) -> None:
    before = set(threading.enumerate())
    relay = TcpRelay(postgres_cluster.port)
    with psycopg.connect(make_conninfo(team_database, port=relay.port)) as connection:
        connection.execute("SELECT 1")
        relay.close()
        assert not set(threading.enumerate()) - before
        with pytest.raises(psycopg.OperationalError):
            connection.execute("SELECT 1")
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", relay.port), timeout=5).close()


def test_a_start_that_fails_raises_at_once_with_the_log(bindir: Path) -> None:
    with PostgresCluster(bindir) as cluster:
        cluster.stop()
        with socket.create_server(("127.0.0.1", cluster.port)):  # someone took its port
            started = time.monotonic()
            with pytest.raises(PostgresError) as failure:
                cluster.start()
        assert time.monotonic() - started < postgres.START_TIMEOUT / 2
        message = str(failure.value)
        assert "pg_ctl start failed" in message
        assert "the end of the server's log" in message
        assert "Address already in use" in message


def test_the_first_start_takes_another_port_when_its_own_was_taken(
    bindir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with socket.create_server(("127.0.0.1", 0)) as squatter:
        taken = squatter.getsockname()[1]
        free_port, offered = postgres.free_port, iter([taken])
        # The race made certain: the first free port found is taken before the server binds.
        monkeypatch.setattr(postgres, "free_port", lambda: next(offered, None) or free_port())
        with PostgresCluster(bindir) as cluster:
            assert cluster.port != taken
            with psycopg.connect(cluster.conninfo("postgres")) as connection:
                assert connection.execute("SELECT 1").fetchone() == (1,)


def test_closing_a_cluster_stops_its_server_and_removes_its_directory(bindir: Path) -> None:
    with PostgresCluster(bindir) as cluster:
        pid = cluster.postmaster_pid()
        directory = cluster.directory
        assert pid is not None
        assert directory.is_dir()
    assert not directory.exists()
    assert not process_running(pid)


def test_a_test_process_that_dies_leaves_no_server_behind(bindir: Path) -> None:
    script = (
        "import os, signal, sys\n"
        "from pathlib import Path\n"
        "from servers.postgres import PostgresCluster\n"
        "cluster = PostgresCluster(Path(sys.argv[1])).__enter__()\n"
        "print(cluster.postmaster_pid(), cluster.directory, flush=True)\n"
        "os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    died = subprocess.run(
        [sys.executable, "-c", script, str(bindir)],
        cwd=TESTS,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert died.returncode == -signal.SIGKILL, died.stderr
    pid_text, directory_text = died.stdout.split()
    pid, directory = int(pid_text), Path(directory_text)
    deadline = time.monotonic() + CLEANUP_WAIT
    while (process_running(pid) or directory.exists()) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not process_running(pid)
    assert not directory.exists()


def test_without_a_server_the_tests_skip_unless_it_is_required() -> None:
    with pytest.raises(pytest.skip.Exception, match="apt-get install postgresql"):
        server_or_skip(None, env={})
    with pytest.raises(pytest.fail.Exception, match=f"{REQUIRE_POSTGRES}=1"):
        server_or_skip(None, env={REQUIRE_POSTGRES: "1"})
    assert server_or_skip(Path("/opt/pg/bin"), env={REQUIRE_POSTGRES: "1"}) == Path("/opt/pg/bin")


@pytest.fixture
def debian_root(tmp_path: Path) -> Iterator[Path]:
    root = tmp_path / "postgresql"
    for version, programs in {
        "9.6": postgres.PROGRAMS,
        "13": postgres.PROGRAMS,
        "15": postgres.PROGRAMS,
        "16": ("initdb", "pg_ctl"),  # a client-only install: no server
    }.items():
        _install(root / version / "bin", programs)
    (root / "notes").write_text("not a version")
    yield root


def _install(directory: Path, programs: tuple[str, ...]) -> None:
    directory.mkdir(parents=True)
    for name in programs:
        (directory / name).write_text("#!/bin/sh\n")
        (directory / name).chmod(0o755)


def test_the_server_is_found_on_the_path_first_then_in_the_highest_debian_version(
    tmp_path: Path, debian_root: Path
) -> None:
    nowhere = str(tmp_path / "empty")
    assert find_server_bindir(nowhere, debian_root) == debian_root / "15" / "bin"
    assert find_server_bindir(nowhere, tmp_path / "absent") is None

    real = tmp_path / "opt" / "bin"
    _install(real, postgres.PROGRAMS)
    on_path = tmp_path / "local-bin"
    on_path.mkdir()
    (on_path / "pg_ctl").symlink_to(real / "pg_ctl")  # as /usr/local/bin links to a server
    assert find_server_bindir(f"{nowhere}{os.pathsep}{on_path}", debian_root) == real
