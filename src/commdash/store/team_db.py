"""The team database: connections to it, and the news of what the other managers change.

One :class:`TeamDatabase` per process and database: a small pool of connections (psycopg 3),
the tables migrated on first use (:mod:`commdash.store.team_schema`), and a listener thread
(``LISTEN commdash``) that learns within a moment of every change another commdash commits,
so nobody polls the database.

Each write to a source's states or outbox takes a new *version* from the source's row
(``commdash_sources``) in its transaction, which holds that row until it commits: versions
follow the order of commits, and a reader that has every row up to version ``v`` misses
none below it. The transaction announces its version (``NOTIFY``, sent when it commits).

What comes back from the database is untrusted like a file on disk: every string passes
:func:`commdash.text.sanitize_tree` on its way in.
"""

from __future__ import annotations

import atexit
import logging
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from typing import Any, Literal

import orjson
import psycopg
from psycopg import Connection, Cursor
from psycopg.abc import Buffer
from psycopg.conninfo import conninfo_to_dict, make_conninfo
from psycopg.types.json import set_json_dumps, set_json_loads
from psycopg.types.string import TextLoader
from psycopg_pool import ConnectionPool, PoolTimeout

from commdash.errors import StateError
from commdash.store.team_schema import migrate
from commdash.text import json_is_clean, one_line, sanitize, sanitize_tree

logging.getLogger("psycopg").addHandler(logging.NullHandler())
"""What psycopg's pool logs (a connection lost, a retry) must never reach the terminal the
TUI draws on: commdash says what matters in its own words."""

CHANNEL = "commdash"
Part = Literal["states", "outbox", "presence", "notice"]
Listener = Callable[[str, Part, int], None]
"""Told (source, part, version) of every change committed, others' and this process's."""

HEARTBEAT = 10.0
"""Seconds between two signs of life of this process's sessions (``commdash_sessions``)."""
SESSIONS_KEPT = 86400.0
"""Seconds after its last sign of life a session's row is removed by the next to start."""
LISTEN_WAKE = 0.5
"""Seconds the listener waits for news before it looks whether it should stop."""
RECONNECT_WAIT = 1.0


DEADLINE = 20.0
"""Seconds an operation may take before its connection is given up (the database counts as
away, and what was being done waits in the local queue). Far beyond an action's few
milliseconds; a bulk action on many conversations gets more."""
POOL_WAIT = 2.0
"""Seconds an operation waits for a connection before the database counts as away."""
TIMEOUTS = {
    "connect_timeout": "5",
    "keepalives": "1",
    "keepalives_idle": "5",
    "keepalives_interval": "2",
    "keepalives_count": "2",
    "tcp_user_timeout": "5000",
}
"""How soon a connection to a database that went away (a network cut, a host down) fails
rather than waits: unless the URL says otherwise."""


@contextmanager
def watched(connection: Connection[Any], seconds: float | None) -> Iterator[None]:
    """Give the connection up if what is done on it takes longer than ``seconds``: its
    socket is shut, so the wait ends at once with the connection lost (libpq's own
    timeouts cover a network that drops packets, not a peer that takes them and never
    answers)."""
    if seconds is None:
        yield
        return
    timer = threading.Timer(seconds, _give_up, (connection,))
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        timer.cancel()


def _give_up(connection: Connection[Any]) -> None:
    with suppress(OSError, psycopg.Error, ValueError):
        held = socket.socket(fileno=connection.fileno())
        try:
            held.shutdown(socket.SHUT_RDWR)
        finally:
            held.detach()  # the descriptor stays libpq's


def _with_timeouts(conninfo: str) -> str:
    given = conninfo_to_dict(conninfo)
    return make_conninfo(conninfo, **{k: v for k, v in TIMEOUTS.items() if k not in given})


HINTS = (
    ("password authentication failed", "check password_env or password_command in [team]"),
    ("no password supplied", "give the password: password_env or password_command in [team]"),
    ("does not support SSL", 'give the server TLS, or sslmode = "disable" for one on this machine'),
    ("root certificate file", 'set sslrootcert in [team] (or sslrootcert = "system")'),
    ("certificate verify failed", "set sslrootcert in [team] to the CA that signed the server's"),
    ("permission denied", "the role needs SELECT, INSERT, UPDATE, DELETE on commdash's tables"),
)
"""What to do, for the refusals a manager meets when setting a team up."""


def _primary(exc: BaseException) -> str:
    """The first line of what the server or libpq said, made one safe line."""
    diag = getattr(exc, "diag", None)
    primary = getattr(diag, "message_primary", None) if diag is not None else None
    return one_line(primary or str(exc).strip().split("\n")[0], 160)


def _hinted(exc: BaseException) -> str:
    """:func:`_primary`, with what to do when commdash knows."""
    said = _primary(exc) or type(exc).__name__
    hint = next((do for found, do in HINTS if found in str(exc)), None)
    return f"{said}: {hint}" if hint else said


def _loads(data: bytes | bytearray | memoryview | str) -> Any:
    raw = data.encode() if isinstance(data, str) else bytes(data)
    parsed = orjson.loads(raw)
    return parsed if json_is_clean(raw) else sanitize_tree(parsed)


def _dumps(value: Any) -> bytes:
    return orjson.dumps(value)


class _SanitizedText(TextLoader):
    """Every text column read (a draft, a notice, a name) passes the sanitiser, as the JSON
    columns do: any client of the database may have written it."""

    def load(self, data: Buffer) -> str:
        return sanitize(str(super().load(data)))


def _configure(connection: Connection[Any]) -> None:
    set_json_loads(_loads, connection)
    set_json_dumps(_dumps, connection)
    for name in ("text", "varchar", "name"):
        connection.adapters.register_loader(name, _SanitizedText)


class TeamDatabase:
    """Connections to the team database, its tables brought up to date, and its news."""

    def __init__(self, conninfo: str, password: str | None = None, shown: str = "") -> None:
        self.shown = shown or "the team database"
        """How the database is named in messages (never with a password)."""
        self._kwargs: dict[str, Any] = {"autocommit": True, "application_name": "commdash"}
        if password is not None:
            self._kwargs["password"] = password
        self._conninfo = conninfo = _with_timeouts(conninfo)
        self._pool = ConnectionPool(
            conninfo,
            timeout=POOL_WAIT,
            kwargs=self._kwargs,
            min_size=1,
            max_size=4,
            open=False,
            configure=_configure,
            name="commdash",
        )
        self.deadline = DEADLINE
        self._listeners: list[Listener] = []
        self._sessions: set[str] = set()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.reachable = True

    @property
    def offline(self) -> bool:
        """Whether the database could not be reached at the latest try."""
        return not self.reachable

    def open(self) -> TeamDatabase:
        """Connect, and bring the tables up to date; a StateError in one line naming the
        database and what to do when it cannot be reached or its tables cannot be used. One
        attempt first, so that a refused password is tried once, not by every retry of the
        pool, and a refusal is told at once."""
        try:
            psycopg.connect(self._conninfo, **self._kwargs).close()
        except psycopg.Error as exc:
            raise StateError(f"{self.shown}: cannot connect ({_hinted(exc)})") from None
        try:
            self._pool.open(wait=True, timeout=POOL_WAIT)
        except PoolTimeout:
            self._pool.close()
            raise StateError(f"{self.shown}: cannot connect (no answer in time)") from None
        try:
            with self._pool.connection() as connection:
                migrate(connection)
        except StateError:
            self.close()
            raise
        except psycopg.errors.InsufficientPrivilege as exc:
            self.close()
            raise StateError(
                f"{self.shown}: {_primary(exc)}: the tables must be made or brought up to date"
                " by the database's owner (commdash team check), and this role "
                "granted SELECT, INSERT, UPDATE, DELETE on them (README: Working as a team)"
            ) from None
        except (psycopg.Error, PoolTimeout, ValueError) as exc:
            self.close()
            raise StateError(
                f"{self.shown}: its commdash tables are not as commdash made them "
                f"({_primary(exc)}); restore them, or give commdash an empty database"
            ) from None
        return self

    def close(self) -> None:
        for session in list(self._sessions):
            with suppress(StateError):
                self.leave(session)
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._pool.close()

    @contextmanager
    def connection(self, longer: float | None = 0.0) -> Iterator[Connection[Any]]:
        """A connection of the pool (autocommit: open a transaction for what must be one),
        given up after :attr:`deadline` seconds, ``longer`` more (None: never, for a push):
        a server or a middlebox that holds the connection and never answers must not hold
        commdash."""
        deadline = None if longer is None else self.deadline + longer
        try:
            with self._pool.connection() as connection, watched(connection, deadline):
                yield connection
        except (psycopg.OperationalError, PoolTimeout) as exc:
            self.reachable = False
            raise StateError(f"{self.shown}: {_primary(exc) or 'unreachable'}") from None
        except psycopg.Error as exc:  # refused (a privilege taken back), a damaged table
            raise StateError(f"{self.shown}: {_hinted(exc)}") from None

    @contextmanager
    def transaction(
        self, pipelined: bool = False, longer: float | None = 0.0
    ) -> Iterator[Cursor[Any]]:
        """A cursor in a transaction, committed when the block ends without an error.
        ``pipelined``: statements go out without waiting for each other's results until one
        is fetched (two round trips for an action instead of eight: over a slow link, or on
        busy cores, each round trip counts)."""
        with self.connection(longer) as connection:
            if not pipelined:
                with connection.transaction():
                    yield connection.cursor()
                return
            with connection.pipeline(), connection.transaction():
                yield connection.cursor()

    # Versions and news --------------------------------------------------------------------

    def register(self, source: str) -> None:
        """Make the source's row (its versions and anchor) if it has none yet."""
        with self.connection() as connection:
            connection.execute(
                "INSERT INTO commdash_sources (source) VALUES (%s) ON CONFLICT DO NOTHING",
                (source,),
            )

    def versions(self, source: str) -> tuple[int, int]:
        """The source's (states, outbox) versions as committed now."""
        with self.connection() as connection:
            row = connection.execute(
                "SELECT states_version, outbox_version FROM commdash_sources WHERE source = %s",
                (source,),
            ).fetchone()
        return (int(row[0]), int(row[1])) if row is not None else (0, 0)

    @staticmethod
    def bump(cursor: Cursor[Any], source: str, part: Literal["states", "outbox"]) -> int:
        """Take the source's next version of ``part`` in this transaction (which holds the
        source's row until it commits) and announce it when it commits."""
        version = TeamDatabase.version_of(TeamDatabase.ask_bump(cursor, source, part), source)
        TeamDatabase.announce(cursor, source, part, version)
        return version

    @staticmethod
    def ask_bump(
        cursor: Cursor[Any], source: str, part: Literal["states", "outbox"]
    ) -> Cursor[Any]:
        """:meth:`bump`, its answer not waited for: fetch it with :meth:`version_of` (then
        :meth:`announce` it)."""
        column = "states_version" if part == "states" else "outbox_version"
        return cursor.execute(
            f"UPDATE commdash_sources SET {column} = {column} + 1 "
            "WHERE source = %s RETURNING " + column,
            (source,),
        )

    @staticmethod
    def version_of(asked: Cursor[Any], source: str) -> int:
        row = asked.fetchone()
        if row is None:
            raise StateError(f"the team database has no row for source {source!r}")
        return int(row[0])

    @staticmethod
    def announce(cursor: Cursor[Any], source: str, part: Part, version: int = 0) -> None:
        payload = orjson.dumps({"source": source, "part": part, "version": version}).decode()
        cursor.execute("SELECT pg_notify(%s, %s)", (CHANNEL, payload))

    def join(self, session: str, source: str, manager: str, name: str) -> None:
        """Say that ``session`` is at work (undo leaves its actions to it while it is), and
        keep saying it while this process runs."""
        with self.connection() as connection:
            connection.execute(  # sessions long gone (killed, or ended without a word)
                "DELETE FROM commdash_sessions WHERE seen_at < %s", (time.time() - SESSIONS_KEPT,)
            )
            connection.execute(
                "INSERT INTO commdash_sessions (session, source, manager, name, seen_at) "
                "VALUES (%s, %s, %s, %s, %s) ON CONFLICT (session) DO UPDATE SET "
                "seen_at = excluded.seen_at",
                (session, source, manager, name, time.time()),
            )
        if not self._sessions:
            atexit.register(self._leave_all)
        self._sessions.add(session)

    def _leave_all(self) -> None:
        """At exit (a CLI command, the TUI): this process's sessions end, unless the
        database is away (their rows then stop counting once no heartbeat renews them)."""
        if self.reachable:
            for session in list(self._sessions):
                with suppress(StateError):
                    self.leave(session)

    def leave(self, session: str) -> None:
        """The session has ended: its actions are its manager's to undo from any session."""
        self._sessions.discard(session)
        with self.connection() as connection:
            connection.execute("DELETE FROM commdash_sessions WHERE session = %s", (session,))

    def _heartbeat(self, connection: Connection[Any]) -> None:
        if self._sessions:
            connection.execute(
                "UPDATE commdash_sessions SET seen_at = %s WHERE session = ANY(%s)",
                (time.time(), list(self._sessions)),
            )

    def listen(self, listener: Listener) -> None:
        """Tell ``listener`` of every change committed from now on (from a thread of its
        own; it must be quick and thread-safe)."""
        self._listeners.append(listener)
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._listen, name="commdash-listen", daemon=True
            )
            self._thread.start()

    def _listen(self) -> None:
        while not self._stop.is_set():
            try:
                with psycopg.connect(self._conninfo, **self._kwargs) as connection:
                    connection.execute(f"LISTEN {CHANNEL}")
                    self.reachable = True
                    self._tell_all("", "states", 0)  # caught up: whatever was missed
                    beat = 0.0
                    while not self._stop.is_set():
                        if time.monotonic() - beat >= HEARTBEAT:
                            with watched(connection, self.deadline):
                                self._heartbeat(connection)
                            beat = time.monotonic()
                        for notice in connection.notifies(timeout=LISTEN_WAKE):
                            self._heard(notice.payload)
                        if not self.reachable:  # an operation failed, yet this connection
                            self.reachable = True  # works: try again (catch up) now
                            self._tell_all("", "states", 0)
            except psycopg.Error:
                self.reachable = False
                self._stop.wait(RECONNECT_WAIT)

    def _heard(self, payload: str) -> None:
        try:
            news = orjson.loads(payload)
            source, part, version = str(news["source"]), news["part"], int(news["version"])
        except (orjson.JSONDecodeError, KeyError, TypeError, ValueError):
            return
        if part in ("states", "outbox", "presence", "notice"):
            self._tell_all(source, part, version)

    def _tell_all(self, source: str, part: Part, version: int) -> None:
        for listener in list(self._listeners):
            try:
                listener(source, part, version)
            except StateError:
                continue  # the database went away again: the next connection tells anew
