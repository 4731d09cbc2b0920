"""Talking to a platform over HTTP: one client for every live source.

Every failure becomes a :class:`RemoteError`: one line that says what failed and what to do,
whether trying again may help (``transient``) and when (``retry_after``). Messages never hold
the token nor a query string (some APIs' paging links carry the token in theirs).

What a platform's own error bodies and headers mean is the platform's source's business:
it gives the client a ``describe_error`` that reads them, and this module knows no platform.
"""

from __future__ import annotations

import contextlib
import itertools
import random
import ssl
import threading
import time
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit

import httpx
import orjson

from commdash import __version__
from commdash.errors import SourceError
from commdash.host import is_loopback
from commdash.text import one_line
from commdash.timeutil import parse_timestamp

TIMEOUT_SECONDS = 20.0
MAX_BODY_BYTES = 64_000_000
"""A response larger than this (once decompressed) is refused rather than read into memory."""
DEADLINE_SECONDS = 120.0
"""A whole request, answer read to its end, may take this long (a server trickling bytes
never trips the timeout between reads)."""
USER_AGENT = f"commdash/{__version__}"
MIN_SECRET = 6
"""A token shorter than this is not looked for in messages (it would match ordinary words)."""


class RemoteError(SourceError):
    """A request failed. ``transient``: the same request may succeed later, after
    ``retry_after`` seconds when the server said how long."""

    def __init__(
        self,
        message: str,
        transient: bool = False,
        retry_after: float | None = None,
        *,
        refused: bool = False,
        status: int | None = None,
    ) -> None:
        super().__init__(message)
        self.transient = transient
        self.retry_after = retry_after
        self.refused = refused
        """The token was refused (or may not do this): every request will fail alike."""
        self.status = status
        """The HTTP status the server answered with, when it answered with an error."""


def where(url: str) -> str:
    """A URL as shown in messages: scheme, host and path, no query (it may hold a token)
    nor user and password."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "(an invalid URL)"
    origin = f"{parts.scheme}://{parts.netloc.rpartition('@')[2]}"
    if len(origin) + len(parts.path) <= 200:
        return one_line(origin + parts.path, 200)
    # Never cut in the middle: a cut token would no longer be recognised and removed.
    return one_line(f"{origin}/…", 200) if len(origin) < 200 else "(a long URL)"


def check_url(url: str, allow_http: bool = False) -> str:
    """``url`` when commdash may fetch it; else a :class:`SourceError` saying why."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
    except ValueError:
        raise SourceError(f"{one_line(url, 120)!r} is not a valid URL") from None
    if parts.scheme not in ("http", "https") or not host:
        raise SourceError(f"{where(url)}: not an http(s) URL")
    if parts.scheme == "http" and not allow_http and not is_loopback(host):
        raise SourceError(
            f"{where(url)}: plain http is refused (the token and replies would travel "
            "unencrypted); use https, or set allow_http = true for this source in the config"
        )
    return url


@dataclass(frozen=True, slots=True)
class Answer:
    """A response that arrived with a status below 400 (a 304 included)."""

    status: int
    headers: Mapping[str, str]
    body: bytes
    url: str

    def json(self) -> Any:
        try:
            return orjson.loads(self.body)
        except orjson.JSONDecodeError:
            raise RemoteError(
                f"{where(self.url)}: the answer is not JSON; check the URL points at the API",
                transient=True,
            ) from None


class HttpClient:
    """GET and POST with the token in a header, verified TLS, timeouts, and errors as
    :class:`RemoteError`. ``secret`` is the token: it is cut out of every message."""

    def __init__(
        self,
        headers: Mapping[str, str] | None = None,
        secret: str | None = None,
        allow_http: bool = False,
        timeout: float = TIMEOUT_SECONDS,
        describe_error: Callable[[Answer], RemoteError] | None = None,
    ) -> None:
        self.secret = secret
        self._former_secrets: list[str] = []
        """Tokens used before :meth:`use_token`: an answer to a request that carried one
        may still come, and they are cut out of messages too."""
        self.allow_http = allow_http
        self.timeout = timeout
        self.deadline = DEADLINE_SECONDS
        self.requests = 0
        """How many requests were sent, for figures and tests."""
        self._describe_error = describe_error or describe_http_error
        self._headers = {"User-Agent": USER_AGENT, "Accept-Encoding": "gzip", **(headers or {})}
        self._lock = threading.Lock()
        self._budget = threading.local()
        self._client = self._new_client()

    def _new_client(self) -> httpx.Client:
        return httpx.Client(
            headers=self._headers,
            timeout=httpx.Timeout(self.timeout, connect=min(self.timeout, 10.0)),
            follow_redirects=False,
            verify=True,
            trust_env=True,
        )

    def close(self) -> None:
        with self._lock:
            self._client.close()

    def use_token(self, token: str | None) -> None:
        """From now on send ``token`` as ``Authorization: Bearer`` (None: no such header),
        and cut it out of every message."""
        with self._lock:
            if self.secret and self.secret != token:
                self._former_secrets.append(self.secret)
            self.secret = token
            for headers in (self._headers, self._client.headers):
                if token:
                    headers["Authorization"] = f"Bearer {token}"
                else:
                    headers.pop("Authorization", None)

    def _secrets(self) -> list[str]:
        """The tokens to cut out of messages (long enough not to match ordinary words)."""
        found = [self.secret or "", *self._former_secrets]
        return [secret for secret in found if len(secret) >= MIN_SECRET]

    @contextlib.contextmanager
    def budget(self, limit: int, exceeded: str) -> Iterator[None]:
        """Within it, the answers this thread reads may come to ``limit`` bytes in all (so a
        server paging for ever cannot fill the memory); past that, a :class:`RemoteError`
        ending in ``exceeded`` (what to do)."""
        self._budget.left, self._budget.exceeded = limit, exceeded
        try:
            yield
        finally:
            self._budget.left = None

    def get(
        self,
        url: str,
        params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Answer:
        return self.request("GET", url, params=params, headers=headers)

    def post(
        self,
        url: str,
        data: Mapping[str, Any] | None = None,
        json: Any = None,
        headers: Mapping[str, str] | None = None,
    ) -> Answer:
        return self.request("POST", url, data=data, json=json, headers=headers)

    def request(
        self,
        method: str,
        url: str,
        params: Mapping[str, Any] | None = None,
        data: Mapping[str, Any] | None = None,
        json: Any = None,
        headers: Mapping[str, str] | None = None,
    ) -> Answer:
        check_url(url, self.allow_http)
        shown = where(url)
        with self._lock:
            self.requests += 1
            client = self._client
        content = orjson.dumps(json) if json is not None else None
        sent_headers = dict(headers or {})
        if content is not None:
            sent_headers["Content-Type"] = "application/json"
        stuck = threading.Event()
        watchdog = threading.Timer(self.deadline, self._cut_off, (client, stuck))
        watchdog.daemon = True
        watchdog.start()
        try:
            with client.stream(
                method, url, params=params, data=data, content=content, headers=sent_headers
            ) as response:
                body = self._read(response, shown, time.monotonic() + self.deadline)
        except (RemoteError, httpx.HTTPError, httpx.InvalidURL, RuntimeError, ValueError) as exc:
            if stuck.is_set():
                raise self._too_slow(shown) from None
            if isinstance(exc, RemoteError):
                raise
            raise self._described(exc, shown) from None
        finally:
            watchdog.cancel()
        answer = Answer(response.status_code, response.headers, body, url)
        if response.status_code >= 300 and response.status_code != 304:
            for secret in self._secrets():  # before a message is cut short
                body = body.replace(secret.encode("utf-8", "surrogatepass"), b"[token]")
            raise self._scrubbed(self._describe_error(replace(answer, body=body)))
        return answer

    def _described(self, exc: Exception, shown: str) -> RemoteError:
        """The one-line error for a failure of the exchange itself (never the exception's
        text: it may quote the request, token included)."""
        if isinstance(exc, httpx.ConnectError):
            return self._scrubbed(_connect_error(shown, exc))
        if isinstance(exc, httpx.TimeoutException):
            return RemoteError(
                f"{shown}: no answer within {self.timeout:g} s; the server is slow or down",
                transient=True,
            )
        if isinstance(
            exc, httpx.RemoteProtocolError | httpx.ReadError | httpx.WriteError | RuntimeError
        ):  # (RuntimeError: the client was closed under it, after another request got stuck)
            return RemoteError(f"{shown}: the connection broke off", transient=True)
        if isinstance(exc, httpx.HTTPError):
            return RemoteError(f"{shown}: the request failed ({type(exc).__name__})")
        return RemoteError(f"{shown}: not a valid URL")

    def _cut_off(self, client: httpx.Client, stuck: threading.Event) -> None:
        """The deadline passed: close the connections under the request (the only way to
        stop a read that keeps getting a byte at a time) and use a new client from now on."""
        stuck.set()
        with self._lock:
            if self._client is client:
                self._client = self._new_client()
        client.close()

    def _too_slow(self, shown: str) -> RemoteError:
        return RemoteError(
            f"{shown}: no complete answer within {self.deadline:g} s; the server is too slow "
            "or stuck, try again later",
            transient=True,
        )

    def _read(self, response: httpx.Response, shown: str, deadline: float) -> bytes:
        """The body, decompressed a piece at a time, refused as soon as it passes the limits."""
        decode = _decoder(response.headers.get("content-encoding", ""), shown)
        left: int | None = getattr(self._budget, "left", None)
        room = MAX_BODY_BYTES if left is None else min(MAX_BODY_BYTES, left)
        chunks: list[bytes] = []
        for raw in itertools.chain(response.iter_raw(), [b""]):
            if time.monotonic() > deadline:
                raise self._too_slow(shown)
            for piece in decode(raw):
                room -= len(piece)
                if room < 0:
                    raise self._too_large(shown, left)
                chunks.append(piece)
        body = b"".join(chunks)
        if left is not None:
            self._budget.left = left - len(body)
        return body

    def _too_large(self, shown: str, left: int | None) -> RemoteError:
        if left is not None and left < MAX_BODY_BYTES:
            return RemoteError(f"{shown}: {self._budget.exceeded}")
        return RemoteError(f"{shown}: the answer is larger than {MAX_BODY_BYTES:,} bytes")

    def _scrubbed(self, error: RemoteError) -> RemoteError:
        message = str(error)
        for secret in self._secrets():
            message = message.replace(secret, "[token]")
        if message != str(error):
            error.args = (message,)
        return error


DECODE_STEP = 1 << 20


def _decoder(encoding: str, shown: str) -> Callable[[bytes], Iterator[bytes]]:
    """``decode(raw)``: the decoded bytes, in pieces of at most :data:`DECODE_STEP` (a few
    kilobytes of gzip may unpack to gigabytes: the reader stops taking pieces at its limit);
    ``b""`` at the end flushes. One layer of gzip (what commdash asks for) or deflate."""
    name = encoding.strip().lower()
    if name in ("", "identity"):
        return lambda raw: iter((raw,))
    if name not in ("gzip", "x-gzip", "deflate"):
        raise RemoteError(
            f"{shown}: the answer is encoded as {one_line(encoding, 40)!r}, which commdash "
            "does not read; the server should send gzip or nothing"
        )
    inflate = zlib.decompressobj(32 + zlib.MAX_WBITS)  # a gzip or a zlib header

    def decode(raw: bytes) -> Iterator[bytes]:
        try:
            if not raw:
                yield inflate.flush()
                return
            while raw:
                yield inflate.decompress(raw, DECODE_STEP)
                raw = inflate.unconsumed_tail
        except zlib.error:
            raise RemoteError(f"{shown}: the compressed answer is damaged", True) from None

    return decode


def _connect_error(shown: str, exc: httpx.ConnectError) -> RemoteError:
    cause: BaseException | None = exc
    while cause is not None:
        if isinstance(cause, ssl.SSLCertVerificationError):
            return RemoteError(
                f"{shown}: TLS certificate not trusted ({cause.verify_message}); "
                "check the host name, or the clock and CA certificates of this machine"
            )
        if isinstance(cause, ssl.SSLError):
            return RemoteError(f"{shown}: TLS failed ({cause.reason or cause}); check the URL")
        cause = cause.__cause__ or cause.__context__
    text = str(exc).lower()
    if (
        "name or service not known" in text
        or "nodename nor servname" in text
        or ("name resolution" in text)
    ):
        return RemoteError(
            f"{shown}: unknown host; check the URL and this machine's network", transient=True
        )
    return RemoteError(
        f"{shown}: cannot connect ({one_line(str(exc), 80) or 'refused'}); "
        "check the URL and that the server is up",
        transient=True,
    )


def describe_http_error(answer: Answer) -> RemoteError:
    """The one-line error for a status of 400 or more (or a redirect, never followed)."""
    shown = where(answer.url)
    status = answer.status
    wait = retry_after(answer.headers)
    if 300 <= status < 400:
        target = where(answer.headers.get("location", ""))
        return RemoteError(
            f"{shown}: HTTP {status}, moved to {target}; update the URL", status=status
        )
    if status == 401:
        refused = "the token was refused; check or renew it"
        return RemoteError(f"{shown}: HTTP 401, {refused}", refused=True, status=status)
    if status == 403:
        forbidden = "the token may not do this; check its permissions"
        return RemoteError(f"{shown}: HTTP 403, {forbidden}", refused=True, status=status)
    if status == 404:
        return RemoteError(
            f"{shown}: HTTP 404, nothing there; check the URL or the id", status=status
        )
    if status == 429:
        return RemoteError(
            f"{shown}: HTTP 429, rate limited; try again later", True, wait, status=status
        )
    if status in (408, 425) or status >= 500:
        return RemoteError(
            f"{shown}: HTTP {status}, the server failed; try again later", True, wait, status=status
        )
    detail = _detail(answer.body)
    return RemoteError(f"{shown}: HTTP {status}{': ' + detail if detail else ''}", status=status)


def _detail(body: bytes) -> str:
    """A short reason from an error body (``{"error": "..."}`` or ``{"error": {"message"}}``)."""
    try:
        parsed = orjson.loads(body[:100_000])
    except orjson.JSONDecodeError:
        return ""
    if isinstance(parsed, dict):
        error = parsed.get("error")
        if isinstance(error, dict):
            error = error.get("message")
        if isinstance(error, str):
            return one_line(error, 160)
    return ""


def retry_after(
    headers: Mapping[str, str], now: float | None = None, also: Iterable[float] = ()
) -> float | None:
    """How long the server asks to wait, in seconds: ``Retry-After`` (seconds or a date),
    ``X-RateLimit-Reset`` (a date or Unix seconds) once ``X-RateLimit-Remaining`` is 0, and
    ``also``, the waits a platform's own headers ask for. The longest, at most a day."""
    now = time.time() if now is None else now
    waits: list[float] = list(also)
    value = headers.get("retry-after")
    if value:
        try:
            waits.append(float(value))
        except ValueError:
            with contextlib.suppress(TypeError, ValueError, IndexError):
                waits.append(parsedate_to_datetime(value).timestamp() - now)
    if headers.get("x-ratelimit-remaining", "").strip() == "0":
        raw_reset = headers.get("x-ratelimit-reset", "").strip()
        reset = parse_timestamp(float(raw_reset) if _is_number(raw_reset) else raw_reset or None)
        if reset is not None:
            waits.append(reset - now)
    positive = [wait for wait in waits if wait > 0]
    return min(max(positive), 24 * 3600.0) if positive else None


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def backoff(attempt: int, base: float = 2.0, cap: float = 900.0) -> float:
    """Exponential backoff with full jitter: a random wait up to ``base * 2**attempt``."""
    return random.uniform(base / 2, min(cap, base * 2.0**attempt))
