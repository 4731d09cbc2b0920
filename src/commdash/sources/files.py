"""Opening a local export file: a regular file only."""

from __future__ import annotations

import io
import mmap
import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
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

MAX_BYTES = 4 << 30
"""The largest export commdash opens (4 GiB, some 12 million comments). What is kept of a
file takes about as much memory again as the file: beyond this, more memory than most
machines have."""

OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
"""Opening for reading never waits: a FIFO is refused, not read."""


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
    with _regular_file(path, location) as (descriptor, found):
        key = parse_cache.cache_key(path, descriptor, found) if cached else None
        if key is not None:
            entry = parse_cache.load(key)
            if entry is not None:
                snapshot, derived = entry
                source = replace(snapshot.source, location=location)
                return Opened(replace(snapshot, source=source), key, derived)
        return Opened(_read(descriptor, found, path, location), key, None)


@contextmanager
def _regular_file(path: Path, location: str) -> Iterator[tuple[int, os.stat_result]]:
    """The file opened for reading, and its status; anything but a regular file of at most
    :data:`MAX_BYTES` is refused at once. Opening does not wait (a FIFO would wait for a
    writer for ever), and the checks are of what was opened, not of the path again."""
    try:
        descriptor = os.open(path, OPEN_FLAGS)
    except FileNotFoundError:
        raise SourceError(f"{location}: no such file") from None
    except IsADirectoryError:
        raise SourceError(f"{location}: is a directory, expected a commdash/v1 JSON file") from None
    except PermissionError:
        raise SourceError(f"{location}: permission denied") from None
    except OSError as exc:
        raise SourceError(f"{location}: cannot read: {_reason(path, exc)}") from None
    except ValueError as exc:  # a NUL byte in the path
        raise SourceError(f"{location}: cannot read: {exc}") from None
    try:
        found = os.fstat(descriptor)
        if stat.S_ISDIR(found.st_mode):
            raise SourceError(f"{location}: is a directory, expected a commdash/v1 JSON file")
        if not stat.S_ISREG(found.st_mode):
            kind = _KINDS.get(stat.S_IFMT(found.st_mode), "a special file")
            raise SourceError(f"{location}: is {kind}, not a file; save the export to a file")
        if found.st_size > MAX_BYTES:
            raise SourceError(
                f"{location}: {found.st_size / 2**30:.1f} GiB is more than commdash can hold "
                f"(at most {MAX_BYTES >> 30} GiB); export fewer posts or a shorter period"
            )
        yield descriptor, found
    finally:
        os.close(descriptor)


_KINDS = {
    stat.S_IFIFO: "a FIFO (named pipe)",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
    stat.S_IFSOCK: "a socket",
}


def _reason(path: Path, error: OSError) -> str:
    """Why a file could not be opened. A socket cannot be opened at all (ENXIO): its kind,
    looked up by path, names it."""
    try:
        kind = _KINDS.get(stat.S_IFMT(os.stat(path).st_mode))
    except (OSError, ValueError):
        kind = None
    if kind is not None:
        return f"it is {kind}, not a file; save the export to a file"
    return error.strerror or str(error)


def _read(descriptor: int, found: os.stat_result, path: Path, location: str) -> Snapshot:
    try:
        if found.st_size > SHELF_ABOVE_BYTES:
            # Mapped, not read: the reader gives the pages back as it goes.
            data: bytes | mmap.mmap = mmap.mmap(descriptor, 0, access=mmap.ACCESS_READ)
        else:
            with io.FileIO(descriptor, closefd=False) as reader:
                data = reader.readall()
    except OSError as exc:
        raise SourceError(f"{location}: cannot read: {exc.strerror or exc}") from None
    shelve_as = str(path.resolve()) if isinstance(data, mmap.mmap) else None
    return read_native_bytes(data, location, path.name, found.st_mtime, shelve_as)
