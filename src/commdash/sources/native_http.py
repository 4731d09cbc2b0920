"""A commdash/v1 export served over HTTP: the live source for a team's own tooling.

The team publishes its export at a URL (answering conditional GETs with 304, so an unchanged
source costs one small request) and, to receive replies, implements the small contract in
``docs/REPLY_ENDPOINT.md``. The document is handed on as it arrived: the native reader checks
and sanitises it like any export file.
"""

from __future__ import annotations

from typing import Any

import orjson

from commdash.errors import SourceError
from commdash.sources.http import (
    Answer,
    HttpClient,
    RemoteError,
    check_url,
    describe_http_error,
    where,
)
from commdash.sources.jsondoc import parse_json
from commdash.sources.live import (
    Cursor,
    Document,
    HttpLiveSource,
    OutgoingReply,
    Progress,
    ProgressFn,
    Pulled,
)
from commdash.sources.native import FORMAT, json_kind
from commdash.text import one_line, sanitize
from commdash.timeutil import iso

MAX_VALIDATOR_CHARS = 512
"""An ``ETag`` or ``Last-Modified`` longer than this is not kept in the cursor."""
_VALIDATORS = (
    ("etag", "ETag", "If-None-Match"),
    ("last_modified", "Last-Modified", "If-Modified-Since"),
)
"""Cursor key, response header, and the request header that sends it back."""
MAX_ID_CHARS = 200
"""A message id the reply endpoint gives back must be printable and at most this long."""


class _AlreadyPosted(RemoteError):
    """The reply endpoint answered 409: a reply with this key was posted before."""

    def __init__(self, message: str, answer: Answer) -> None:
        super().__init__(message)
        self.answer = answer


class NativeHttpSource(HttpLiveSource):
    """Pulls a commdash/v1 export from ``url``; posts replies to ``reply_url`` and hides
    comments through ``hide_url`` when those are configured.

    The token goes in an ``Authorization: Bearer`` header, never in a message or the cursor.
    Every URL is checked here (https, or plain http only to this machine or with
    ``allow_http``), so a refused URL is a :class:`SourceError` when the config is read.
    """

    def __init__(
        self,
        url: str,
        token: str | None = None,
        reply_url: str | None = None,
        hide_url: str | None = None,
        allow_http: bool = False,
        name: str | None = None,
        timeout: float = 20.0,
    ) -> None:
        for each in (url, reply_url, hide_url):
            if each is not None:
                check_url(each, allow_http)
        self.url = url
        self.reply_url = reply_url
        self.hide_url = hide_url
        self.name = name
        """The source's name in the config, if it has one."""
        self.location = where(url)
        self._client = HttpClient(
            headers={"Authorization": f"Bearer {token}"} if token else {},
            secret=token,
            allow_http=allow_http,
            timeout=timeout,
            describe_error=self._describe_error,
        )

    @property
    def can_hide(self) -> bool:
        return self.hide_url is not None

    @property
    def _token(self) -> str | None:
        return self._client.secret

    def pull(self, previous: Document | None, cursor: Cursor, progress: ProgressFn) -> Pulled:
        """GET the export, conditionally when there is a previous document to keep: an
        unchanged source answers 304 and costs exactly one request."""
        answer = self._client.get(
            self.url, headers=self._conditional(cursor) if previous is not None else None
        )
        if answer.status == 304:
            if previous is None:
                raise self._error("answered 304 Not Modified to a request that was not conditional")
            progress(Progress(pages=1, items=0, doing="unchanged"))
            return Pulled(None, cursor)
        document = self._document(answer.body)
        progress(Progress(pages=1, items=_count_items(document)))
        return Pulled(document, self._cursor(answer))

    def send_reply(self, reply: OutgoingReply, document: Document) -> str:
        """POST the reply with its id as the ``Idempotency-Key`` and return the new message's
        id. A 409 (already posted with this key) is success; the id is read from its body,
        and is empty when the server did not give one. The endpoint deduplicates by the key
        (docs/REPLY_ENDPOINT.md), so a resend after a crash is safe: nothing is looked for
        first (``matching_replies`` is None)."""
        if self.reply_url is None:
            raise self._error("cannot send replies: set reply_url for this source in the config")
        body = {
            "id": reply.id,
            "conversation_id": reply.conversation_id,
            "in_reply_to": reply.in_reply_to,
            "text": reply.text,
            "queued_at": iso(reply.queued_at),
        }
        try:
            answer = self._client.post(
                self.reply_url, json=body, headers={"Idempotency-Key": reply.id}
            )
        except _AlreadyPosted as conflict:
            return _posted_id(conflict.answer) or ""
        posted = _posted_id(answer)
        if posted is None:
            raise self._error(
                f"the reply endpoint answered HTTP {answer.status} without the new message's "
                '"id"; the reply may be posted: fix the endpoint (docs/REPLY_ENDPOINT.md)',
                url=self.reply_url,
            )
        return posted

    def set_hidden(self, message_id: str, hidden: bool) -> None:
        """POST ``{"message_id", "hidden"}`` to ``hide_url``; without one, this source
        cannot hide (``can_hide`` is False)."""
        if self.hide_url is None:
            super().set_hidden(message_id, hidden)
            return
        self._client.post(self.hide_url, json={"message_id": message_id, "hidden": hidden})

    def _document(self, body: bytes) -> Document:
        """The export as plain JSON values, once it is known to be a commdash/v1 object."""
        try:
            parsed = parse_json(body, self.location)
        except SourceError as error:
            raise RemoteError(self._scrub(str(error))) from None
        if not isinstance(parsed, dict):
            raise self._error(f"not a commdash/v1 export (the top level is {json_kind(parsed)})")
        declared = parsed.get("format")
        if declared != FORMAT:
            said = "missing" if declared is None else repr(one_line(sanitize(declared), 40))
            raise self._error(f'not a commdash/v1 export ("format" is {said}, expected "{FORMAT}")')
        return parsed

    def _conditional(self, cursor: Cursor) -> dict[str, str]:
        """``If-None-Match`` and ``If-Modified-Since`` from the cursor's validators (a
        damaged cursor's are left out: the pull is then unconditional)."""
        headers = {}
        for key, _, conditional in _VALIDATORS:
            value = cursor.get(key)
            if isinstance(value, str) and value and self._storable(value):
                headers[conditional] = value
        return headers

    def _cursor(self, answer: Answer) -> Cursor:
        """The validators to send next time; a header too long, odd or holding the token is
        not kept."""
        cursor: Cursor = {}
        for key, header, _ in _VALIDATORS:
            value = answer.headers.get(header)
            if value and self._storable(value):
                cursor[key] = value
        return cursor

    def _storable(self, value: str) -> bool:
        if len(value) > MAX_VALIDATOR_CHARS or not value.isascii() or not value.isprintable():
            return False
        return not (self._token and self._token in value)

    def _describe_error(self, answer: Answer) -> RemoteError:
        if answer.status == 409 and answer.url == self.reply_url:
            return _AlreadyPosted(f"{where(answer.url)}: HTTP 409, already posted", answer)
        if answer.status == 401 and not self._token:
            return RemoteError(
                f"{where(answer.url)}: HTTP 401, the server wants a token and none was given; "
                "set $COMMDASH_TOKEN, or token_env for this source in the config",
                refused=True,
                status=401,
            )
        return describe_http_error(answer)

    def _error(self, message: str, url: str | None = None) -> RemoteError:
        """A permanent error about ``url`` (the export by default), token cut out."""
        shown = self.location if url is None else where(url)
        return RemoteError(self._scrub(f"{shown}: {message}"))

    def _scrub(self, message: str) -> str:
        return message.replace(self._token, "[token]") if self._token else message


def _posted_id(answer: Answer) -> str | None:
    """The ``"id"`` of a reply endpoint's answer, if it holds a usable one."""
    try:
        parsed = orjson.loads(answer.body)
    except orjson.JSONDecodeError:
        return None
    posted: Any = parsed.get("id") if isinstance(parsed, dict) else None
    if isinstance(posted, int) and not isinstance(posted, bool):
        posted = str(posted)
    if isinstance(posted, str) and 0 < len(posted) <= MAX_ID_CHARS and posted.isprintable():
        return posted
    return None


def _count_items(document: Document) -> int:
    """Posts and comments in the document, for the progress line."""
    posts = document.get("posts")
    if not isinstance(posts, list):
        return 0
    comments = 0
    for post in posts:
        if isinstance(post, dict) and isinstance(post.get("comments"), list):
            comments += len(post["comments"])
    return len(posts) + comments
