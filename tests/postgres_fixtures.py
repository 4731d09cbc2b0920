"""PostgreSQL for the tests: one throwaway cluster per session (so one per xdist worker), a
fresh empty database per test, and a relay to cut the network to the server.

Without a PostgreSQL server installed, the tests using them are skipped and say why; with
``COMMDASH_REQUIRE_POSTGRES=1`` (set by .ci/run) they fail instead, so CI never skips them.

A test that reaches its database through the relay rewrites the port of its conninfo:
``psycopg.conninfo.make_conninfo(team_database, port=postgres_relay.port)``.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest
from servers.postgres import PostgresCluster, find_server_bindir
from servers.tcp_relay import TcpRelay

REQUIRE_POSTGRES = "COMMDASH_REQUIRE_POSTGRES"
MISSING = (
    "no PostgreSQL server (initdb, pg_ctl and postgres on the PATH or in"
    " /usr/lib/postgresql/<version>/bin): apt-get install postgresql (.ci/run does)"
)


def server_or_skip(bindir: Path | None, env: Mapping[str, str] = os.environ) -> Path:
    """``bindir`` when there is a server; else skip the test, or fail it when the environment
    requires PostgreSQL."""
    if bindir is not None:
        return bindir
    if env.get(REQUIRE_POSTGRES) == "1":
        pytest.fail(f"{REQUIRE_POSTGRES}=1, but {MISSING}", pytrace=False)
    pytest.skip(MISSING)


@pytest.fixture(scope="session")
def postgres_cluster() -> Iterator[PostgresCluster]:
    with PostgresCluster(server_or_skip(find_server_bindir())) as cluster:
        yield cluster


@pytest.fixture
def team_database(postgres_cluster: PostgresCluster) -> Iterator[str]:
    """The conninfo of a fresh, empty database, dropped after the test (its sessions ended)."""
    _started(postgres_cluster)
    name = f"team_{uuid.uuid4().hex}"
    postgres_cluster.create_database(name)
    yield postgres_cluster.conninfo(name)
    _started(postgres_cluster)
    postgres_cluster.drop_database(name)


@pytest.fixture
def postgres_relay(postgres_cluster: PostgresCluster) -> Iterator[TcpRelay]:
    """A relay in front of the cluster (not cut), closed after the test."""
    with TcpRelay(postgres_cluster.port) as relay:
        yield relay


def _started(cluster: PostgresCluster) -> None:
    """A test may have stopped the session's cluster: the next ones still get a server."""
    if not cluster.is_running():
        cluster.start()
