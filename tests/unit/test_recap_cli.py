"""``commdash recap``, run as ``python -m commdash recap`` in a subprocess: the day's work
as short plain lines or one JSON object; a bad ``--since`` is one line and status 2."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from _cli import run_commdash

from commdash.actions import Triager
from commdash.config import load_config
from commdash.session import open_session
from commdash.timeutil import Clock, parse_now

NOW = "2026-11-25T09:00:00Z"
HOSTILE = "\x1b]0;pwned\x07\x1b[2J"


def commdash(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``python -m commdash ARGS --now NOW`` with its state under ``tmp_path``, in UTC."""
    return run_commdash(
        *args,
        "--now",
        NOW,
        cwd=tmp_path,
        env={"TZ": "UTC", "COMMDASH_CONFIG": str(tmp_path / "config.toml")},
    )


def work_on_the_demo(state: Path, manager: str) -> None:
    """A manager's morning on the demo: a reply, a done, a tag and a note."""
    clock = Clock(parse_now(NOW) - 3600)
    demo = open_session(None, str(state), clock, 60.0, load_config(state / "none.toml"))
    demo.store.manager = demo.store.triage.manager = manager
    triager = Triager(demo.inbox, demo.store, clock)
    first, second, *_ = demo.inbox.conversation_ids()
    triager.reply(first, first, "On its way!")
    triager.toggle_done(second)
    triager.set_tags(second, "refund", ())
    triager.add_note(second, f"Receipt{HOSTILE} asked")


def test_recap_prints_the_days_work_in_short_plain_lines(tmp_path: Path) -> None:
    work_on_the_demo(tmp_path / "state", f"ana{HOSTILE}@desk")
    done = commdash(tmp_path, "recap", "--state-dir", str(tmp_path / "state"))
    assert (done.returncode, done.stderr) == (0, "")
    lines = done.stdout.splitlines()
    assert lines[:4] == [
        "Recap · Kestrel Cycles (facebook)",
        "Wed 25 Nov 00:00 → 09:00",
        "journal starts at 08:00: nothing earlier is counted",  # a new state directory
        "",
    ]
    assert lines[4].split() == ["start", "end"]
    assert [line.split()[0] for line in lines[5:9]] == ["Need", "Over", "Response", "First"]
    at = lines.index("ana@desk")  # the name as read back from the state: made safe
    assert lines[at + 1 : at + 3] == [
        "  replies: 0 sent, 1 queued",
        "  1 done · 0 snoozed · 1 tagged · 0 assigned · 1 note",
    ]
    assert "\x1b" not in done.stdout and "pwned" not in done.stdout
    assert max(len(line) for line in lines) <= 60  # pastes into a chat without wrapping


def test_recap_json_has_the_figures_at_both_ends_and_the_counts(tmp_path: Path) -> None:
    work_on_the_demo(tmp_path / "state", "ana@desk")
    done = commdash(
        tmp_path, "recap", "--json", "--since", "2026-11-25T07:00", "--state-dir", "state"
    )
    assert (done.returncode, done.stderr) == (0, "")
    document = json.loads(done.stdout)
    assert (document["since"], document["until"]) == ("2026-11-25T07:00:00Z", NOW)
    assert document["journal_starts_at"] == "2026-11-25T08:00:00Z"  # later than --since
    (ana,) = document["managers"]
    assert ana == {
        "manager": "ana@desk",
        "replies_sent": 0,
        "replies_queued": 1,
        "replies_failed": 0,
        "done": 1,
        "snoozed": 0,
        "tagged": 1,
        "assigned": 0,
        "notes": 1,
    }
    assert document["total"] == {key: value for key, value in ana.items() if key != "manager"}
    start, end = document["figures"]["start"], document["figures"]["end"]
    assert start["at"] == "2026-11-25T07:00:00Z" and end["at"] == NOW
    assert set(start) == {
        "at",
        "needs_reply",
        "sla_breached",
        "response_rate",
        "median_first_response_seconds",
    }
    stats = json.loads(commdash(tmp_path, "stats", "--json", "--state-dir", "state").stdout)
    assert end["needs_reply"] == stats["needs_reply"]
    assert end["sla_breached"] == stats["sla_breached"]
    assert end["response_rate"] == stats["response_rate"]


def test_recap_with_nothing_done_says_so(tmp_path: Path) -> None:
    done = commdash(tmp_path, "recap", "--state-dir", "state")
    assert done.returncode == 0
    assert done.stdout.splitlines()[-1] == "Nothing done in this period."
    assert "journal starts" not in done.stdout


def test_a_bad_since_is_one_line_and_status_2(tmp_path: Path) -> None:
    for since, says in (
        ("last tuesday", "--since 'last tuesday': not a time (try 2026-11-25,"),
        ("2026-11-26", "--since 2026-11-26: that is after now (2026-11-25T09:00:00Z)"),
    ):
        done = commdash(tmp_path, "recap", "--since", since, "--state-dir", "state")
        assert (done.returncode, done.stdout) == (2, "")
        assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
        assert done.stderr.startswith(f"commdash: error: {says}"), done.stderr


def test_a_line_break_in_a_managers_name_adds_no_line(tmp_path: Path) -> None:
    forged = "kari@desk\n  replies: 250 sent\u2028boss@desk"
    work_on_the_demo(tmp_path / "state", forged)
    done = commdash(tmp_path, "recap", "--state-dir", str(tmp_path / "state"))
    assert (done.returncode, done.stderr) == (0, "")
    lines = done.stdout.splitlines()
    assert "  replies: 250 sent" not in lines and "boss@desk" not in lines
    [name] = [line for line in lines if line.startswith("kari@desk")]
    assert lines[lines.index(name) + 1] == "  replies: 0 sent, 1 queued"
