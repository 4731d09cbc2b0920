"""The names of temporary files, which the next start reads to tell a killed writer's leftover
from a living one's: the host's name in them has no dot even when the host's has (so the
name parses), and a leftover named as before names carried the host is found whatever hex
digits it has."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from commdash.outbox import Reply
from commdash.store import Store

NOW = 1_764_061_200.0

NAMED_ON_A_DOTTED_HOST = """
import socket
socket.sethostname("desk.example.com")
from commdash.statefiles import temporary_name
print(temporary_name("triage.json"))
"""


@pytest.mark.skipif(
    os.geteuid() != 0 or shutil.which("unshare") is None,
    reason="needs root and unshare to give a process a host name of its own",
)
def test_a_host_name_with_dots_is_written_without_them() -> None:
    run = subprocess.run(
        ["unshare", "--uts", sys.executable, "-c", NAMED_ON_A_DOTTED_HOST],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert re.fullmatch(r"\.triage\.json\.desk_example_com\.\d+\.[0-9a-f]{32}\n", run.stdout)


def dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_a_leftover_named_as_before_is_removed_whatever_its_hex(tmp_path: Path) -> None:
    dead = dead_pid()
    left = [tmp_path / f".triage.json.{dead}.{hex_part}" for hex_part in ("f" * 32, "09" * 16)]
    for path in left:
        path.write_bytes(b"{")
    Store(tmp_path).queue_moderation(Reply.moderation("c1", "m1", True, NOW))
    assert [path.name for path in left if path.exists()] == []
