"""Building the app for Pilot tests: a pinned clock and a state directory per test."""

from __future__ import annotations

import json
import os
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from _screen import LIVE_TOKEN, NOW, SIZE, AppFactory, ConfigureSource, Running, Start
from servers.native import FakeNative, make_document

from commdash.config import Config
from commdash.session import open_session
from commdash.timeutil import Clock, parse_now
from commdash.ui.app import CommdashApp


@pytest.fixture
def make_app(isolated_dirs: Path) -> AppFactory:
    """``make_app(source=None, now=NOW, sla=60, config=None)``: the app on a source (None:
    the demo), with the keys and theme of ``config``."""

    def build(
        source: str | Path | None = None,
        now: str = NOW,
        sla: float = 60.0,
        config: Config | None = None,
    ) -> CommdashApp:
        clock = Clock(parse_now(now))
        session = open_session(
            None if source is None else str(source), str(isolated_dirs), clock, sla
        )
        return CommdashApp(session, clock, config)

    return build


@pytest.fixture
def started(make_app: AppFactory) -> Start:
    """``async with started(app, size=SIZE, notifications=False) as (app, pilot)``: ``app``
    (the demo when none is given) running headless under Pilot, settled after its first
    refresh; it stops when the block ends. Blocks side by side run apps side by side, and a
    block after another restarts on the same state directory."""

    @asynccontextmanager
    async def start(
        app: CommdashApp | None = None,
        *,
        size: tuple[int, int] = SIZE,
        notifications: bool = False,
    ) -> AsyncIterator[Running]:
        running = make_app() if app is None else app
        async with running.run_test(size=size, notifications=notifications) as pilot:
            await pilot.pause()
            yield running, pilot

    return start


@pytest.fixture
def configure_source(isolated_dirs: Path, monkeypatch: pytest.MonkeyPatch) -> ConfigureSource:
    """``configure_source(NAME, token=None, kind=..., url=..., ...)``: the config file
    ($COMMDASH_CONFIG) names one source, polled only on demand, with those fields; its
    ``token``, if given, is read from the environment variable ``NAME_TOKEN``."""

    def configure(name: str, token: str | None = None, **fields: object) -> None:
        fields["poll_seconds"] = 3600
        if token is not None:
            variable = fields["token_env"] = f"{name.upper()}_TOKEN"
            monkeypatch.setenv(variable, token)
        # JSON's strings, lists, numbers and booleans are also TOML's.
        table = [f"[sources.{name}]", *(f"{key} = {json.dumps(v)}" for key, v in fields.items())]
        config = Path(os.environ["COMMDASH_CONFIG"])
        config.write_text("\n".join(table) + "\n", encoding="utf-8")

    return configure


@pytest.fixture
def live_server() -> Iterator[FakeNative]:
    """A commdash/v1 service on 127.0.0.1: 3 posts, 24 comments."""
    with FakeNative(make_document(3, 24), token=LIVE_TOKEN) as fake:
        yield fake


@pytest.fixture
def make_live_app(
    make_app: AppFactory, configure_source: ConfigureSource, live_server: FakeNative
) -> Callable[[], CommdashApp]:
    """The app on ``live_server``, named ``team`` in the config (polled only on demand)."""
    configure_source(
        "team",
        LIVE_TOKEN,
        kind="commdash",
        url=live_server.url,
        reply_url=live_server.reply_url,
        hide_url=live_server.hide_url,
    )
    return lambda: make_app("team")
