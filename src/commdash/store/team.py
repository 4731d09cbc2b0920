"""A source's state in the team database: :class:`TeamStore` is the :class:`Store` of a team,
its triage half and outbox half in PostgreSQL (shared by every manager's commdash), what
stays personal to this machine (the rules' records, the presence files of the file store)
in the local state directory."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from commdash.store.directory import Store
from commdash.store.team_db import Part, TeamDatabase
from commdash.store.team_outbox import TeamOutboxStore
from commdash.store.team_triage import TeamTriageStore


class TeamStore(Store):
    """One source's triage state and outbox in the team database (``source`` names its rows;
    ``directory`` is the local state directory, for what stays on this machine)."""

    def __init__(
        self,
        directory: Path,
        database: TeamDatabase,
        source: str,
        session: str | None = None,
        manager: str | None = None,
    ) -> None:
        super().__init__(directory, session, manager)
        self.database = database
        self.source = source
        database.register(source)
        self._versions_lock = threading.Lock()
        self.team_triage = TeamTriageStore(database, source, directory, self.session, self.manager)
        self.team_outbox = TeamOutboxStore(database, source)
        self.triage = self.team_triage
        self.outbox = self.team_outbox
        self.team_triage.on_write = lambda before, after: self._wrote("states", before, after)
        self.team_outbox.on_write = lambda before, after: self._wrote("outbox", before, after)
        database.join(self.session, source, self.manager, self.manager.partition("@")[0])
        database.listen(self._heard)

    @contextmanager
    def locked(self) -> Iterator[None]:
        """The local state directory's lock (the rules' records are on this machine); the
        database's own transactions serialise the writes of the team."""
        with self._lock.held():
            yield

    def fingerprint(self) -> tuple[int, ...]:
        """The states' and the outbox's versions this process knows of: changed by its own
        writes, and by the news of every other commdash's (``LISTEN``), never by polling."""
        return (self.team_triage.version, self.team_outbox.version)

    def _wrote(self, part: Part, before: int, after: int) -> None:
        """After a write of ours: the versions just before and after it (the database's, so
        a colleague's write not heard of yet is never taken as seen)."""
        with self._versions_lock:
            if part == "states":
                outbox = self.team_outbox.version
                self.last_write = ((before, outbox), (after, outbox))
            else:
                states = self.team_triage.version
                self.last_write = ((states, before), (states, after))

    def _heard(self, source: str, part: Part, version: int) -> None:
        """News from the listener: a change committed (``source`` empty: the listener has
        just connected, and whatever happened while it was away is read)."""
        if not source:
            states, outbox = self.database.versions(self.source)
        elif source != self.source:
            return
        else:
            states = version if part == "states" else 0
            outbox = version if part == "outbox" else 0
        with self._versions_lock:
            self.team_triage.version = max(self.team_triage.version, states)
            self.team_outbox.version = max(self.team_outbox.version, outbox)
