"""``commdash serve``: the dashboard in a browser, through textual-serve.

textual-serve runs one commdash per browser tab, through ``/bin/sh``, and talks to it over its
pipes (Textual's web driver). What this module adds: the command quoted for the shell; a key
in the address, because a loopback port is open to every user of the host and to every web
page the manager's browser opens; pages that follow the address the browser used (SSH port
forwarding may map any local port); and a console that shows nothing a stranger sent as
terminal controls.
"""

from __future__ import annotations

import asyncio
import hmac
import ipaddress
import logging
import os
import secrets
import shlex
import signal
import socket
import sys
from urllib.parse import urlsplit

import aiohttp_jinja2
from aiohttp import web
from textual_serve.server import Server

from commdash.errors import CommdashError
from commdash.text import sanitize


def is_loopback(host: str) -> bool:
    """Whether ``host`` names this machine's loopback interface only."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def app_command(
    source: str | None, state_dir: str | None, now: float | None, sla_minutes: float
) -> str:
    """The shell command textual-serve runs for each browser tab: this interpreter's commdash
    with the options given to ``serve``. A source or a state directory may hold spaces,
    quotes or ``$(...)``: every argument is quoted for ``sh``, each option is one word
    (``--state-dir=-x`` is not read as an option) and the source comes after ``--``.
    ``-P``: a ``commdash`` in the directory served from is not imported instead."""
    argv = [sys.executable, "-P", "-m", "commdash", f"--sla={sla_minutes!r}"]
    if state_dir is not None:
        argv.append(f"--state-dir={state_dir}")
    if now is not None:
        argv.append(f"--now={now!r}")
    if source is not None:
        argv += ["--", source]
    return shlex.join(argv)


def _url_host(host: str) -> str:
    """``host`` as written in a URL: IPv6 in brackets, "every address" as this host's name."""
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return host
    if address.is_unspecified:
        return _this_host()
    return f"[{host}]" if address.version == 6 else host


def _this_host() -> str:
    """How other machines can reach this one: its name when that does not resolve to
    loopback (as in many containers), else the address of its outgoing interface."""
    name = socket.gethostname()
    try:
        if not ipaddress.ip_address(socket.gethostbyname(name)).is_loopback:
            return name
    except (OSError, ValueError):
        pass
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect(("192.0.2.1", 9))  # TEST-NET-1; a UDP connect sends nothing
            return str(probe.getsockname()[0])
    except OSError:
        return name or "localhost"


class _SafeFormatter(logging.Formatter):
    """textual-serve and aiohttp log what a client sent (paths, headers, a child's errors):
    made terminal-safe before it reaches the console."""

    def format(self, record: logging.LogRecord) -> str:
        return f"commdash serve: {record.levelname.lower()}: {sanitize(super().format(record))}"


class DashboardServer(Server):
    """textual-serve's server, admitting only a browser that opened the address with the key.

    The key is checked once, on the page's address; the page then carries it in a cookie
    (``SameSite=Lax``: a page of another site cannot send it with a WebSocket), and the
    WebSocket must also come from a page of this very origin (another port of the same
    host shares the cookie)."""

    def __init__(self, command: str, host: str, port: int) -> None:
        super().__init__(command, host=host, port=port, title="commdash")
        self.key = secrets.token_urlsafe(24)
        self.cookie = f"commdash-key-{port}"

    @property
    def address(self) -> str:
        """What the manager opens: the page, with the key."""
        return f"http://{_url_host(self.host)}:{self.port}/?key={self.key}"

    def initialize_logging(self) -> None:
        handler = logging.StreamHandler()
        handler.setFormatter(_SafeFormatter())
        logging.basicConfig(level=logging.WARNING, handlers=[handler], force=True)

    def serve(self, debug: bool = False) -> None:
        """Serve until ctrl+c, SIGTERM or SIGHUP (the SSH session closed); each browser
        tab's commdash is then told to quit. The address is printed once the port is ours."""
        self.debug = debug
        self.initialize_logging()
        loop = asyncio.new_event_loop()
        for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            loop.add_signal_handler(signum, self.request_exit)
        try:
            web.run_app(
                self._make_app(),
                host=self.host,
                port=self.port,
                handle_signals=False,
                loop=loop,
                access_log=None,  # it would echo every request to the console
                print=lambda _banner: self._announce(),
            )
        finally:
            loop.close()

    def _announce(self) -> None:
        print(f"commdash: open {sanitize(self.address)}  (ctrl+c stops)", flush=True)

    async def on_startup(self, app: web.Application) -> None:
        """textual-serve prints its logo and the command here: commdash prints the address
        once it listens (:meth:`_announce`)."""

    def _has_key(self, request: web.Request) -> bool:
        given = request.cookies.get(self.cookie, "")
        return hmac.compare_digest(given.encode(), self.key.encode())

    def _refuse(self) -> web.HTTPForbidden:
        return web.HTTPForbidden(
            text="Open the address that 'commdash serve' printed: it holds the key.\n"
        )

    async def handle_index(self, request: web.Request) -> web.StreamResponse:
        """The page; its address's key, once checked, becomes a cookie and leaves the
        address bar. Its URLs are those the browser used, not the ones served on."""
        given = request.query.get("key")
        if given is not None and hmac.compare_digest(given.encode(), self.key.encode()):
            moved = web.HTTPSeeOther("/")
            moved.set_cookie(self.cookie, self.key, path="/", httponly=True, samesite="Lax")
            raise moved
        if not self._has_key(request):
            raise self._refuse()
        scheme = "wss" if request.secure else "ws"
        context = {
            "font_size": _font_size(request.query.get("fontsize", "")),
            "app_websocket_url": f"{scheme}://{request.host}/ws",
            "config": {"static": {"url": "/static/"}},
            "application": {"name": self.title},
        }
        return aiohttp_jinja2.render_template("app_index.html", request, context)

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        origin = urlsplit(request.headers.get("Origin", ""))
        same_origin = (origin.scheme, origin.netloc.lower()) == (
            request.scheme,
            request.host.lower(),
        )
        if not (same_origin and self._has_key(request)):
            raise self._refuse()
        return await super().handle_websocket(request)

    async def handle_download(self, request: web.Request) -> web.StreamResponse:
        if not self._has_key(request):
            raise self._refuse()
        return await super().handle_download(request)


def _font_size(value: str) -> int:
    try:
        return min(max(int(value), 6), 64)
    except ValueError:
        return 16


def serve(command: str, host: str, port: int) -> None:
    try:
        DashboardServer(command, host, port).serve()
    except OSError as exc:  # the address is taken, or not this machine's
        reason = os.strerror(exc.errno) if exc.errno else str(exc)
        raise CommdashError(
            f"cannot serve on {host} port {port}: {reason} (choose another --port or --host)"
        ) from None
