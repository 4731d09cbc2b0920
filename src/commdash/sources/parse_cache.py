"""A cache of parsed exports, so that re-opening an unchanged file skips parsing it.

An entry is keyed by the file's path, size, modification time (in nanoseconds), inode and a
hash of three 64 KiB samples (start, middle, end), and by commdash's version: a file edited
in place, replaced, or read by another version of commdash is parsed afresh. Entries are
pickles written by this user into their own cache directory (mode 0700, files 0600 whatever
the umask); a damaged entry is ignored. Only the newest few are kept.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import threading
import uuid
from pathlib import Path
from typing import Any

from commdash import __version__
from commdash.model import Snapshot
from commdash.paths import cache_root

KEPT = 4
"""How many exports stay cached."""

FORMAT = 7
"""Bumped whenever a class kept in the cache changes: older entries are then ignored."""
_SAMPLE = 65536


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


def load(key: str) -> tuple[Snapshot, Derived] | None:
    try:
        with open(cache_root() / f"{key}.pickle", "rb") as handle:
            if not _private(cache_root()) or not _private(handle.fileno()):
                return None  # a pickle someone else could have written is never loaded
            found = pickle.load(handle)
    except FileNotFoundError:
        return None
    except Exception:  # a damaged or foreign entry: parse the file instead
        return None
    if (
        isinstance(found, tuple)
        and len(found) == 2
        and isinstance(found[0], Snapshot)
        and isinstance(found[1], dict)
    ):
        return found[0], found[1]
    return None


def _private(where: Path | int) -> bool:
    """Owned by this user, and writable by nobody else."""
    stat = os.stat(where)
    owner = os.getuid() if hasattr(os, "getuid") else stat.st_uid
    return stat.st_uid == owner and not stat.st_mode & 0o022


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
    """Write the entry atomically and drop the oldest beyond :data:`KEPT`; a cache that
    cannot be written is no error."""
    root = cache_root()
    temporary = root / f".{key}.{uuid.uuid4().hex}"
    try:
        root.mkdir(parents=True, exist_ok=True, mode=0o700)
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with open(descriptor, "wb") as handle:
            os.fchmod(descriptor, 0o600)  # whatever the umask: a pickle only this user wrote
            pickle.dump((snapshot, derived), handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, root / f"{key}.pickle")
        entries = sorted(root.glob("*.pickle"), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in entries[KEPT:]:
            old.unlink(missing_ok=True)
    except Exception:  # a cache that cannot be written (full disk, odd data) is no error
        with contextlib.suppress(OSError):
            temporary.unlink(missing_ok=True)
