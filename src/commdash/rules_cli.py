"""``commdash rules [SOURCE] [--dry-run]``: the config's rules, and what they would do now.

Rules act only in the TUI (when it opens a source, and when a sync brings conversations):
never behind the manager's back from a command line. ``--dry-run`` shows, per rule, the
conversations it would act on if the TUI opened now, reading a live source's offline copy
(nothing is fetched).
"""

from __future__ import annotations

import argparse

from commdash import cli
from commdash.config import load_config
from commdash.errors import CommdashError
from commdash.inbox import Inbox
from commdash.rule_runner import would_do
from commdash.rules import Rule
from commdash.store.rules import RuleRecord
from commdash.text import one_line

SHOWN = 5
"""The conversations listed per rule."""
ACTING = (
    "Rules act when the TUI opens the source and when a sync brings new conversations, "
    "once on each; --dry-run shows what they would do now."
)


def parser() -> argparse.ArgumentParser:
    found = cli._Parser(
        prog=f"{cli.PROG} rules",
        description="The [[rules]] of the config file, and what they would do now.",
    )
    found.add_argument(
        "source", nargs="?", metavar="SOURCE", help=cli.SOURCE_HELP + " (default: the demo)"
    )
    cli._common(found)
    found.add_argument(
        "--dry-run",
        action="store_true",
        help="print what each rule would do if the TUI opened now (counts and the first "
        f"{SHOWN} conversations), without acting",
    )
    return found


def run(argv: list[str]) -> int:
    args = parser().parse_args(argv)
    config = load_config()
    if config.rules.problems:
        raise CommdashError(config.rules.problems[0])
    rules = config.rules.rules
    if not rules:
        cli._say(f"No rules in {config.path}.")
        return 0
    if not args.dry_run:
        for rule in rules:
            cli._say(_heading(rule))
        cli._say(ACTING)
        return 0
    session, _ = cli._open(args, offline=True, config=config)
    record = RuleRecord(session.store.directory)
    for rule in rules:
        _preview(session.inbox, record, rule)
    return 0


def _heading(rule: Rule) -> str:
    return f"rule {rule.name}: {rule.then.summary()} · when {one_line(rule.when, 60)}"


def _preview(inbox: Inbox, record: RuleRecord, rule: Rule) -> None:
    chosen, considered = would_do(inbox, record, rule)
    cli._say(_heading(rule))
    count = f"{len(chosen):,} conversation{'' if len(chosen) == 1 else 's'}"
    already = f" ({considered:,} considered already, left alone)" if considered else ""
    cli._say(f"  would act on {count}{already}")
    for cid in chosen[:SHOWN]:
        root = inbox.conversations[cid].root
        cli._say(f"  · {one_line(root.author.name, 24):<24}  {one_line(root.text, 60)}")
    if len(chosen) > SHOWN:
        cli._say(f"  · … and {len(chosen) - SHOWN:,} more")
