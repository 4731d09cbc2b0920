"""A throwaway PostgreSQL cluster for tests: the distribution's server in a fresh temporary
directory, listening only on 127.0.0.1 (a free port) and on a unix socket in that directory,
with trust authentication for the superuser ``commdash_test``.

initdb and the server refuse to run as root, and CI runs as root: then every server program
runs as ``nobody`` (through ``setpriv``, else ``runuser``), owning the directory.

pg_ctl detaches the server from the test process, so a test process that dies (killed worker,
Ctrl-C twice) would leave it running. A watchdog process, started with the cluster, stops the
server and removes the directory when told to by ``close()`` or when the test process is gone:
every end of a cluster goes through that one cleanup. Run as a script, this module is that
watchdog.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import TracebackType
from typing import Literal

import psycopg
from psycopg import sql
from psycopg.conninfo import make_conninfo

SUPERUSER = "commdash_test"
HOST = "127.0.0.1"
PROGRAMS = ("initdb", "pg_ctl", "postgres")
DEBIAN_ROOT = Path("/usr/lib/postgresql")
"""Debian and Ubuntu keep each major version's server in ``<this>/<version>/bin``."""
UNPRIVILEGED_USER = "nobody"
START_TIMEOUT = 30
"""Seconds the server has to accept connections after ``pg_ctl start``."""
STOP_TIMEOUT = 30
PORT_ATTEMPTS = 3
"""Free ports tried by the first start: another process may take one between the probe that
found it and the server's bind."""
LOG_TAIL_LINES = 20
SETTINGS = """
# commdash tests: throwaway data, small, quiet, local only
listen_addresses = '{host}'
unix_socket_directories = '{socket_directory}'
fsync = off
full_page_writes = off
shared_buffers = 16MB
max_connections = 50
autovacuum = off
"""
# synchronous_commit stays on: a commit that returned survives stop("immediate"), as it does
# on a real server, so tests of a database that crashed mid-session see what users would.


class PostgresError(RuntimeError):
    """A step of a test cluster's life failed; the message says which, with what the program
    or the server's log said."""


def find_server_bindir(
    search_path: str | None = None, debian_root: Path = DEBIAN_ROOT
) -> Path | None:
    """The directory holding initdb, pg_ctl and postgres: where ``pg_ctl`` on the PATH really
    is, else the highest version under ``debian_root``; ``None`` when there is no server."""
    candidates: list[Path] = []
    if on_path := shutil.which("pg_ctl", path=search_path):
        candidates.append(Path(on_path).resolve().parent)
    if debian_root.is_dir():
        versions = [entry for entry in debian_root.iterdir() if _version(entry.name)]
        newest_first = sorted(versions, key=lambda entry: _version(entry.name), reverse=True)
        candidates += [entry / "bin" for entry in newest_first]
    for directory in candidates:
        if all(_is_program(directory / name) for name in PROGRAMS):
            return directory
    return None


def _version(name: str) -> tuple[int, ...]:
    """``(15,)`` for ``15``, ``(9, 6)`` for ``9.6``; ``()`` for anything else."""
    parts = name.split(".")
    return tuple(int(part) for part in parts) if all(p.isdigit() for p in parts) else ()


def _is_program(path: Path) -> bool:
    return path.is_file() and os.access(path, os.X_OK)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listened on a moment ago."""
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        port: int = probe.getsockname()[1]
        return port


class PostgresCluster:
    """A cluster of its own: ``with PostgresCluster(bindir) as cluster:`` creates and starts
    it, and leaves nothing behind (server stopped, directory removed), whatever happened."""

    def __init__(self, bindir: Path) -> None:
        self.bindir = bindir
        self.directory = Path()
        """The temporary directory (made by ``initialize``): the data directory, the log and
        the unix socket."""
        self.port = 0
        self._owner = _cluster_owner()
        self._watchdog: subprocess.Popen[str] | None = None

    @property
    def data(self) -> Path:
        return self.directory / "data"

    @property
    def log(self) -> Path:
        return self.directory / "server.log"

    def __enter__(self) -> PostgresCluster:
        try:
            self.initialize()
            self.start()
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def initialize(self) -> None:
        """Make the temporary directory (watched from now on) and the cluster in it."""
        self.directory = Path(tempfile.mkdtemp(prefix="commdash-pg-"))
        self._watchdog = subprocess.Popen(
            [sys.executable, __file__, str(self.bindir), str(self.directory)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            start_new_session=True,  # a Ctrl-C meant for pytest must not stop the cleanup
        )
        if self._owner is not None:
            os.chown(self.directory, self._owner.pw_uid, self._owner.pw_gid)
        self._run(
            "initdb",
            self.bindir / "initdb",
            f"--pgdata={self.data}",
            f"--username={SUPERUSER}",
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C",
            "--no-sync",
            "--no-instructions",
            timeout=120,
        )
        with (self.data / "postgresql.conf").open("a", encoding="utf-8") as conf:
            conf.write(SETTINGS.format(host=HOST, socket_directory=self.directory))

    def start(self) -> None:
        """Start the server and wait until it accepts connections (at most START_TIMEOUT s).
        The first start takes another free port when its own was taken meanwhile; later ones
        keep the port, which conninfo strings and relays already point at."""
        first = self.port == 0
        for attempt in range(1, PORT_ATTEMPTS + 1):
            if first:
                self.port = free_port()
            log_start = self.log.stat().st_size if self.log.exists() else 0
            try:
                self._pg_ctl("start", f"--log={self.log}", f"--options=-p {self.port}")
            except PostgresError:
                taken = "Address already in use" in self._log_since(log_start)
                if not (first and taken and attempt < PORT_ATTEMPTS):
                    raise
            else:
                return

    def stop(self, mode: Literal["fast", "immediate"] = "fast") -> None:
        """``fast`` ends sessions and shuts down cleanly; ``immediate`` kills the server as a
        crash would (the next start recovers from the WAL). Returns once the postmaster
        has exited."""
        pid = self.postmaster_pid()
        self._pg_ctl("stop", f"--mode={mode}")
        if pid is not None and not _ended(pid, STOP_TIMEOUT):
            raise PostgresError(f"the postmaster {pid} was still there {STOP_TIMEOUT} s later")

    def restart(self) -> None:
        self.stop()
        self.start()

    def is_running(self) -> bool:
        """Whether the server's postmaster is alive (pg_ctl status asks the same)."""
        pid = self.postmaster_pid()
        return pid is not None and process_running(pid)

    def postmaster_pid(self) -> int | None:
        return _postmaster_pid(self.data)

    def conninfo(self, dbname: str, *, port: int | None = None) -> str:
        """A libpq connection string for ``dbname`` on 127.0.0.1, at ``port`` when given (a
        relay's), else the server's own."""
        return make_conninfo(
            host=HOST,
            port=port or self.port,
            user=SUPERUSER,
            dbname=dbname,
            sslmode="disable",
        )

    def create_database(self, name: str) -> None:
        # template0 takes no connections: none can make CREATE DATABASE fail ("source
        # database is being accessed by other users"), as one to template1 would.
        self._maintain(sql.SQL("CREATE DATABASE {} TEMPLATE template0"), name)

    def drop_database(self, name: str) -> None:
        self._maintain(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)"), name)

    def close(self) -> None:
        """Stop the server and remove the directory, through the watchdog; idempotent."""
        watchdog, self._watchdog = self._watchdog, None
        if watchdog is None:
            return
        try:
            answer, _ = watchdog.communicate("clean up\n", timeout=STOP_TIMEOUT + 30)
        except subprocess.TimeoutExpired:
            watchdog.kill()
            watchdog.wait()
            raise PostgresError(f"cleaning up {self.directory} took too long") from None
        if answer.strip() != "done":
            raise PostgresError(f"cleaning up {self.directory} failed: {answer.strip()}")

    def _maintain(self, statement: sql.SQL, name: str) -> None:
        with psycopg.connect(
            self.conninfo("postgres"), autocommit=True, connect_timeout=10
        ) as connection:
            connection.execute(statement.format(sql.Identifier(name)))

    def _pg_ctl(self, action: str, *options: str) -> None:
        self._run(
            f"pg_ctl {action}",
            self.bindir / "pg_ctl",
            action,
            f"--pgdata={self.data}",
            "--wait",
            f"--timeout={START_TIMEOUT if action == 'start' else STOP_TIMEOUT}",
            *options,
            timeout=max(START_TIMEOUT, STOP_TIMEOUT) + 15,
        )

    def _run(self, step: str, *command: str | Path, timeout: float) -> None:
        """Run a server program as the cluster's owner; a failure or a hang raises with what
        it said and the end of the server's log (the directory goes with the cluster)."""
        try:
            result = subprocess.run(
                [*_as_user(self._owner), *map(str, command)],
                cwd=self.directory,
                env=_program_env(),
                capture_output=True,
                text=True,
                timeout=timeout,
            )
        except subprocess.TimeoutExpired:
            raise PostgresError(f"{step} took over {timeout:g} s{self._log_tail()}") from None
        if result.returncode != 0:
            said = (result.stdout + result.stderr).strip()
            raise PostgresError(
                f"{step} failed (exit {result.returncode}): {said}{self._ownership_hint()}"
                f"{self._log_tail()}"
            )

    def _log_since(self, offset: int) -> str:
        try:
            with self.log.open("rb") as log:
                log.seek(offset)
                return log.read().decode("utf-8", "replace")
        except FileNotFoundError:
            return ""

    def _log_tail(self) -> str:
        lines = self._log_since(0).splitlines()[-LOG_TAIL_LINES:]
        if not lines:
            return ""
        return f"\nthe end of the server's log ({self.log}):\n" + "\n".join(lines)

    def _ownership_hint(self) -> str:
        if self._owner is None:
            return ""
        return (
            f"\n(as root, the cluster runs as {self._owner.pw_name}: it must be able to reach"
            f" {self.directory}; point TMPDIR elsewhere if it cannot)"
        )


def _cluster_owner() -> pwd.struct_passwd | None:
    """The user the server programs run as: ``None`` for this process's own user, an
    unprivileged one when this process is root."""
    return pwd.getpwnam(UNPRIVILEGED_USER) if os.geteuid() == 0 else None


def _as_user(owner: pwd.struct_passwd | None) -> list[str]:
    """The command prefix that runs a program as ``owner`` (nothing for ourselves)."""
    if owner is None:
        return []
    if setpriv := shutil.which("setpriv"):
        return [setpriv, f"--reuid={owner.pw_uid}", f"--regid={owner.pw_gid}", "--clear-groups"]
    if runuser := shutil.which("runuser"):
        return [runuser, "-u", owner.pw_name, "--"]
    raise PostgresError(
        "running as root, and neither setpriv nor runuser (util-linux) is here to run"
        f" PostgreSQL as {owner.pw_name}: initdb and postgres refuse to run as root"
    )


def _program_env() -> dict[str, str]:
    """A plain environment: no PG* variable of ours may point the programs elsewhere."""
    return {"PATH": os.environ.get("PATH", os.defpath), "LC_ALL": "C", "TZ": "UTC"}


def _tear_down(bindir: Path, directory: Path) -> None:
    """Stop the server (as a crash would: its data is thrown away), wait until its
    postmaster is gone, and remove the directory."""
    data = directory / "data"
    pid = _postmaster_pid(data)
    if pid is not None:
        stop = [bindir / "pg_ctl", "stop", f"--pgdata={data}", "--mode=immediate", "--wait"]
        subprocess.run(
            [*_as_user(_cluster_owner()), *map(str, stop), f"--timeout={STOP_TIMEOUT}"],
            cwd=directory,
            env=_program_env(),
            capture_output=True,
            timeout=STOP_TIMEOUT + 15,
        )
        if not _ended(pid, STOP_TIMEOUT):  # pg_ctl could not stop it: kill it
            os.kill(pid, signal.SIGKILL)
            if not _ended(pid, STOP_TIMEOUT):
                raise PostgresError(f"the postmaster {pid} outlived SIGKILL")
    shutil.rmtree(directory)


def _postmaster_pid(data: Path) -> int | None:
    try:
        return int((data / "postmaster.pid").read_text().split("\n", 1)[0])
    except FileNotFoundError:
        return None


def process_running(pid: int) -> bool:
    """Whether process ``pid`` runs (Linux's /proc). An exited postmaster stays a zombie until
    init, its parent once pg_ctl has left, reaps it (some inits take seconds): that one has
    stopped."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    # The state follows the command's name, in parentheses, which may hold anything.
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def _ended(pid: int, timeout: float) -> bool:
    """Whether process ``pid`` is gone within ``timeout`` s (pg_ctl returns once the pid file
    is removed, a moment before the postmaster exits)."""
    deadline = time.monotonic() + timeout
    while process_running(pid):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


def _watch(bindir: Path, directory: Path) -> None:
    """Wait for ``close()``'s word, or for the end of the pipe when the test process died;
    then clean up and answer ``done`` (or what went wrong)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    sys.stdin.readline()
    try:
        _tear_down(bindir, directory)
        outcome = "done"
    except Exception as error:
        outcome = f"{type(error).__name__}: {error}"
    with contextlib.suppress(BrokenPipeError):  # nobody left to tell
        print(outcome, flush=True)


if __name__ == "__main__":
    _watch(Path(sys.argv[1]), Path(sys.argv[2]))
