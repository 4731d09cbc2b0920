"""commdash run by a user the system has no name for (an arbitrary uid, as in many
containers), without root's powers: it journals the uid as the user, says in one line which
file it may not write, counts a process it may not signal as running, grants nothing to a
group it could not give a file it rewrote, and leaves alone a killed writer's leftover it may
not remove."""

from __future__ import annotations

import importlib
import json
import os
import shutil
import socket
import stat
import subprocess
import sys
import tempfile
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from tinydb import TinyDB

from commdash.errors import StateError
from commdash.statefiles import temporary_name
from commdash.store import SHARDS, Store
from commdash.store.directory import default_manager
from commdash.triage import BLANK, JournalEntry, mark_done

NOW = 1_764_061_200.0
UID = 54321
"""A uid with no passwd entry."""

pytestmark = pytest.mark.skipif(
    not hasattr(os, "fork") or os.geteuid() != 0, reason="needs root to become another user"
)


@pytest.fixture
def shared_dir() -> Iterator[Path]:
    """A directory anyone may write to, under one that anyone may enter (tmp_path's parents
    are root's alone)."""
    path = Path(tempfile.mkdtemp(prefix="commdash-test-"))
    path.chmod(0o777)
    yield path
    shutil.rmtree(path)


def as_unnamed_user(check: Callable[[], object]) -> object:
    """What ``check()`` returns when run in a child process with uid UID and no user name in
    the environment (getpass finds none)."""
    # The child may not read root's Python installation: a codec the lock's owner check
    # looks up in a sticky directory is loaded before.
    importlib.import_module("encodings.ascii")
    reader, writer = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            os.close(reader)
            for name in ("LOGNAME", "USER", "LNAME", "USERNAME"):
                os.environ.pop(name, None)
            os.setgid(UID)
            os.setuid(UID)
            result = check()
            os.write(writer, json.dumps(result).encode())
        finally:
            os._exit(0)
    os.close(writer)
    with os.fdopen(reader) as pipe:
        answer = pipe.read()
    os.waitpid(pid, 0)
    assert answer, "the child process failed"
    return json.loads(answer)


def test_the_manager_is_the_uid_when_the_user_has_no_name() -> None:
    assert default_manager() == f"root@{socket.gethostname()}"
    assert as_unnamed_user(default_manager) == f"{UID}@{socket.gethostname()}"


def test_a_state_file_it_may_not_write_is_named_in_one_line(shared_dir: Path) -> None:
    # Root set the directory up, the shards' directory its own; the user may write the lock
    # and the journal beside it, not the shards.
    Store(shared_dir).apply("c0", "done", lambda s: mark_done(s, NOW), NOW)
    (shared_dir / "states").chmod(0o755)
    for name in (".lock", "triage.json"):
        (shared_dir / name).chmod(0o666)
    shard = shared_dir / "states" / f"{zlib.crc32(b'c1') % SHARDS:02x}.json"

    def act() -> str:
        try:
            Store(shared_dir).apply("c1", "done", lambda s: mark_done(s, NOW), NOW)
        except StateError as error:
            return str(error)
        return "written"

    assert as_unnamed_user(act) == f"{shard}: cannot write: Permission denied"


def test_a_process_it_may_not_signal_is_running(shared_dir: Path) -> None:
    # Pid 1 belongs to root: the user's check is "not permitted", which means alive, as
    # root's check finds it alive.
    done = mark_done(BLANK, NOW)
    entry = JournalEntry("done", "c1", BLANK, done, NOW, "old", manager="me@host", pid=1)
    with TinyDB(shared_dir / "triage.json") as db:
        db.table("journal").insert(entry.to_dict())
    (shared_dir / "triage.json").chmod(0o666)

    def undo() -> bool:
        return Store(shared_dir, session="new", manager="me@host").undo() is None

    assert undo() is True
    (shared_dir / ".lock").chmod(0o666)
    assert as_unnamed_user(undo) is True


def dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def leftover(folder: Path, name: str) -> Path:
    """A temporary file as a writer of this host killed before its rename leaves it."""
    path = folder / temporary_name(name).replace(f".{os.getpid()}.", f".{dead_pid()}.")
    path.write_bytes(b"{")
    return path


def test_a_file_rewritten_in_a_group_it_cannot_give_grants_that_group_nothing(
    shared_dir: Path,
) -> None:
    Store(shared_dir).save_draft("c0", "root's")
    (shared_dir / ".lock").chmod(0o666)
    (shared_dir / "triage.json").chmod(0o665)  # root's group may read and write it

    def rewrite() -> list[int]:
        Store(shared_dir).save_draft("c1", "mine")
        found = (shared_dir / "triage.json").stat()
        return [stat.S_IMODE(found.st_mode), found.st_gid]

    assert as_unnamed_user(rewrite) == [0o605, UID]  # what others had, they keep


def test_a_leftover_it_may_not_remove_is_left_alone(shared_dir: Path) -> None:
    shared_dir.chmod(0o1777)  # sticky, as /tmp: only a file's owner may remove it
    left = leftover(shared_dir, "triage.json")

    def write() -> str:
        Store(shared_dir).save_draft("c1", "mine")
        return "written"

    assert as_unnamed_user(write) == "written"
    assert left.exists()
