"""The store test-suite's two backends: TinyDB files in a temporary directory, and a fresh
database of the real PostgreSQL test cluster (tests/postgres_fixtures.py)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Protocol

import pytest

from commdash.outbox import Reply
from commdash.store import Store
from commdash.store.team import TeamStore
from commdash.store.team_db import TeamDatabase
from commdash.triage import JournalEntry, TriageState

SOURCE = "facebook-1234"
NOW = 1_764_061_200.0


class OpenStore(Protocol):
    def __call__(self, session: str | None = None, manager: str | None = None) -> Store: ...


@pytest.fixture
def team_db(team_database: str) -> Iterator[TeamDatabase]:
    """The team database of one test, open (its tables made)."""
    database = TeamDatabase(team_database).open()
    yield database
    database.close()


@pytest.fixture(params=["files", "team"])
def open_store(request: pytest.FixtureRequest, tmp_path: Path) -> OpenStore:
    """Opens the state of one source as another commdash would: the same files, or the same
    database."""
    if request.param == "files":
        return lambda session=None, manager=None: Store(tmp_path, session, manager)
    database: TeamDatabase = request.getfixturevalue("team_db")
    return lambda session=None, manager=None: TeamStore(
        tmp_path, database, SOURCE, session, manager
    )


def eventually(check: Callable[[], bool], within: float = 2.0) -> bool:
    """Whether ``check`` turns true within ``within`` seconds (news arrives in a thread)."""
    deadline = time.monotonic() + within
    while not check():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


def record(
    store: Store, cid: str, after: TriageState, *, action: str = "done"
) -> JournalEntry | None:
    """Set the conversation's state to ``after``, as an action would."""
    return store.apply(cid, action, lambda _: after, NOW)


def queue(store: Store, cid: str, text: str = "Thanks!") -> Reply:
    """Queue a reply to ``cid`` as this store's manager."""
    reply = store.as_queued(Reply.new(cid, cid, text, NOW))
    store.queue_reply(reply)
    return reply
