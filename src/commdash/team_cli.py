"""``commdash team``: the team database of the config's ``[team]`` section.

- ``commdash team check``: connect (TLS as the config says), bring the tables up to date,
  and say what was reached; the first thing to run when setting a team up.
- ``commdash team push [SOURCE]``: copy this machine's state of a source (the files: states,
  journal, outbox, drafts, notes, saved replies) into the team database, idempotently.
"""

from __future__ import annotations

import argparse
import dataclasses
from collections.abc import Sequence

from commdash import cli
from commdash.config import Config, ConfigError, config_path, load_config
from commdash.paths import source_key
from commdash.store.team_db import TeamDatabase
from commdash.store.team_push import push
from commdash.store.team_schema import MIGRATIONS


def run(argv: Sequence[str]) -> int:
    args = _parser().parse_args(argv)
    config = load_config()
    database = open_team_database(config)
    try:
        if args.command == "push":
            return _push(args, config, database)
        cli._say(f"{database.shown}: reached; tables at version {len(MIGRATIONS)}")
        return 0
    finally:
        database.close()


def open_team_database(config: Config) -> TeamDatabase:
    """The team database of the config (a ConfigError when it has no ``[team]``)."""
    if config.team is None:
        raise ConfigError(
            f"{config_path()}: no [team] section: add one with the database's URL "
            "(README: Working as a team)"
        )
    connection = config.team.connection(may_prompt=True)
    return TeamDatabase(connection.conninfo, connection.password, connection.redacted).open()


def _push(args: argparse.Namespace, config: Config, database: TeamDatabase) -> int:
    alone = dataclasses.replace(config, team=None)  # this machine's files
    session, _ = cli._open(args, offline=True, config=alone)
    key = source_key(session.inbox.snapshot.source)
    pushed = push(session.store, database, key)
    cli._say(f"{session.store.directory} → {database.shown} ({key}): {pushed.summary()}")
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = cli._Parser(
        prog=f"{cli.PROG} team",
        description="The team database of the config's [team] section.",
    )
    commands = parser.add_subparsers(dest="command", parser_class=cli._Parser, required=True)
    commands.add_parser("check", help="connect, bring the tables up to date, say what was reached")
    pushing = commands.add_parser(
        "push",
        help="copy this machine's state of SOURCE (states, journal, outbox, drafts, notes, "
        "saved replies) into the team database; what it has already stays",
    )
    pushing.add_argument(
        "source", nargs="?", metavar="SOURCE", help=cli.SOURCE_HELP + " (default: the demo)"
    )
    cli._common(pushing)
    return parser
