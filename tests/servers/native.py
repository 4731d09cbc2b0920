"""A team's own commdash/v1 service on 127.0.0.1: the export with ``ETag`` and
``Last-Modified`` (304 to a matching conditional GET), the reply endpoint of
``docs/REPLY_ENDPOINT.md`` (deduplicated by ``Idempotency-Key``), an optional hide endpoint,
and a bearer-token check.
"""

from __future__ import annotations

import copy
import hashlib
import threading
import time
from email.utils import formatdate, parsedate_to_datetime
from typing import Any

import orjson

from .base import FakeServer, Request, Response

EXPORT_PATH = "/export.json"
REPLY_PATH = "/replies"
HIDE_PATH = "/hide"
ACCOUNT = {"id": "page-team", "name": "Team"}
START = 1_795_000_000  # 2026-11-18, a fixed moment for made-up documents


def make_document(posts: int, comments: int, account: dict[str, str] = ACCOUNT) -> dict[str, Any]:
    """A commdash/v1 document with ``posts`` posts and ``comments`` comments in all, spread
    evenly over the posts: every third comment answers the one before it, every fifth is
    ours."""
    made: list[dict[str, Any]] = []
    for p in range(posts):
        share = comments // posts + (1 if p < comments % posts else 0)
        made.append(_post(p, share, account))
    return {
        "format": "commdash/v1",
        "source": {"name": "Fake team", "platform": "generic", "account": dict(account)},
        "exported_at": _iso(START + 86_400),
        "posts": made,
    }


def _post(index: int, comments: int, account: dict[str, str]) -> dict[str, Any]:
    pid = f"p{index}"
    thread = []
    for c in range(comments):
        ours = c % 5 == 4
        thread.append(
            {
                "id": f"{pid}-c{c}",
                "parent_id": f"{pid}-c{c - 1}" if c % 3 == 2 else None,
                "author": dict(account) if ours else {"id": f"u{c % 50}", "name": f"Member {c}"},
                "created_at": _iso(START + index * 600 + c * 30),
                "text": f"Comment {c} on post {index}",
                "likes": c % 4,
                "hidden": False,
            }
        )
    return {
        "id": pid,
        "channel": "Fake channel",
        "author": dict(account),
        "created_at": _iso(START + index * 600),
        "text": f"Post {index}",
        "metrics": {"reactions": {"like": index % 7}, "shares": index % 3, "reach": 100 + index},
        "comments": thread,
    }


def _iso(seconds: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(seconds))


class FakeNative:
    """The fake service. ``document`` is what the export serves (``set_document`` or
    ``set_body`` change it); ``send_etag`` / ``send_last_modified`` turn the validators off
    to play a simpler server; ``hide_enabled`` removes the hide endpoint."""

    def __init__(
        self,
        document: dict[str, Any] | None = None,
        token: str | None = "fake-token",
        account: dict[str, str] = ACCOUNT,
    ) -> None:
        self.server = FakeServer()
        self.token = token
        self.account = dict(account)
        self.send_etag = True
        self.send_last_modified = True
        self.hide_enabled = True
        self.conflict_on_repeat = False
        """Answer a repeated ``Idempotency-Key`` with 409 (and the id) instead of 200."""
        self.posted: dict[str, str] = {}
        """Idempotency key → id of the message it became."""
        self._lock = threading.RLock()
        self._modified = float(START)
        self.document: dict[str, Any] | None = None
        self.body = b""
        self.etag = ""
        self.last_modified = ""
        self.set_document(document if document is not None else make_document(2, 4, account))
        self.server.route("GET", EXPORT_PATH, self._export)
        self.server.route("POST", REPLY_PATH, self._reply)
        self.server.route("POST", HIDE_PATH, self._hide)

    @property
    def url(self) -> str:
        return self.server.url + EXPORT_PATH

    @property
    def reply_url(self) -> str:
        return self.server.url + REPLY_PATH

    @property
    def hide_url(self) -> str:
        return self.server.url + HIDE_PATH

    def start(self) -> FakeNative:
        self.server.start()
        return self

    def stop(self) -> None:
        self.server.stop()

    def __enter__(self) -> FakeNative:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def set_document(self, document: dict[str, Any]) -> None:
        """Serve ``document`` from now on (a new ETag; Last-Modified a second later at least)."""
        with self._lock:
            self.document = document
            self._publish(orjson.dumps(document))

    def set_body(self, body: bytes) -> None:
        """Serve ``body`` as it is (not JSON, or JSON of any shape)."""
        with self._lock:
            self.document = None
            self._publish(body)

    def populate(self, posts: int, comments: int) -> dict[str, Any]:
        """Serve a made-up document of ``posts`` posts and ``comments`` comments in all."""
        document = make_document(posts, comments, self.account)
        self.set_document(document)
        return document

    def comment(self, message_id: str) -> dict[str, Any] | None:
        """The comment with this id in the served document."""
        with self._lock:
            found = self._find(message_id)
            return copy.deepcopy(found[1]) if found else None

    def _publish(self, body: bytes) -> None:
        self.body = body
        self.etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
        self._modified = max(time.time(), self._modified + 1.0)
        self.last_modified = formatdate(int(self._modified), usegmt=True)

    def _refused(self, request: Request) -> Response | None:
        if self.token is None:
            return None
        if request.headers.get("authorization") == f"Bearer {self.token}":
            return None
        return Response(401, {"error": "invalid or missing token"}, {"WWW-Authenticate": "Bearer"})

    def _export(self, request: Request) -> Response:
        refused = self._refused(request)
        if refused is not None:
            return refused
        with self._lock:
            headers = {}
            if self.send_etag:
                headers["ETag"] = self.etag
            if self.send_last_modified:
                headers["Last-Modified"] = self.last_modified
            if self._not_modified(request.headers):
                return Response(304, None, headers)
            return Response(200, self.body, headers)

    def _not_modified(self, headers: dict[str, str]) -> bool:
        """RFC 9110: If-None-Match decides when present, else If-Modified-Since."""
        match = headers.get("if-none-match")
        if match is not None:
            if not self.send_etag:
                return False
            tags = [tag.strip().removeprefix("W/") for tag in match.split(",")]
            return "*" in tags or self.etag in tags
        since = headers.get("if-modified-since")
        if since is None or not self.send_last_modified:
            return False
        try:
            return parsedate_to_datetime(since).timestamp() >= int(self._modified)
        except (TypeError, ValueError):
            return False

    def _reply(self, request: Request) -> Response:
        refused = self._refused(request)
        if refused is not None:
            return refused
        key = request.headers.get("idempotency-key")
        if not key:
            return Response(400, {"error": "the Idempotency-Key header is missing"})
        with self._lock:
            if key in self.posted:
                status = 409 if self.conflict_on_repeat else 200
                return Response(status, {"id": self.posted[key]})
            return self._post_reply(key, request)

    def _post_reply(self, key: str, request: Request) -> Response:
        try:
            body = request.json()
        except orjson.JSONDecodeError:
            return Response(400, {"error": "the body is not JSON"})
        fields = ("id", "conversation_id", "in_reply_to", "text", "queued_at")
        if not isinstance(body, dict) or any(not isinstance(body.get(f), str) for f in fields):
            return Response(400, {"error": f"the body must hold the strings {', '.join(fields)}"})
        if not body["text"].strip():
            return Response(422, {"error": "the reply is empty"})
        found = self._find(body["in_reply_to"])
        if found is None or self.document is None:
            return Response(422, {"error": "in_reply_to: no such message"})
        new_id = f"r{len(self.posted) + 1}"
        found[0]["comments"].append(
            {
                "id": new_id,
                "parent_id": body["in_reply_to"],
                "author": dict(self.account),
                "created_at": _iso(time.time()),
                "text": body["text"],
                "likes": 0,
                "hidden": False,
            }
        )
        self.posted[key] = new_id
        self.set_document(self.document)
        return Response(201, {"id": new_id})

    def _hide(self, request: Request) -> Response:
        if not self.hide_enabled:
            return Response(404, {"error": "no hide endpoint here"})
        refused = self._refused(request)
        if refused is not None:
            return refused
        body = request.json()
        with self._lock:
            found = self._find(str(body.get("message_id")))
            if found is None or self.document is None:
                return Response(404, {"error": "no such message"})
            found[1]["hidden"] = bool(body.get("hidden"))
            self.set_document(self.document)
        return Response(204)

    def _find(self, message_id: str) -> tuple[dict[str, Any], dict[str, Any]] | None:
        """The post and the comment with this id, in the served document."""
        posts = (self.document or {}).get("posts") or []
        for post in posts:
            for comment in post.get("comments") or []:
                if comment.get("id") == message_id:
                    return post, comment
        return None
