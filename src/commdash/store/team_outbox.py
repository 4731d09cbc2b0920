"""The outbox of a team: replies and hides waiting for the platform, in the team database,
shared by every manager's commdash, with the semantics of the file store
(:class:`commdash.store.outbox.OutboxStore`).

Each item is claimed with ``FOR UPDATE SKIP LOCKED`` in a transaction that marks it
``sending`` before any request goes out: exactly one commdash in the team delivers it, and
an item left ``sending`` by one that died is taken up again as the file store does
(:func:`commdash.outbox.owner_alive`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from psycopg import Cursor
from psycopg.types.json import Jsonb

from commdash.host import hostname
from commdash.outbox import CLAIM_LEASE, Reply, owner_alive
from commdash.store.outbox import SENT_KEPT
from commdash.store.team_db import TeamDatabase

_DISCARDABLE = ["queued", "failed"]
CANDIDATES = 16
"""Items a claim locks at most: another courier claims among the next ones meanwhile."""


class TeamOutboxStore:
    def __init__(self, database: TeamDatabase, source: str) -> None:
        self.database = database
        self.source = source
        self.version = 0
        """The outbox's version this process knows of (its reads, writes and news)."""
        self._cache: tuple[int, list[Reply]] = (-1, [])
        self.on_write: Callable[[int, int], None] = lambda before, after: None
        """Told the version before and after each write of this process, once committed."""
        self._written: int | None = None

    @property
    def path(self) -> Path:
        return Path(self.database.shown)

    def replies(self) -> list[Reply]:
        with self.database.connection() as connection:
            row = connection.execute(
                "SELECT outbox_version FROM commdash_sources WHERE source = %s", (self.source,)
            ).fetchone()
            version = int(row[0]) if row else 0
            if self._cache[0] != version:
                rows = connection.execute(
                    "SELECT item FROM commdash_outbox WHERE source = %s ORDER BY queued_at, id",
                    (self.source,),
                )
                self._cache = (version, _read(document for (document,) in rows))
        self.version = max(self.version, version)
        return list(self._cache[1])

    def known(self) -> list[Reply]:
        """The items as this process last read them."""
        return list(self._cache[1])

    def insert(self, cursor: Cursor[Any], item: Reply) -> None:
        """Put in an item queued offline, in the caller's transaction (once: its id is the
        key)."""
        self.database.bump(cursor, self.source, "outbox")
        self.write(cursor, [item], keep=True)

    def unreadable(self) -> list[str]:
        """None: only readable items are ever written to the database."""
        return []

    def write(self, cursor: Cursor[Any], items: list[Reply], keep: bool = False) -> list[str]:
        """Write these items in the caller's transaction, each replacing the one of its id
        (``keep``: leaving it, the item not written); the ids written."""
        on_conflict = (
            "DO NOTHING"
            if keep
            else "DO UPDATE SET item = excluded.item, status = excluded.status, "
            "next_attempt_at = excluded.next_attempt_at"
        )
        rows = cursor.execute(
            "INSERT INTO commdash_outbox (source, id, item, status, kind, in_reply_to, "
            "queued_at, next_attempt_at) SELECT %s, * FROM unnest(%s::text[], %s::jsonb[], "
            "%s::text[], %s::text[], %s::text[], %s::float8[], %s::float8[]) "
            f"ON CONFLICT (source, id) {on_conflict} RETURNING id",
            (
                self.source,
                [item.id for item in items],
                [Jsonb(item.to_dict()) for item in items],
                [item.status for item in items],
                [item.kind for item in items],
                [item.in_reply_to for item in items],
                [item.queued_at for item in items],
                [item.next_attempt_at for item in items],
            ),
        ).fetchall()
        return [str(found) for (found,) in rows]

    @contextmanager
    def _transaction(self) -> Iterator[Cursor[Any]]:
        """A transaction; what it wrote, once committed, is told to :attr:`on_write`."""
        self._written = None
        with self.database.transaction() as cursor:
            yield cursor
        if self._written is not None:
            self.version = max(self.version, self._written)
            self.on_write(self._written - 1, self._written)

    def _changed(self, cursor: Cursor[Any]) -> None:
        self._written = self.database.bump(cursor, self.source, "outbox")

    def add(self, item: Reply, prune_sent: bool = False) -> list[str]:
        return self.add_many([item], prune_sent)

    def add_many(self, items: list[Reply], prune_sent: bool = False) -> list[str]:
        """Put the items in the outbox in one transaction (``prune_sent``: drop the items
        sent more than :data:`SENT_KEPT` before the first was queued; returns their ids)."""
        with self._transaction() as cursor:
            self._changed(cursor)
            pruned = self._prune_sent(cursor, items[0].queued_at) if prune_sent and items else []
            if items:
                self.write(cursor, items)
        return pruned

    def _prune_sent(self, cursor: Cursor[Any], now: float) -> list[str]:
        """As the file store's: none sent after the oldest item still pending goes."""
        row = cursor.execute(
            "SELECT min(queued_at) FROM commdash_outbox WHERE source = %s AND status <> 'sent'",
            (self.source,),
        ).fetchone()
        cutoff = min(now - SENT_KEPT, row[0]) if row and row[0] is not None else now - SENT_KEPT
        rows = cursor.execute(
            "DELETE FROM commdash_outbox WHERE source = %s AND status = 'sent' "
            "AND coalesce((item->>'sent_at')::float8, queued_at) < %s RETURNING id",
            (self.source, cutoff),
        )
        return [str(found) for (found,) in rows]

    def put_back(self, item: Reply) -> None:
        with self._transaction() as cursor:
            self._changed(cursor)
            self.write(cursor, [item], keep=True)

    def claim_due(self, now: float, owner: str) -> Reply | None:
        """The next item to send, marked ``sending`` by ``owner`` before any request goes
        out: the oldest queued item that is due (a hide or unhide only after the earlier
        ones of its message), or one left ``sending`` by a process that died. Only a few
        candidates are locked, and those another commdash is claiming at this moment are
        skipped, not waited for."""
        with self._transaction() as cursor:
            rows = cursor.execute(
                "SELECT item FROM commdash_outbox o WHERE source = %(source)s AND ("
                "(status = 'queued' AND next_attempt_at <= %(now)s) OR (status = 'sending' "
                "AND (coalesce((item->>'claimed_at')::float8, 0) < %(stale)s "
                "OR starts_with(coalesce(item->>'sending_by', ''), %(here)s)))) "
                "AND (kind = 'reply' OR NOT EXISTS (SELECT 1 FROM commdash_outbox e "
                "WHERE e.source = o.source AND e.in_reply_to = o.in_reply_to "
                "AND e.kind <> 'reply' AND e.status IN ('queued', 'sending') "
                "AND e.queued_at < o.queued_at)) "
                "ORDER BY queued_at LIMIT %(few)s FOR UPDATE SKIP LOCKED",
                {
                    "source": self.source,
                    "now": now,
                    "stale": now - CLAIM_LEASE,
                    "here": f"{hostname()}:",
                    "few": CANDIDATES,
                },
            )
            for item in _read(document for (document,) in rows):
                if item.status == "sending" and owner_alive(item.sending_by, item.claimed_at, now):
                    continue  # a commdash of this machine still at it
                claimed = item.claimed(owner, now)
                self._changed(cursor)
                self.write(cursor, [claimed])
                return claimed
        return None

    def update(self, reply_id: str, change: Callable[[Reply], Reply | None]) -> Reply | None:
        """Replace an item by ``change(item)`` as the database has it now; None (and no
        write) when the item is gone or ``change`` returns None."""
        with self._transaction() as cursor:
            row = cursor.execute(
                "SELECT item FROM commdash_outbox WHERE source = %s AND id = %s FOR UPDATE",
                (self.source, reply_id),
            ).fetchone()
            current = Reply.from_dict(row[0]) if row else None
            changed = None if current is None else change(current)
            if changed is not None:
                self._changed(cursor)
                self.write(cursor, [changed])
            return changed

    def discardable(self, reply_id: str) -> Reply | None:
        with self.database.connection() as connection:
            row = connection.execute(
                "SELECT item FROM commdash_outbox WHERE source = %s AND id = %s "
                "AND status = ANY(%s)",
                (self.source, reply_id, _DISCARDABLE),
            ).fetchone()
        return Reply.from_dict(row[0]) if row else None

    def discard_many(self, reply_ids: list[str]) -> list[Reply]:
        """Remove those of the items that are not sent nor being sent; returns them."""
        with self._transaction() as cursor:
            self._changed(cursor)
            rows = cursor.execute(
                "DELETE FROM commdash_outbox WHERE source = %s AND id = ANY(%s) "
                "AND status = ANY(%s) RETURNING item",
                (self.source, reply_ids, _DISCARDABLE),
            )
            return _read(document for (document,) in rows)

    def discard(self, reply_id: str) -> Reply | None:
        found = self.discard_many([reply_id])
        return found[0] if found else None


def _read(documents: Iterable[object]) -> list[Reply]:
    return [item for document in documents if (item := Reply.from_dict(document)) is not None]
