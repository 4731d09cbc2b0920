"""Keeping a live source's data: pulls that never overlap, and the offline copy.

The last good pull (document, cursor, when, and what it skipped or repaired) is kept in
``<state root>/live/<key>.json``, written atomically and readable only by the user, so
commdash opens at once on it, says how old it is, and works with no network at all. The
token is never in it.

What a pull skipped or repaired is part of the snapshot it gives (``skipped``, ``advice``),
exactly as for a file, and is kept with the offline copy; a pull that only changes that
report gives a snapshot too. What the manager has not been told yet is in
:attr:`Synced.warnings`, so the same trouble is reported once, not on every poll.
"""

from __future__ import annotations

import hashlib
import re
import threading
import time
from dataclasses import dataclass, replace
from pathlib import Path

import orjson

from commdash.errors import SourceError, StateError
from commdash.model import Snapshot
from commdash.sources.live import Cursor, Document, LiveSource, ProgressFn, Pulled
from commdash.sources.native import read_native_bytes
from commdash.statefiles import remove_stale_temporaries, write_atomically
from commdash.text import one_line

CACHE_FORMAT = 1
MAX_LINE = 300
"""Cells a line read back from the offline copy may take (the file is not trusted)."""


@dataclass(frozen=True, slots=True)
class Trouble:
    """What a pull skipped or repaired in the data as it stands: the source's warnings."""

    lines: tuple[str, ...] = ()
    unlisted: int = 0
    advice: tuple[str, ...] = ()

    @classmethod
    def of(cls, pulled: Pulled) -> Trouble:
        return cls(pulled.warnings, pulled.unlisted, pulled.advice)

    @classmethod
    def from_json(cls, raw: object) -> Trouble:
        """As kept in the offline copy; anything malformed is left out, every line is made
        safe to show."""
        if not isinstance(raw, dict):
            return cls()
        unlisted = raw.get("unlisted")
        return cls(
            _lines(raw.get("lines")),
            unlisted if type(unlisted) is int and unlisted > 0 else 0,
            _lines(raw.get("advice")),
        )

    def to_json(self) -> dict[str, object]:
        return {"lines": self.lines, "unlisted": self.unlisted, "advice": self.advice}

    def news_since(self, told: Trouble) -> tuple[str, ...]:
        """The causes, then the lines, that ``told`` did not hold."""
        known = {*told.advice, *told.lines}
        return tuple(line for line in (*self.advice, *self.lines) if line not in known)


def _lines(raw: object) -> tuple[str, ...]:
    if not isinstance(raw, list):
        return ()
    return tuple(one_line(line, MAX_LINE) for line in raw if isinstance(line, str))


@dataclass(frozen=True, slots=True)
class Synced:
    """The outcome of one pull."""

    snapshot: Snapshot | None
    """The new data; None when neither the data nor what was skipped changed."""
    warnings: tuple[str, ...]
    """What to tell the manager now: a failure to save the offline copy, then the causes and
    items skipped or repaired that the last pull did not already report. (All that was
    skipped is in the snapshot.)"""
    requests: int
    """Requests this pull cost."""
    seconds: float
    unsaved: str | None = None
    """Why the offline copy could not be written, when it could not."""


class LiveFeed:
    """A live source and its offline copy."""

    def __init__(self, source: LiveSource, cache_path: Path, name: str) -> None:
        self.source = source
        self.cache_path = cache_path
        self.name = name
        """Shown as the source's name until the first pull says better."""
        self.document: Document | None = None
        self.cursor: Cursor = {}
        self.synced_at: float | None = None
        """When the data last came from the source (None: never)."""
        self.trouble = Trouble()
        """What the last pull skipped or repaired."""
        self._pulling = threading.Lock()

    def open_cached(self) -> Snapshot | None:
        """The snapshot of the offline copy; None when there is none (or it is unreadable,
        which only costs a full pull)."""
        remove_stale_temporaries(self.cache_path.parent)  # left by a commdash killed mid-write
        try:
            saved = orjson.loads(self.cache_path.read_bytes())
        except (OSError, orjson.JSONDecodeError):
            return None
        if not (
            isinstance(saved, dict)
            and saved.get("format") == CACHE_FORMAT
            and isinstance(saved.get("document"), dict)
            and isinstance(saved.get("cursor"), dict)
            and isinstance(saved.get("synced_at"), int | float)
        ):
            return None
        trouble = Trouble.from_json(saved.get("trouble"))
        try:
            snapshot = self._snapshot(saved["document"], float(saved["synced_at"]), trouble)
        except (SourceError, orjson.JSONEncodeError):  # e.g. nested deeper than orjson writes
            return None
        self.document, self.cursor = saved["document"], saved["cursor"]
        self.synced_at = float(saved["synced_at"])
        self.trouble = trouble
        return snapshot

    def pull(self, progress: ProgressFn) -> Synced | None:
        """Fetch what changed; None when another pull is under way (polls never overlap).
        Raises :class:`~commdash.sources.http.RemoteError` when the source cannot be read;
        the offline copy is then left as it was."""
        if not self._pulling.acquire(blocking=False):
            return None
        try:
            started, requests = time.monotonic(), self.source.requests
            pulled = self.source.pull(self.document, self.cursor, progress)
            now = time.time()
            trouble = Trouble.of(pulled)
            news = trouble.news_since(self.trouble)
            document = pulled.document
            if document is None and trouble != self.trouble:
                document = self.document  # the same data, with another report
            snapshot = None
            if document is not None:
                snapshot = self._snapshot(document, now, trouble)
            unsaved = self._keep(pulled, now, trouble)
            return Synced(
                snapshot,
                news if unsaved is None else (unsaved, *news),
                self.source.requests - requests,
                time.monotonic() - started,
                unsaved,
            )
        finally:
            self._pulling.release()

    def forget_cursor(self) -> None:
        """Make the next pull a whole one (what the last one brought could not be used)."""
        self.cursor = {}

    def _snapshot(self, document: Document, synced_at: float, trouble: Trouble) -> Snapshot:
        """The document read like any export, with what the pull skipped or repaired before
        what the reader did; its age is that of the pull."""
        snapshot = read_native_bytes(
            orjson.dumps(document), self.source.location, self.name, synced_at
        )
        return replace(
            snapshot,
            source=replace(snapshot.source, exported_at=synced_at),
            skipped=(*trouble.lines, *snapshot.skipped),
            unlisted=trouble.unlisted,
            advice=trouble.advice,
        )

    def _keep(self, pulled: Pulled, now: float, trouble: Trouble) -> str | None:
        """Take the pull, and write it as the offline copy; a failure to write is returned
        (the pull is used all the same, and the copy is written again next time)."""
        document = self.document if pulled.document is None else pulled.document
        saved = {
            "format": CACHE_FORMAT,
            "location": self.source.location,
            "synced_at": now,
            "cursor": pulled.cursor,
            "document": document,
            "trouble": trouble.to_json(),
        }
        self.document, self.cursor, self.synced_at = document, pulled.cursor, now
        self.trouble = trouble
        try:
            write_atomically(self.cache_path, orjson.dumps(saved))
        except StateError as error:
            return f"the offline copy was not saved: {error}"
        return None


def cache_path(root: Path, identity: str) -> Path:
    """Where the offline copy of the source named by ``identity`` (kind, URL, page) lives."""
    digest = hashlib.sha256(identity.encode("utf-8", "surrogatepass")).hexdigest()[:12]
    readable = re.sub(r"[^a-z0-9]+", "-", identity.lower()).strip("-")[:40]
    return root / "live" / f"{readable}-{digest}.json"
