"""A fake Facebook Graph API (Pages) on 127.0.0.1, shaped like the recorded samples in
``shared/formats/samples/facebook_graph``.

It holds one page, its posts and their comments in memory and serves what
:class:`commdash.sources.graph.GraphSource` asks for: the page, its feed (time paging with
an opaque ``__paging_token``, ``since``/``until``), its scheduled posts, the comments of a
post or of a comment (``filter=stream`` for all of them, cursor paging with opaque base64
cursors), creating a comment and hiding one. Paging links carry ``access_token=<token>`` in
their query like the real API's. Every request must carry the token (``Authorization:
Bearer`` or ``access_token``); a wrong one is answered with Graph error 190.

The feed answers ``If-None-Match`` with 304 when its ETag still matches. Scripted failures
and hostile answers go through ``server.fail_next`` (see :func:`graph_error`). With
``withhold_ids``, comments come as Graph gives them to a token that cannot moderate the Page.

:class:`RecordedGraph` serves the recorded answers themselves (``tests/data/facebook_graph``).
"""

from __future__ import annotations

import base64
import bisect
import hashlib
import itertools
import random
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import orjson

from .base import FakeServer, Request, Response

MEMBER = ("2711636948859886", "Kun Liu")
"""The author of a comment when none is given (a user from the samples)."""


def graph_time(seconds: float) -> str:
    """Unix seconds as Graph writes times: ``2021-08-10T18:45:03+0000``."""
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%S+0000")


def graph_error(
    code: int,
    message: str = "An error occurred",
    status: int = 400,
    subcode: int | None = None,
    headers: dict[str, str] | None = None,
    kind: str = "OAuthException",
) -> Response:
    """A Graph error answer: ``{"error": {"message", "type", "code", ...}}``."""
    error: dict[str, Any] = {
        "message": message,
        "type": kind,
        "code": code,
        "fbtrace_id": "AQt_hJ68vFybS4TnupatNtX",
    }
    if subcode is not None:
        error["error_subcode"] = subcode
    return Response(status, {"error": error}, headers or {})


@dataclass
class FakeComment:
    id: str
    post_id: str
    message: str
    author: tuple[str, str] | None
    """``(id, name)``; None: Graph leaves ``from`` out (the user did not allow the app)."""
    created: float
    parent: str | None = None
    likes: int = 0
    hidden: bool = False

    def as_graph(self, post: FakePost, replies: int) -> dict[str, Any]:
        number = self.id.partition("_")[2]
        # As recorded: a reply's link names its top comment, then the reply itself.
        link = f"{post.permalink}?comment_id={number}"
        if self.parent is not None:
            link = f"{post.permalink}?comment_id={self.parent.partition('_')[2]}"
            link += f"&reply_comment_id={number}"
        item: dict[str, Any] = {
            "id": self.id,
            "message": self.message,
            "created_time": graph_time(self.created),
            "like_count": self.likes,
            "comment_count": replies,
            "is_hidden": self.hidden,
            "can_reply_privately": False,
            "permalink_url": link,
        }
        if self.author is not None:
            item["from"] = {"id": self.author[0], "name": self.author[1]}
        if self.parent is not None:
            item["parent"] = {"id": self.parent}
        return item


@dataclass
class FakePost:
    id: str
    message: str
    created: float
    author: tuple[str, str]
    shares: int = 0
    reactions: dict[str, int] = field(default_factory=dict)
    scheduled_at: float | None = None
    edited: float | None = None
    comments: list[FakeComment] = field(default_factory=list)

    @property
    def permalink(self) -> str:
        page, _, number = self.id.partition("_")
        return f"https://www.facebook.com/{page}/posts/{number}/"

    def updated(self) -> float:
        """Graph's ``updated_time``: the post's last edit or comment."""
        times = [self.created, self.edited or 0.0, *(c.created for c in self.comments)]
        return max(times)

    def as_graph(self) -> dict[str, Any]:
        item: dict[str, Any] = {
            "id": self.id,
            "message": self.message,
            "created_time": graph_time(self.created),
            "updated_time": graph_time(self.updated()),
            "permalink_url": self.permalink,
            "from": {"id": self.author[0], "name": self.author[1]},
            "status_type": "mobile_status_update",
            "is_published": True,
            "reactions": _summary(sum(self.reactions.values())),
            "comments": _summary(len(self.comments)),
        }
        for kind in ("like", "love", "care", "haha", "wow", "sad", "angry"):
            item[kind] = _summary(self.reactions.get(kind, 0))
        if self.shares:
            item["shares"] = {"count": self.shares}
        return item

    def as_scheduled(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "message": self.message,
            "created_time": graph_time(self.created),
            "scheduled_publish_time": int(self.scheduled_at or 0),
            "permalink_url": self.permalink,
        }


def _summary(total: int) -> dict[str, Any]:
    return {"data": [], "summary": {"total_count": total}}


def _cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(f"offset:{offset}".encode()).decode()


def _offset(cursor: str | None) -> int:
    if not cursor:
        return 0
    try:
        return int(base64.urlsafe_b64decode(cursor.encode()).decode().partition(":")[2])
    except (ValueError, UnicodeDecodeError):
        return 0


class FakeGraph:
    """The page ``page_id`` and everything on it. ``feed_page_size`` and
    ``comments_page_size`` cap the items per answer, so tests can force many pages."""

    def __init__(
        self,
        page_id: str = "245628824887810",
        page_name: str = "ANS Community Team",
        token: str = "EAAGm0PX4ZCpsBAFAKEpagetoken1234567890",
        feed_page_size: int = 100,
        comments_page_size: int = 100,
        version: str = "v19.0",
    ) -> None:
        self.page_id = page_id
        self.username = "ans.community"
        """Another name of the page in a request path (Graph answers with the number)."""
        self.page_name = page_name
        self.token = token
        self.feed_page_size = feed_page_size
        self.comments_page_size = comments_page_size
        self.version = version
        self.posts: dict[str, FakePost] = {}
        self.comments: dict[str, FakeComment] = {}
        self.withhold_ids = False
        """Answer comments without ``id``, ``from`` and ``parent``, as Graph (v11 on) does
        for a token that cannot moderate the Page."""
        self._ids = itertools.count(10158407654328553)
        self._lock = threading.RLock()
        self.server = FakeServer()
        self.server.route("GET", f"/{version}/", self._get)
        self.server.route("POST", f"/{version}/", self._post)

    # -- running ---------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        """What ``GraphSource(base_url=...)`` takes: the server and the API version."""
        return f"{self.server.url}/{self.version}"

    @property
    def url(self) -> str:
        """The same as :attr:`base_url` (the ``url`` of a facebook source in the config)."""
        return self.base_url

    def start(self) -> FakeGraph:
        self.server.start()
        return self

    def stop(self) -> None:
        self.server.stop()

    @contextmanager
    def running(self) -> Iterator[FakeGraph]:
        self.start()
        try:
            yield self
        finally:
            self.stop()

    def path(self, *parts: str) -> str:
        """A request path as the server sees it, for ``fail_next`` and ``requests``."""
        return "/".join(["", self.version, *parts])

    def requests(self, method: str | None = None, *parts: str) -> list[Request]:
        return self.server.requests(method, self.path(*parts) if parts else "")

    # -- data ------------------------------------------------------------------------------

    def _new_id(self, owner: str) -> str:
        return f"{owner}_{next(self._ids)}"

    def add_post(
        self,
        message: str = "Our community meetup is on Friday. Questions welcome!",
        created: float | None = None,
        *,
        author: tuple[str, str] | None = None,
        shares: int = 0,
        reactions: dict[str, int] | None = None,
        scheduled_at: float | None = None,
    ) -> str:
        """A post (a scheduled one with ``scheduled_at``); its id."""
        with self._lock:
            post_id = self._new_id(self.page_id)
            self.posts[post_id] = FakePost(
                post_id,
                message,
                time.time() - 3600 if created is None else created,
                author or (self.page_id, self.page_name),
                shares,
                dict(reactions or {}),
                scheduled_at,
            )
            return post_id

    def add_comment(
        self,
        post_id: str,
        message: str = "Is it online too?",
        *,
        author: tuple[str, str] | None = MEMBER,
        parent: str | None = None,
        created: float | None = None,
        likes: int = 0,
        hidden: bool = False,
    ) -> str:
        """A comment on ``post_id`` (a reply to ``parent``); its id. ``author=None`` leaves
        ``from`` out; ``by_page`` authors are ``(graph.page_id, graph.page_name)``."""
        with self._lock:
            post = self.posts[post_id]
            comment_id = self._new_id(post_id.partition("_")[2])
            if created is None:
                created = max([time.time() - 60, *(c.created + 1 for c in post.comments)])
            comment = FakeComment(
                comment_id, post_id, message, author, created, parent, likes, hidden
            )
            bisect.insort(post.comments, comment, key=lambda c: c.created)  # oldest first
            self.comments[comment_id] = comment
            return comment_id

    @property
    def by_page(self) -> tuple[str, str]:
        return (self.page_id, self.page_name)

    def populate(self, posts: int, comments: int, seed: int = 1, now: float | None = None) -> None:
        """``posts`` posts over the last 20 days at most, and ``comments`` comments spread
        evenly over them: a third are replies, one in ten is by the page, one in fifty is
        hidden. The same for the same seed."""
        rng = random.Random(seed)
        now = time.time() if now is None else now
        spacing = min(3 * 3600.0, 20 * 86400.0 / max(posts, 1))
        with self._lock:
            post_ids = [
                self.add_post(
                    f"Post {n}: news and questions welcome",
                    now - (n + 1) * spacing,
                    shares=rng.randrange(20),
                    reactions={"like": rng.randrange(200), "love": rng.randrange(20)},
                )
                for n in range(posts)
            ]
            roots: dict[str, list[str]] = {post_id: [] for post_id in post_ids}
            for n in range(comments):
                post_id = post_ids[n % posts]
                parent = None
                if roots[post_id] and rng.random() < 0.33:
                    parent = rng.choice(roots[post_id])
                member = f"u{rng.randrange(5000)}"
                author = self.by_page if rng.random() < 0.1 else (member, f"Member {member}")
                comment_id = self.add_comment(
                    post_id,
                    f"Comment {n} with a question?",
                    author=author,
                    parent=parent,
                    created=min(self.posts[post_id].created + 60 + n, now - 1),
                    likes=rng.randrange(5),
                    hidden=rng.random() < 0.02,
                )
                if parent is None:
                    roots[post_id].append(comment_id)

    # -- serving ---------------------------------------------------------------------------

    def _authorized(self, request: Request) -> bool:
        header = request.headers.get("authorization", "")
        if header:
            return header == f"Bearer {self.token}"
        return request.query.get("access_token", [""])[-1] == self.token

    def _get(self, request: Request) -> Response:
        if not self._authorized(request):
            return _bad_token()
        parts = request.path.split("/")[2:]
        if parts and parts[0] == self.username:
            parts[0] = self.page_id
        with self._lock:
            if len(parts) == 1 and parts[0] == self.page_id:
                return Response(200, {"id": self.page_id, "name": self.page_name})
            if parts == [self.page_id, "feed"]:
                return self._feed(request)
            if parts == [self.page_id, "scheduled_posts"]:
                return self._scheduled(request)
            if len(parts) == 2 and parts[1] == "comments":
                return self._comments(request, parts[0])
            if len(parts) == 1 and parts[0] in self.comments:
                comment = self.comments[parts[0]]
                return Response(200, comment.as_graph(self.posts[comment.post_id], 0))
        return _missing(parts[0] if parts else "")

    def _page_link(self, request: Request, **changes: str) -> str:
        query = {k: v[-1] for k, v in request.query.items() if k != "access_token"}
        query.update(changes)
        query = {"access_token": self.token, **query}
        return f"{self.server.url}{request.path}?{urlencode(query)}"

    def _limit(self, request: Request, cap: int) -> int:
        try:
            asked = int(request.param("limit") or cap)
        except ValueError:
            asked = cap
        return max(1, min(asked, cap))

    def _feed(self, request: Request) -> Response:
        since = float(request.param("since") or 0)
        token = request.param("__paging_token")
        # The paging token holds the place; ``until`` in the link is only for show.
        until = float("inf") if token else float(request.param("until") or "inf")
        posts = sorted(
            (
                p
                for p in self.posts.values()
                if p.scheduled_at is None and since <= p.created < until
            ),
            key=lambda p: -p.created,
        )
        start = _offset(token)
        size = self._limit(request, self.feed_page_size)
        shown = posts[start : start + size]
        body: dict[str, Any] = {"data": [p.as_graph() for p in shown]}
        if start + size < len(posts):
            body["paging"] = {
                "previous": self._page_link(request, since=str(int(shown[0].created))),
                "next": self._page_link(
                    request,
                    # A dict: a ``__name`` keyword would be mangled inside the class.
                    **{
                        "until": str(int(shown[-1].created)),
                        "__paging_token": _cursor(start + size),
                    },
                ),
            }
        encoded = orjson.dumps(body)
        etag = '"' + hashlib.sha1(encoded).hexdigest() + '"'
        if request.headers.get("if-none-match") == etag:
            return Response(304, b"", {"ETag": etag})
        return Response(200, encoded, {"ETag": etag})

    def _scheduled(self, request: Request) -> Response:
        posts = [p for p in self.posts.values() if p.scheduled_at is not None]
        items = [p.as_scheduled() for p in sorted(posts, key=lambda p: p.scheduled_at or 0)]
        return self._cursor_paged(request, items, self.feed_page_size)

    def _comments(self, request: Request, owner: str) -> Response:
        stream = request.param("filter") == "stream"
        if owner in self.posts:
            post = self.posts[owner]
            chosen = [c for c in post.comments if stream or c.parent is None]
        elif owner in self.comments:
            post = self.posts[self.comments[owner].post_id]
            chosen = [c for c in post.comments if c.parent == owner]
        else:
            return _missing(owner)
        replies: dict[str, int] = {}
        for comment in post.comments:
            if comment.parent is not None:
                replies[comment.parent] = replies.get(comment.parent, 0) + 1
        start = _offset(request.param("after"))
        size = self._limit(request, self.comments_page_size)
        items = [c.as_graph(post, replies.get(c.id, 0)) for c in chosen[start : start + size]]
        if self.withhold_ids:
            withheld = ("id", "from", "parent")
            items = [{k: v for k, v in i.items() if k not in withheld} for i in items]
        summary = None
        if request.param("summary") in ("true", "1"):
            order = "chronological" if stream else "toplevel"
            summary = {"order": order, "total_count": len(chosen), "can_comment": True}
        return self._cursor_paged(request, items, size, start, len(chosen), summary)

    def _cursor_paged(
        self,
        request: Request,
        items: list[dict[str, Any]],
        size: int,
        start: int | None = None,
        total: int | None = None,
        summary: dict[str, Any] | None = None,
    ) -> Response:
        """A cursor-paged answer. Without ``start``, ``items`` is the whole list to page."""
        if start is None:
            start = _offset(request.param("after"))
            size = self._limit(request, size)
            total = len(items)
            items = items[start : start + size]
        body: dict[str, Any] = {"data": items}
        if items or start:
            body["paging"] = {"cursors": {"before": _cursor(start), "after": _cursor(start + size)}}
            if start + size < (total or 0):
                body["paging"]["next"] = self._page_link(request, after=_cursor(start + size))
        if summary is not None:
            body["summary"] = summary
        return Response(200, body)

    def _post(self, request: Request) -> Response:
        if not self._authorized(request):
            return _bad_token()
        parts = request.path.split("/")[2:]
        with self._lock:
            if len(parts) == 2 and parts[1] == "comments":
                return self._create_comment(request, parts[0])
            if len(parts) == 1 and parts[0] in self.comments:
                return self._hide(request, self.comments[parts[0]])
        return _missing(parts[0] if parts else "")

    def _create_comment(self, request: Request, target: str) -> Response:
        message = request.param("message") or ""
        if not message.strip():
            return graph_error(
                100, "(#100) Missing message or attachment", kind="GraphMethodException"
            )
        if target in self.posts:
            post_id, parent = target, None
        elif target in self.comments:
            comment = self.comments[target]
            post_id, parent = comment.post_id, comment.parent or comment.id
        else:
            return _missing(target)
        new_id = self.add_comment(post_id, message, author=self.by_page, parent=parent)
        return Response(200, {"id": new_id})

    def _hide(self, request: Request, comment: FakeComment) -> Response:
        value = request.param("is_hidden")
        if value not in ("true", "false"):
            return graph_error(100, "(#100) Param is_hidden must be a boolean")
        comment.hidden = value == "true"
        return Response(200, {"success": True})


def _bad_token() -> Response:
    return graph_error(190, "Invalid OAuth access token - Cannot parse access token", status=400)


def _missing(object_id: str) -> Response:
    return graph_error(
        100,
        f"Unsupported get request. Object with ID '{object_id}' does not exist, cannot be "
        "loaded due to missing permissions, or does not support this operation.",
        subcode=33,
        kind="GraphMethodException",
    )


RECORDED = Path(__file__).resolve().parent.parent / "data" / "facebook_graph"


class RecordedGraph:
    """The recorded Graph answers of ``tests/data/facebook_graph`` served on 127.0.0.1, as
    the API version ``v11.0`` they were recorded with.

    The page is Facebook for Developers (``19292868552``) and its feed holds the one post the
    recorded comment pages belong to: page and feed were not recorded, so those two answers
    are made here. The comment pages (page 2 follows the ``paging.next`` link of page 1) and
    the scheduled posts' refusal (HTTP 400, Graph error 100) are the recorded bytes, with one
    change: the host of the paging link is this server's, as a real API names its own.
    """

    page_id = "19292868552"
    page_name = "Facebook for Developers"
    post_id = "19292868552_10158407654328553"
    version = "v11.0"

    def __init__(self, token: str = "EAAGm0PX4ZCpsBArecordedtoken0987654321") -> None:
        self.token = token
        self.server = FakeServer()
        self.server.route("GET", f"/{self.version}/", self._get)

    @property
    def base_url(self) -> str:
        return f"{self.server.url}/{self.version}"

    @contextmanager
    def running(self) -> Iterator[RecordedGraph]:
        self.server.start()
        try:
            yield self
        finally:
            self.server.stop()

    def recorded(self, name: str) -> bytes:
        data = (RECORDED / name).read_bytes()
        return data.replace(b"https://graph.facebook.com", self.server.url.encode())

    def _get(self, request: Request) -> Response:
        if request.headers.get("authorization") != f"Bearer {self.token}":
            return _bad_token()
        path = request.path.removeprefix(f"/{self.version}/")
        if path == self.page_id:
            return Response(200, {"id": self.page_id, "name": self.page_name})
        if path == f"{self.page_id}/feed":
            return Response(200, {"data": [self._post()]})
        if path == f"{self.page_id}/scheduled_posts":
            return Response(400, self.recorded("error_data_100.json"))
        if path == f"{self.post_id}/comments":
            page = "p2" if request.param("after") == "after" else "p1"
            return Response(200, self.recorded(f"apidata_comments_comments_{page}.json"))
        return _missing(path)

    def _post(self) -> dict[str, Any]:
        """The post as the feed would give it: its comment total is the recorded summary's."""
        number = self.post_id.partition("_")[2]
        return {
            "id": self.post_id,
            "message": "Ask us anything about the new Page experience",
            "created_time": "2021-08-10T17:00:00+0000",
            "updated_time": "2021-08-14T07:24:42+0000",
            "permalink_url": f"https://www.facebook.com/{self.page_id}/posts/{number}/",
            "from": {"id": self.page_id, "name": self.page_name},
            "comments": _summary(18),
        }
