"""Presence in a state directory: one small file per session, ``presence/<session>.json``.

Each session writes only its own file, so no lock is taken: the file is replaced whole
(:func:`~commdash.statefiles.write_atomically`, without fsync: it means nothing after a
crash), private or shared like the directory, and removed when the session stops typing.
Readers list the folder. A file that is expired, or whose process is gone on this machine,
is ignored and removed; one that cannot be read (not a regular file, too large, not the
format, another tool's) is ignored and left alone. Nothing read from it reaches the screen
unmade safe (:func:`commdash.presence.display_name`).
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
from contextlib import suppress
from pathlib import Path

import msgspec

from commdash.host import hostname, process_alive
from commdash.presence import PRESENCE_TTL, Typist, display_name, writing
from commdash.statefiles import write_atomically
from commdash.text import sanitize

FOLDER = "presence"
LARGEST = 4096
"""Bytes a presence file may hold: an announcement is a few dozen."""
_SUFFIX = ".json"
_SAFE_SESSION = re.compile(r"[A-Za-z0-9_-]{1,64}")
_OPEN_FLAGS = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0) | os.O_CLOEXEC
"""A FIFO put there never blocks the reader; a link is not followed."""


class _Announcement(msgspec.Struct, frozen=True):
    manager: str
    name: str
    conversation_id: str
    at: float
    host: str
    pid: int


_decode = msgspec.json.Decoder(_Announcement).decode
_encode = msgspec.json.Encoder().encode


class FilePresence:
    """:class:`commdash.presence.Presence` over ``<source dir>/presence/``."""

    def __init__(self, directory: Path, session: str, manager: str, name: str | None) -> None:
        self.folder = directory / FOLDER
        self.session = session
        self.manager = manager
        self.name = display_name(manager, name)
        self._file = self.folder / (file_stem(session) + _SUFFIX)
        self._announced = False

    def announce(self, conversation_id: str | None, now: float) -> None:
        """Write this session's file: a StateError when the folder cannot be written. None:
        remove it (if it cannot be, it expires on its own)."""
        if conversation_id is None:
            if self._announced:
                with suppress(OSError):
                    self._file.unlink()
                self._announced = False
            return
        announcement = _Announcement(
            self.manager, self.name, conversation_id, now, hostname(), os.getpid()
        )
        write_atomically(self._file, _encode(announcement), durable=False)
        self._announced = True

    def others(self, now: float) -> dict[str, tuple[str, ...]]:
        return writing(self.typists(now), now)

    def typists(self, now: float) -> list[Typist]:
        """Every other session's announcement that still counts; those that never will
        again are removed on the way."""
        try:
            names = os.listdir(self.folder)
        except OSError:  # not there yet (nobody typed), or not readable: nobody to show
            return []
        found: list[Typist] = []
        here = hostname()
        for name in names:
            if not name.endswith(_SUFFIX) or name.startswith(".") or name == self._file.name:
                continue
            path = self.folder / name
            read = _read(path)
            if read is None:
                continue
            announcement, identity = read
            gone = announcement.host == here and not process_alive(announcement.pid)
            if gone or announcement.at < now - PRESENCE_TTL:
                _remove_if_unchanged(path, identity)
                continue
            manager = sanitize(announcement.manager)
            typist = Typist(
                name[: -len(_SUFFIX)],
                manager,
                display_name(manager, sanitize(announcement.name)),
                sanitize(announcement.conversation_id),
                announcement.at,
            )
            if typist.fresh(now):
                found.append(typist)
        return found


def file_stem(session: str) -> str:
    """The session's file name, without ``.json``: the session itself when it is a safe
    name (a uuid's hex), else a digest of it."""
    if _SAFE_SESSION.fullmatch(session):
        return session
    return hashlib.sha256(session.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def _read(path: Path) -> tuple[_Announcement, tuple[int, int]] | None:
    """The announcement in ``path`` and the file's identity (inode, modification time); None
    for anything that is not a small regular file holding one."""
    try:
        descriptor = os.open(path, _OPEN_FLAGS)
    except OSError:  # gone meanwhile, a link, not ours to read
        return None
    try:
        found = os.fstat(descriptor)
        if not stat.S_ISREG(found.st_mode) or found.st_size > LARGEST:
            return None
        raw = os.read(descriptor, LARGEST + 1)
    except OSError:
        return None
    finally:
        os.close(descriptor)
    try:
        announcement = _decode(raw)
    except msgspec.DecodeError:  # not JSON, or not an announcement
        return None
    return announcement, (found.st_ino, found.st_mtime_ns)


def _remove_if_unchanged(path: Path, identity: tuple[int, int]) -> None:
    """Remove a stale announcement, unless its session replaced it since it was read."""
    with suppress(OSError):  # gone meanwhile, or not ours to remove: no matter
        now = os.stat(path, follow_symlinks=False)
        if (now.st_ino, now.st_mtime_ns) == identity:
            path.unlink()
