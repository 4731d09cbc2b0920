"""``commdash team push``: a source's local state (the files) copied into the team database,
so a manager who triaged alone brings their work to the team. Idempotent: what the
database has already stays as it is (a conversation a colleague triaged keeps the team's
state), and pushing twice copies nothing the second time.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from typing import Any

import orjson
from psycopg import Cursor
from psycopg.types.json import Jsonb

from commdash.store.directory import Store
from commdash.store.team_db import TeamDatabase
from commdash.store.team_outbox import TeamOutboxStore
from commdash.store.team_saved_replies import TeamSavedReplyStore
from commdash.triage import JournalEntry, TriageState


@dataclass(frozen=True, slots=True)
class Pushed:
    """What a push copied, and what it found the team had already."""

    states: int
    states_kept: int
    """Conversations the team database has another state for (left as they are)."""
    journal: int
    replies: int
    drafts: int
    saved_replies: int

    def summary(self) -> str:
        kept = f" ({self.states_kept:,} kept the team's)" if self.states_kept else ""
        return (
            f"{self.states:,} conversation states{kept}, {self.journal:,} journal entries, "
            f"{self.replies:,} outbox items, {self.drafts:,} drafts, "
            f"{self.saved_replies:,} saved replies copied"
        )


def push(local: Store, database: TeamDatabase, source: str) -> Pushed:
    """Copy ``local``'s state into the database under ``source``, in one transaction."""
    states = local.states()
    journal = local.journal()
    replies = local.replies()
    drafts = local.drafts()
    database.register(source)
    with database.transaction(longer=None) as cursor:
        untouched = cursor.execute(
            "SELECT NOT EXISTS (SELECT 1 FROM commdash_states WHERE source = %s) "
            "AND NOT EXISTS (SELECT 1 FROM commdash_journal WHERE source = %s)",
            (source, source),
        ).fetchone()
        if untouched is not None and untouched[0]:
            # The demo's times follow the anchor: the states brought must meet the times
            # they were made against, or every conversation done would look answered since.
            cursor.execute(
                "UPDATE commdash_sources SET anchor = %s WHERE source = %s",
                (local.anchor(time.time()), source),
            )
        version = database.bump(cursor, source, "states")
        copied = cursor.execute(
            "INSERT INTO commdash_states (source, conversation_id, state, version, changed_by, "
            "changed_at) SELECT %s, cid, state, %s, %s, 0 FROM unnest(%s::text[], "
            "%s::jsonb[]) AS t(cid, state) ON CONFLICT DO NOTHING RETURNING conversation_id",
            (
                source,
                version,
                local.manager,
                list(states),
                [Jsonb(state.to_dict()) for state in states.values()],
            ),
        ).fetchall()
        taken = {cid for (cid,) in copied}
        rows = cursor.execute(
            "SELECT conversation_id, state FROM commdash_states WHERE source = %s "
            "AND conversation_id = ANY(%s)",
            (source, [cid for cid in states if cid not in taken]),
        ).fetchall()
        kept = sum(TriageState.from_dict(document) != states[cid] for cid, document in rows)
        entries = _push_journal(cursor, source, journal)
        database.bump(cursor, source, "outbox")
        replies = [item for item in replies if _first_time(cursor, f"push:item:{source}:{item.id}")]
        items = TeamOutboxStore(database, source).write(cursor, replies, keep=True)
        drafts = {
            cid: text
            for cid, text in drafts.items()
            if _first_time(cursor, f"push:draft:{source}:{local.manager}:{_digest([cid, text])}")
        }
        drafted = cursor.execute(
            "INSERT INTO commdash_drafts (source, conversation_id, manager, text) "
            "SELECT %s, cid, %s, text FROM unnest(%s::text[], %s::text[]) AS t(cid, text) "
            "ON CONFLICT DO NOTHING RETURNING conversation_id",
            (source, local.manager, list(drafts), list(drafts.values())),
        ).fetchall()
    added, _ = TeamSavedReplyStore(database).merge(local.library().replies(), replace=False)
    return Pushed(
        states=len(copied),
        states_kept=kept,
        journal=entries,
        replies=len(items),
        drafts=len(drafted),
        saved_replies=added,
    )


def _digest(value: object) -> str:
    return hashlib.sha256(orjson.dumps(value)).hexdigest()


def _first_time(cursor: Cursor[Any], key: str) -> bool:
    """Record ``key`` as pushed; whether it was not already (what a push brought once and
    the team then discarded or took back is not brought again)."""
    return (
        cursor.execute(
            "INSERT INTO commdash_applied (key, at) VALUES (%s, extract(epoch from now())) "
            "ON CONFLICT DO NOTHING RETURNING key",
            (key,),
        ).fetchone()
        is not None
    )


def _push_journal(cursor: Cursor[Any], source: str, journal: list[JournalEntry]) -> int:
    """Copy the journal's actions (a bulk action's entries stay one action), each once:
    an action's key, a hash of its entries, is recorded with it. Returns the entries
    copied."""
    actions: list[list[JournalEntry]] = []
    for entry in journal:
        if actions and entry.batch and actions[-1][0].batch == entry.batch:
            actions[-1].append(entry)
        else:
            actions.append([entry])
    keys = ["push:" + _digest([source, [e.to_dict() for e in action]]) for action in actions]
    fresh = {
        key
        for (key,) in cursor.execute(
            "INSERT INTO commdash_applied (key, at) SELECT key, extract(epoch from now()) "
            "FROM unnest(%s::text[]) AS t(key) ON CONFLICT DO NOTHING RETURNING key",
            (keys,),
        )
    }
    copied = [
        (index == 0, entry)
        for action, key in zip(actions, keys, strict=True)
        if key in fresh
        for index, entry in enumerate(action)
    ]
    cursor.execute(
        "INSERT INTO commdash_journal (source, head, session, manager, batch, reply_id, entry) "
        "SELECT %s, * FROM unnest(%s::boolean[], %s::text[], %s::text[], %s::text[], "
        "%s::text[], %s::jsonb[])",
        (
            source,
            [head for head, _ in copied],
            [entry.session for _, entry in copied],
            [entry.manager for _, entry in copied],
            [entry.batch for _, entry in copied],
            [entry.reply_id for _, entry in copied],
            [Jsonb(entry.to_dict()) for _, entry in copied],
        ),
    )
    return len(copied)
