"""Building the app for Pilot tests: a pinned clock and a state directory per test."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from servers.native import FakeNative, make_document

from commdash.session import open_session
from commdash.timeutil import Clock, parse_now
from commdash.ui.app import CommdashApp

NOW = "2026-11-25T09:00:00Z"
LIVE_TOKEN = "tok-ui-3c9a"

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


@pytest.fixture
def live_server() -> Iterator[FakeNative]:
    """A commdash/v1 service on 127.0.0.1: 3 posts, 24 comments."""
    with FakeNative(make_document(3, 24), token=LIVE_TOKEN) as fake:
        yield fake


@pytest.fixture
def make_live_app(
    make_app: AppFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, live_server: FakeNative
) -> Callable[[], CommdashApp]:
    """The app on ``live_server``, named ``team`` in the config (polled only on demand)."""
    config = tmp_path / "config.toml"
    config.write_text(
        "[sources.team]\n"
        f'kind = "commdash"\nurl = "{live_server.url}"\n'
        f'reply_url = "{live_server.reply_url}"\nhide_url = "{live_server.hide_url}"\n'
        'token_env = "TEAM_TOKEN"\npoll_seconds = 3600\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("COMMDASH_CONFIG", str(config))
    monkeypatch.setenv("TEAM_TOKEN", LIVE_TOKEN)
    return lambda: make_app("team")
