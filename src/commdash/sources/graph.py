"""The Facebook Graph API (Pages) as a live source.

A pull reads the page's feed (posts of the last ``days``), its scheduled posts and every
comment of every post (``filter=stream``: replies included, threads given by ``parent``),
and maps them into a commdash/v1 document (FORMATS.md §1) for the native reader.

Incremental: the cursor keeps, per post, the comment total and ``updated_time`` the feed
gave; on the next pull only posts that are new or whose total or time changed have their
comments fetched again, the others keep the previous document's. A poll where nothing
changed costs **2 requests**: the feed's first page (sent with ``If-None-Match`` when the
feed fitted in one page, so Graph may answer 304 with no body) and the scheduled posts.
Add one request per further feed page when the page has more than 100 posts within
``days``, and one a day to refresh the page's name.

Graph lists page through ``paging.next`` links that carry the token in their query: they
are followed as given (to the base URL's host only), and no message, warning, document or
cursor ever holds the token or a query string.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

import orjson

from commdash.errors import SourceError
from commdash.replying import FACEBOOK_COMMENT_LIMIT
from commdash.sources.http import (
    Answer,
    HttpClient,
    RemoteError,
    check_url,
    describe_http_error,
    retry_after,
    where,
)
from commdash.sources.live import (
    Cursor,
    Document,
    HttpLiveSource,
    OutgoingReply,
    ProgressFn,
    Pulled,
)
from commdash.sources.pull import Bookkeeping, pulling
from commdash.text import one_line
from commdash.timeutil import iso, parse_timestamp

DEFAULT_BASE_URL = "https://graph.facebook.com/v19.0"
FORMAT = "commdash/v1"
PAGE_SIZE = 100
"""Items asked for per response (Graph's usual maximum for these edges)."""
MAX_PAGES = 10_000
"""Responses one pull may read at most: a server whose paging never ends cannot hang us."""
RATE_LIMIT_CODES = frozenset({4, 17, 32, 613, 80001, 80002, 80003, 80004, 80005, 80006})
TOKEN_CODES = frozenset({102, 190, 463, 467})
"""Graph error codes of a token that is invalid or expired."""
USAGE_HEADERS = ("x-business-use-case-usage", "x-app-usage", "x-page-usage")
"""Headers in which Graph says how much of a rate limit is used, and when it is regained."""
RATE_LIMIT_WAIT = 60.0
"""Seconds to wait after a rate limit when the usage headers do not say."""
PAGE_INFO_TTL = 24 * 3600.0
"""How long the page's name is trusted before it is asked for again."""
SCHEDULED_RETRY = 3600.0
"""After the scheduled posts were refused (usually a missing permission), how long they are
not asked for, so that every poll does not cost a failed request and a warning."""
ANONYMOUS_NAME = "Facebook user"
"""Shown for a comment without ``from``: Graph leaves it out for people who did not allow
the app to see them (and for everyone, to a token that cannot moderate the Page)."""

WITHHELD_IDS = "withheld-ids"
SCHEDULED_REFUSED = "scheduled-refused"
CAUSES = {
    WITHHELD_IDS: (
        "Comments came without ids: the token cannot moderate the Page; "
        "use a Page access token with pages_manage_engagement"
    ),
    SCHEDULED_REFUSED: (
        "Scheduled posts are not shown: the token may not read them; "
        "use a Page access token with pages_manage_posts"
    ),
}
"""Causes of warnings that commdash recognises, with what to do: each is said once per
pull, however many items it explains (short enough for a notice's line)."""

REACTIONS = ("like", "love", "care", "haha", "wow", "sad", "angry")
FEED_FIELDS = ",".join(
    [
        "id",
        "message",
        "story",
        "created_time",
        "updated_time",
        "permalink_url",
        "from{id,name}",
        "shares",
        "status_type",
        "is_published",
        "reactions.summary(total_count).limit(0)",
        "comments.filter(stream).summary(total_count).limit(0)",
        *(f"reactions.type({r.upper()}).summary(total_count).limit(0).as({r})" for r in REACTIONS),
    ]
)
SCHEDULED_FIELDS = "id,message,created_time,scheduled_publish_time,permalink_url"
COMMENT_FIELDS = (
    "id,message,from{id,name},created_time,parent{id},like_count,is_hidden,permalink_url"
)
FIND_FIELDS = "id,message,from{id}"

PERMISSION_CODES = frozenset({10, *range(200, 300)})
_GRAPH_ID = re.compile(r"[A-Za-z0-9_:-][A-Za-z0-9_.:-]{0,199}")
"""An id that may go into a URL path as it is (Graph ids are digits and underscores; page
ids may be user names). Anything else from a response is never put into a URL."""


class GraphError(RemoteError):
    """A :class:`RemoteError` from a Graph error body; ``code`` tells what kind."""

    def __init__(
        self,
        message: str,
        code: int | None,
        transient: bool = False,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message, transient, retry_after)
        self.code = code


def describe_graph_error(answer: Answer, secret: str | None = None) -> RemoteError:
    """The one-line error for a failed Graph request, by the error's ``code``; the plain
    HTTP reading when the body is not a Graph error. ``secret`` (the token) is cut out of
    Graph's message before it is shortened, so that not even a piece of it is shown."""
    error = _graph_error(answer.body)
    if error is None:
        plain = describe_http_error(answer)
        if plain.transient:
            plain.retry_after = graph_retry_after(answer.headers)
        return plain
    shown = where(answer.url)
    code = _int(error.get("code"))
    message = error.get("message")
    if isinstance(message, str) and secret:
        message = message.replace(secret, "[token]")
    said = one_line(message, 160) if isinstance(message, str) else ""
    if code in RATE_LIMIT_CODES:
        wait = graph_retry_after(answer.headers) or RATE_LIMIT_WAIT
        return GraphError(
            f"{shown}: Facebook rate limit reached (Graph error {code}); try again later",
            code,
            True,
            wait,
        )
    if code in TOKEN_CODES:
        expired = GraphError(
            f"{shown}: the page token is invalid or expired (Graph error {code}); "
            "get a new page access token",
            code,
        )
        expired.refused = True
        return expired
    if code in PERMISSION_CODES:
        return GraphError(
            f"{shown}: not allowed (Graph error {code}: {said}); check the token's permissions",
            code,
        )
    if answer.status >= 500 or code in (1, 2) or error.get("is_transient") is True:
        return GraphError(
            f"{shown}: Facebook failed (Graph error {code}: {said}); try again later",
            code,
            True,
            graph_retry_after(answer.headers),
        )
    return GraphError(f"{shown}: HTTP {answer.status}, Graph error {code}: {said}", code)


def graph_retry_after(headers: Mapping[str, str]) -> float | None:
    """How long Graph asks to wait, in seconds: what the HTTP headers say, and the
    ``estimated_time_to_regain_access`` (minutes) of its usage headers."""
    regained = (_regain_minutes(headers.get(name)) * 60.0 for name in USAGE_HEADERS)
    return retry_after(headers, also=regained)


def _regain_minutes(value: str | None) -> float:
    """The longest ``estimated_time_to_regain_access`` anywhere in a usage header's JSON
    (``x-business-use-case-usage`` nests it per business and type); 0 when none."""
    if not value:
        return 0.0
    try:
        parsed = orjson.loads(value)
    except orjson.JSONDecodeError:
        return 0.0
    found = 0.0
    stack: list[Any] = [parsed]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            regain = item.get("estimated_time_to_regain_access")
            if isinstance(regain, int | float) and not isinstance(regain, bool):
                found = max(found, float(regain))
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return found


def _graph_error(body: bytes) -> dict[str, Any] | None:
    """The ``error`` object of a Graph error body, when it is one."""
    try:
        parsed = orjson.loads(body[:100_000])
    except orjson.JSONDecodeError:
        return None
    error = parsed.get("error") if isinstance(parsed, dict) else None
    if isinstance(error, dict) and ("code" in error or "type" in error):
        return error
    return None


def _int(value: object) -> int | None:
    """An integer, also written as a string of digits (as some proxies relay Graph's codes)."""
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) < 12:
        return int(value)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


@dataclass
class _Listing:
    """What reading one edge to its end gave."""

    items: list[Any] = field(default_factory=list)
    complete: bool = True
    """False when paging stopped early (a malformed page, a bad link, the page cap)."""
    pages: int = 0
    etag: str | None = None
    not_modified: bool = False


@dataclass
class _PostState:
    """What the feed says of a post, to tell whether its comments changed."""

    total: int | None
    updated: str | None

    def known(self) -> bool:
        return self.total is not None or self.updated is not None

    def to_json(self) -> list[Any]:
        return [self.total, self.updated]


class GraphSource(HttpLiveSource):
    """A Facebook Page through the Graph API, with a page access token.

    The cursor holds ``page`` (``{"id", "name", "checked_at"}``: the page's own id, which
    tells our messages, and its name), ``feed`` (``{"etag", "single"}``: the first feed
    page's ETag, and whether the feed fitted in it), ``posts`` (``{post_id: [comment
    total, updated_time]}`` for posts whose comments were read completely),
    ``scheduled_skip_until`` (Unix seconds, after the scheduled posts were refused) and
    ``warnings`` (``{part: {"lines", "more", "causes"}}``: what each part of the pull
    warned about, said again while the part is reused).
    """

    def __init__(
        self,
        page_id: str,
        token: str,
        base_url: str = DEFAULT_BASE_URL,
        allow_http: bool = False,
        name: str | None = None,
        days: int = 30,
        timeout: float = 20.0,
        *,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if not _GRAPH_ID.fullmatch(page_id):
            raise SourceError(
                f"Facebook page id {one_line(page_id, 40)!r}: not a page id; "
                "use the page's number or user name"
            )
        self.base_url = check_url(base_url.rstrip("/"), allow_http)
        self.page_id = page_id
        self.name = name
        self.days = days
        self.location = where(f"{self.base_url}/{page_id}")
        self._clock = clock
        self._account_id = page_id
        self._client = HttpClient(
            headers={"Authorization": f"Bearer {token}"},
            secret=token,
            allow_http=allow_http,
            timeout=timeout,
            describe_error=lambda answer: describe_graph_error(answer, self._client.secret),
        )

    # -- pulling ---------------------------------------------------------------------------

    def pull(self, previous: Document | None, cursor: Cursor, progress: ProgressFn) -> Pulled:
        """Read the page as it stands; see the module's docstring for what is fetched."""
        too_much = "set a smaller `days` for this source in the config"
        with pulling(self._client, progress, cursor, too_much, CAUSES) as book:
            return self._pull(previous, cursor, book)

    def _pull(self, previous: Document | None, cursor: Cursor, book: Bookkeeping) -> Pulled:
        now = self._clock()
        page = self._page(cursor, book, now)
        account = {"id": page["id"], "name": page["name"]}
        self._account_id = page["id"]
        old_states = _cursor_posts(cursor)
        posts, feed_cursor, states = self._feed(previous, cursor, old_states, book, now)
        scheduled, skip_until = self._scheduled(previous, cursor, book, now)
        read = self._all_comments(
            posts, states, old_states, _previous_comments(previous), account, book
        )
        if any(post["id"] not in read for post in posts):
            # A 304 next time would leave the incomplete posts without a state to compare.
            feed_cursor = {**feed_cursor, "etag": None}
        document = self._document(account, page["name"], [*posts, *scheduled], now)
        new_cursor: Cursor = {
            "page": page,
            "feed": feed_cursor,
            "posts": read,
            "scheduled_skip_until": skip_until,
        }
        return book.pulled(None if _same_content(previous, document) else document, new_cursor)

    def _all_comments(
        self,
        posts: list[dict[str, Any]],
        states: dict[str, _PostState],
        old_states: dict[str, _PostState],
        comments_of: dict[str, list[Any]],
        account: dict[str, str],
        book: Bookkeeping,
    ) -> dict[str, list[Any]]:
        """Give every post its comments: the previous ones when the feed says nothing
        changed, else read anew. Returns the cursor's states of the posts now complete."""
        complete: dict[str, list[Any]] = {}
        to_read: list[dict[str, Any]] = []
        for post in posts:
            state = states.get(post["id"])
            if state is not None and state.total == 0:
                post["comments"] = []  # nothing to ask for
            elif state is not None and _reusable(post["id"], state, old_states, comments_of):
                post["comments"] = comments_of[post["id"]]
                book.reuse(_post_part(post["id"]))
            else:
                to_read.append(post)
                continue
            complete[post["id"]] = state.to_json()
        for index, post in enumerate(to_read, 1):
            book.doing = f"comments of post {index} of {len(to_read)}"
            state = states.get(post["id"])
            if self._comments(post, account, book, comments_of) and state and state.known():
                complete[post["id"]] = state.to_json()
        return complete

    def _document(
        self, account: dict[str, str], page_name: str, posts: list[dict[str, Any]], now: float
    ) -> Document:
        for post in posts:
            post["channel"] = page_name
        return {
            "format": FORMAT,
            "source": {
                "name": self.name or page_name,
                "platform": "facebook",
                "account": account,
                "reply_limit": FACEBOOK_COMMENT_LIMIT,
            },
            "exported_at": iso(now),
            "posts": posts,
        }

    def _url(self, *parts: str) -> str:
        return "/".join([self.base_url, *(quote(part, safe="") for part in parts)])

    def _page(self, cursor: Cursor, book: Bookkeeping, now: float) -> dict[str, Any]:
        """The page's id and name: from the cursor while fresh, else asked for."""
        cached = cursor.get("page")
        if (
            isinstance(cached, dict)
            and isinstance(cached.get("id"), str)
            and isinstance(cached.get("name"), str)
            and isinstance(cached.get("checked_at"), int | float)
            and 0 <= now - cached["checked_at"] < PAGE_INFO_TTL
        ):
            book.reuse("page")
            return {"id": cached["id"], "name": cached["name"], "checked_at": cached["checked_at"]}
        book.doing, book.part = "the page", "page"
        body = self._client.get(self._url(self.page_id), {"fields": "id,name"}).json()
        book.answered()
        book.report()
        if not isinstance(body, dict):
            book.warn(f"{self.location}: the page's answer is not an object; using the page id")
            body = {}
        page_id = body.get("id") if isinstance(body.get("id"), str) else None
        if page_id is None:
            book.warn(f"{self.location}: the page's answer has no id; using the configured one")
        name = body.get("name") if isinstance(body.get("name"), str) else None
        return {"id": page_id or self.page_id, "name": name or self.page_id, "checked_at": now}

    def _feed(
        self,
        previous: Document | None,
        cursor: Cursor,
        old_posts: dict[str, _PostState],
        book: Bookkeeping,
        now: float,
    ) -> tuple[list[dict[str, Any]], dict[str, Any], dict[str, _PostState]]:
        """The published posts within ``days`` (without comments yet), the feed's part of
        the cursor, and each post's state."""
        cutoff = now - self.days * 86400.0
        # Rounded to the day, so that the query (and so the ETag) stays the same all day.
        since = int(cutoff // 86400 * 86400)
        params = {"fields": FEED_FIELDS, "limit": str(PAGE_SIZE), "since": str(since)}
        feed_cursor = cursor.get("feed")
        reused = _previous_published(previous)
        headers = {}
        if (
            reused is not None
            and isinstance(feed_cursor, dict)
            and feed_cursor.get("single") is True
            and isinstance(feed_cursor.get("etag"), str)
        ):
            headers["If-None-Match"] = feed_cursor["etag"]
        book.doing, book.part = "the feed", "feed"
        listing = self._read(
            book,
            "the feed",
            self._url(self.page_id, "feed"),
            params,
            headers,
            stop=lambda data: _all_older(data, cutoff),
        )
        if listing.not_modified and reused is not None:
            book.reuse("feed")
            posts = [post for post in reused if _created(post.get("created_at"), cutoff)]
            states = {
                post["id"]: old_posts.get(post["id"], _PostState(None, None)) for post in posts
            }
            return posts, dict(feed_cursor or {}), states
        posts, states = self._feed_posts(listing.items, cutoff, book)
        single = listing.complete and listing.pages == 1
        return posts, {"etag": listing.etag if single else None, "single": single}, states

    def _feed_posts(
        self, items: list[Any], cutoff: float, book: Bookkeeping
    ) -> tuple[list[dict[str, Any]], dict[str, _PostState]]:
        posts: list[dict[str, Any]] = []
        states: dict[str, _PostState] = {}
        for index, item in enumerate(items):
            found = _identified(item, f"the feed, item {index}", book, ("created_time",))
            if found is None:
                continue
            post_id, created = found
            if post_id in states or (parse_timestamp(created) or 0.0) < cutoff:
                continue
            states[post_id] = _PostState(
                _summary_total(item.get("comments")), _str(item.get("updated_time"))
            )
            status = "draft" if item.get("is_published") is False else "published"
            posts.append(_post(item, post_id, created, status))
        return posts, states

    def _scheduled(
        self, previous: Document | None, cursor: Cursor, book: Bookkeeping, now: float
    ) -> tuple[list[dict[str, Any]], float | None]:
        """The scheduled posts, and until when not to ask again after a refusal."""
        skip_until = cursor.get("scheduled_skip_until")
        if (
            isinstance(skip_until, int | float)
            and not isinstance(skip_until, bool)
            and now < skip_until <= now + SCHEDULED_RETRY
        ):
            book.reuse("scheduled")
            return _previous_scheduled(previous), float(skip_until)
        book.doing, book.part = "scheduled posts", "scheduled"
        params = {"fields": SCHEDULED_FIELDS, "limit": str(PAGE_SIZE)}
        try:
            listing = self._read(
                book, "scheduled posts", self._url(self.page_id, "scheduled_posts"), params
            )
        except RemoteError as error:
            if error.transient:
                raise
            refused = isinstance(error, GraphError) and error.code in PERMISSION_CODES | {100}
            book.warn(f"scheduled posts left out: {error}", SCHEDULED_REFUSED if refused else None)
            return [], now + SCHEDULED_RETRY
        posts: list[dict[str, Any]] = []
        seen: set[str] = set()
        for index, item in enumerate(listing.items):
            found = _identified(
                item,
                f"scheduled posts, item {index}",
                book,
                ("created_time", "scheduled_publish_time"),
            )
            if found is None or found[0] in seen:
                continue
            seen.add(found[0])
            post = _post(item, found[0], found[1], "scheduled")
            scheduled_at = item.get("scheduled_publish_time")
            post["scheduled_at"] = scheduled_at if parse_timestamp(scheduled_at) else None
            posts.append(post)
        return posts, None

    def _comments(
        self,
        post: dict[str, Any],
        account: dict[str, str],
        book: Bookkeeping,
        comments_of: dict[str, list[Any]],
    ) -> bool:
        """Fill in ``post["comments"]``; True when they were read completely. A post that
        cannot be read (deleted since the feed was read...) keeps its previous comments."""
        post_id = post["id"]
        post["comments"] = comments_of.get(post_id, [])
        book.part = _post_part(post_id)
        if not _GRAPH_ID.fullmatch(post_id):
            book.warn(f"post {one_line(post_id, 40)!r}: not a Graph id; its comments not read")
            return False
        params = {
            "filter": "stream",
            "summary": "true",
            "limit": str(PAGE_SIZE),
            "fields": COMMENT_FIELDS,
        }
        what = f"comments of post {post_id}"
        try:
            listing = self._read(book, what, self._url(post_id, "comments"), params)
        except RemoteError as error:
            if not _about_this_post(error):
                raise
            book.warn(f"{what} not read: {error}")
            return False
        fresh = _comments(listing.items, what, book, account, post_id)
        post["comments"] = fresh if listing.complete else _merged(post["comments"], fresh)
        return listing.complete

    # -- paging ----------------------------------------------------------------------------

    def _read(
        self,
        book: Bookkeeping,
        what: str,
        url: str,
        params: Mapping[str, str] | None,
        headers: Mapping[str, str] | None = None,
        stop: Callable[[list[Any]], bool] | None = None,
    ) -> _Listing:
        """Read a Graph list to its end, following ``paging.next``. A malformed page or
        link is a warning and the end of that list; ``stop`` may end it after a page."""
        listing = _Listing()
        seen: set[str] = set()
        while True:
            if book.cut_off(MAX_PAGES, what):
                listing.complete = False
                return listing
            answer = self._client.get(url, params, headers)
            listing.pages += 1
            if answer.status == 304:
                book.answered()
                book.report()
                listing.not_modified = True
                return listing
            if listing.pages == 1:
                listing.etag = answer.headers.get("etag")
            body = answer.json()
            data = body.get("data") if isinstance(body, dict) else None
            book.answered(len(data) if isinstance(data, list) else 0)
            book.report()
            if not isinstance(data, list):
                book.warn(f'{what}: a page is not {{"data": [...]}} ({where(url)}); rest not read')
                listing.complete = False
                return listing
            listing.items.extend(data)
            next_url = _next_link(body)
            if next_url is None or (stop is not None and stop(data)):
                return listing
            problem = self._unfollowable(next_url, seen)
            if problem:
                book.warn(f"{what}: {problem}; rest not read")
                listing.complete = False
                return listing
            seen.add(next_url)
            url, params, headers = next_url, None, None

    def _unfollowable(self, url: str, seen: set[str]) -> str | None:
        """Why a ``paging.next`` link is not followed, or None. Only links to the base URL's
        host are: the token goes with every request."""
        if url in seen:
            return "the next-page link repeats"
        if not (url.isascii() and url.isprintable()) or " " in url:
            return "the next-page link is not a valid URL"
        try:
            parts, base = urlsplit(url), urlsplit(self.base_url)
            origin = (parts.scheme, parts.hostname, parts.port)
        except ValueError:
            return "the next-page link is not a valid URL"
        if origin != (base.scheme, base.hostname, base.port):
            return f"the next-page link leads elsewhere ({where(url)})"
        return None

    # -- replying and moderating -----------------------------------------------------------

    def send_reply(self, reply: OutgoingReply, document: Document) -> str:
        """Comment on the conversation's top-level comment (Facebook threads have two
        levels, so a reply to a reply goes there too); the new comment's id."""
        url = self._url(_path_id(reply.conversation_id, self.location), "comments")
        body = self._client.post(url, data={"message": reply.text}).json()
        new_id = body.get("id") if isinstance(body, dict) else None
        if not isinstance(new_id, str) or not _GRAPH_ID.fullmatch(new_id):
            raise RemoteError(
                f"{where(url)}: Facebook did not say the new comment's id; the reply may be "
                "posted: check the thread before sending it again"
            )
        return new_id

    def matching_replies(self, reply: OutgoingReply, document: Document) -> list[str]:
        """The page's comments in the conversation with the reply's text (spaces aside),
        oldest first. Graph has no idempotency key: the courier tells a comment an attempt
        made from those that were there before by their ids."""
        url = self._url(_path_id(reply.conversation_id, self.location), "comments")
        params = {"filter": "stream", "limit": str(PAGE_SIZE), "fields": FIND_FIELDS}
        book = Bookkeeping(lambda _: None, self._client.secret or "")
        listing = self._read(book, "the conversation", url, params)
        if not listing.complete:
            # Part of the conversation unread: a comment there could be missed either way.
            problems = "; ".join(book.warnings)
            raise RemoteError(f"{where(url)}: {problems}; try again later", transient=True)
        ours = _account_id(document) or self._page_number()
        wanted = " ".join(reply.text.split())
        return [item["id"] for item in listing.items if _is_reply_of(item, ours, wanted)]

    def _page_number(self) -> str:
        """The page's own id (comments give it, never its user name): known from a pull,
        else asked for."""
        if self._account_id == self.page_id and not self.page_id.isdigit():
            body = self._client.get(self._url(self.page_id), {"fields": "id"}).json()
            found = body.get("id") if isinstance(body, dict) else None
            if isinstance(found, str) and _GRAPH_ID.fullmatch(found):
                self._account_id = found
        return self._account_id

    def set_hidden(self, message_id: str, hidden: bool) -> None:
        """Hide or unhide a comment (``POST /{comment-id}`` with ``is_hidden``)."""
        url = self._url(_path_id(message_id, self.location))
        body = self._client.post(url, data={"is_hidden": "true" if hidden else "false"}).json()
        if not (isinstance(body, dict) and body.get("success") is True):
            raise RemoteError(
                f"{where(url)}: Facebook did not confirm the change; try again",
                transient=True,
            )


# -- mapping Graph items -------------------------------------------------------------------


def _path_id(value: str, location: str) -> str:
    if not _GRAPH_ID.fullmatch(value):
        raise RemoteError(f"{location}: {one_line(value, 40)!r} is not a Graph id")
    return value


def _about_this_post(error: RemoteError) -> bool:
    """Whether a failure to read a post's comments is that post's alone (deleted, or
    malformed): the others may still be read. Otherwise the whole pull fails."""
    if error.transient or error.refused:
        return False
    if isinstance(error, GraphError):
        return error.code not in TOKEN_CODES | PERMISSION_CODES
    return error.status is not None and 400 <= error.status < 500


def _is_reply_of(item: object, ours: str, wanted: str) -> bool:
    """Whether a comment is the page's with the text ``wanted`` (spaces aside)."""
    if not isinstance(item, dict) or not isinstance(item.get("id"), str):
        return False
    author = _author_of(item.get("from"))
    message = item.get("message")
    return (
        author is not None
        and author["id"] == ours
        and isinstance(message, str)
        and " ".join(message.split()) == wanted
        and _GRAPH_ID.fullmatch(item["id"]) is not None
    )


def _identified(
    item: object,
    what: str,
    book: Bookkeeping,
    time_keys: tuple[str, ...],
    no_id_cause: str | None = None,
) -> tuple[str, Any] | None:
    """The item's id and creation time (as Graph wrote it); None, with a warning, when the
    item is not an object or lacks one of them."""
    if not isinstance(item, dict):
        book.warn(f"{what}: not an object; skipped")
        return None
    raw_id = _raw_id(item)
    if raw_id is None:
        book.warn(f"{what}: no id; skipped", no_id_cause)
        return None
    for key in time_keys:
        if parse_timestamp(item.get(key)) is not None:
            return raw_id, item[key]
    book.warn(f"{what} ({one_line(raw_id, 40)}): no creation time; skipped")
    return None


def _raw_id(item: dict[str, Any]) -> str | None:
    raw_id = item.get("id")
    if isinstance(raw_id, int) and not isinstance(raw_id, bool):
        raw_id = str(raw_id)
    return raw_id if isinstance(raw_id, str) and raw_id else None


def _post(item: dict[str, Any], post_id: str, created: Any, status: str) -> dict[str, Any]:
    """A post of the document, without its comments."""
    text = _str(item.get("message")) or _str(item.get("story")) or ""
    post: dict[str, Any] = {
        "id": post_id,
        "created_at": created,
        "status": status,
        "text": text,
        "permalink": _str(item.get("permalink_url")),
        "metrics": {"reactions": _reactions(item), "shares": _shares(item)},
        "comments": [],
    }
    author = _author_of(item.get("from"))
    if author is not None:
        post["author"] = author
    return post


def _comments(
    items: list[Any], what: str, book: Bookkeeping, account: dict[str, str], post_id: str
) -> list[dict[str, Any]]:
    """The document's comments from Graph's; the page's own are written by ``account``.

    A comment whose id Graph withheld (it does for a token that cannot moderate the Page)
    is kept read-only under the id its ``permalink_url`` names, when it names one."""
    comments: list[dict[str, Any]] = []
    seen: set[str] = set()
    for index, item in enumerate(items):
        where = f"{what}, item {index}"
        named = _named_by_link(item, post_id) if isinstance(item, dict) else None
        if named is not None:
            parent = {"id": named[1]} if named[1] else item.get("parent")
            item = {**item, "id": named[0], "parent": parent}
        # An item without an id yet with a creation time is a comment Graph withheld.
        dated = isinstance(item, dict) and parse_timestamp(item.get("created_time")) is not None
        cause = WITHHELD_IDS if dated else None
        found = _identified(item, where, book, ("created_time",), cause)
        if found is None or found[0] in seen:
            continue
        comment_id, created = found
        seen.add(comment_id)
        if named is not None:
            book.warn(
                f"{where}: no id; shown read-only as {comment_id!r}, the comment its link names",
                WITHHELD_IDS,
            )
        author = _author_of(item.get("from"))
        if author is None:
            author = {"id": f"anonymous:{comment_id}", "name": ANONYMOUS_NAME}
        elif author["id"] == account["id"]:
            author = dict(account)
        parent = item.get("parent")
        parent_id = _str(parent.get("id")) if isinstance(parent, dict) else None
        likes = _int(item.get("like_count"))
        comment = {
            "id": comment_id,
            "parent_id": parent_id,
            "author": author,
            "created_at": created,
            "text": _str(item.get("message")) or "",
            "likes": likes if likes is not None and likes >= 0 else 0,
            "hidden": item.get("is_hidden") is True,
        }
        link = _str(item.get("permalink_url"))
        if link is not None:
            comment["permalink"] = link
        if named is not None:
            comment["read_only"] = True
        comments.append(comment)
    return comments


def _named_by_link(item: dict[str, Any], post_id: str) -> tuple[str, str | None] | None:
    """For a comment without an id: the id its ``permalink_url`` names (``comment_id``, or
    ``reply_comment_id`` for a reply) and its parent's, written as Graph writes comment ids
    (``{post number}_{comment number}``); None when the link names none."""
    if _raw_id(item) is not None:
        return None
    link = item.get("permalink_url")
    if not isinstance(link, str) or len(link) > 2000:
        return None
    try:
        query = parse_qs(urlsplit(link).query)
    except ValueError:
        return None
    top, reply = (query.get(key, [""])[-1] for key in ("comment_id", "reply_comment_id"))
    if not _number(top) or not (reply == "" or _number(reply)):
        return None
    post_number = post_id.rpartition("_")[2]
    top_id = f"{post_number}_{top}"
    return (f"{post_number}_{reply}", top_id) if reply else (top_id, None)


def _number(text: str) -> bool:
    return 0 < len(text) <= 30 and text.isascii() and text.isdigit()


def _merged(previous: list[Any], fresh: list[dict[str, Any]]) -> list[Any]:
    """A partial read's comments, with the previous ones it did not reach (so a broken
    page loses nothing; the next pull reads the post again)."""
    ids = {comment["id"] for comment in fresh}
    kept = [c for c in previous if not (isinstance(c, dict) and c.get("id") in ids)]
    return [*kept, *fresh]


def _author_of(raw: object) -> dict[str, str] | None:
    """``from{id,name}`` as an author; None when missing or without an id."""
    if not isinstance(raw, dict):
        return None
    author_id = raw.get("id")
    if isinstance(author_id, int) and not isinstance(author_id, bool):
        author_id = str(author_id)
    if not isinstance(author_id, str) or not author_id:
        return None
    return {"id": author_id, "name": _str(raw.get("name")) or ""}


def _reactions(item: dict[str, Any]) -> dict[str, int]:
    """Counts by type from the ``.as(like)``... aliases; the total as likes without them."""
    counts: dict[str, int] = {}
    for kind in REACTIONS:
        total = _summary_total(item.get(kind))
        if total:
            counts[kind] = total
    if counts or any(kind in item for kind in REACTIONS):
        return counts
    total = _summary_total(item.get("reactions"))
    return {"like": total} if total else {}


def _shares(item: dict[str, Any]) -> int | None:
    """Graph leaves ``shares`` out when there are none; a malformed one is unknown."""
    shares = item.get("shares")
    if shares is None:
        return 0
    count = _int(shares.get("count")) if isinstance(shares, dict) else None
    return count if count is not None and count >= 0 else None


def _summary_total(raw: object) -> int | None:
    """``{"summary": {"total_count": n}}``'s n."""
    summary = raw.get("summary") if isinstance(raw, dict) else None
    total = _int(summary.get("total_count")) if isinstance(summary, dict) else None
    return total if total is not None and total >= 0 else None


def _str(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _next_link(body: dict[str, Any]) -> str | None:
    paging = body.get("paging")
    link = paging.get("next") if isinstance(paging, dict) else None
    return link if isinstance(link, str) and link else None


def _all_older(items: list[Any], cutoff: float) -> bool:
    """Whether a feed page holds only posts from before ``cutoff`` (so later ones too)."""
    times = [parse_timestamp(i.get("created_time")) for i in items if isinstance(i, dict)]
    return bool(times) and all(t is not None and t < cutoff for t in times)


def _created(value: object, cutoff: float) -> bool:
    moment = parse_timestamp(value)
    return moment is not None and moment >= cutoff


# -- the previous document and the cursor --------------------------------------------------


def _previous_posts(previous: Document | None) -> list[dict[str, Any]] | None:
    posts = previous.get("posts") if isinstance(previous, dict) else None
    if not isinstance(posts, list):
        return None
    return [p for p in posts if isinstance(p, dict) and isinstance(p.get("id"), str)]


def _previous_published(previous: Document | None) -> list[dict[str, Any]] | None:
    """The previous document's feed posts (copies), for a feed answered 304."""
    posts = _previous_posts(previous)
    if posts is None:
        return None
    return [dict(p) for p in posts if p.get("status") != "scheduled"]


def _previous_scheduled(previous: Document | None) -> list[dict[str, Any]]:
    return [dict(p) for p in _previous_posts(previous) or [] if p.get("status") == "scheduled"]


def _previous_comments(previous: Document | None) -> dict[str, list[Any]]:
    """Each previous post's comments, by post id."""
    found: dict[str, list[Any]] = {}
    for post in _previous_posts(previous) or []:
        comments = post.get("comments")
        if isinstance(comments, list):
            found.setdefault(post["id"], comments)
    return found


def _account_id(document: Document) -> str | None:
    source = document.get("source") if isinstance(document, dict) else None
    account = source.get("account") if isinstance(source, dict) else None
    account_id = account.get("id") if isinstance(account, dict) else None
    return account_id if isinstance(account_id, str) else None


def _post_part(post_id: str) -> str:
    """The part of a pull that reads one post's comments (see :mod:`~commdash.sources.pull`)."""
    return f"post {post_id}"


def _cursor_posts(cursor: Cursor) -> dict[str, _PostState]:
    """The cursor's post states; anything malformed is forgotten (its post is read again)."""
    raw = cursor.get("posts") if isinstance(cursor, dict) else None
    states: dict[str, _PostState] = {}
    if not isinstance(raw, dict):
        return states
    for post_id, value in raw.items():
        if isinstance(value, list) and len(value) == 2:
            total, updated = _int(value[0]), _str(value[1])
            if total is not None or updated is not None:
                states[post_id] = _PostState(total, updated)
    return states


def _reusable(
    post_id: str,
    state: _PostState,
    old: dict[str, _PostState],
    comments_of: dict[str, list[Any]],
) -> bool:
    """Whether the post's previous comments still stand: the feed says of it what it said
    when they were read."""
    return state.known() and post_id in comments_of and old.get(post_id) == state


def _same_content(previous: Document | None, document: Document) -> bool:
    """Whether ``document`` says what ``previous`` said (the export time aside)."""
    return (
        isinstance(previous, dict)
        and previous.get("format") == document["format"]
        and previous.get("source") == document["source"]
        and previous.get("posts") == document["posts"]
    )
