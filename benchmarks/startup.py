"""Time to first screen, measured from outside as a user sees it.

Each command runs in a pseudo-terminal of 120x40; the clock stops when its marker text is
painted. Prints the median of N runs for the bare Textual anchor and for commdash on the demo.
(``benchmarks/run.py`` measures this and much more, against the generated exports.)

    python benchmarks/startup.py [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
from pathlib import Path

from pty_timing import time_to_marker

HERE = Path(__file__).resolve().parent


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
            runs = [time_to_marker(command, marker, env).seconds for _ in range(args.runs)]
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
