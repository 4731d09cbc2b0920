"""Which store holds a source's state: the files under the state root (the default), or the
team database when the config has a ``[team]`` section. One :class:`StoreOpener` per
process: every source, and the courier, share its connections to the database. psycopg is
imported only for a team (it costs a tenth of a second at every start)."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING

from commdash.store.directory import Store

if TYPE_CHECKING:
    from commdash.store.team_db import TeamDatabase


class StoreOpener:
    """Opens the state of a source, by its key (:func:`commdash.paths.source_key`)."""

    def __init__(
        self,
        root: Path,
        conninfo: str | None = None,
        password: str | None = None,
        shown: str = "",
        name: str | None = None,
    ) -> None:
        self.root = root
        self._conninfo = conninfo
        self._password = password
        self._shown = shown
        self._name = name
        self._database: TeamDatabase | None = None
        self._opening = threading.Lock()

    def open(self, key: str) -> Store:
        """The store of the source ``key`` (a StateError when the team database cannot be
        reached)."""
        directory = self.root / key
        if self._conninfo is None:
            return Store(directory)
        from commdash.store.team import TeamStore  # psycopg only for a team

        return TeamStore(directory, self.database(), key, name=self._name)

    def database(self) -> TeamDatabase:
        """The team database, connected on first use."""
        assert self._conninfo is not None
        from commdash.store.team_db import TeamDatabase

        with self._opening:
            if self._database is None:
                self._database = TeamDatabase(self._conninfo, self._password, self._shown).open()
            return self._database
