"""The names of temporary files, which the next start reads to tell a killed writer's leftover
from a living one's: the host's name in them has no dot even when the host's has (so the
name parses), and is never empty; a writer killed mid-write leaves one named for its file;
a leftover named as before names carried the host is found whatever hex digits it has."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from commdash.outbox import Reply
from commdash.statefiles import temporary_name
from commdash.store import Store

NOW = 1_764_061_200.0

NAME = r"\.triage\.json\.HOST\.\d+\.[0-9a-f]{32}"
"""A temporary name of triage.json, written on the host named HOST."""

NAMED_ON_A_HOST = """
import socket, sys
socket.sethostname(sys.argv[1])
from commdash.statefiles import temporary_name
print(temporary_name("triage.json"))
"""


@pytest.mark.skipif(
    os.geteuid() != 0 or shutil.which("unshare") is None,
    reason="needs root and unshare to give a process a host name of its own",
)
@pytest.mark.parametrize(
    ("host", "written"), [("Desk-7.example.COM", "Desk-7_example_COM"), ("", "_")]
)
def test_a_host_name_is_written_without_dots(host: str, written: str) -> None:
    run = subprocess.run(
        ["unshare", "--uts", sys.executable, "-c", NAMED_ON_A_HOST, host],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert re.fullmatch(NAME.replace("HOST", re.escape(written)) + "\n", run.stdout)
    here = NAME.replace("HOST", "[A-Za-z0-9_-]+")
    assert re.fullmatch(here, temporary_name("triage.json"))  # and this host's


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


KILLED_MID_WRITE = """
import resource, signal, sys
from pathlib import Path
from commdash.store import Store

signal.signal(signal.SIGXFSZ, signal.SIG_DFL)  # a write past the limit kills the writer
resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))
Store(Path(sys.argv[1])).save_draft("c1", "x" * 10_000)
"""


def test_a_writer_killed_mid_write_leaves_a_leftover_named_for_its_file(tmp_path: Path) -> None:
    run = subprocess.run(
        [sys.executable, "-c", KILLED_MID_WRITE, str(tmp_path)], timeout=60, check=False
    )
    assert run.returncode == -signal.SIGXFSZ
    [left] = [path for path in tmp_path.iterdir() if path.name != ".lock"]
    assert re.fullmatch(NAME.replace("HOST", "[A-Za-z0-9_-]+"), left.name)
    Store(tmp_path).save_draft("c1", "short")  # the next writer removes it
    assert not left.exists()
