"""Opening a local export file."""

from __future__ import annotations

import mmap
import os
from dataclasses import dataclass, replace
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
    has not changed since (a fresh parse is cached for next time); raise
    :class:`SourceError` on failure."""
    opened = open_export(spec, cached)
    if opened.key is not None and opened.derived is None:
        parse_cache.save_aside(opened.key, opened.snapshot, {})
    return opened.snapshot


@dataclass(frozen=True, slots=True)
class Opened:
    snapshot: Snapshot
    key: str | None
    """The parse cache's key for the file; None when the cache is not used."""
    derived: Derived | None
    """What was kept with the snapshot in the cache; None when the file was parsed."""


def open_export(spec: str, cached: bool = True) -> Opened:
    """Read an export, or take it from the parse cache; saving to the cache is the caller's."""
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
            source = replace(snapshot.source, location=location)
            return Opened(replace(snapshot, source=source), key, derived)
    return Opened(_read(path, location), key, None)


def _read(path: Path, location: str) -> Snapshot:
    try:
        with open(path, "rb") as handle:
            stat = os.fstat(handle.fileno())
            if stat.st_size > SHELF_ABOVE_BYTES:
                # Mapped, not read: the reader gives the pages back as it goes.
                data: bytes | mmap.mmap = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
            else:
                data = handle.read()
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
    shelve_as = str(path.resolve()) if isinstance(data, mmap.mmap) else None
    return read_native_bytes(data, location, path.name, stat.st_mtime, shelve_as)
