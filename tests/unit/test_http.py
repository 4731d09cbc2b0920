"""The HTTP client's edges: redirects, odd URLs, the servers' waits, tokens in messages."""

from __future__ import annotations

import contextlib
import gzip
import socket
import threading
import time
import tracemalloc
from collections.abc import Iterator

import pytest
from servers.base import FakeServer, Response

from commdash.errors import SourceError
from commdash.sources.http import HttpClient, RemoteError, retry_after, where

SECRET = "s3cret-token-value"


@pytest.fixture
def server() -> Iterator[FakeServer]:
    fake = FakeServer().start()
    yield fake
    fake.stop()


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_a_redirect_is_an_error_naming_the_new_place(server: FakeServer, status: int) -> None:
    server.route("GET", "/old", lambda r: Response(status, None, {"Location": "https://x/new"}))
    with pytest.raises(RemoteError) as caught:
        HttpClient().get(server.url + "/old")
    assert f"HTTP {status}, moved to https://x/new; update the URL" in str(caught.value)


def test_an_invalid_url_is_a_clear_error(server: FakeServer) -> None:
    assert where("https://[::1/x") == "(an invalid URL)"
    server.route("GET", "/bad", lambda r: Response(302, None, {"Location": "http://[oops"}))
    with pytest.raises(RemoteError, match=r"moved to \(an invalid URL\)"):
        HttpClient().get(server.url + "/bad")
    with pytest.raises(SourceError, match="is not a valid URL"):
        HttpClient().get("https://[::1/x")


def test_where_hides_user_password_and_query() -> None:
    assert where("https://alice:pw@host.example/a/b?access_token=x") == "https://host.example/a/b"


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"retry-after": "7"}, 7.0),
        ({"retry-after": "Thu, 01 Jan 2026 00:01:40 GMT"}, 100.0),
        ({"x-ratelimit-remaining": "0", "x-ratelimit-reset": "2026-01-01T00:05:00Z"}, 300.0),
        ({"x-ratelimit-remaining": "0", "x-ratelimit-reset": "1767226000"}, 400.0),
        ({"x-ratelimit-remaining": "3", "x-ratelimit-reset": "1767226000"}, None),
        # A platform's own headers are its source's to read (Graph's: test_graph.py).
        ({"x-app-usage": '{"call_count": 100, "estimated_time_to_regain_access": 2}'}, None),
        ({"retry-after": "soon"}, None),
    ],
)
def test_how_long_the_server_asks_to_wait(headers: dict[str, str], expected: float | None) -> None:
    assert retry_after(headers, now=1767225600.0) == expected


def test_the_token_is_cut_out_of_error_bodies_before_they_are_shortened(
    server: FakeServer,
) -> None:
    body = {"error": "x" * 150 + SECRET + " is not valid"}
    server.route("GET", "/e", lambda r: Response(400, body))
    with pytest.raises(RemoteError) as caught:
        HttpClient(secret=SECRET).get(server.url + "/e")
    message = str(caught.value)
    assert SECRET[:8] not in message


def test_a_token_that_cannot_go_in_a_header_never_shows(server: FakeServer) -> None:
    server.route("GET", "/", lambda r: Response(200, {}))
    client = HttpClient(headers={"Authorization": f"Bearer {SECRET}\nvalue"}, secret=SECRET)
    with pytest.raises(RemoteError) as caught:
        client.get(server.url + "/")
    assert SECRET not in str(caught.value)


# Hostile servers: bombs, trickles, endless paging --------------------------------------------


def test_gzip_answers_are_read(server: FakeServer) -> None:
    packed = gzip.compress(b'{"ok": true}')
    server.route("GET", "/z", lambda r: Response(200, packed, {"Content-Encoding": "gzip"}))
    client = HttpClient()
    assert client.get(server.url + "/z").json() == {"ok": True}
    assert server.requests("GET")[0].headers["accept-encoding"] == "gzip"


def test_a_gzip_bomb_is_refused_without_unpacking_it(server: FakeServer) -> None:
    bomb = gzip.compress(bytes(100_000_000), compresslevel=9)  # 100 MB in about 100 KB
    server.route("GET", "/bomb", lambda r: Response(200, bomb, {"Content-Encoding": "gzip"}))
    twice = gzip.compress(bomb)
    server.route(
        "GET", "/twice", lambda r: Response(200, twice, {"Content-Encoding": "gzip, gzip"})
    )
    client = HttpClient()
    tracemalloc.start()
    try:
        with pytest.raises(RemoteError, match="larger than 64,000,000 bytes"):
            client.get(server.url + "/bomb")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 80_000_000  # the 64 MB it read, not the 100 MB it would unpack to
    with pytest.raises(RemoteError, match="encoded as 'gzip, gzip', which commdash does not"):
        client.get(server.url + "/twice")


def test_a_damaged_gzip_answer_is_a_clear_error(server: FakeServer) -> None:
    server.route("GET", "/bad", lambda r: Response(200, b"not gzip", {"Content-Encoding": "gzip"}))
    with pytest.raises(RemoteError, match="the compressed answer is damaged") as caught:
        HttpClient().get(server.url + "/bad")
    assert caught.value.transient


class Trickle:
    """A server on 127.0.0.1 that answers every connection piece by piece, slowly."""

    def __init__(self, pieces: list[bytes], every: float) -> None:
        self.pieces, self.every = pieces, every
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}/x"
        self.stopped = threading.Event()
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while not self.stopped.is_set():
            try:
                connection, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self._answer, args=(connection,), daemon=True).start()

    def _answer(self, connection: socket.socket) -> None:
        with connection, contextlib.suppress(OSError):
            connection.recv(65536)
            for piece in self.pieces:
                if self.stopped.wait(self.every):
                    return
                connection.sendall(piece)

    def stop(self) -> None:
        self.stopped.set()
        self.listener.close()


@pytest.mark.parametrize("slow", ["headers", "body"])
def test_a_server_trickling_its_answer_is_cut_off_at_the_deadline(
    server: FakeServer, slow: str
) -> None:
    status = b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n"
    if slow == "headers":  # a header line at a time, for ever
        pieces = [status, *(f"X-Slow-{n}: a\r\n".encode() for n in range(1000))]
    else:  # a byte at a time
        pieces = [status + b"\r\n", *([b"x"] * 1000)]
    trickle = Trickle(pieces, every=0.05)
    client = HttpClient()
    client.deadline = 1.0
    started = time.monotonic()
    try:
        with pytest.raises(RemoteError, match="no complete answer within 1 s") as caught:
            client.get(trickle.url)
    finally:
        trickle.stop()
    assert time.monotonic() - started < 3.0
    assert caught.value.transient
    server.route("GET", "/fine", lambda r: Response(200, {"ok": 1}))
    assert client.get(server.url + "/fine").json() == {"ok": 1}  # the client goes on


def test_one_sync_reads_no_more_than_its_budget(server: FakeServer) -> None:
    server.route("GET", "/page", lambda r: Response(200, b"[" + b"0," * 299 + b"0]"))
    client = HttpClient()
    with client.budget(1000, "set a smaller `days`"):
        client.get(server.url + "/page")
        with pytest.raises(RemoteError, match=r"/page: set a smaller `days`$"):
            client.get(server.url + "/page")
    for _ in range(3):  # outside a budget, no limit but the answer's own
        client.get(server.url + "/page")


def test_where_never_cuts_a_token_in_two() -> None:
    long_path = "/" + "p" * 180 + SECRET + "x" * 50
    shown = where("https://host.example" + long_path)
    assert shown == "https://host.example/…"
    assert where("https://" + "h" * 250 + "/x") == "(a long URL)"
