"""SVG snapshots of the main screen, with the clock pinned so ages never drift.

Update after an intended change with: pytest tests/snapshots --snapshot-update
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from commdash.session import open_session
from commdash.timeutil import Clock, parse_now
from commdash.ui.app import CommdashApp

NOW = "2026-11-25T09:00:00Z"


def demo_app(state_dir: Path) -> CommdashApp:
    clock = Clock(parse_now(NOW))
    return CommdashApp(open_session(None, str(state_dir), clock, 60.0), clock)


def test_main_screen_80x24(snap_compare: Any, isolated_dirs: Path) -> None:
    assert snap_compare(demo_app(isolated_dirs), terminal_size=(80, 24))


def test_main_screen_160x48(snap_compare: Any, isolated_dirs: Path) -> None:
    assert snap_compare(demo_app(isolated_dirs), terminal_size=(160, 48))


def test_reply_box_open_160x48(snap_compare: Any, isolated_dirs: Path) -> None:
    assert snap_compare(
        demo_app(isolated_dirs), terminal_size=(160, 48), press=["j", "r", *"Thanks, Magnus!"]
    )
