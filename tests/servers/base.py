"""A real HTTP server on 127.0.0.1 for tests and benchmarks: routes, a log of every request,
and scripted failures (an error status, or a connection dropped after the request was read).

Fake platforms (``graph.py``, ``mastodon.py``, ``native.py``) build on it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import orjson


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return orjson.loads(self.body)

    def form(self) -> dict[str, str]:
        return {k: v[-1] for k, v in parse_qs(self.body.decode()).items()}

    def param(self, name: str) -> str | None:
        if name in self.query:
            return self.query[name][-1]
        if self.body and "json" not in self.headers.get("content-type", ""):
            return self.form().get(name)
        if self.body:
            value = self.json().get(name)
            return None if value is None else str(value)
        return None


@dataclass
class Response:
    status: int = 200
    body: Any = None
    """JSON-able, or bytes sent as they are."""
    headers: dict[str, str] = field(default_factory=dict)

    def encoded(self) -> bytes:
        if isinstance(self.body, bytes):
            return self.body
        return b"" if self.body is None else orjson.dumps(self.body)


Route = Callable[[Request], Response]
DROP = Response(status=-1)
"""A scripted answer: read the request, then close the connection without answering."""
DONE_THEN_DROP = Response(status=-2)
"""A scripted answer: handle the request as usual (the platform has done it), then close
the connection without answering."""


class FakeServer:
    """Routes are matched by method and path prefix, longest first. ``fail_next`` scripts
    answers that come before the routes' own, for requests matching a method and prefix."""

    def __init__(self) -> None:
        self.routes: dict[tuple[str, str], Route] = {}
        self.log: list[Request] = []
        self.delay = 0.0
        """Seconds to wait before answering any request (a slow server)."""
        self.late: dict[tuple[str, str], float] = {}
        """(method, path prefix) → seconds to hold the answer back *after* the request was
        handled: the platform has done it, the client does not know yet."""
        self._scripted: list[tuple[str, str, Response]] = []
        self._lock = threading.Lock()
        self._httpd = _QuietServer(("127.0.0.1", 0), self._handler())
        self._httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._httpd.server_port}"

    def route(self, method: str, prefix: str, handler: Route) -> None:
        self.routes[(method, prefix)] = handler

    def fail_next(self, method: str, prefix: str, *answers: Response) -> None:
        with self._lock:
            self._scripted += [(method, prefix, answer) for answer in answers]

    def requests(self, method: str | None = None, prefix: str = "") -> list[Request]:
        with self._lock:
            return [
                r
                for r in self.log
                if (method is None or r.method == method) and r.path.startswith(prefix)
            ]

    def _answer(self, request: Request) -> Response:
        scripted = self._scripted_for(request)
        if scripted is not None and scripted is not DONE_THEN_DROP:
            return scripted
        routed = self._route(request)
        return DROP if scripted is DONE_THEN_DROP else routed

    def _scripted_for(self, request: Request) -> Response | None:
        """Log the request; the first scripted answer for it, taken off the script."""
        with self._lock:
            self.log.append(request)
            for index, (method, prefix, answer) in enumerate(self._scripted):
                if method == request.method and request.path.startswith(prefix):
                    del self._scripted[index]
                    return answer
        return None

    def _route(self, request: Request) -> Response:
        candidates = [
            (prefix, handler)
            for (method, prefix), handler in self.routes.items()
            if method == request.method and request.path.startswith(prefix)
        ]
        if not candidates:
            return Response(404, {"error": f"no route for {request.method} {request.path}"})
        return max(candidates, key=lambda c: len(c[0]))[1](request)

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # else each answer waits ~40 ms for a delayed ACK

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                parts = urlsplit(self.path)
                request = Request(
                    self.command,
                    parts.path,
                    parse_qs(parts.query, keep_blank_values=True),
                    {k.lower(): v for k, v in self.headers.items()},
                    body,
                )
                if server.delay:
                    time.sleep(server.delay)
                answer = server._answer(request)
                for (method, prefix), seconds in server.late.items():
                    if method == request.method and request.path.startswith(prefix):
                        time.sleep(seconds)
                if answer.status == DROP.status:
                    self.close_connection = True
                    self.connection.close()
                    return
                payload = answer.encoded()
                self.send_response(answer.status)
                headers = {"Content-Type": "application/json", **answer.headers}
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                if self.command != "HEAD" and answer.status != 304:
                    self.wfile.write(payload)

            do_GET = do_POST = do_PUT = do_DELETE = _serve

        return Handler

    def start(self) -> FakeServer:
        # Checking for shutdown every 20 ms, not 0.5 s: every test's teardown waits for it.
        threading.Thread(target=self._httpd.serve_forever, args=(0.02,), daemon=True).start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that went away (killed on purpose by a test) is not worth a traceback."""


@contextmanager
def serving(server: FakeServer) -> Iterator[FakeServer]:
    server.start()
    try:
        yield server
    finally:
        server.stop()
