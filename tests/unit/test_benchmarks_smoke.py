"""The benchmark suite still runs end to end against the current code (timings not judged)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SMOKE_ROWS = [
    "tti busy",
    "tti busy first open",
    "key move busy",
    "key jump to end busy",
    "key page busy",
    "key switch post busy",
    "key open thread busy",
    "filter busy",
    "filter typing busy",
    "triage e busy, 1k triaged",
    "durability e busy, 1k triaged",
    "triage s busy, 1k triaged",
    "durability s busy, 1k triaged",
    "triage t busy, 1k triaged",
    "durability t busy, 1k triaged",
    "stats --json busy",
    "stats --json busy re-open",
    "peak memory busy",
]
"""Every row ``run.py --smoke`` prints (sizes demo and busy)."""


def test_benchmark_smoke_run_measures_every_row(tmp_path: Path) -> None:
    env = {key: value for key, value in os.environ.items() if not key.startswith("COMMDASH_")}
    done = subprocess.run(
        [sys.executable, "benchmarks/run.py", "--smoke", "--json", str(tmp_path / "rows.json")],
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr[-4000:]
    lines = done.stdout.splitlines()
    for name in SMOKE_ROWS:
        # The row's name, then at least two spaces and its value: a number with a unit.
        pattern = re.compile(rf"^{re.escape(name)}\s{{2,}}[\d,.]+ (ms|MiB)\s")
        assert any(pattern.match(line) for line in lines), f"no value for {name!r}:\n{done.stdout}"
    assert (tmp_path / "rows.json").exists()
