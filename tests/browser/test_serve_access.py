"""Who gets in to ``commdash serve``: only a browser that opened the printed address (its
key), and a terminal WebSocket only from the page's own origin. A loopback port is open to
every user of the host and to every page the manager's browser opens."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Iterator
from pathlib import Path

import aiohttp
import pytest
from _served import Served, serving


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    with serving(home=tmp_path_factory.mktemp("serve")) as running:
        yield running


def client(served: Served, with_key: bool) -> aiohttp.ClientSession:
    """A client; ``with_key``: holding the cookie the page's address gives."""
    cookies = {f"commdash-key-{served.port}": served.key} if with_key else {}
    # unsafe: keep cookies from an IP address, as browsers do
    return aiohttp.ClientSession(cookies=cookies, cookie_jar=aiohttp.CookieJar(unsafe=True))


async def test_the_page_needs_the_printed_key(served: Served) -> None:
    async with client(served, with_key=False) as http:
        for url in (f"{served.origin}/", f"{served.origin}/?key=not-{served.key}"):
            async with http.get(url) as refused:
                assert refused.status == 403, url
                assert "Open the address that 'commdash serve' printed" in await refused.text()

        async with http.get(served.address, allow_redirects=False) as opened:
            assert (opened.status, opened.headers["Location"]) == (303, "/")
            cookie = opened.cookies[f"commdash-key-{served.port}"]
            assert cookie.value == served.key
            assert (cookie["httponly"], cookie["samesite"]) == (True, "Lax")

        # The key now travels as a cookie, and the page points its terminal at the address
        # the browser used (SSH port forwarding may map another port, or name localhost).
        forwarded = {"Host": "localhost:9999"}
        async with http.get(f"{served.origin}/", headers=forwarded) as page:
            assert page.status == 200
            assert 'data-session-websocket-url="ws://localhost:9999/ws"' in await page.text()


@pytest.mark.parametrize(
    ("with_key", "origin"),
    [
        (False, "same"),  # another user of the host, or a script
        (True, "http://attacker.example"),  # a page of another site (its cookie is not sent either)
        (True, "http://127.0.0.1:1"),  # another port of this host: it shares the cookie
        (True, None),  # no browser
    ],
)
async def test_the_terminal_refuses_a_stranger(
    served: Served, with_key: bool, origin: str | None
) -> None:
    headers = {} if origin is None else {"Origin": served.origin if origin == "same" else origin}
    async with client(served, with_key) as http:
        with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
            await http.ws_connect(f"{served.origin}/ws", headers=headers)
    assert refused.value.status == 403


async def test_the_page_s_own_terminal_gets_the_dashboard(served: Served) -> None:
    async with (
        client(served, with_key=True) as http,
        http.ws_connect(f"{served.origin}/ws", headers={"Origin": served.origin}) as terminal,
    ):
        drawn = b""
        async with asyncio.timeout(20):
            while b"need reply" not in drawn:
                message = await terminal.receive()
                assert message.type == aiohttp.WSMsgType.BINARY, message
                drawn += message.data


def test_hostile_requests_leave_no_control_on_the_console(tmp_path: Path) -> None:
    with serving(home=tmp_path) as running:
        for request in (
            b"GET /\x1b]0;owned\x07 HTTP/1.1\r\nHost: x\r\n\r\n",
            b"GET / HTTP/1.1\r\nHost: x\r\nUser-Agent: \x1b[2J\x9b31m\r\n\r\n",
        ):
            with socket.create_connection(("127.0.0.1", running.port), timeout=10) as probe:
                probe.sendall(request)
                assert probe.recv(100).startswith(b"HTTP/1.")
    console = running.output()
    assert console  # they were reported ...
    assert not any(byte in console for byte in b"\x1b\x07\x9b")  # ... as text
