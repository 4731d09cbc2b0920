"""``commdash serve`` run for real, on a free loopback port, in its own process group."""

from __future__ import annotations

import contextlib
import os
import queue
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

NOW = "2026-11-25T09:00:00Z"


@dataclass
class Served:
    address: str
    """What ``commdash serve`` printed to open: http://127.0.0.1:PORT/?key=..."""
    port: int
    process: subprocess.Popen[bytes]
    lines: queue.Queue[bytes] = field(default_factory=queue.Queue)
    """What it printed after the address, read as it comes (its pipe never fills)."""

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def key(self) -> str:
        return self.address.rpartition("key=")[2]

    def output(self) -> bytes:
        """Everything printed after the address; call once the server has stopped."""
        self.process.wait(timeout=10)
        return b"".join(iter(self.lines.get, b""))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def serving(*options: str, home: Path) -> Iterator[Served]:
    """``commdash serve OPTIONS --port <free> --now NOW`` run in ``home`` with its config,
    cache and default state there, until it prints its address; it and every commdash it
    started are ended on exit."""
    port = free_port()
    env = {
        **os.environ,
        "COMMDASH_CONFIG": str(home / "config.toml"),
        "COMMDASH_CACHE_DIR": str(home / "cache"),
        "COMMDASH_STATE_DIR": str(home / "state"),
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "commdash", "serve", *options, f"--port={port}", f"--now={NOW}"],
        cwd=home,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # the commdash of each browser tab is ended with it
    )
    lines: queue.Queue[bytes] = queue.Queue()
    threading.Thread(target=_read_lines, args=(process, lines), daemon=True).start()
    try:
        first = lines.get(timeout=30).decode()
        assert first.startswith("commdash: open http://"), first
        yield Served(first.split()[2], port, process, lines)
    finally:
        stop_group(process)


def _read_lines(process: subprocess.Popen[bytes], lines: queue.Queue[bytes]) -> None:
    assert process.stdout is not None
    for line in process.stdout:
        lines.put(line)
    lines.put(b"")


def stop_group(process: subprocess.Popen[bytes]) -> None:
    """End ``process`` and every process it started (its own session): SIGTERM, a few
    seconds to finish, then SIGKILL for whatever is left."""
    try:
        os.killpg(process.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=5)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=5)
