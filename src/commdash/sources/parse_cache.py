"""A cache of parsed exports, so that re-opening an unchanged file skips parsing it.

An entry is keyed by the file's path, size, modification time (in nanoseconds), inode and a
hash of three 64 KiB samples (start, middle, end), and by commdash's version: a file edited
in place, replaced, or read by another version of commdash is parsed afresh. Entries are
pickles written by this user into their own folder, ``parses/`` in the cache directory (mode
0700, files 0600 whatever the umask), each starting with :data:`MAGIC`; anything else is
never loaded, and never deleted: only the newest few of its own entries are kept.

An entry is written by a background copy of the process, at low priority, to a part file
that is renamed when complete: a re-open meanwhile parses the file as a first open does, and
leaves the writing to the one already at it.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import re
import stat
import sys
import threading
from pathlib import Path
from typing import Any

from commdash import __version__
from commdash.model import Snapshot
from commdash.paths import cache_root

if sys.platform != "win32":
    import fcntl

KEPT = 4
"""How many exports stay cached."""

FORMAT = 8
"""Bumped whenever a class kept in the cache changes: older entries are then ignored."""
MAGIC = b"commdash parse cache\n"
"""How every entry starts: what is not one is neither loaded nor deleted."""
FOLDER = "parses"
"""The cache's own folder in the cache directory: it touches nothing outside it."""
_ENTRY = re.compile(r"[0-9a-f]{40}\.pickle")
_PART = re.compile(r"\.[0-9a-f]{40}\.part")
_SAMPLE = 65536
_NICER = 10
"""How much lower the writer's priority is: it never slows the manager's own work."""
_OPEN = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0)


def cache_key(path: Path, descriptor: int, found: os.stat_result) -> str | None:
    """The key of the file opened as ``descriptor`` (``found`` is its status); None when it
    cannot be read."""
    try:
        digest = hashlib.blake2b(digest_size=20)
        digest.update(
            f"{FORMAT}\0{__version__}\0{path.resolve()}\0{found.st_size}\0"
            f"{found.st_mtime_ns}\0{found.st_ino}\0{found.st_dev}".encode("utf-8", "surrogatepass")
        )
        for offset in (0, found.st_size // 2 - _SAMPLE // 2, found.st_size - _SAMPLE):
            digest.update(os.pread(descriptor, _SAMPLE, max(0, offset)))
    except (OSError, ValueError):
        return None
    return digest.hexdigest()


Derived = dict[str, Any]
"""What a caller derived from the snapshot and keeps with it (e.g. the inbox's counts)."""


def folder() -> Path:
    """Where the entries are."""
    return cache_root() / FOLDER


def load(key: str) -> tuple[Snapshot, Derived] | None:
    """The entry for ``key``; None when there is none, or none to trust: a pickle someone
    else could have written is never loaded."""
    entries = folder()
    try:
        if not _private(os.stat(entries)):
            return None
        with open(os.open(entries / f"{key}.pickle", _OPEN), "rb") as handle:
            found = os.fstat(handle.fileno())
            if not (stat.S_ISREG(found.st_mode) and _private(found)):
                return None
            if handle.read(len(MAGIC)) != MAGIC:
                return None
            loaded = pickle.load(handle)
    except Exception:  # none, or a damaged or foreign entry: parse the file instead
        return None
    if (
        isinstance(loaded, tuple)
        and len(loaded) == 2
        and isinstance(loaded[0], Snapshot)
        and isinstance(loaded[1], dict)
    ):
        return loaded[0], loaded[1]
    return None


def _private(found: os.stat_result) -> bool:
    """Owned by this user, and writable by nobody else."""
    owner = os.getuid() if hasattr(os, "getuid") else found.st_uid
    return found.st_uid == owner and not found.st_mode & 0o022


_pending: list[threading.Thread] = []


def save_aside(key: str, snapshot: Snapshot, derived: Derived) -> None:
    """Write the entry without making the caller wait: from a forked copy of this process
    where there is fork (the copy shares the memory it does not change, so this process
    neither waits nor grows), else from a thread."""
    if hasattr(os, "fork"):
        pid = os.fork()
        if pid == 0:  # the copy: write and leave at once, running nothing of the parent's
            try:
                # Out of the terminal's session: closing the terminal, or quitting at once,
                # must not stop the writing half-way.
                os.setsid()
                with contextlib.suppress(OSError):
                    os.nice(_NICER)
                quiet = os.open(os.devnull, os.O_RDWR)
                for descriptor in (0, 1, 2):  # a pipe reading commdash's output ends with it
                    os.dup2(quiet, descriptor)
                save(key, snapshot, derived)
            finally:
                os._exit(0)
        waiter = threading.Thread(target=os.waitpid, args=(pid, 0), daemon=True)
    else:
        # A thread shares the caller's objects, which go on changing: only the snapshot
        # (never changed) is kept, and a re-open counts afresh.
        waiter = threading.Thread(target=save, args=(key, snapshot, {}))
    waiter.name = "commdash-cache"
    waiter.start()
    _pending.append(waiter)


def wait_for_saves() -> None:
    """Until every entry started here is written (for tests and tools)."""
    while _pending:
        _pending.pop().join()


def save(key: str, snapshot: Snapshot, derived: Derived) -> None:
    """Write the entry atomically, unless another process is writing it, and drop the
    oldest entries beyond :data:`KEPT`; a cache that cannot be written is no error."""
    entries = folder()
    part = entries / f".{key}.part"
    try:
        entries.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        entries.mkdir(exist_ok=True, mode=0o700)
        os.chmod(entries, 0o700)  # whatever the umask made of it
        descriptor = os.open(part, os.O_WRONLY | os.O_CREAT | _OPEN, 0o600)
    except OSError:
        return
    with open(descriptor, "wb") as handle:
        if not _claimed(descriptor):
            return  # another process is writing it
        try:
            os.fchmod(descriptor, 0o600)
            handle.truncate()
            handle.write(MAGIC)
            pickle.dump((snapshot, derived), handle, protocol=pickle.HIGHEST_PROTOCOL)
            handle.flush()
            os.replace(part, entries / f"{key}.pickle")
        except Exception:  # a full disk, odd data: no entry, and no part left behind
            with contextlib.suppress(OSError):
                part.unlink()
            return
    with contextlib.suppress(OSError):
        _prune(entries)


def _claimed(descriptor: int) -> bool:
    """Whether this process holds the part file now (until it closes it); False when
    another is writing it."""
    if sys.platform == "win32":
        return True
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


def _prune(entries: Path) -> None:
    """Delete this cache's own entries beyond the newest :data:`KEPT`, and part files no
    process is writing (left by a writer that was killed)."""
    ours: list[tuple[float, Path]] = []
    for path in entries.iterdir():
        if _ENTRY.fullmatch(path.name):
            with open(os.open(path, _OPEN), "rb") as handle:
                if handle.read(len(MAGIC)) == MAGIC:
                    ours.append((os.fstat(handle.fileno()).st_mtime, path))
        elif _PART.fullmatch(path.name):
            with open(os.open(path, _OPEN), "rb") as handle:
                if handle.read(len(MAGIC)) == MAGIC and _claimed(handle.fileno()):
                    path.unlink()
    ours.sort(reverse=True)
    for _, path in ours[KEPT:]:
        path.unlink(missing_ok=True)
