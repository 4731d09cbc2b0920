"""Opening a local export file: a regular file, read whole into memory.

Never mapped: a mapped file that someone truncates kills the reader (SIGBUS) when it touches
a page that is gone. A large export is read into memory it can give back as it is parsed,
and its posts are read back later (:class:`~commdash.sources.shelf.FileShelf`) only from the
same version of the file.
"""

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
from commdash.sources.jsondoc import Bytes
from commdash.sources.native import read_native_bytes
from commdash.sources.parse_cache import Derived
from commdash.sources.shelf import OPEN_FLAGS, FileShelf, FileVersion, OnDisk
from commdash.text import sanitize

SHELF_ABOVE_BYTES = 8_000_000
"""A larger export keeps its conversations on a shelf (read back from the file as needed)."""

MAX_BYTES = 4 << 30
"""The largest export commdash opens (4 GiB, some 12 million comments). The file is read
whole into memory before it is parsed, and what is kept of it takes about as much again:
beyond this, more memory than most machines have."""


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
        entry = parse_cache.load(key) if key is not None else None
        if entry is not None:
            snapshot, derived = entry
            snapshot = replace(snapshot, source=replace(snapshot.source, location=location))
        else:
            data = _read(descriptor, found, location)
            large = isinstance(data, mmap.mmap)
            on_disk = OnDisk(str(path.resolve()), FileVersion.of(found)) if large else None
            snapshot = read_native_bytes(data, location, path.name, found.st_mtime, on_disk)
            derived = None
        if isinstance(snapshot.conversations, FileShelf):
            snapshot.conversations.hold(os.dup(descriptor))
    return Opened(snapshot, key, derived)


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
        raise SourceError(f"{location}: {_reason(path, exc)}") from None
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
        return f"is {kind}, not a file; save the export to a file"
    return f"cannot read: {error.strerror or error}"


def _read(descriptor: int, found: os.stat_result, location: str) -> Bytes:
    """The whole file, as the version that was opened: a file that changes meanwhile (a
    writer still at work) is an error, never a mix of two versions."""
    size = found.st_size
    try:
        # A large file goes to memory that the reader gives back as it goes (never a map
        # of the file itself: see the module's docstring).
        buffer = _memory(size) if size > SHELF_ABOVE_BYTES else bytearray(size)
        filled = _fill(descriptor, buffer)
        changed = filled != size or FileVersion.of(os.fstat(descriptor)) != FileVersion.of(found)
    except OSError as exc:
        raise SourceError(f"{location}: cannot read: {exc.strerror or exc}") from None
    if changed:
        raise SourceError(
            f"{location}: the file changed while commdash read it; open it again once "
            "whatever writes it has finished"
        )
    return buffer


def _memory(size: int) -> mmap.mmap:
    """Memory for a large file, whose pages can be given back; made at once where the
    system can (one call instead of a fault per page)."""
    populate = getattr(mmap, "MAP_POPULATE", 0)
    if populate:
        return mmap.mmap(-1, size, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS | populate)
    return mmap.mmap(-1, size)


def _fill(descriptor: int, buffer: bytearray | mmap.mmap) -> int:
    """Read the file into ``buffer`` from its start; how many bytes were read (fewer when
    the file got shorter meanwhile)."""
    with memoryview(buffer) as view, io.FileIO(descriptor, closefd=False) as reader:
        reader.seek(0)
        filled = 0
        while filled < len(view):
            count = reader.readinto(view[filled:])
            if not count:
                break
            filled += count
    return filled
