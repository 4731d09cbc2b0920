"""Building the app for Pilot tests: a pinned clock and a state directory per test."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from commdash.app import CommdashApp
from commdash.session import open_session
from commdash.timeutil import Clock, parse_now

NOW = "2026-11-25T09:00:00Z"

AppFactory = Callable[..., CommdashApp]


@pytest.fixture
def make_app(isolated_dirs: Path) -> AppFactory:
    """``make_app(source=None, now=NOW, sla=60)``: the app on a source (None: the demo)."""

    def build(source: str | Path | None = None, now: str = NOW, sla: float = 60.0) -> CommdashApp:
        clock = Clock(parse_now(now))
        session = open_session(
            None if source is None else str(source), str(isolated_dirs), clock, sla
        )
        return CommdashApp(session, clock)

    return build
