"""``commdash replies``: list, import and export the saved replies of a state directory."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from commdash import cli
from commdash.config import load_config
from commdash.paths import state_root
from commdash.replies_file import read_replies, written
from commdash.store.backends import SavedRepliesBackend
from commdash.store.saved_replies import SavedReplyStore
from commdash.text import escape_json_controls, one_line

PREVIEW_CELLS = 60


def parser() -> argparse.ArgumentParser:
    found = cli._Parser(
        prog=f"{cli.PROG} replies",
        description="The saved replies of the state directory (shared by everyone using it), "
        "or of the team database when the config has a [team] section.",
        epilog="Without a subcommand, lists them. A file holds [[replies]] tables (TOML) or "
        '{"replies": [...]} (JSON), each with name, text, and optional tags and language.',
    )
    state_help = (
        "the state directory (default: $COMMDASH_STATE_DIR, else the platform's user data "
        "directory)"
    )
    found.add_argument("--state-dir", metavar="DIR", help=state_help)
    # Also after the subcommand; there, given or not, it leaves the one before it alone.
    state = cli._Parser(add_help=False)
    state.add_argument("--state-dir", metavar="DIR", help=state_help, default=argparse.SUPPRESS)
    commands = found.add_subparsers(dest="command", parser_class=cli._Parser)
    commands.add_parser("list", parents=[state], help="list the saved replies")
    importing = commands.add_parser(
        "import",
        parents=[state],
        help="add the replies of a TOML or JSON file; those of the same name are updated",
    )
    importing.add_argument("file", metavar="FILE", type=Path)
    exporting = commands.add_parser(
        "export", parents=[state], help="print the saved replies as TOML or JSON"
    )
    exporting.add_argument("--format", choices=("toml", "json"), default="toml")
    return found


def run(argv: list[str]) -> int:
    args = parser().parse_args(argv)
    config = load_config()
    if config.team is None:
        return _run(args, SavedReplyStore(state_root(args.state_dir)))
    from commdash.store.team_saved_replies import TeamSavedReplyStore
    from commdash.team_cli import open_team_database  # psycopg only for a team

    database = open_team_database(config)
    try:
        return _run(args, TeamSavedReplyStore(database))
    finally:
        database.close()


def _run(args: argparse.Namespace, store: SavedRepliesBackend) -> int:
    if args.command == "import":
        incoming = read_replies(args.file)
        added, updated = store.merge(incoming)
        cli._say(f"{added} added, {updated} updated ({store.where})")
    elif args.command == "export":
        text = written(store.replies(), args.format)
        if args.format == "json":
            sys.stdout.buffer.write(escape_json_controls(text.encode("utf-8")))
        else:
            cli._say(text.removesuffix("\n"))
    else:
        _list(store)
    return 0


def _list(store: SavedRepliesBackend) -> None:
    replies = store.replies()
    if not replies:
        cli._say(f"No saved replies yet ({store.where}).")
        return
    width = min(max(len(reply.name) for reply in replies), 30)
    for reply in replies:
        tags = "".join(f" #{tag}" for tag in reply.tags)
        language = f" [{reply.language}]" if reply.language else ""
        name = one_line(reply.name, width)
        cli._say(f"{name:<{width}}  {one_line(reply.text, PREVIEW_CELLS)}{tags}{language}")
