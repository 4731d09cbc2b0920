"""The saved replies' library of a team: one for the whole team database (as the file store
keeps one per state directory), table ``commdash_saved_replies``, with the semantics of
:class:`commdash.store.saved_replies.SavedReplyStore`."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import msgspec
from psycopg import Cursor
from psycopg.types.json import Jsonb

from commdash.errors import StateError
from commdash.records import to_json
from commdash.saved_replies import SavedReply, name_key
from commdash.store.team_db import TeamDatabase


class TeamSavedReplyStore:
    def __init__(self, database: TeamDatabase) -> None:
        self.database = database

    @property
    def where(self) -> str:
        return self.database.shown

    def replies(self) -> list[SavedReply]:
        """The library, by name (case aside)."""
        with self.database.connection() as connection:
            rows = connection.execute(
                "SELECT key, reply FROM commdash_saved_replies ORDER BY key"
            ).fetchall()
        return [_reply(key, document) for key, document in rows]

    def save(self, reply: SavedReply, replacing: str | None = None) -> bool:
        with self.database.transaction() as cursor:
            gone = [reply.key] + ([name_key(replacing)] if replacing else [])
            replaced = cursor.execute(
                "DELETE FROM commdash_saved_replies WHERE key = ANY(%s) RETURNING key", (gone,)
            ).fetchall()
            _insert(cursor, reply)
        return bool(replaced)

    def delete(self, name: str) -> SavedReply | None:
        with self.database.connection() as connection:
            row = connection.execute(
                "DELETE FROM commdash_saved_replies WHERE key = %s RETURNING key, reply",
                (name_key(name),),
            ).fetchone()
        return None if row is None else _reply(*row)

    def merge(self, incoming: Iterable[SavedReply], replace: bool = True) -> tuple[int, int]:
        """Add each reply, replacing the one of the same name (``replace``; else keeping
        it); (added, updated), in one transaction."""
        added = updated = 0
        with self.database.transaction() as cursor:
            for reply in incoming:
                there = cursor.execute(
                    "SELECT 1 FROM commdash_saved_replies WHERE key = %s FOR UPDATE",
                    (reply.key,),
                ).fetchone()
                if there is not None and not replace:
                    continue
                cursor.execute("DELETE FROM commdash_saved_replies WHERE key = %s", (reply.key,))
                _insert(cursor, reply)
                updated += there is not None
                added += there is None
        return added, updated


def _insert(cursor: Cursor[Any], reply: SavedReply) -> None:
    cursor.execute(
        "INSERT INTO commdash_saved_replies (key, reply) VALUES (%s, %s)",
        (reply.key, Jsonb(to_json(reply))),
    )


def _reply(key: str, document: object) -> SavedReply:
    try:
        return msgspec.convert(document, SavedReply)
    except msgspec.ValidationError as exc:
        raise StateError(
            f"the team database: saved reply {key!r} cannot be read ({exc}); fix or delete it"
        ) from None
