"""The files of the state directory: TinyDB's storage for them, written atomically, and the
lock that serialises their writers.

What is read back is untrusted: every string (keys too) passes :func:`commdash.text.sanitize`
on the way in, so no table, today's or a later feature's, can bring terminal controls to
the screen.

Each write replaces the file as a whole (temporary file, fsync, rename, fsync of the
directory): a kill -9 at any moment leaves the old or the new file. A batch lets several
TinyDB table operations reach the disk as one replace.

Private by default, as ssh and gpg keep theirs: what commdash creates is 0700 (directories)
and 0600 (files), whatever the umask; drafts and replies are personal until sent. A directory
a team shares on purpose is setgid (``chmod g+s``): what is created in it gets the group
permissions the directory has. A file replaced keeps the mode and group it had, so a
``chmod`` or ``chgrp`` made by hand lasts.
"""

from __future__ import annotations

import os
import re
import stat
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

import orjson
from filelock import FileLock, Timeout
from tinydb.storages import Storage

from commdash.errors import StateError
from commdash.host import hostname, process_alive
from commdash.text import json_is_clean, one_line, sanitize_tree

PRIVATE_DIRECTORY = 0o700
PRIVATE_FILE = 0o600

LOCK_TIMEOUT = 3.0
"""Seconds a writer waits for another commdash to finish: longer, one is stuck."""

_UNHOSTED = re.compile(r"\.(.+\.json)\.(\d+)\.(?:[0-9a-f]{32}|\d+\.tmp)")
"""A temporary file as commdash named them before they carried the host (``.NAME.PID.HEX``
for state files, ``.NAME.PID.THREAD.tmp`` for the offline copy of a live source)."""


class AtomicJSONStorage(Storage):
    """A TinyDB storage that replaces its file atomically and can batch a transaction."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._batch: dict[str, Any] | None = None
        self._batching = False
        self._dirty = False

    def read(self) -> dict[str, Any] | None:
        if self._batching and self._batch is not None:
            return self._batch
        data = self._read_file()
        if self._batching:
            self._batch = data if data is not None else {}
            return self._batch
        return data

    def write(self, data: dict[str, Any]) -> None:
        if self._batching:
            self._batch = data
            self._dirty = True
            return
        self._write_file(data)

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Reads see one snapshot of the file; writes reach the disk once, at the end."""
        self._batching, self._batch, self._dirty = True, None, False
        try:
            yield
            if self._dirty and self._batch is not None:
                self._write_file(self._batch)
        finally:
            self._batching, self._batch, self._dirty = False, None, False

    def _read_file(self) -> dict[str, Any] | None:
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise StateError(f"{self.path}: cannot read: {exc.strerror or exc}") from None
        if not raw.strip():
            return None
        try:
            data = orjson.loads(raw)
        except orjson.JSONDecodeError as exc:
            raise self._unusable(f"line {exc.lineno} column {exc.colno}: not valid JSON") from None
        # Colleagues sharing the directory, or a damaged file, can put anything here: it is
        # as untrusted as a platform's text, whichever table or feature it belongs to.
        if not json_is_clean(raw):
            data = sanitize_tree(data)
        if not isinstance(data, dict):
            raise self._unusable(f"not a TinyDB file: {_kind(data)}, not an object of tables")
        problem = _table_problem(data)
        if problem is not None:
            raise self._unusable(problem)
        return data

    def _unusable(self, problem: str) -> StateError:
        return StateError(f"{self.path}: {problem}; move the file aside to start with empty state")

    def _write_file(self, data: dict[str, Any]) -> None:
        write_atomically(self.path, orjson.dumps(data))


class DirectoryLock:
    """The lock that serialises the writers of a state directory across processes (the file
    ``.lock`` in it). Re-entrant in a thread: an operation can run others under it."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.path = directory / ".lock"
        self._lock = FileLock(str(self.path), timeout=LOCK_TIMEOUT)

    @contextmanager
    def held(self) -> Iterator[None]:
        """Hold the lock (creating the directory and the lock file, private or shared like
        the directory's parent); a StateError when the directory cannot be written, or
        another commdash holds the lock for longer than :data:`LOCK_TIMEOUT`."""
        try:
            make_directories(self.directory)
            create_file(self.path)
            self._lock.acquire()
        except Timeout:
            raise StateError(
                f"{self.directory}: another commdash has held the state lock for "
                f"{LOCK_TIMEOUT:.0f} s; is one stuck?"
            ) from None
        except OSError as exc:
            raise StateError(f"{self.directory}: cannot write: {exc.strerror or exc}") from None
        try:
            yield
        finally:
            self._lock.release()


def _table_problem(data: dict[str, Any]) -> str | None:
    """What keeps ``data`` from being TinyDB's tables, or None. TinyDB expects tables
    (objects) of documents (objects) under whole-number ids, and fails on anything else with
    an AttributeError, TypeError or ValueError from deep inside."""
    for name, table in data.items():
        if not isinstance(table, dict):
            return f"table {_quoted(name)} is {_kind(table)}, not an object of documents"
        ids = "".join(table)
        if (
            all(table)
            and ids.isascii()
            and ids.isdigit()
            and set(map(type, table.values())) <= {dict}
        ):
            continue  # the usual case, found at C speed; the loop below says what is wrong
        for doc_id, document in table.items():
            if not (doc_id and doc_id.isascii() and doc_id.isdigit()):
                return f"table {_quoted(name)}: document id {_quoted(doc_id)} is not a number"
            if type(document) is not dict:
                return f"table {_quoted(name)}, document {doc_id}: {_kind(document)}, not an object"
    return None


_KINDS = {list: "a list", str: "a string", int: "a number", float: "a number", dict: "an object"}


def _kind(value: object) -> str:
    """How an error names a JSON value's type."""
    if value is None:
        return "null"
    return "true or false" if isinstance(value, bool) else _KINDS.get(type(value), "a value")


def _quoted(name: str) -> str:
    return f'"{one_line(name, 40)}"'


def write_atomically(path: Path, payload: bytes, durable: bool = True) -> None:
    """Replace ``path`` by ``payload`` (temporary file, fsync, rename, fsync of the directory).
    A file replaced keeps its mode and group; a new one is private, or shared like its
    directory. ``durable`` False: no fsync, for a file that means nothing after a crash (a
    reader still only ever sees a whole file)."""
    temporary = path.with_name(temporary_name(path.name))
    try:
        make_directories(path.parent)
        mode, group = _kept(path)
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE)
        with open(descriptor, "wb") as handle:
            if group is not None and os.fstat(descriptor).st_gid != group:
                with suppress(PermissionError):  # only root or a member may give it the group
                    os.fchown(descriptor, -1, group)
                if os.fstat(descriptor).st_gid != group:
                    mode &= ~0o070  # what was granted to that group is not granted to this one
            os.fchmod(descriptor, mode)  # after the chown, which may clear some bits
            handle.write(payload)
            handle.flush()
            if durable:
                os.fsync(descriptor)
        os.replace(temporary, path)
        if durable:
            _fsync_directory(path.parent)
    except OSError as exc:
        with suppress(OSError):  # never made (no such folder, a name too long): nothing to undo
            temporary.unlink(missing_ok=True)
        raise StateError(f"{path}: cannot write: {exc.strerror or exc}") from None


def copy_verified(source: Path, target: Path) -> None:
    """Make ``target`` a copy of ``source``, written atomically, then read back and compared
    (a full disk must not pass for a copy). A ``target`` that is that copy already is kept."""
    try:
        original = source.read_bytes()
        if target.exists() and target.read_bytes() == original:
            return
    except OSError as exc:
        raise StateError(f"{source}: cannot copy: {exc.strerror or exc}") from None
    write_atomically(target, original)
    try:
        copied = target.read_bytes()
    except OSError as exc:
        raise StateError(f"{target}: cannot read back: {exc.strerror or exc}") from None
    if copied != original:
        raise StateError(f"{target}: reads back different from {source.name}")


def _kept(path: Path) -> tuple[int, int | None]:
    """The mode and group a rewrite of ``path`` gets: the file's own, or for a new file the
    mode of a new file in its directory (and the group the system gives it)."""
    try:
        found = os.stat(path)
    except FileNotFoundError:
        return new_modes(path.parent)[1], None
    return found.st_mode & 0o777, found.st_gid  # never a setuid, setgid or sticky bit


def new_modes(directory: Path) -> tuple[int, int]:
    """The modes of a directory and of a file created in ``directory``: private, unless the
    directory is setgid (shared on purpose); then the group gets what it has there."""
    try:
        mode = os.stat(directory).st_mode
    except OSError:
        return PRIVATE_DIRECTORY, PRIVATE_FILE
    if not mode & stat.S_ISGID:
        return PRIVATE_DIRECTORY, PRIVATE_FILE
    group = mode & 0o070
    return PRIVATE_DIRECTORY | group | stat.S_ISGID, PRIVATE_FILE | (group & 0o060)


def make_directories(directory: Path) -> None:
    """Create ``directory`` and its missing parents, each private or shared like its parent."""
    missing: list[Path] = []
    while not directory.is_dir() and directory.parent != directory:
        missing.append(directory)
        directory = directory.parent
    for level in reversed(missing):
        mode = new_modes(level.parent)[0]
        try:
            os.mkdir(level, mode)
        except FileExistsError:
            continue  # made meanwhile (by another commdash): it is as its maker wanted
        os.chmod(level, mode)  # exactly that: mkdir's mode is cut by the umask


def create_file(path: Path) -> None:
    """Create ``path`` empty, private or shared like its directory, unless it exists (the
    lock file: left to filelock, it would follow the umask)."""
    mode = new_modes(path.parent)[1]
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    except FileExistsError:
        return
    try:
        os.fchmod(descriptor, mode)
    finally:
        os.close(descriptor)


def temporary_name(name: str) -> str:
    """A temporary file's name for ``name``: ``.NAME.HOST.PID.RANDOM``, so that the next start
    can tell one whose writer was killed (:func:`stale_temporaries`)."""
    return f".{name}.{_host_tag()}.{os.getpid()}.{uuid.uuid4().hex}"


def stale_temporaries(*folders: Path) -> list[Path]:
    """Temporary files in these folders whose writer is gone: written by a process of this
    host that is not running. (One of another host is never touched: its pid means nothing
    here.) The older names, which named no host, are taken as this host's."""
    ours = re.compile(rf"\.(.+)\.{re.escape(_host_tag())}\.(\d+)\.[0-9a-f]{{32}}")
    found = []
    for folder in folders:
        try:
            names = os.listdir(folder)
        except OSError:  # not there (yet), or not readable: nothing to tidy
            continue
        for name in names:
            matched = ours.fullmatch(name) or _UNHOSTED.fullmatch(name)
            if matched is not None and not process_alive(int(matched.group(2))):
                found.append(folder / name)
    return found


def remove_stale_temporaries(*folders: Path) -> None:
    """Remove what :func:`stale_temporaries` finds (each file's pid is checked, so no
    living writer loses its file)."""
    for path in stale_temporaries(*folders):
        with suppress(OSError):  # gone meanwhile, or not ours to remove: no matter
            path.unlink()


def _host_tag() -> str:
    """This host's name as a temporary file carries it: no dot, so the name parses."""
    return re.sub(r"[^A-Za-z0-9-]", "_", hostname()) or "_"


def _fsync_directory(directory: Path) -> None:
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
