"""Running commdash as a manager runs it: ``python -m commdash ARGS`` in a process of its own."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path


def run_commdash(
    *args: str,
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
    timeout: float = 120,
) -> subprocess.CompletedProcess[str]:
    """``python -m commdash ARGS``, with no ``COMMDASH_`` setting of the environment running
    the tests (only those of ``env``), UTF-8 output and no terminal on its standard input."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith("COMMDASH_")}
    environ["PYTHONUTF8"] = "1"
    environ.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "commdash", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=environ,
        stdin=subprocess.DEVNULL,
        timeout=timeout,
        check=False,
    )
