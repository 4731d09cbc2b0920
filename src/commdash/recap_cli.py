"""``commdash recap SOURCE [--since ISO] [--json]``: the work of a period, to paste into the
team's channel at the end of the day (short lines, no colour), or as JSON."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from commdash import cli
from commdash.errors import CommdashError
from commdash.figures import Figures
from commdash.recap import COUNTS, UNKNOWN, Recap, Tally, recap
from commdash.session import Session
from commdash.text import one_line
from commdash.timeutil import duration, iso

MIN_TS, MAX_TS = 0.0, 253402300799.0
"""The times a clock shows (as :mod:`commdash.timeutil` reads them)."""


def run(argv: Sequence[str]) -> int:
    args = _parser().parse_args(argv)
    session, clock = cli._open(args, offline=True)
    if session.link is not None and session.link.feed.synced_at is None:
        session, clock = cli._open(args, pull=True)  # the account, hence the state, is unknown
    until = clock.now()
    since = local_midnight(until) if args.since is None else parse_since(args.since)
    if since > until:
        raise CommdashError(f"--since {args.since}: that is after now ({iso(until)})")
    store = session.store
    done = recap(session.inbox, store.journal(), store.replies(), since, until)
    if args.json:
        cli._say_json(recap_document(session, done))
    else:
        cli._say(recap_text(session, done))
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = cli._Parser(
        prog=f"{cli.PROG} recap",
        description="What was done since a moment (replies, done, snoozed, tagged, assigned, "
        "notes), per manager, with the figures at the start and at the end.",
    )
    parser.add_argument(
        "source", nargs="?", metavar="SOURCE", help=cli.SOURCE_HELP + " (default: the demo)"
    )
    parser.add_argument(
        "--since",
        metavar="ISO",
        help="the start of the period, e.g. 2026-11-25 or 2026-11-25T08:00 (local time "
        "unless an offset or Z is given; default: today 00:00)",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    cli._common(parser)
    return parser


def parse_since(value: str) -> float:
    """``--since``: an ISO 8601 date or time; without an offset, local time (as the default,
    today's midnight, is). :class:`CommdashError` when it is none."""
    try:
        moment = datetime.fromisoformat(value.strip())
        seconds = (moment if moment.tzinfo else moment.astimezone()).timestamp()
    except (ValueError, OverflowError, OSError):
        seconds = -1.0
    if not MIN_TS <= seconds <= MAX_TS:
        raise CommdashError(
            f"--since {value!r}: not a time (try 2026-11-25, 2026-11-25T08:00 or "
            "2026-11-25T08:00:00Z)"
        )
    return seconds


def local_midnight(now: float) -> float:
    """Today's 00:00, local time."""
    local = datetime.fromtimestamp(now).astimezone()
    return local.replace(hour=0, minute=0, second=0, microsecond=0).timestamp()


# Plain text -------------------------------------------------------------------------------


def recap_text(session: Session, done: Recap) -> str:
    source = session.inbox.snapshot.source
    lines = [
        f"Recap · {one_line(source.name, 60)} ({one_line(source.platform, 20)})",
        f"{_when(done.since, -1.0)} → {_when(done.until, done.since)}",
    ]
    if done.journal_starts_at is not None:
        lines.append(
            f"journal starts at {_when(done.journal_starts_at, done.since)}: "
            "nothing earlier is counted"
        )
    lines += ["", *_figure_rows(done.start, done.end), ""]
    if not done.managers:
        lines.append("Nothing done in this period.")
    for manager, tally in done.managers.items():
        # One line each, whatever a name holds: a line break in one (from the environment,
        # or a hand-edited journal) would add lines that look like another manager's work.
        name = "(not in the journal)" if manager == UNKNOWN else one_line(manager, 60)
        lines += [name, *_tally_lines(tally)]
    if len(done.managers) > 1:
        lines += ["Everyone", *_tally_lines(done.total)]
    return "\n".join(lines)


def _when(moment: float, day_of: float) -> str:
    """Local time, with the day unless it is the day of ``day_of`` (-1: always)."""
    local = datetime.fromtimestamp(moment).astimezone()
    same_day = day_of >= 0 and local.date() == datetime.fromtimestamp(day_of).date()
    return f"{local:%H:%M}" if same_day else f"{local:%a %d %b %H:%M}"


def _figure_rows(start: Figures, end: Figures) -> list[str]:
    rows = [
        ("", "start", "end"),
        ("Need reply", str(start.needs_reply), str(end.needs_reply)),
        ("Over SLA", str(start.sla_breached), str(end.sla_breached)),
        ("Response rate", _rate(start), _rate(end)),
        ("First reply", _first_reply(start), _first_reply(end)),
    ]
    label, first, second = (max(len(row[i]) for row in rows) for i in range(3))
    return [f"{a:<{label}}  {b:>{first}}  {c:>{second}}" for a, b, c in rows]


def _rate(found: Figures) -> str:
    return "n/a" if found.response_rate is None else f"{found.response_rate:.0%}"


def _first_reply(found: Figures) -> str:
    seconds = found.median_first_response_seconds
    return "n/a" if seconds is None else duration(seconds)


def _tally_lines(tally: Tally) -> list[str]:
    replies = [f"{tally.replies_sent} sent"]
    if tally.replies_queued:
        replies.append(f"{tally.replies_queued} queued")
    if tally.replies_failed:
        replies.append(f"{tally.replies_failed} not sent")
    triage = [
        f"{tally.done} done",
        f"{tally.snoozed} snoozed",
        f"{tally.tagged} tagged",
        f"{tally.assigned} assigned",
    ]
    notes = f"{tally.notes} note" + ("" if tally.notes == 1 else "s")
    return [f"  replies: {', '.join(replies)}", f"  {' · '.join(triage)} · {notes}"]


# JSON -------------------------------------------------------------------------------------


def recap_document(session: Session, done: Recap) -> dict[str, Any]:
    source = session.inbox.snapshot.source
    return {
        "source": {"name": source.name, "platform": source.platform, "location": source.location},
        "since": iso(done.since),
        "until": iso(done.until),
        "journal_starts_at": None
        if done.journal_starts_at is None
        else iso(done.journal_starts_at),
        "sla_minutes": session.inbox.sla_seconds / 60.0,
        "figures": {
            "start": _figures_entry(done.since, done.start),
            "end": _figures_entry(done.until, done.end),
        },
        "managers": [
            {"manager": None if manager == UNKNOWN else manager, **_counts(tally)}
            for manager, tally in done.managers.items()
        ],
        "total": _counts(done.total),
    }


def _figures_entry(moment: float, found: Figures) -> dict[str, Any]:
    return {
        "at": iso(moment),
        "needs_reply": found.needs_reply,
        "sla_breached": found.sla_breached,
        "response_rate": found.response_rate,
        "median_first_response_seconds": found.median_first_response_seconds,
    }


def _counts(tally: Tally) -> dict[str, int]:
    return {name: getattr(tally, name) for name in COUNTS}
