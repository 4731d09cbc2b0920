"""The team database's tables, created and brought up to date by versioned migrations.

Each migration runs once, in its own transaction, under an advisory lock: two commdash
processes opening a new database at the same moment do not both create the tables. The
version reached is kept in ``commdash_schema``; a database newer than this commdash is
refused (an older commdash must not write rows it does not understand).

Every table is keyed by the source (a state directory's name, :func:`commdash.paths.
source_key`): one database serves every page and group of a team, or an agency's clients.
"""

from __future__ import annotations

from typing import Any

from psycopg import Connection

from commdash.errors import StateError

_LOCK = 0x636F6D6D  # "comm": the advisory lock the migrations take
"""Serialises migrations across the team's processes."""

MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE commdash_sources (
        source text PRIMARY KEY,
        states_version bigint NOT NULL DEFAULT 0,
        outbox_version bigint NOT NULL DEFAULT 0,
        anchor double precision,
        epoch text NOT NULL DEFAULT md5(random()::text || clock_timestamp()::text)
    );
    CREATE TABLE commdash_states (
        source text NOT NULL,
        conversation_id text NOT NULL,
        state jsonb NOT NULL,
        version bigint NOT NULL,
        changed_by text NOT NULL DEFAULT '',
        changed_at double precision NOT NULL DEFAULT 0,
        PRIMARY KEY (source, conversation_id)
    );
    CREATE INDEX commdash_states_by_version ON commdash_states (source, version);
    CREATE TABLE commdash_journal (
        id bigserial PRIMARY KEY,
        source text NOT NULL,
        head boolean NOT NULL,
        session text NOT NULL,
        manager text NOT NULL,
        batch text NOT NULL DEFAULT '',
        reply_id text,
        entry jsonb NOT NULL
    );
    CREATE INDEX commdash_journal_heads ON commdash_journal (source, head, id);
    CREATE INDEX commdash_journal_order ON commdash_journal (source, id);
    CREATE INDEX commdash_journal_batches ON commdash_journal (batch) WHERE batch <> '';
    CREATE INDEX commdash_journal_replies ON commdash_journal (source, reply_id)
        WHERE reply_id IS NOT NULL;
    CREATE TABLE commdash_discarded (
        source text NOT NULL,
        reply_id text NOT NULL,
        reply jsonb NOT NULL,
        PRIMARY KEY (source, reply_id)
    );
    CREATE TABLE commdash_drafts (
        source text NOT NULL,
        conversation_id text NOT NULL,
        manager text NOT NULL,
        text text NOT NULL,
        PRIMARY KEY (source, conversation_id, manager)
    );
    CREATE TABLE commdash_outbox (
        source text NOT NULL,
        id text NOT NULL,
        item jsonb NOT NULL,
        status text NOT NULL,
        kind text NOT NULL,
        in_reply_to text NOT NULL,
        queued_at double precision NOT NULL,
        next_attempt_at double precision NOT NULL,
        PRIMARY KEY (source, id)
    );
    CREATE INDEX commdash_outbox_pending ON commdash_outbox (source, queued_at)
        WHERE status IN ('queued', 'sending');
    CREATE TABLE commdash_sessions (
        session text PRIMARY KEY,
        source text NOT NULL,
        manager text NOT NULL,
        name text NOT NULL,
        seen_at double precision NOT NULL,
        typing_in text,
        typing_at double precision
    );
    CREATE TABLE commdash_applied (
        key text PRIMARY KEY,
        at double precision NOT NULL
    );
    CREATE TABLE commdash_notices (
        id bigserial PRIMARY KEY,
        source text NOT NULL,
        manager text NOT NULL,
        text text NOT NULL,
        at double precision NOT NULL
    );
    CREATE INDEX commdash_notices_for ON commdash_notices (source, manager, id);
    CREATE TABLE commdash_saved_replies (
        key text PRIMARY KEY,
        reply jsonb NOT NULL
    );
    """,
)
"""Migration ``n`` (from 1) brings the schema from version ``n - 1`` to ``n``."""


def migrate(connection: Connection[Any]) -> int:
    """Bring the database's tables up to date; returns the version reached. A StateError
    when the database is newer than this commdash."""
    with connection.transaction():
        connection.execute("SELECT pg_advisory_xact_lock(%s)", (_LOCK,))
        version = _version(connection)
        if version == len(MIGRATIONS):
            return version  # nothing to create: a role with no more than DML is enough
        if version > len(MIGRATIONS):
            raise StateError(
                f"the team database is at schema version {version}, newer than this "
                f"commdash knows ({len(MIGRATIONS)}): upgrade commdash"
            )
        if version == 0:
            connection.execute("CREATE TABLE commdash_schema (version integer NOT NULL)")
        for number in range(version + 1, len(MIGRATIONS) + 1):
            connection.execute(MIGRATIONS[number - 1])
            connection.execute("INSERT INTO commdash_schema (version) VALUES (%s)", (number,))
    return len(MIGRATIONS)


def _version(connection: Connection[Any]) -> int:
    """The schema version the database is at (0: commdash has no tables there yet)."""
    found = connection.execute("SELECT to_regclass('commdash_schema')").fetchone()
    if found is None or found[0] is None:
        return 0
    row = connection.execute("SELECT max(version) FROM commdash_schema").fetchone()
    return int(row[0]) if row is not None and row[0] is not None else 0
