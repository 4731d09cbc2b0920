"""Presence in the team database: who writes a reply where, for managers on any machine.

Each session's row of ``commdash_sessions`` says in which conversation it writes
(``typing_in``), since when by the database's clock (so a machine whose clock runs late
hides nobody). An announcement is news (``NOTIFY``): the others read the rows again only
then, never by polling; an announcement not renewed within :data:`PRESENCE_TTL` (its
commdash was killed, its network cut) stops counting on its own.
"""

from __future__ import annotations

import time

from commdash.errors import StateError
from commdash.presence import Typist, display_name, writing
from commdash.store.team_db import TeamDatabase
from commdash.text import sanitize


class TeamPresence:
    def __init__(self, database: TeamDatabase, source: str, session: str) -> None:
        self.database = database
        self.source = source
        self.session = session
        self._typists: list[Typist] = []
        self.due = True
        """Whether news came since the rows were last read."""

    def announce(self, conversation_id: str | None, now: float) -> None:
        """This session writes in ``conversation_id`` (None: it stopped). Never fails: with
        the database away, the announcement is simply not made (and not waited for)."""
        if self.database.offline:
            return
        try:
            with self.database.transaction() as cursor:
                cursor.execute(
                    "UPDATE commdash_sessions SET typing_in = %s, "
                    "typing_at = extract(epoch from clock_timestamp()) WHERE session = %s",
                    (conversation_id, self.session),
                )
                self.database.announce(cursor, self.source, "presence")
        except StateError:
            return

    def others(self, now: float) -> dict[str, tuple[str, ...]]:
        if self.due and not self.database.offline:
            self.due = False
            try:
                self._typists = self._read()
            except StateError:
                self.due = True
        return writing(self._typists, now)

    def _read(self) -> list[Typist]:
        with self.database.connection() as connection:
            rows = connection.execute(
                "SELECT session, manager, name, typing_in, "
                "extract(epoch from clock_timestamp()) - typing_at FROM commdash_sessions "
                "WHERE source = %s AND session <> %s AND typing_in IS NOT NULL",
                (self.source, self.session),
            ).fetchall()
        here = time.time()
        return [
            Typist(
                str(session),
                sanitize(str(manager)),
                display_name(sanitize(str(manager)), sanitize(str(name))),
                sanitize(str(conversation_id)),
                here - float(age),
            )
            for session, manager, name, conversation_id, age in rows
        ]
