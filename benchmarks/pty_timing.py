"""Timing a TUI from outside, as a user sees it: spawn it in a pseudo-terminal and stop the
clock when a marker text is painted.

The child gets a window of ``COLUMNS`` x ``LINES`` (120x40 unless told) before it starts, so
it never draws for another size first. When the marker appears the child is killed and
reaped with ``os.wait4``, whose resource usage gives its peak resident set size. With
``quit_with``, the keys are typed instead and the child (and anything it forked that still
holds the terminal) is given the rest of the time to exit by itself, for a run that warms a
cache. Whatever is left of the child's process group at the end is killed.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import pty
import re
import select
import signal
import struct
import termios
import time
from dataclasses import dataclass

DEFAULT_TIMEOUT = 60.0
WIDTH, HEIGHT = 120, 40
_ESCAPES = re.compile(rb"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[@-Z\\-_])")


@dataclass(frozen=True)
class Timing:
    seconds: float
    """From spawning the command until the marker was read from the terminal."""
    max_rss_kb: int
    """The child's peak resident set size (``ru_maxrss``; kilobytes on Linux)."""


class MarkerNotSeen(RuntimeError):
    """The command ended, or the time ran out, before its marker was painted."""


def time_to_marker(
    command: list[str],
    marker: bytes,
    env: dict[str, str],
    timeout: float = DEFAULT_TIMEOUT,
    size: tuple[int, int] = (WIDTH, HEIGHT),
    quit_with: bytes | None = None,
) -> Timing:
    """Run ``command`` in a pty of ``size`` (columns, rows) until ``marker`` is painted."""
    winsize = struct.pack("HHHH", size[1], size[0], 0, 0)
    start = time.perf_counter()
    pid, fd = pty.fork()
    if pid == 0:  # the child: only the terminal size, then exec
        try:
            fcntl.ioctl(1, termios.TIOCSWINSZ, winsize)
            os.execvpe(command[0], command, env)
        finally:
            os._exit(127)
    seen = b""
    found: float | None = None
    why = f"not seen within {timeout:g} s"
    try:
        with contextlib.suppress(OSError):
            fcntl.ioctl(fd, termios.TIOCSWINSZ, winsize)
        while time.perf_counter() - start < timeout:
            ready, _, _ = select.select([fd], [], [], 0.25)
            if not ready:
                continue
            try:
                chunk = os.read(fd, 65536)
            except OSError:  # EIO: the child closed the terminal
                chunk = b""
            if not chunk:
                why = "the command ended first"
                break
            seen = (seen + chunk)[-65536:]
            if found is None and marker in seen:
                found = time.perf_counter() - start
                if quit_with is None:
                    break
                os.write(fd, quit_with)
    finally:
        # The child leads its own session (pty.fork): killing the group also ends whatever
        # it forked (a cache writer, say), which would otherwise run on into the next run.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pid, signal.SIGKILL)
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
        _, status, usage = os.wait4(pid, 0)
        os.close(fd)
    if found is None:
        tail = _ESCAPES.sub(b"", seen).decode("utf-8", "replace").split()
        raise MarkerNotSeen(
            f"{' '.join(command)}: marker {marker!r} {why} (status {status}); "
            f"last output: {' '.join(tail)[-300:]!r}"
        )
    return Timing(found, usage.ru_maxrss)
