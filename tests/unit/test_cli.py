"""The real console entry point, run in a subprocess: ``python -m commdash ...``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from commdash.sources.demo import DEMO_PATH

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
NOW_ISO = "2026-11-25T09:00:00Z"
ACCOUNT = {"id": "brand", "name": "Bike Shop"}


@dataclass
class Run:
    returncode: int
    stdout: str
    stderr: str
    raw_out: bytes
    raw_err: bytes


def commdash(
    tmp_path: Path,
    *args: str,
    pin: bool = True,
    timeout: float = 120,
    env: dict[str, str] | None = None,
) -> Run:
    """Run ``python -m commdash ARGS`` with its state kept under ``tmp_path``.

    Without "stats" this is the TUI: only ever run it with options that must be refused,
    and a short ``timeout``, so that a bug cannot leave the test waiting on a live TUI.
    """
    environ = {k: v for k, v in os.environ.items() if not k.startswith("COMMDASH_")}
    environ["PYTHONUTF8"] = "1"
    environ.update(env or {})
    extra = ["--state-dir", str(tmp_path / "state")]
    if pin:
        extra += ["--now", NOW_ISO]
    done = subprocess.run(
        [sys.executable, "-m", "commdash", *args, *extra],
        capture_output=True,
        cwd=tmp_path,
        env=environ,
        stdin=subprocess.DEVNULL,
        timeout=timeout,
        check=False,
    )
    errors = "strict" if env is None else "replace"  # another encoding may have been asked for
    return Run(
        done.returncode,
        done.stdout.decode("utf-8", errors),
        done.stderr.decode("utf-8", errors),
        done.stdout,
        done.stderr,
    )


def ago(hours: float = 0, minutes: float = 0) -> str:
    return (NOW - timedelta(hours=hours, minutes=minutes)).strftime("%Y-%m-%dT%H:%M:%SZ")


def comment(
    cid: str, author: Any, at: Any, parent: str | None = None, **fields: Any
) -> dict[str, Any]:
    """A comment; ``author`` is "brand", another id, or an ``{id, name}`` object."""
    if author == "brand":
        author = ACCOUNT
    elif isinstance(author, str):
        author = {"id": author, "name": author.upper()}
    return {
        "id": cid,
        "parent_id": parent,
        "author": author,
        "created_at": at,
        **fields,
    }


def write(tmp_path: Path, document: object, name: str = "export.json") -> str:
    path = tmp_path / name
    path.write_text(json.dumps(document), encoding="utf-8")
    return str(path)


def small_export() -> dict[str, Any]:
    """Seven conversations whose figures are worked out by hand in the tests below."""
    p1_comments = [
        # A: member 5 h ago, our reply 30 min later.
        comment("a1", "u1", ago(5)),
        comment("a2", "brand", ago(4, 30), "a1"),
        # B: member 30 min ago, no reply.
        comment("b1", "u2", ago(0, 30)),
        # C: member 3 h ago, another member 2 h ago, no reply ("+0000" as the Graph API writes).
        comment("c1", "u3", (NOW - timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M:%S+0000")),
        comment("c2", "u4", ago(2), "c1"),
        # D: we start 10 h ago (not a response), member 9 h ago, our reply 8 h ago.
        comment("d1", "brand", ago(10)),
        comment("d2", "u5", ago(9), "d1"),
        comment("d3", {"id": "brand", "name": "Someone at the shop"}, ago(8), "d2"),
        # E: only a hidden member message.
        comment("e1", "u6", ago(0, 50), hidden=True),
        # F: member 6 h ago, our reply 10 min later, a hidden member message 100 min ago.
        comment("f1", "u7", ago(6)),
        comment("f2", "brand", ago(5, 50), "f1"),
        comment("f3", "u7", ago(1, 40), "f2", hidden=True),
    ]
    p2_comments = [
        # H: member exactly 24 h ago (Unix seconds), our reply 1 h later.
        comment("h1", "u8", (NOW - timedelta(hours=24)).timestamp()),
        comment("h2", "brand", ago(23), "h1"),
    ]
    return {
        "format": "commdash/v1",
        "source": {"name": "Bike Shop Page", "platform": "facebook", "account": ACCOUNT},
        "exported_at": NOW_ISO,
        "posts": [
            {
                "id": "p1",
                "created_at": ago(12),
                "metrics": {"reactions": {"like": 10, "love": 2}, "shares": 3, "reach": 100},
                "comments": p1_comments,
            },
            {"id": "p2", "created_at": ago(30), "metrics": None, "comments": p2_comments},
        ],
    }


def stats_json(tmp_path: Path, *args: str) -> dict[str, Any]:
    path = write(tmp_path, small_export())
    run = commdash(tmp_path, "stats", path, "--json", *args)
    assert run.returncode == 0, run.stderr
    assert run.stderr == ""
    document: dict[str, Any] = json.loads(run.stdout)
    return document


def assert_no_controls(text: str) -> None:
    for char in text:
        if char != "\n":
            assert unicodedata.category(char) != "Cc", repr(char)


# --- version and help ----------------------------------------------------------------------


def test_version(tmp_path: Path) -> None:
    run = commdash(tmp_path, "--version")
    assert run.returncode == 0
    assert run.stdout == "commdash 0.1.0\n"


def test_help_mentions_stats(tmp_path: Path) -> None:
    run = commdash(tmp_path, "--help")
    assert run.returncode == 0
    assert "stats" in run.stdout
    assert "--state-dir" in run.stdout
    assert run.stderr == ""


def test_stats_help(tmp_path: Path) -> None:
    run = commdash(tmp_path, "stats", "--help", pin=False)
    assert run.returncode == 0
    assert "--json" in run.stdout
    assert "--sla" in run.stdout


# --- figures -------------------------------------------------------------------------------


def test_stats_json_figures_by_hand(tmp_path: Path) -> None:
    doc = stats_json(tmp_path)
    assert doc["now"] == NOW_ISO
    assert doc["source"]["name"] == "Bike Shop Page"
    assert doc["source"]["platform"] == "facebook"
    assert doc["sla_minutes"] == 60
    assert doc["posts"] == 2
    assert doc["conversations"] == 7  # A B C D E F on p1, H on p2
    assert (doc["open"], doc["done"], doc["snoozed"]) == (7, 0, 0)
    # Latest visible message not ours: B (30 min) and C (2 h). F's latest visible is ours,
    # its newer member message is hidden; E has nothing visible.
    assert doc["needs_reply"] == 2
    # Of those, older than 60 min: C only.
    assert doc["sla_breached"] == 1
    # With a member message: A B C D F H (E's only one is hidden). Replied: A (30 min),
    # D (60 min, counted from d2; our d1 came before any member message), F (10 min),
    # H (60 min). 4 / 6.
    assert doc["response_rate"] == pytest.approx(4 / 6)
    # median of 600, 1800, 3600, 3600
    assert doc["median_first_response_seconds"] == 2700
    assert doc["replies_queued"] == 0
    # p1: reactions 12 + visible comments 10 (12 less the 2 hidden) + shares 3 = 25,
    # rate 25 / 100. p2: no metrics, 2 comments = 2, no rate.
    assert doc["engagement_total"] == 27
    assert doc["engagement_rate_median"] == pytest.approx(0.25)
    assert doc["top_posts"] == [
        {"id": "p1", "engagement": 25, "engagement_rate": 0.25},
        {"id": "p2", "engagement": 2, "engagement_rate": None},
    ]
    assert doc["skipped"] == 0


def test_stats_json_volume_buckets(tmp_path: Path) -> None:
    doc = stats_json(tmp_path)
    # Hour bucket i holds (now - (24 - i) h, now - (23 - i) h]; visible member messages only:
    # b1 30 min -> 23, c2 2 h -> 21, c1 3 h -> 20, a1 5 h -> 18, f1 6 h -> 17, d2 9 h -> 14.
    # h1 is exactly 24 h old: outside the last 24 hours. Hidden e1 and f3 do not count.
    hourly = [0] * 24
    for bucket in (23, 21, 20, 18, 17, 14):
        hourly[bucket] = 1
    assert doc["volume_24h"] == hourly
    # Day buckets: the six above in the last day; h1 (exactly one day old) in the one before.
    assert doc["volume_14d"] == [0] * 12 + [1, 6]


@pytest.mark.parametrize(("sla", "breached"), [("25", 2), ("90", 1), ("150", 0), ("29.5", 2)])
def test_stats_json_custom_sla(tmp_path: Path, sla: str, breached: int) -> None:
    # B waits 30 min, C waits 120 min.
    doc = stats_json(tmp_path, "--sla", sla)
    assert doc["sla_minutes"] == float(sla)
    assert doc["sla_breached"] == breached
    assert doc["needs_reply"] == 2


def test_pinned_now_moves_the_figures(tmp_path: Path) -> None:
    path = write(tmp_path, small_export())
    later = (NOW + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    run = commdash(tmp_path, "stats", path, "--json", "--now", later, pin=False)
    assert run.returncode == 0, run.stderr
    doc = json.loads(run.stdout)
    assert doc["now"] == later
    assert doc["needs_reply"] == 2
    assert doc["sla_breached"] == 2  # B now waits 90 min, C 180 min
    hourly = [0] * 24
    for bucket in (22, 20, 19, 17, 16, 13):  # everything one hour older
        hourly[bucket] = 1
    assert doc["volume_24h"] == hourly


def test_stats_text(tmp_path: Path) -> None:
    path = write(tmp_path, small_export())
    run = commdash(tmp_path, "stats", path)
    assert run.returncode == 0, run.stderr
    rows = {
        label.strip(): value.strip()
        for label, _, value in (line.partition("  ") for line in run.stdout.splitlines())
    }
    assert rows["Source"] == "Bike Shop Page (facebook)"
    assert rows["Need a reply"] == "2"
    assert rows["Over SLA (60 min)"] == "1"
    assert rows["Response rate"] == "67%"
    assert rows["Median first response"] == "45 min"
    assert rows["Engagement"] == "27"
    assert rows["Member messages, last 24 h"] == "6"


def test_stats_text_on_a_terminal_that_cannot_show_every_character(tmp_path: Path) -> None:
    document = small_export()
    document["source"]["name"] = "Caf\u00e9 \U0001f6b2"
    path = write(tmp_path, document)
    run = commdash(tmp_path, "stats", path, env={"PYTHONIOENCODING": "latin-1"})
    assert run.returncode == 0, run.stderr
    assert "Traceback" not in run.stderr
    assert run.raw_out.startswith(b"Source")
    assert b"Caf\xe9 ? (facebook)" in run.raw_out


# --- errors and warnings -------------------------------------------------------------------


def assert_one_error_line(run: Run, prefix: str) -> None:
    assert run.returncode == 2
    assert run.stdout == ""
    assert "Traceback" not in run.stderr
    assert run.stderr.endswith("\n")
    assert run.stderr.count("\n") == 1, run.stderr
    assert run.stderr.startswith(prefix), run.stderr


def test_bad_json_is_one_error_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_bytes(b'{\n  "format": "commdash/v1",\n  "posts": [}\n')
    run = commdash(tmp_path, "stats", str(path), "--json")
    assert_one_error_line(run, f"commdash: error: {path}: line 3 column 13: ")
    assert "not valid JSON" in run.stderr


def test_bad_json_without_json_flag(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_bytes(b'{"format": "commdash/v1",\n\n\n   "x": tru}')
    run = commdash(tmp_path, "stats", str(path))
    assert_one_error_line(run, f"commdash: error: {path}: line 4 column 9: ")


def test_not_utf8_is_one_error_line(tmp_path: Path) -> None:
    path = tmp_path / "latin1.json"
    path.write_bytes(b'{"format": "commdash/v1",\n "source": {"name": "Caf\xe9"}}')
    run = commdash(tmp_path, "stats", str(path), "--json")
    assert_one_error_line(run, f"commdash: error: {path}: line 2 column 25: not UTF-8")


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        (b"", "empty"),
        (b"[]", "not a commdash/v1 export"),
        (b'{"format": "other"}', '"format"'),
        (b'{"format": "commdash/v1", "source": {"name": "x"}}', "source.account"),
        (b'{"format": "commdash/v1", "source": {"account": {"id": "a"}}, "posts": 3}', "posts"),
    ],
)
def test_unusable_documents_are_one_error_line(tmp_path: Path, content: bytes, needle: str) -> None:
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    run = commdash(tmp_path, "stats", str(path), "--json")
    assert_one_error_line(run, f"commdash: error: {path}: ")
    assert needle in run.stderr


def test_missing_file_is_one_error_line(tmp_path: Path) -> None:
    path = tmp_path / "nope.json"
    run = commdash(tmp_path, "stats", str(path))
    assert_one_error_line(run, f"commdash: error: {path}: no such file")


def test_hostile_file_warns_but_works(tmp_path: Path) -> None:
    osc52 = "\x1b]52;c;cm0gLXJmIH4=\x07"
    title = "\x1b]0;owned\x07"
    mallory = {"id": "u\x1b[31m3", "name": title + "Mallory\x9b2J\u202e"}
    first = [
        comment("loop", "u1", ago(3), "loop", text=osc52 + "[bold]hi[/bold]"),
        comment("x" + title, mallory, ago(1), text="\x07\x1b[2Jclear"),
    ]
    copies = [comment("dup", "u2", ago(2), text=f"copy {i}") for i in range(12)]
    document = {
        "format": "commdash/v1",
        "source": {"name": title + "Evil [red]Page[/red]", "account": ACCOUNT},
        "exported_at": NOW_ISO,
        "posts": [
            {"id": "p" + osc52, "created_at": ago(4), "comments": first, "text": osc52},
            {"id": "q", "created_at": ago(5), "comments": copies},
            {"id": "p" + osc52, "created_at": ago(4)},
            {"id": "no-time", "created_at": title},
        ],
    }
    path = write(tmp_path, document, name="hostile.json")
    run = commdash(tmp_path, "stats", path, "--json")
    assert run.returncode == 0, run.stderr
    assert "Traceback" not in run.stderr
    for raw in (run.raw_out, run.raw_err):
        assert b"\x1b" not in raw
        assert b"\x07" not in raw
        assert b"\xc2\x9b" not in raw  # C1 CSI in UTF-8
    assert_no_controls(run.stderr)
    lines = run.stderr.splitlines()
    # 1 self-reply + 11 duplicate comments + 1 duplicate post + 1 bad time = 14 reports:
    # the first 10 are shown, then one line for the rest.
    assert len(lines) == 11
    assert all(line.startswith(f"commdash: warning: {path}: ") for line in lines)
    assert lines[-1] == f"commdash: warning: {path}: 4 more items skipped or repaired"
    assert any("itself" in line for line in lines)
    assert any("duplicate comment id 'dup'" in line for line in lines)
    doc = json.loads(run.stdout)
    assert doc["skipped"] == 14
    assert doc["source"]["name"] == "Evil [red]Page[/red]"
    assert doc["posts"] == 2
    assert doc["conversations"] == 3  # loop, x, dup
    assert doc["needs_reply"] == 3
    assert doc["top_posts"][0]["id"] == "p"
    assert_no_controls(json.dumps(doc, ensure_ascii=False))


def test_huge_numbers_warn_instead_of_crashing(tmp_path: Path) -> None:
    digits = "9" * 5000
    path = tmp_path / "big.json"
    path.write_text(
        '{"format": "commdash/v1", "source": {"account": {"id": "brand"}}, "posts": ['
        f'{{"id": "p1", "created_at": "{ago(1)}", "metrics": {{"reach": {digits}}},'
        f' "comments": [{{"id": "c1", "author": "u1", "created_at": {digits}}}]}}]}}',
        encoding="utf-8",
    )
    run = commdash(tmp_path, "stats", str(path), "--json")
    assert run.returncode == 0, run.stderr
    assert "Traceback" not in run.stderr
    assert run.stderr.startswith(f"commdash: warning: {path}: ")
    assert "created_at" in run.stderr
    assert json.loads(run.stdout)["conversations"] == 0


# --- bad options ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value", ["yesterday", "", "2026-02-30T00:00:00Z", "0001-01-01T00:00:00+14:00"]
)
@pytest.mark.parametrize("command", [["stats"], []])
def test_bad_now(tmp_path: Path, value: str, command: list[str]) -> None:
    path = write(tmp_path, small_export())
    run = commdash(tmp_path, *command, path, f"--now={value}", pin=False, timeout=30)
    assert run.returncode == 2
    assert run.stdout == ""
    assert "Traceback" not in run.stderr
    assert "--now" in run.stderr
    assert "not a time" in run.stderr


@pytest.mark.parametrize("value", ["0", "-5", "abc", "nan", "inf", "", "1e9"])
@pytest.mark.parametrize("command", [["stats"], []])
def test_bad_sla(tmp_path: Path, value: str, command: list[str]) -> None:
    path = write(tmp_path, small_export())
    run = commdash(tmp_path, *command, path, f"--sla={value}", timeout=30)
    assert run.returncode == 2
    assert run.stdout == ""
    assert "Traceback" not in run.stderr
    assert "--sla" in run.stderr
    assert "give minutes above 0" in run.stderr


# --- the bundled demo ----------------------------------------------------------------------


@pytest.mark.skipif(
    not DEMO_PATH.exists(),
    reason=f"the bundled demo {DEMO_PATH} does not exist yet (it is being generated)",
)
def test_bundled_demo_stats(tmp_path: Path) -> None:
    first = commdash(tmp_path, "stats", "--json")
    assert first.returncode == 0, first.stderr
    assert first.stderr == ""
    doc = json.loads(first.stdout)
    assert doc["now"] == NOW_ISO
    assert doc["posts"] > 0
    assert doc["conversations"] > 0
    assert doc["skipped"] == 0
    assert any((tmp_path / "state").iterdir())  # the demo's anchor went to --state-dir
    second = commdash(tmp_path, "stats", "--json")
    assert second.returncode == 0
    assert json.loads(second.stdout) == doc


def test_now_accepts_unix_seconds(tmp_path: Path) -> None:
    path = write(tmp_path, small_export())
    run = commdash(tmp_path, "stats", path, "--json", "--now=1764061200", pin=False)
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout)["now"] == "2025-11-25T09:00:00Z"


def test_the_dashboard_without_a_terminal_says_so_in_one_line(tmp_path: Path) -> None:
    path = write(tmp_path, small_export())
    run = commdash(tmp_path, path, timeout=30)
    assert run.returncode == 2
    assert run.stderr.count("\n") == 1
    assert run.stderr.startswith("commdash: error: the dashboard needs a terminal")


def test_stats_into_a_closed_pipe_is_not_an_error(tmp_path: Path) -> None:
    reader = subprocess.Popen(["head", "-c", "1"], stdin=subprocess.PIPE, stdout=subprocess.DEVNULL)
    writer = subprocess.run(
        [sys.executable, "-m", "commdash", "stats", "--json", "--state-dir", str(tmp_path)],
        stdout=reader.stdin,
        stderr=subprocess.PIPE,
        text=True,
        timeout=60,
        check=False,
    )
    assert reader.stdin is not None
    reader.stdin.close()
    reader.wait(timeout=10)
    assert "Traceback" not in writer.stderr
    assert writer.returncode == 0


# --- the state directory -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("triage.json", b'{"journal": []}'),
        ("triage.json", b"[]"),
        ("outbox.json", b'{"replies": {"1": "x"}}'),
        ("states/00.json", b'{"conversations": {"1": 5}}'),
        ("states/7f.json", b'"a document that is a string"'),
    ],
)
def test_a_state_file_of_the_wrong_shape_is_one_error_line(
    tmp_path: Path, name: str, content: bytes
) -> None:
    first = commdash(tmp_path, "stats")  # the demo: its state directory gets made
    assert first.returncode == 0, first.stderr
    (directory,) = (tmp_path / "state").iterdir()
    damaged = directory / name
    damaged.parent.mkdir(exist_ok=True)
    damaged.write_bytes(content)
    for command in (["stats"], ["stats", "--json"]):
        run = commdash(tmp_path, *command)
        assert run.returncode == 2
        assert run.stdout == ""
        assert run.stderr.count("\n") == 1, run.stderr
        assert run.stderr.startswith(f"commdash: error: {damaged}: ")
        assert run.stderr.endswith("move the file aside to start with empty state\n")
        assert damaged.read_bytes() == content


# Hostile text never reaches the terminal --------------------------------------------------

# OSC 52 (clipboard), OSC 0 (title), CSI, 8-bit CSI, C1 NEL, bidi override, line separator.
HOSTILE = "\x1b]52;c;cm0gLXJmIH4=\x07\x1b]0;pwned\x07\x1b[2J\x9b6n\x85\u202e\u2028"
RAW_CONTROLS = [*"\x1b\x07\x85\x9b\x9d\x9c\u202e\u2028\u2029"]


def assert_nothing_raw(data: bytes) -> None:
    text = data.decode("utf-8")
    for char in RAW_CONTROLS:
        assert char not in text, (char, text)
    assert_no_controls(text)


def state_of_small_export(tmp_path: Path) -> Path:
    from commdash.model import Author, SourceInfo
    from commdash.paths import source_key

    info = SourceInfo("Bike Shop Page", "facebook", Author(ACCOUNT["id"], ""), 0.0, "")
    return tmp_path / "state" / source_key(info)


def test_a_hostile_outbox_is_listed_clean(tmp_path: Path) -> None:
    path = write(tmp_path, small_export())
    directory = state_of_small_export(tmp_path)
    directory.mkdir(parents=True)
    queued_at = (NOW - timedelta(hours=1)).timestamp()
    items = {
        str(n): {
            "id": f"r{n}{HOSTILE}",
            "conversation_id": f"b1{HOSTILE}",
            "in_reply_to": f"b1{HOSTILE}",
            "text": f"Thanks{HOSTILE} Dana",
            "queued_at": queued_at,
            "status": status,
            "error": f"HTTP 400{HOSTILE}: bad",
            "kind": f"reply{HOSTILE}",
            "remote_id": f"p{HOSTILE}",
        }
        for n, status in enumerate(["failed", "queued"])
    }
    (directory / "outbox.json").write_text(json.dumps({"replies": items}), encoding="utf-8")

    listed = commdash(tmp_path, "outbox", path)
    assert listed.returncode == 0, listed.stderr
    assert_nothing_raw(listed.raw_out + listed.raw_err)
    assert "Thanks Dana" in listed.stdout and "HTTP 400" in listed.stdout

    as_json = commdash(tmp_path, "outbox", path, "--json")
    assert as_json.returncode == 0, as_json.stderr
    assert_nothing_raw(as_json.raw_out + as_json.raw_err)
    found = json.loads(as_json.stdout)
    assert sorted(item["status"] for item in found) == ["failed", "queued"]
    assert {item["text"] for item in found} == {"Thanks\n Dana"}  # U+2028 became a newline


def test_an_error_quoting_a_hostile_name_is_one_clean_line(tmp_path: Path) -> None:
    """A --state-dir (a file name) with controls in it, quoted by a state error."""
    state = tmp_path / f"st{HOSTILE}ate"
    first = subprocess.run(
        [sys.executable, "-m", "commdash", "stats", "--state-dir", str(state), "--now", NOW_ISO],
        capture_output=True,
        cwd=tmp_path,
        timeout=120,
        check=False,
    )
    assert first.returncode == 0, first.stderr
    (directory,) = state.iterdir()
    (directory / "triage.json").write_bytes(b"{not json")
    run = subprocess.run(
        [sys.executable, "-m", "commdash", "stats", "--state-dir", str(state), "--now", NOW_ISO],
        capture_output=True,
        cwd=tmp_path,
        timeout=120,
        check=False,
    )
    assert run.returncode == 2
    assert run.stdout == b""
    assert_nothing_raw(run.stderr)
    text = run.stderr.decode("utf-8")
    assert text.count("\n") == 1, text
    assert text.startswith("commdash: error: ")
    assert "triage.json: line 1 column 2: not valid JSON" in text


def test_an_unknown_argument_with_controls_is_quoted_clean(tmp_path: Path) -> None:
    path = write(tmp_path, small_export())
    run = commdash(tmp_path, "stats", path, f"extra{HOSTILE}", timeout=30)
    assert run.returncode == 2
    assert_nothing_raw(run.raw_err)
    assert run.stderr.splitlines()[-1].startswith("commdash stats: error: unrecognized arguments")


def test_an_outbox_item_that_cannot_be_read_is_told_not_hidden(tmp_path: Path) -> None:
    path = write(tmp_path, small_export())
    directory = state_of_small_export(tmp_path)
    directory.mkdir(parents=True)
    queued_at = (NOW - timedelta(hours=1)).timestamp()
    good = {"id": "r1", "conversation_id": "b1", "in_reply_to": "b1", "text": "Thanks"}
    items = {
        "1": {**good, "queued_at": queued_at},
        "2": {**good, "id": "r2", "text": ["not", "text"], "queued_at": queued_at},
        "7": {"status": 5},
    }
    outbox = directory / "outbox.json"
    outbox.write_text(json.dumps({"replies": items}), encoding="utf-8")
    before = outbox.read_bytes()

    for args in (("outbox", path), ("stats", path)):
        done = commdash(tmp_path, *args)
        assert done.returncode == 0, done.stderr
        assert done.stderr.splitlines() == [
            f"commdash: warning: {outbox}: 2 items (2, 7) cannot be read (an id, a target, a "
            "text or a time is missing or mistyped): kept in the file, never sent"
        ]
    assert "Thanks" in commdash(tmp_path, "outbox", path).stdout  # the readable one is listed
    assert outbox.read_bytes() == before
