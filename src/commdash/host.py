"""This machine: its name, whether a host name means it, and whether one of its processes
is still running.

The one place commdash asks whether a process is alive: for undo (is the session that acted
still running?), for the outbox (is the process that claimed an item still sending it?) and
for the state directory (is the writer of a temporary file still writing it?).
"""

from __future__ import annotations

import ipaddress
import os
import socket


def hostname() -> str:
    """This host's name, as other records (journal, outbox claims, temporary files) carry it."""
    return socket.gethostname()


def is_loopback(host: str) -> bool:
    """Whether ``host`` (a name, or an address, IPv6 with or without brackets) is this
    machine's loopback: where plain http, or a database without TLS, stays on the machine."""
    if host.lower() in ("localhost", "localhost."):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def process_alive(pid: object) -> bool:
    """Whether a process of this host with that id is running (it may not be a commdash:
    pids are reused, so callers that can tell more, such as an outbox claim, do)."""
    if not isinstance(pid, int) or isinstance(pid, bool) or pid <= 0:
        return False
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except (ProcessLookupError, OverflowError):  # no such process; a pid no system has
        return False
    except OSError:
        return True  # alive, owned by someone else
    return True
