"""The one check of whether a process of this host is alive, as undo and the outbox use it."""

from __future__ import annotations

import os
import subprocess
import sys

from commdash.host import hostname, process_alive
from commdash.outbox import owner_alive

NOW = 1_764_061_200.0


def dead_pid() -> int:
    child = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        check=True,
        capture_output=True,
        text=True,
    )
    return int(child.stdout)


def test_a_running_process_is_alive_and_an_ended_one_is_not() -> None:
    assert process_alive(os.getpid())
    assert process_alive(os.getppid())
    assert not process_alive(dead_pid())


def test_what_no_process_can_be_is_not_alive() -> None:
    for pid in (0, -1, True, "123", None, 1.5, 2**63, 10**30):
        assert not process_alive(pid), pid


def test_an_outbox_claim_with_a_pid_that_is_not_a_number_is_not_alive() -> None:
    for pid in ("²", "١٢", "", "12a", str(10**30)):
        assert not owner_alive(f"{hostname()}:{pid}:p", NOW, NOW), pid
    assert owner_alive(f"{hostname()}:{os.getppid()}:p", NOW, NOW)
    assert owner_alive("elsewhere:1:p", NOW, NOW)  # another machine's, within its lease
