"""A fake Mastodon server on 127.0.0.1, shaped like the recorded samples
(``shared/formats/samples/mastodon_api``): one account whose token it checks, statuses and
mention notifications in memory, the endpoints commdash uses, ``Link`` paging and the
``x-ratelimit-*`` headers.

Use it as a context manager::

    with FakeMastodon().running() as mastodon:
        post = mastodon.add_status(text="Meetup on Friday!")
        mastodon.mention("alice@example.org", "When does it start?", in_reply_to=post["id"])
        source = MastodonSource(mastodon.url, mastodon.token)

Failures are scripted on ``mastodon.server`` (``fail_next``, ``delay``), see ``base.py``.
"""

from __future__ import annotations

import bisect
import html
import itertools
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from .base import FakeServer, Request, Response, Route

TOKEN = "fake-mastodon-token-0123456789"
START = datetime(2026, 11, 20, 9, 0, tzinfo=UTC).timestamp()
"""The time of the first status the fake makes; each next one is a minute later."""
RATE_LIMIT = 300
_MENTION = re.compile(r"(?<![\w@])@(\w+(?:[.-]\w+)*(?:@\w+(?:[.-]\w+)*)?)")
VISIBILITIES = ("public", "unlisted", "private", "direct")


class FakeMastodon:
    """An instance with one signed-in account (``self.account``), other accounts made on
    demand by their acct (``user``), and statuses added by the helpers or by ``POST``."""

    def __init__(
        self,
        token: str = TOKEN,
        acct: str = "brand",
        display_name: str = "Brand Team",
    ) -> None:
        self.server = FakeServer()
        self.url = self.server.url
        self.token = token
        self._lock = threading.RLock()
        self.accounts: dict[str, dict[str, Any]] = {}
        self.account = self.user(acct, display_name)
        self.statuses: dict[str, dict[str, Any]] = {}
        self.children: dict[str, list[str]] = {}
        self.notifications: dict[int, dict[str, Any]] = {}
        self._notification_ids: list[int] = []
        self._idempotent: dict[str, str] = {}
        self.keeps_keys = True
        """False plays a Mastodon whose memory of an ``Idempotency-Key`` ran out (it keeps
        them an hour): a resend with the same key posts again."""
        self._clock = itertools.count()
        self._notification_seq = itertools.count(1)
        self.rate_remaining = RATE_LIMIT
        self.max_characters: int | None = 500
        """The longest status, as ``/api/v2/instance`` says it (None: it says nothing)."""
        self._routes()

    # -- running ------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        """What ``MastodonSource(base_url)`` takes (the ``url`` of the source's config)."""
        return self.url

    def start(self) -> FakeMastodon:
        self.server.start()
        return self

    def stop(self) -> None:
        self.server.stop()

    @contextmanager
    def running(self) -> Iterator[FakeMastodon]:
        self.start()
        try:
            yield self
        finally:
            self.stop()

    def requests(self, method: str | None = None, prefix: str = "") -> list[Request]:
        """The requests received, e.g. ``requests("GET", "/api/v1/statuses/")``."""
        return self.server.requests(method, prefix)

    # -- data ---------------------------------------------------------------------------

    def user(self, acct: str, display_name: str = "") -> dict[str, Any]:
        """The account with this acct (``name`` for a local one, ``name@host`` remote)."""
        with self._lock:
            if acct in self.accounts:
                return self.accounts[acct]
            username, _, host = acct.partition("@")
            url = f"https://{host}/@{username}" if host else f"{self.url}/@{username}"
            account = {
                "id": str(100000 + len(self.accounts)),
                "username": username,
                "acct": acct,
                "display_name": display_name,
                "locked": False,
                "bot": False,
                "url": url,
                "created_at": "2026-01-01T00:00:00.000Z",
            }
            self.accounts[acct] = account
            return account

    def add_status(
        self,
        text: str = "Hello from the brand",
        author: str | dict[str, Any] | None = None,
        in_reply_to: str | None = None,
        visibility: str = "public",
        favourites: int = 0,
        reblogs: int = 0,
        spoiler: str = "",
        content: str | None = None,
        notify: bool = True,
    ) -> dict[str, Any]:
        """A new status (by ``author``, an acct or account; by default the brand), one
        minute after the previous one. ``@acct`` in ``text`` becomes a mention (the account
        is made when unknown); a mention of the brand by someone else notifies it, unless
        ``notify`` is false. ``content`` replaces the HTML made from ``text``."""
        with self._lock:
            account = self._account_of(author)
            mentioned = [self.user(acct) for acct in dict.fromkeys(_MENTION.findall(text))]
            tick = next(self._clock)
            status_id = str((int((START + 60 * tick) * 1000) << 16) + tick % 65536)
            parent = self.statuses.get(in_reply_to) if in_reply_to else None
            status = {
                "id": status_id,
                "created_at": _iso(START + 60 * tick),
                "in_reply_to_id": in_reply_to,
                "in_reply_to_account_id": parent["account"]["id"] if parent else None,
                "sensitive": bool(spoiler),
                "spoiler_text": spoiler,
                "visibility": visibility,
                "language": "en",
                "uri": f"{self.url}/users/{account['username']}/statuses/{status_id}",
                "url": f"{self.url}/@{account['acct']}/{status_id}",
                "replies_count": 0,
                "reblogs_count": reblogs,
                "favourites_count": favourites,
                "edited_at": None,
                "content": content if content is not None else _html(text, mentioned),
                "reblog": None,
                "account": account,
                "media_attachments": [],
                "mentions": [
                    {"id": m["id"], "username": m["username"], "url": m["url"], "acct": m["acct"]}
                    for m in mentioned
                ],
                "tags": [],
                "emojis": [],
            }
            self.statuses[status_id] = status
            if in_reply_to is not None:
                self.children.setdefault(in_reply_to, []).append(status_id)
                if parent is not None:
                    parent["replies_count"] += 1
            if notify and account is not self.account and self.account in mentioned:
                self._notify(status)
            return status

    def mention(
        self, author: str, text: str = "a question", in_reply_to: str | None = None, **kw: Any
    ) -> dict[str, Any]:
        """A status by ``author`` (an acct) that mentions the brand, so notifies it."""
        return self.add_status(f"@{self.account['acct']} {text}", author, in_reply_to, **kw)

    def delete_status(self, status_id: str) -> None:
        """Delete a status: gone from threads; its notifications keep a null status, as
        mastodon.social was recorded doing."""
        with self._lock:
            status = self.statuses.pop(status_id)
            parent = status["in_reply_to_id"]
            if parent in self.children:
                self.children[parent].remove(status_id)
                if parent in self.statuses:
                    self.statuses[parent]["replies_count"] -= 1
            for notification in self.notifications.values():
                if notification["status"] is status:
                    notification["status"] = None

    def thread_with_an_unreadable_reply(self) -> tuple[dict[str, Any], dict[str, Any]]:
        """Our post, a mention answering it, and a reply to the mention served without its
        account (a status commdash cannot place); the post and that reply."""
        post = self.add_status("post")
        question = self.mention("alice", "q", in_reply_to=post["id"])
        unreadable = self.add_status("no author", author="zed", in_reply_to=question["id"])
        unreadable["account"] = None
        return post, unreadable

    def populate(self, threads: int = 50, replies: int = 4950) -> list[str]:
        """``threads`` threads and ``replies`` replies spread evenly over them, the
        threads taking turns (5,000 messages by default). Two threads in three start with
        a brand post, the others with a member's status that mentions the brand. Members'
        replies mention the brand and answer the root or an earlier reply; every fourth
        reply of a thread is the brand's, answering the member's just before. Returns the
        root ids."""
        with self._lock:
            roots = [self._populate_root(t) for t in range(max(threads, 1))]
            thread_ids = [[root["id"]] for root in roots]
            for n in range(replies):
                t, r = n % len(roots), n // len(roots)
                thread_ids[t].append(self._populate_reply(thread_ids[t], t, r)["id"])
            return [root["id"] for root in roots]

    def _populate_root(self, t: int) -> dict[str, Any]:
        if t % 3 == 2:
            return self.mention(f"starter{t}@example.org", f"thread {t}: can you help?")
        return self.add_status(f"Brand post {t}", favourites=t % 7, reblogs=t % 3)

    def _populate_reply(self, ids: list[str], t: int, r: int) -> dict[str, Any]:
        if r % 4 == 3:
            member = self.statuses[ids[-1]]["account"]["acct"]
            return self.add_status(f"@{member} thanks, noted ({t}.{r})", in_reply_to=ids[-1])
        author = f"member{(t * 31 + r) % 500}@example.org"
        return self.mention(author, f"reply {t}.{r}", in_reply_to=ids[(r * 7) % len(ids)])

    def notification_ids(self) -> list[str]:
        with self._lock:
            return [str(n) for n in self._notification_ids]

    def _account_of(self, author: str | dict[str, Any] | None) -> dict[str, Any]:
        if author is None:
            return self.account
        return author if isinstance(author, dict) else self.user(author)

    def _notify(self, status: dict[str, Any]) -> None:
        number = next(self._notification_seq)
        self.notifications[number] = {
            "id": str(number),
            "type": "mention",
            "created_at": status["created_at"],
            "group_key": f"ungrouped-{number}",
            "account": status["account"],
            "status": status,
        }
        self._notification_ids.append(number)

    # -- the API ------------------------------------------------------------------------

    def _routes(self) -> None:
        routes = {
            ("GET", "/api/v1/accounts/verify_credentials"): self._verify_credentials,
            ("GET", "/api/v1/accounts/"): self._account_statuses,
            ("GET", "/api/v1/notifications"): self._notifications,
            ("GET", "/api/v1/statuses/"): self._status_or_context,
            ("POST", "/api/v1/statuses"): self._post_status,
        }
        for (method, prefix), handler in routes.items():
            self.server.route(method, prefix, self._authorised(handler))
        self.server.route("GET", "/api/v2/instance", self._instance)  # public, as on Mastodon

    def _instance(self, request: Request) -> Response:
        statuses: dict[str, Any] = {"max_media_attachments": 4, "characters_reserved_per_url": 23}
        if self.max_characters is not None:
            statuses["max_characters"] = self.max_characters
        return Response(body={"domain": "fake.example", "configuration": {"statuses": statuses}})

    def _authorised(self, handler: Route) -> Route:
        """``handler`` behind the token check, with the rate limit headers added."""

        def answer(request: Request) -> Response:
            if request.headers.get("authorization") != f"Bearer {self.token}":
                return Response(401, {"error": "The access token is invalid"})
            with self._lock:
                response = handler(request)
                self.rate_remaining = max(0, self.rate_remaining - 1)
                response.headers.update(self._rate_headers())
            return response

        return answer

    def _rate_headers(self) -> dict[str, str]:
        return {
            "x-ratelimit-limit": str(RATE_LIMIT),
            "x-ratelimit-remaining": str(self.rate_remaining),
            "x-ratelimit-reset": "2026-11-20T10:00:00.000000Z",
        }

    def _verify_credentials(self, request: Request) -> Response:
        return Response(body={**self.account, "note": "", "followers_count": 10})

    def _account_statuses(self, request: Request) -> Response:
        parts = request.path.split("/")  # /api/v1/accounts/:id/statuses
        if len(parts) != 6 or parts[5] != "statuses":
            return Response(404, {"error": "Record not found"})
        owner = next((a for a in self.accounts.values() if a["id"] == parts[4]), None)
        if owner is None:
            return Response(404, {"error": "Record not found"})
        exclude_replies = request.param("exclude_replies") in ("true", "1")
        found = [
            s
            for s in self.statuses.values()
            if s["account"] is owner and not (exclude_replies and s["in_reply_to_id"])
        ]
        found.sort(key=lambda s: int(s["id"]), reverse=True)
        limit = _limit(request, 20, 40)
        return Response(body=found[:limit])

    def _notifications(self, request: Request) -> Response:
        types = request.query.get("types[]")
        limit = _limit(request, 40, 80)
        ids = self._notification_ids
        low = bisect.bisect_right(ids, _int(request.param("min_id") or request.param("since_id")))
        high = bisect.bisect_left(ids, _int(request.param("max_id"), 1 << 62))
        chosen: list[int] = []
        # min_id: the oldest ones just above it; otherwise the newest ones below max_id.
        ascending = request.param("min_id") is not None
        span = range(low, high) if ascending else range(high - 1, low - 1, -1)
        for index in span:
            notification = self.notifications[ids[index]]
            if types is None or notification["type"] in types:
                chosen.append(ids[index])
                if len(chosen) >= limit:
                    break
        chosen.sort(reverse=True)
        page = [self.notifications[n] for n in chosen]
        headers = {"Link": self._links(request, chosen)} if chosen else {}
        return Response(body=page, headers=headers)

    def _links(self, request: Request, chosen: list[int]) -> str:
        kept = [(k, v) for k, values in request.query.items() for v in values]
        kept = [(k, v) for k, v in kept if k not in ("max_id", "min_id", "since_id")]
        base = f"{self.url}/api/v1/notifications?"
        after = urlencode([("max_id", str(chosen[-1])), *kept])
        before = urlencode([("min_id", str(chosen[0])), *kept])
        return f'<{base}{after}>; rel="next", <{base}{before}>; rel="prev"'

    def _status_or_context(self, request: Request) -> Response:
        parts = request.path.split("/")  # /api/v1/statuses/:id[/context]
        status = self.statuses.get(parts[4]) if len(parts) > 4 else None
        if status is None or len(parts) > 6 or (len(parts) == 6 and parts[5] != "context"):
            return Response(404, {"error": "Record not found"})
        if len(parts) == 5:
            return Response(body=status)
        return Response(
            body={"ancestors": self._ancestors(status), "descendants": self._descendants(status)}
        )

    def _ancestors(self, status: dict[str, Any]) -> list[dict[str, Any]]:
        chain = []
        parent = self.statuses.get(status["in_reply_to_id"] or "")
        while parent is not None:
            chain.append(parent)
            parent = self.statuses.get(parent["in_reply_to_id"] or "")
        return chain[::-1]

    def _descendants(self, status: dict[str, Any]) -> list[dict[str, Any]]:
        """Depth first, oldest sibling first, as Mastodon orders them."""
        found = []
        stack = list(reversed(self.children.get(status["id"], [])))
        while stack:
            child = self.statuses.get(stack.pop())
            if child is not None:
                found.append(child)
                stack.extend(reversed(self.children.get(child["id"], [])))
        return found

    def _post_status(self, request: Request) -> Response:
        key = request.headers.get("idempotency-key")
        if key is not None and key in self._idempotent and self.keeps_keys:
            return Response(body=self.statuses[self._idempotent[key]])
        text = request.param("status") or ""
        in_reply_to = request.param("in_reply_to_id") or None
        if in_reply_to is not None and in_reply_to not in self.statuses:
            return Response(404, {"error": "Record not found"})
        visibility = request.param("visibility") or "public"
        if visibility not in VISIBILITIES:
            return Response(422, {"error": "Validation failed: Visibility is invalid"})
        status = self.add_status(
            text,
            in_reply_to=in_reply_to,
            visibility=visibility,
            spoiler=request.param("spoiler_text") or "",
        )
        if key is not None:
            self._idempotent[key] = status["id"]
        return Response(body=status)


def _html(text: str, mentioned: list[dict[str, Any]]) -> str:
    """Text as Mastodon renders it: paragraphs, ``<br>``, mentions as h-card links."""
    by_acct = {m["acct"]: m for m in mentioned}

    def mention(match: re.Match[str]) -> str:
        account = by_acct.get(match.group(1))
        if account is None:
            return match.group(0)
        return (
            f'<span class="h-card" translate="no"><a href="{html.escape(account["url"])}" '
            f'class="u-url mention">@<span>{html.escape(account["username"])}</span></a></span>'
        )

    paragraphs = []
    for paragraph in re.split(r"\n{2,}", text.strip()):
        escaped = html.escape(paragraph, quote=False)
        escaped = _MENTION.sub(mention, escaped)
        paragraphs.append("<p>" + escaped.replace("\n", "<br>") + "</p>")
    return "".join(paragraphs)


def _iso(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def _int(value: str | None, default: int = 0) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


def _limit(request: Request, default: int, most: int) -> int:
    return max(1, min(most, _int(request.param("limit"), default)))
