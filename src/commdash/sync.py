"""Keeping a live source's data: pulls that never overlap, and the offline copy.

The last good pull (document, cursor, when) is kept in ``<state root>/live/<key>.json``,
written atomically and readable only by the user, so commdash opens at once on it, says how
old it is, and works with no network at all. The token is never in it.
"""

from __future__ import annotations

import hashlib
import os
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

CACHE_FORMAT = 1


@dataclass(frozen=True, slots=True)
class Synced:
    """The outcome of one pull."""

    snapshot: Snapshot | None
    """The new data; None when nothing changed."""
    warnings: tuple[str, ...]
    requests: int
    """Requests this pull cost."""
    seconds: float


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
        self._pulling = threading.Lock()

    def open_cached(self) -> Snapshot | None:
        """The snapshot of the offline copy; None when there is none (or it is unreadable,
        which only costs a full pull)."""
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
        try:
            snapshot = self._snapshot(saved["document"], float(saved["synced_at"]))
        except (SourceError, orjson.JSONEncodeError):  # e.g. nested deeper than orjson writes
            return None
        self.document, self.cursor = saved["document"], saved["cursor"]
        self.synced_at = float(saved["synced_at"])
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
            snapshot = None
            if pulled.document is not None:
                snapshot = self._snapshot(pulled.document, now)
            trouble = self._keep(pulled, now)
            return Synced(
                snapshot,
                pulled.warnings if trouble is None else (trouble, *pulled.warnings),
                self.source.requests - requests,
                time.monotonic() - started,
            )
        finally:
            self._pulling.release()

    def forget_cursor(self) -> None:
        """Make the next pull a whole one (what the last one brought could not be used)."""
        self.cursor = {}

    def _snapshot(self, document: Document, synced_at: float) -> Snapshot:
        """The document read like any export; its age is that of the pull."""
        snapshot = read_native_bytes(
            orjson.dumps(document), self.source.location, self.name, synced_at
        )
        return replace(snapshot, source=replace(snapshot.source, exported_at=synced_at))

    def _keep(self, pulled: Pulled, now: float) -> str | None:
        """Take the pull, and write it as the offline copy; a failure to write is returned
        (the pull is used all the same, and the copy is written again next time)."""
        document = self.document if pulled.document is None else pulled.document
        saved = {
            "format": CACHE_FORMAT,
            "location": self.source.location,
            "synced_at": now,
            "cursor": pulled.cursor,
            "document": document,
        }
        self.document, self.cursor, self.synced_at = document, pulled.cursor, now
        try:
            write_private(self.cache_path, orjson.dumps(saved))
        except StateError as error:
            return f"the offline copy was not saved: {error}"
        return None


def write_private(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` atomically, readable by the user only."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise StateError(f"{path}: cannot write: {exc.strerror or exc}") from None


def cache_path(root: Path, identity: str) -> Path:
    """Where the offline copy of the source named by ``identity`` (kind, URL, page) lives."""
    digest = hashlib.sha256(identity.encode("utf-8", "surrogatepass")).hexdigest()[:12]
    readable = re.sub(r"[^a-z0-9]+", "-", identity.lower()).strip("-")[:40]
    return root / "live" / f"{readable}-{digest}.json"
