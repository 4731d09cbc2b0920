"""Two managers' commdash on one team database (PostgreSQL), each with its own state
directory, as the issue's trial runs them: each sees the other's action within a second;
with the network to the database cut, the header says so and commdash keeps working, and
the other sees it once the database is back."""

from __future__ import annotations

from pathlib import Path

from _screen import NOW, Start, title, until
from psycopg.conninfo import conninfo_to_dict
from servers.tcp_relay import TcpRelay

from commdash.config import load_config
from commdash.session import open_session
from commdash.timeutil import Clock, parse_now
from commdash.ui.app import CommdashApp
from commdash.ui.widgets.status_bar import StatusBar

SECOND = 1.0


def team_app(tmp_path: Path, name: str, conninfo: str, port: int | None = None) -> CommdashApp:
    """A manager's commdash on the demo, its own state directory, the team database (through
    the relay on ``port`` when given)."""
    parts = conninfo_to_dict(conninfo)
    config_file = tmp_path / f"{name}.toml"
    config_file.write_text(
        "[team]\n"
        f'database = "postgresql://{parts["user"]}@{parts["host"]}:{port or parts["port"]}'
        f'/{parts["dbname"]}?connect_timeout=2"\n'
        f'sslmode = "disable"\nname = "{name}"\n'
    )
    config = load_config(config_file)
    clock = Clock(parse_now(NOW))
    session = open_session(None, str(tmp_path / name), clock, 60.0, config)
    return CommdashApp(session, clock, config)


def header(app: CommdashApp) -> str:
    return str(app.screen.query_one(StatusBar).render())


def needing_reply(app: CommdashApp) -> str:
    """The list's title: how many conversations of the view need a reply."""
    return title(app)


async def test_each_manager_sees_the_others_action_within_a_second(
    tmp_path: Path, team_database: str, started: Start
) -> None:
    ana_app = team_app(tmp_path, "ana", team_database)
    bo_app = team_app(tmp_path, "bo", team_database)
    async with started(ana_app) as (ana, ana_pilot), started(bo_app) as (bo, bo_pilot):
        before = needing_reply(bo)
        await ana_pilot.press("e")
        await until(ana_pilot, lambda: needing_reply(ana) != before)
        await until(bo_pilot, lambda: needing_reply(bo) == needing_reply(ana), seconds=SECOND)
        assert "team database" not in header(ana)


async def test_with_the_database_cut_off_the_header_says_so_and_work_goes_on(
    tmp_path: Path, team_database: str, postgres_relay: TcpRelay, started: Start
) -> None:
    ana_app = team_app(tmp_path, "ana", team_database, port=postgres_relay.port)
    bo_app = team_app(tmp_path, "bo", team_database)
    async with started(ana_app) as (ana, ana_pilot), started(bo_app) as (bo, bo_pilot):
        before = needing_reply(ana)
        postgres_relay.cut()
        await ana_pilot.press("e")
        await until(ana_pilot, lambda: "working offline (1 waiting)" in header(ana))
        assert needing_reply(ana) != before  # shown at once, though not in the database yet
        assert needing_reply(bo) == before
        postgres_relay.mend()
        await until(ana_pilot, lambda: "team database" not in header(ana), seconds=15)
        await until(bo_pilot, lambda: needing_reply(bo) == needing_reply(ana), seconds=SECOND)
