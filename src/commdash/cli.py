"""The command line: ``commdash [SOURCE]`` starts the TUI, ``commdash stats`` prints figures,
``commdash serve`` shows the TUI in a browser, ``commdash config`` checks the config file."""

from __future__ import annotations

import argparse
import io
import os
import shlex
import sys
import time
from collections.abc import Sequence
from dataclasses import replace
from typing import Any, NoReturn, TextIO

import orjson

from commdash import __version__, views
from commdash.config import Config, check_config, config_path, load_config
from commdash.errors import CommdashError
from commdash.inbox import SourceFigures
from commdash.outbox import Reply
from commdash.session import Session, open_session
from commdash.text import escape_json_controls, one_line, sanitize
from commdash.threads import show_id
from commdash.timeutil import Clock, duration, iso, parse_now

PROG = "commdash"
SOURCE_HELP = (
    "a commdash/v1 export (JSON file), its https:// URL, or the name of a source in the config file"
)
WARNINGS_SHOWN = 10
DEFAULT_SLA_MINUTES = 60.0
MAX_SLA_MINUTES = 60 * 24 * 365
DEFAULT_SERVE_HOST = "127.0.0.1"
DEFAULT_SERVE_PORT = 8000
WEB_DRIVER = "textual.drivers.web_driver:WebDriver"
"""What textual-serve names in TEXTUAL_DRIVER for each browser tab's commdash."""


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        if args[:1] == ["stats"]:
            return _stats(_stats_parser().parse_args(args[1:]))
        if args[:1] == ["outbox"]:
            return _outbox(_outbox_parser().parse_args(args[1:]))
        if args[:1] == ["serve"]:
            return _serve(_serve_parser().parse_args(args[1:]))
        if args[:1] == ["config"]:
            return _config(_config_parser().parse_args(args[1:]))
        if args[:1] == ["replies"]:
            from commdash import replies_cli  # it uses this module's printing

            return replies_cli.run(args[1:])
        if args[:1] == ["rules"]:
            from commdash import rules_cli  # it builds on this module's helpers

            return rules_cli.run(args[1:])
        if args[:1] == ["team"]:
            from commdash import team_cli  # psycopg only for a team

            return team_cli.run(args[1:])
        if args[:1] == ["recap"]:
            from commdash import recap_cli  # it builds on this module's helpers

            return recap_cli.run(args[1:])
        _refuse_a_command_after_options(args)
        return _tui(_main_parser().parse_args(args))
    except CommdashError as exc:
        _complain("error", str(exc))
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (`commdash stats | head`): not an error of ours. Point
        # stdout at /dev/null so the interpreter's final flush does not complain.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


COMMANDS = ("stats", "outbox", "serve", "recap", "rules", "config", "replies", "team")
"""The subcommands: each is the first argument, its options after it."""


def _refuse_a_command_after_options(args: list[str]) -> None:
    """``commdash --state-dir D stats`` would open a file called stats: say where the
    command goes instead."""
    found, _ = _main_parser().parse_known_args(args)
    if found.source not in COMMANDS:
        return
    at = args.index(found.source)
    command = [PROG, found.source, *args[at + 1 :], *args[:at]]
    raise CommdashError(
        f"{found.source!r} is a command: put it first ({shlex.join(command)}); "
        f"a file of that name opens as ./{found.source}"
    )


class _Parser(argparse.ArgumentParser):
    """argparse's errors quote what was typed (``unrecognized arguments: ...``): they are
    written like every other error."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        _complain("error", message, self.prog)
        sys.exit(2)


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--state-dir",
        metavar="DIR",
        help="where triage state, drafts and the outbox are kept "
        "(default: $COMMDASH_STATE_DIR, else the platform's user data directory)",
    )
    parser.add_argument(
        "--now",
        metavar="ISO",
        type=_now_option,
        help="pin the clock to this time, e.g. 2026-11-25T09:00:00Z (for reproducible runs)",
    )
    parser.add_argument(
        "--sla",
        metavar="MINUTES",
        type=_sla_option,
        default=DEFAULT_SLA_MINUTES,
        help="a conversation waiting longer than this is over SLA (default: %(default)g)",
    )


def _main_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog=PROG,
        description="Triage your community's posts and comments from the terminal.",
        epilog="Subcommands: 'commdash stats [SOURCE] [--json]' prints the figures without "
        "the TUI; 'commdash outbox [SOURCE] [--json]' lists queued, sent and failed replies; "
        "'commdash serve [SOURCE]' serves the dashboard to a web browser; "
        "'commdash recap [SOURCE] [--since ISO]' sums up the work of the day. "
        "'commdash config --check' checks the config file, '--path' shows which one is read. "
        "'commdash replies [list | import FILE | export]' shares the saved replies. "
        "'commdash rules [SOURCE] --dry-run' shows what the config's rules would do. "
        "'commdash team [check | push SOURCE]' works with the team database of [team]. "
        "With no SOURCE, commdash opens its bundled demo.",
    )
    parser.add_argument("source", nargs="?", metavar="SOURCE", help=SOURCE_HELP)
    _common(parser)
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    return parser


def _stats_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog=f"{PROG} stats",
        description="Print the engagement figures of a source, with the local triage state.",
    )
    parser.add_argument(
        "source", nargs="?", metavar="SOURCE", help=SOURCE_HELP + " (default: the demo)"
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument(
        "--view",
        metavar="NAME",
        help="the figures of one view's conversations (a built-in view or one of [[views]])",
    )
    _common(parser)
    return parser


def _outbox_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog=f"{PROG} outbox",
        description="List the replies and hides waiting, sent or failed for a source.",
    )
    parser.add_argument(
        "source", nargs="?", metavar="SOURCE", help=SOURCE_HELP + " (default: the demo)"
    )
    parser.add_argument("--json", action="store_true", help="print one JSON array")
    _common(parser)
    return parser


def _serve_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog=f"{PROG} serve",
        description="Serve the dashboard to a web browser: each browser tab runs its own "
        "commdash, with these options. Open the address printed, which holds a key.",
    )
    parser.add_argument(
        "source", nargs="?", metavar="SOURCE", help=SOURCE_HELP + " (default: the demo)"
    )
    parser.add_argument(
        "--host",
        default=DEFAULT_SERVE_HOST,
        help="the address to listen on (default: %(default)s, this machine only; "
        "reach it from yours with SSH port forwarding)",
    )
    parser.add_argument(
        "--port",
        type=_port_option,
        default=DEFAULT_SERVE_PORT,
        help="the port to listen on (default: %(default)s)",
    )
    parser.add_argument(
        "--public",
        action="store_true",
        help="allow a --host other than loopback: whoever reaches the port and has the key "
        "acts with your sources' tokens, over unencrypted HTTP",
    )
    _common(parser)
    return parser


def _port_option(value: str) -> int:
    if not (value.isascii() and value.isdigit() and 1 <= int(value) <= 65535):
        raise argparse.ArgumentTypeError(f"{value!r}: give a port number from 1 to 65535")
    return int(value)


def _config_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog=f"{PROG} config", description="The config file.")
    what = parser.add_mutually_exclusive_group(required=True)
    what.add_argument(
        "--check",
        action="store_true",
        help="print each mistake of the config file on a line (exit status 2 if any)",
    )
    what.add_argument("--path", action="store_true", help="print which file is read")
    return parser


def _now_option(value: str) -> float:
    try:
        return parse_now(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _sla_option(value: str) -> float:
    try:
        minutes = float(value)
    except ValueError:
        minutes = -1.0
    if not 0 < minutes <= MAX_SLA_MINUTES:
        raise argparse.ArgumentTypeError(
            f"{value!r}: give minutes above 0 and at most {MAX_SLA_MINUTES} (a year)"
        )
    return minutes


def _open(
    args: argparse.Namespace,
    pull: bool = False,
    offline: bool = False,
    config: Config | None = None,
) -> tuple[Session, Clock]:
    """The session; with ``pull``, a live source is pulled first, falling back to its
    offline copy with a warning (the TUI pulls in the background instead). ``offline``:
    what is kept on disk only (no token needed). ``config``: as read already."""
    clock = Clock(args.now)
    config = load_config() if config is None else config
    session = open_session(args.source, args.state_dir, clock, args.sla, config, offline)
    if session.link is not None and pull:
        session = _pulled(session)
    _warn(session)
    return session, clock


def _pulled(session: Session) -> Session:
    from commdash.sources.http import RemoteError

    link = session.link
    assert link is not None
    try:
        synced = link.feed.pull(lambda progress: None)
    except RemoteError as exc:
        if link.feed.synced_at is None or not exc.transient:
            raise
        age = duration(max(0.0, time.time() - link.feed.synced_at))
        _complain("warning", f"offline, using the copy synced {age} ago: {exc}")
        return session
    if synced is None:
        return session
    if synced.unsaved is not None:
        _complain("warning", f"{link.feed.source.location}: {synced.unsaved}")
    if synced.snapshot is None:
        return session  # the offline copy's snapshot, with what it skipped, stands
    store = link.store_for(synced.snapshot)
    session.inbox.replace_snapshot(synced.snapshot, store.states(), store.replies())
    return replace(session, store=store)


def _warn(session: Session) -> None:
    """What loading skipped or repaired, at most :data:`WARNINGS_SHOWN` lines and a count of
    the rest, then each cause commdash recognised with what to do."""
    snapshot = session.inbox.snapshot
    where = snapshot.source.location
    shown = snapshot.skipped[:WARNINGS_SHOWN]
    for line in shown:
        _complain("warning", f"{where}: {line}")
    more = snapshot.skipped_count - len(shown)
    if more:
        _complain("warning", f"{where}: {more} more items skipped or repaired")
    for advice in snapshot.advice:
        _complain("warning", f"{where}: {advice}")
    unreadable = session.store.unreadable_replies()
    if unreadable is not None:
        _complain("warning", unreadable)


def _tui(args: argparse.Namespace) -> int:
    if not (_has_terminal() or os.environ.get("TEXTUAL_DRIVER") == WEB_DRIVER):
        raise CommdashError(
            "the dashboard needs a terminal (stdin and stderr); "
            "for figures without one, use 'commdash stats'"
        )
    config = load_config()
    session, clock = _open(args, config=config)
    from commdash.ui.app import CommdashApp  # Textual only when the TUI is wanted

    app = CommdashApp(session, clock, config)
    try:
        app.run()
    finally:
        session.store.close()
    return app.return_code or 0


def _has_terminal() -> bool:
    return sys.stdin.isatty() and sys.__stderr__ is not None and sys.__stderr__.isatty()


def _serve(args: argparse.Namespace) -> int:
    from commdash.ui import serve  # the web server only when it is wanted

    if not (serve.is_loopback(args.host) or args.public):
        raise CommdashError(
            f"--host {args.host} is reachable from other machines: whoever reaches the port "
            "could reply, hide and triage with your sources' tokens; serve on 127.0.0.1 and "
            "use SSH port forwarding, or add --public"
        )
    if not serve.is_loopback(args.host):
        _complain(
            "warning",
            f"serving beyond this machine on {args.host}: whoever reaches port {args.port} "
            "with the printed address (sent unencrypted) acts with your sources' tokens",
        )
    # Each browser tab opens the source anew; a bad one is told here, once, and not in a
    # blank browser page. Offline: a live source's token is read by each tab's commdash.
    _open(args, offline=True)
    serve.serve(
        serve.app_command(args.source, args.state_dir, args.now, args.sla), args.host, args.port
    )
    return 0


def _stats(args: argparse.Namespace) -> int:
    config = load_config()
    view = None if args.view is None else views.chosen_view(config.views, args.view)
    session, clock = _open(args, pull=True, config=config)
    if view is None:
        figures = session.inbox.figures()
    else:
        figures = session.inbox.selection_figures(views.members_of(session.inbox, view))
    if args.json:
        document = stats_document(session, figures, clock.now())
        _say_json(document if view is None else {"view": view.name, **document})
    else:
        _say(_stats_text(session, figures, None if view is None else view.name))
    return 0


def _outbox(args: argparse.Namespace) -> int:
    session, clock = _open(args, offline=True)
    if session.link is not None and session.link.feed.synced_at is None:
        session, clock = _open(args, pull=True)  # the account, hence the state, is unknown
    items = sorted(session.store.replies(), key=lambda item: item.queued_at)
    if args.json:
        _say_json([outbox_entry(item) for item in items])
        return 0
    if not items:
        _say(f"Nothing in the outbox of {session.inbox.snapshot.source.name}.")
    now = clock.now()
    for item in items:
        when = item.sent_at if item.sent_at is not None else item.queued_at
        line = f"{item.status:<8} {duration(max(0.0, now - when)):>8} ago  {_about(session, item)}"
        if item.error:
            line += f"  · {one_line(item.error, 120)}"
        _say(line)
    return 0


def _config(args: argparse.Namespace) -> int:
    """``--path``: the file read, and whether it is there; ``--check``: every mistake, one
    line each, or ``FILE: ok``."""
    path = config_path()
    there = path.is_file()
    if args.path:
        state = "exists" if there else "not a file" if path.exists() else "not there"
        _say(f"{path} ({state}{'' if path.exists() else ': commdash runs with its defaults'})")
        return 0
    mistakes = check_config(path)
    for line in mistakes:
        _say(line)
    if mistakes:
        return 2
    _say(f"{path}: ok" if there else f"{path}: ok (not there: commdash runs with its defaults)")
    return 0


def _about(session: Session, item: Reply) -> str:
    """``to Alice: Thanks!`` or ``hide Bob's "spam..."``: whom and what, as the inbox knows."""
    conversation = session.inbox.conversations.get(item.conversation_id)
    found = conversation.message(item.in_reply_to) if conversation is not None else None
    if item.kind == "reply":
        whom = one_line(found.author.name, 30) if found else show_id(item.in_reply_to)
        return f"to {whom}: {one_line(item.text, 50)}"
    if found is None:
        return f"{item.kind} message {show_id(item.in_reply_to)}"
    return f'{item.kind} {one_line(found.author.name, 30)}\'s "{one_line(found.text, 40)}"'


def outbox_entry(item: Reply) -> dict[str, Any]:
    return {
        "id": item.id,
        "kind": item.kind,
        "status": item.status,
        "conversation_id": item.conversation_id,
        "in_reply_to": item.in_reply_to,
        "text": item.text,
        "queued_at": iso(item.queued_at),
        "attempts": item.attempts,
        "next_attempt_at": iso(item.next_attempt_at) if item.next_attempt_at else None,
        "error": item.error,
        "remote_id": item.remote_id,
        "sent_at": None if item.sent_at is None else iso(item.sent_at),
    }


def _say(text: str, stream: TextIO | None = None) -> None:
    """Print ``text``. Every line the CLI writes goes through here (or :func:`_say_json`):
    what it quotes (a file name, a source's or a person's name, a reply, an error) may
    hold anything, so it is made terminal-safe here, whatever checked it before."""
    out = sys.stdout if stream is None else stream
    if isinstance(out, io.TextIOWrapper) and out.errors == "strict":
        # A terminal whose encoding cannot show every character must not end in a crash.
        out.reconfigure(errors="replace")
    print(sanitize(text), file=out)


def _complain(kind: str, message: str, prog: str = PROG) -> None:
    """``commdash: error: ...`` (or ``warning``) on one line of stderr."""
    _say(f"{prog}: {kind}: " + sanitize(message).replace("\n", " "), sys.stderr)


def _say_json(document: object) -> None:
    """Print ``document`` as JSON whose text holds no control a terminal would act on."""
    raw = orjson.dumps(document, option=orjson.OPT_INDENT_2)
    sys.stdout.buffer.write(escape_json_controls(raw) + b"\n")


def stats_document(session: Session, figures: SourceFigures, now: float) -> dict[str, Any]:
    c = figures.conversation
    source = session.inbox.snapshot.source
    return {
        "source": {"name": source.name, "platform": source.platform, "location": source.location},
        "now": iso(now),
        "sla_minutes": session.inbox.sla_seconds / 60.0,
        "posts": figures.posts,
        "conversations": c.conversations,
        "open": c.open,
        "done": c.done,
        "snoozed": c.snoozed,
        "needs_reply": c.needs_reply,
        "sla_breached": c.sla_breached,
        "response_rate": c.response_rate,
        "median_first_response_seconds": c.median_first_response_seconds,
        "replies_queued": figures.replies_queued,
        "engagement_total": figures.engagement_total,
        "engagement_rate_median": figures.engagement_rate_median,
        "top_posts": [
            {"id": s.post.id, "engagement": s.engagement, "engagement_rate": s.engagement_rate}
            for s in figures.top_posts
        ],
        "volume_24h": list(c.volume_24h),
        "volume_14d": list(c.volume_14d),
        "skipped": session.inbox.snapshot.skipped_count,
    }


def _stats_text(session: Session, figures: SourceFigures, view: str | None = None) -> str:
    c = figures.conversation
    source = session.inbox.snapshot.source
    rate = "n/a" if c.response_rate is None else f"{c.response_rate:.0%}"
    first = (
        "n/a"
        if c.median_first_response_seconds is None
        else duration(c.median_first_response_seconds)
    )
    rows = [
        ("Source", f"{source.name} ({source.platform})"),
        ("Posts", str(figures.posts)),
        ("Conversations", str(c.conversations)),
        ("Open / done / snoozed", f"{c.open} / {c.done} / {c.snoozed}"),
        ("Need a reply", str(c.needs_reply)),
        (f"Over SLA ({session.inbox.sla_seconds / 60:g} min)", str(c.sla_breached)),
        ("Response rate", rate),
        ("Median first response", first),
        ("Replies queued", str(figures.replies_queued)),
        ("Engagement", str(figures.engagement_total)),
        ("Member messages, last 24 h", str(sum(c.volume_24h))),
    ]
    if view is not None:
        rows.insert(1, ("View", view))
    width = max(len(label) for label, _ in rows)
    return "\n".join(f"{label:<{width}}  {value}" for label, value in rows)
