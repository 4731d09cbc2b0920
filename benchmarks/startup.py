"""Time to first screen, measured from outside as a user sees it.

Each command runs in a pseudo-terminal of 120x40; the clock stops when its marker text is
painted. Prints the median of N runs for the bare Textual anchor and for commdash on the demo.

    python benchmarks/startup.py [--runs 5]
"""

from __future__ import annotations

import argparse
import fcntl
import os
import pty
import select
import signal
import statistics
import struct
import sys
import tempfile
import termios
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
TIMEOUT = 60.0


def time_to_marker(command: list[str], marker: bytes, env: dict[str, str]) -> float:
    """Seconds from spawning ``command`` in a pty until ``marker`` appears in its output."""
    start = time.perf_counter()
    pid, fd = pty.fork()
    if pid == 0:
        os.execvpe(command[0], command, env)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    seen = b""
    try:
        while time.perf_counter() - start < TIMEOUT:
            ready, _, _ = select.select([fd], [], [], 0.5)
            if not ready:
                continue
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                break
            if not chunk:
                break
            seen = (seen + chunk)[-65536:]
            if marker in seen:
                return time.perf_counter() - start
        raise RuntimeError(f"{command[0]}: marker {marker!r} not seen within {TIMEOUT} s")
    finally:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        os.close(fd)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    env = dict(os.environ, TERM="xterm-256color", COLUMNS="120", LINES="40")
    with tempfile.TemporaryDirectory() as state:
        env["COMMDASH_STATE_DIR"] = state
        cases = {
            "bare Textual app": ([sys.executable, str(HERE / "bare_app.py")], b"bare app ready"),
            "commdash demo": ([sys.executable, "-m", "commdash"], b"need reply"),
        }
        results = {}
        for name, (command, marker) in cases.items():
            time_to_marker(command, marker, env)  # warm the file cache
            runs = [time_to_marker(command, marker, env) for _ in range(args.runs)]
            results[name] = statistics.median(runs)
            print(
                f"{name:<18} median {results[name] * 1000:7.0f} ms  "
                f"(runs: {', '.join(f'{r * 1000:.0f}' for r in runs)})"
            )
    ratio = results["commdash demo"] / results["bare Textual app"]
    print(f"{'ratio':<18} {ratio:.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
