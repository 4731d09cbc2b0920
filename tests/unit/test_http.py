"""The HTTP client's edges: redirects, odd URLs, the servers' waits, tokens in messages."""

from __future__ import annotations

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
        ({"x-app-usage": '{"call_count": 100, "estimated_time_to_regain_access": 2}'}, 120.0),
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
