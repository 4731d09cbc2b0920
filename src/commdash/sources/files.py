"""Opening a local export file."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from commdash.errors import SourceError
from commdash.model import Snapshot
from commdash.sources import parse_cache
from commdash.sources.native import read_native_bytes
from commdash.sources.parse_cache import Derived
from commdash.text import sanitize

SHELF_ABOVE_BYTES = 8_000_000
"""A larger export keeps its conversations on a shelf (read back from the file as needed)."""


def open_file(spec: str, cached: bool = True) -> Snapshot:
    """Read a commdash/v1 export from ``spec``, or its parse from the cache when the file
    has not changed since; raise :class:`SourceError` on failure."""
    return open_export(spec, cached)[0]


def open_export(
    spec: str, cached: bool = True, derive: Callable[[Snapshot], Derived] | None = None
) -> tuple[Snapshot, Derived | None]:
    """:func:`open_file`, with what ``derive`` made of the snapshot when it was cached
    (None when the file was read: ``derive`` then runs in the background for next time)."""
    location = sanitize(spec).replace("\n", " ")  # error messages are one line
    try:
        path = Path(spec).expanduser()
    except RuntimeError:  # "~user/..." for an unknown user: take the path literally
        path = Path(spec)
    key = parse_cache.cache_key(path) if cached else None
    if key is not None:
        found = parse_cache.load(key)
        if found is not None:
            snapshot, derived = found
            return replace(snapshot, source=replace(snapshot.source, location=location)), derived
    snapshot = _read(path, location)
    if key is not None:
        parse_cache.save_in_background(key, snapshot, derive)
    return snapshot, None


def _read(path: Path, location: str) -> Snapshot:
    try:
        data = path.read_bytes()
        mtime = os.stat(path).st_mtime
    except FileNotFoundError:
        raise SourceError(f"{location}: no such file") from None
    except IsADirectoryError:
        raise SourceError(f"{location}: is a directory, expected a commdash/v1 JSON file") from None
    except PermissionError:
        raise SourceError(f"{location}: permission denied") from None
    except OSError as exc:
        raise SourceError(f"{location}: cannot read: {exc.strerror or exc}") from None
    except ValueError as exc:  # a NUL byte in the path
        raise SourceError(f"{location}: cannot read: {exc}") from None
    shelve_as = str(path.resolve()) if len(data) > SHELF_ABOVE_BYTES else None
    return read_native_bytes(data, location, path.name, mtime, shelve_as)
