"""``commdash stats`` and ``commdash outbox`` on live sources, run as the real program
against servers on 127.0.0.1: figures, the offline copy, and one-line errors."""

from __future__ import annotations

import json
import ssl
import subprocess
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from _cli import run_commdash
from servers.base import Response
from servers.graph import FakeGraph, RecordedGraph, graph_error
from servers.native import ACCOUNT, REPLY_PATH, FakeNative, make_document

from commdash.model import Author, SourceInfo
from commdash.outbox import Reply
from commdash.paths import source_key
from commdash.store import Store

TOKEN = "tok-cli-live-93ab"
DATA = Path(__file__).resolve().parent.parent / "data"


@pytest.fixture
def server() -> Iterator[FakeNative]:
    with FakeNative(make_document(4, 40), token=TOKEN) as fake:
        yield fake


def run(
    tmp_path: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return run_commdash(
        *args,
        "--state-dir",
        str(tmp_path / "state"),
        env={"COMMDASH_CONFIG": str(tmp_path / "config.toml"), **(env or {})},
        timeout=60,
    )


def one_error(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith("commdash: error: ")
    return lines[0]


def test_stats_of_an_export_served_over_http(tmp_path: Path, server: FakeNative) -> None:
    done = run(tmp_path, "stats", server.url, "--json", env={"COMMDASH_TOKEN": TOKEN})
    assert done.returncode == 0, done.stderr
    figures = json.loads(done.stdout)
    assert figures["conversations"] > 0
    assert figures["source"]["location"] == server.url
    assert TOKEN not in done.stdout + done.stderr
    assert [r.headers["authorization"] for r in server.server.requests("GET")] == [
        f"Bearer {TOKEN}"
    ]


def test_a_lone_surrogate_in_a_served_export_is_replaced(tmp_path: Path) -> None:
    document = make_document(1, 2)
    document["posts"][0]["comments"][0]["text"] = "x\ud800y"
    with FakeNative(token=TOKEN) as fake:
        fake.set_body(json.dumps(document).encode("ascii"))  # "\ud800" as JSON allows it
        done = run(tmp_path, "stats", fake.url, "--json", env={"COMMDASH_TOKEN": TOKEN})
        assert done.returncode == 0, done.stderr
        assert json.loads(done.stdout)["conversations"] == 2
        (copy,) = (tmp_path / "state" / "live").iterdir()  # the offline copy was written
        saved = json.loads(copy.read_bytes())["document"]
        assert saved["posts"][0]["comments"][0]["text"] == "x\ufffdy"


def test_a_transient_failure_falls_back_to_the_offline_copy(
    tmp_path: Path, server: FakeNative
) -> None:
    env = {"COMMDASH_TOKEN": TOKEN}
    first = json.loads(run(tmp_path, "stats", server.url, "--json", env=env).stdout)
    server.server.fail_next("GET", "/", Response(503, {"error": "maintenance"}))
    done = run(tmp_path, "stats", server.url, "--json", env=env)
    assert done.returncode == 0
    assert json.loads(done.stdout)["conversations"] == first["conversations"]
    assert "offline, using the copy synced" in done.stderr and "HTTP 503" in done.stderr
    line = one_error(run(tmp_path / "fresh", "stats", server.url))
    assert "HTTP 401, the server wants a token and none was given; set $COMMDASH_TOKEN" in line
    # A refused token is not something to paper over with old data.
    done = run(tmp_path, "stats", server.url, env={"COMMDASH_TOKEN": "wrong"})
    assert "HTTP 401" in one_error(done) and "renew" in one_error(done)


def test_no_change_costs_one_request(tmp_path: Path, server: FakeNative) -> None:
    env = {"COMMDASH_TOKEN": TOKEN}
    run(tmp_path, "stats", server.url, env=env)
    run(tmp_path, "stats", server.url, env=env)
    answers = server.server.requests("GET")
    assert len(answers) == 2
    assert answers[1].headers.get("if-none-match") == server.etag


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("/nothing.json", "HTTP 404, nothing there"),
        ("http://example.com/export.json", "plain http is refused"),
        ("https://127.0.0.1:9/export.json", "cannot connect"),
    ],
)
def test_errors_are_one_line(tmp_path: Path, server: FakeNative, url: str, expected: str) -> None:
    if url.startswith("/"):
        url = server.server.url + url
    line = one_error(run(tmp_path, "stats", url, env={"COMMDASH_TOKEN": TOKEN}))
    assert expected in line
    assert TOKEN not in line


def test_an_untrusted_certificate_is_refused(tmp_path: Path) -> None:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(DATA / "selfsigned.pem", DATA / "selfsigned.key")

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.socket = context.wrap_socket(httpd.socket, server_side=True)
    threading.Thread(target=httpd.serve_forever, args=(0.02,), daemon=True).start()
    try:
        url = f"https://127.0.0.1:{httpd.server_port}/export.json"
        line = one_error(run(tmp_path, "stats", url))
    finally:
        httpd.shutdown()
    assert "TLS certificate not trusted" in line


def test_config_mistakes_and_unknown_names(tmp_path: Path, server: FakeNative) -> None:
    (tmp_path / "config.toml").write_text(
        f'[sources.team]\nkind = "commdash"\nurl = "{server.url}"\ntoken_env = "TEAM_TOKEN"\n'
    )
    line = one_error(run(tmp_path, "stats", "team"))
    assert "TEAM_TOKEN" in line and "not set" in line
    line = one_error(run(tmp_path, "stats", "team", env={"TEAM_TOKEN": " "}))
    assert "TEAM_TOKEN (token_env) is empty" in line
    line = one_error(run(tmp_path, "outbox", "teem"))
    assert "no such file, nor a source of that name" in line
    (tmp_path / "config.toml").write_text('[sources.team]\nkind = "carrier-pigeon"\n')
    line = one_error(run(tmp_path, "stats", "team"))
    assert "config.toml: sources.team.kind" in line


def test_outbox_lists_queued_sent_and_failed(tmp_path: Path, server: FakeNative) -> None:
    (tmp_path / "config.toml").write_text(
        "[sources.team]\n"
        f'kind = "commdash"\nurl = "{server.url}"\nreply_url = "{server.reply_url}"\n'
        'token_env = "TEAM_TOKEN"\n'
    )
    env = {"TEAM_TOKEN": TOKEN}
    assert "Nothing in the outbox" in run(tmp_path, "outbox", "team", env=env).stdout
    account = Author(ACCOUNT["id"], ACCOUNT["name"])
    key = source_key(SourceInfo("Fake team", "generic", account, 0.0, server.url))
    store = Store(tmp_path / "state" / key)
    queued = Reply.new("p0-c0", "p0-c0", "Still waiting", 1_800_000_000.0)
    failed = Reply.new("p0-c1", "p0-c1", "Refused", 1_800_000_001.0).failed("HTTP 422: closed")
    sent = Reply.new("p0-c3", "p0-c3", "Done", 1_800_000_002.0).sent("r9", 1_800_000_003.0)
    for reply in (queued, failed, sent):
        store.queue_reply(reply)
    listed = json.loads(run(tmp_path, "outbox", "team", "--json", env=env).stdout)
    assert [(r["status"], r["text"]) for r in listed] == [
        ("queued", "Still waiting"),
        ("failed", "Refused"),
        ("sent", "Done"),
    ]
    assert listed[1]["error"] == "HTTP 422: closed" and listed[2]["remote_id"] == "r9"
    store.queue_moderation(Reply.moderation("p0-c1", "p0-c1", True, 1_800_000_004.0))
    done = run(tmp_path, "outbox", "team")  # what is on disk needs no token
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("queued") and lines[0].endswith("to Member 0: Still waiting")
    assert lines[1].endswith("to Member 1: Refused  · HTTP 422: closed")
    assert lines[3].endswith('hide Member 1\'s "Comment 1 on post 0"')
    assert not server.server.requests("POST", REPLY_PATH)  # listing never sends


def facebook_config(tmp_path: Path, url: str, page_id: str, days: int = 30) -> None:
    (tmp_path / "config.toml").write_text(
        f'[sources.fb]\nkind = "facebook"\nurl = "{url}"\npage_id = "{page_id}"\n'
        f'allow_http = true\ndays = {days}\ntoken_env = "FB_TOKEN"\n'
    )


def warnings_of(done: subprocess.CompletedProcess[str]) -> list[str]:
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    lines = done.stderr.splitlines()
    assert all(line.startswith("commdash: warning: ") for line in lines), lines
    return lines


def test_the_recorded_graph_answers_are_counted_and_explained(tmp_path: Path) -> None:
    with RecordedGraph().running() as recorded:
        facebook_config(tmp_path, recorded.base_url, recorded.page_id, days=3650)
        env = {"FB_TOKEN": recorded.token}
        first = run(tmp_path, "stats", "fb", "--json", env=env)
        again = run(tmp_path, "stats", "fb", "--json", env=env)  # incremental: from the copy

    for done in (first, again):
        figures = json.loads(done.stdout)
        assert (figures["conversations"], figures["skipped"]) == (10, 16)
        lines = warnings_of(done)
        assert len(lines) == 10 + 1 + 2
        assert sum("shown read-only" in line for line in lines) == 9
        assert lines[10].endswith(": 6 more items skipped or repaired")
        assert "pages_manage_posts" in lines[11]
        assert "cannot moderate the Page" in lines[12] and "pages_manage_engagement" in lines[12]
        assert "read-only" in lines[5]
        assert recorded.token not in done.stdout + done.stderr


def test_a_scheduled_refusal_on_an_unchanged_page_is_reported(tmp_path: Path) -> None:
    with FakeGraph().running() as fake:
        fake.add_comment(fake.add_post())
        facebook_config(tmp_path, fake.base_url, fake.page_id)
        env = {"FB_TOKEN": fake.token}
        assert warnings_of(run(tmp_path, "stats", "fb", env=env)) == []
        fake.server.fail_next(
            "GET",
            fake.path(fake.page_id, "scheduled_posts"),
            graph_error(100, "(#100) Object does not exist, cannot be loaded"),
        )
        refused = run(tmp_path, "stats", "fb", "--json", env=env)
        later = run(tmp_path, "stats", "fb", "--json", env=env)  # not asked again for an hour
    for done in (refused, later):
        assert json.loads(done.stdout)["skipped"] == 1
        scheduled, cause = warnings_of(done)
        assert "scheduled posts left out" in scheduled and "Graph error 100" in scheduled
        assert "Scheduled posts are not shown" in cause
