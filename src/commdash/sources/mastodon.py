"""Mastodon as a live source: the account's own statuses and the threads it is mentioned in,
mapped into a commdash/v1 document; replies posted as statuses.

The mapping (FORMATS.md §1, §3):

- ``source.account`` is the token's account (``verify_credentials``, asked once and kept in
  the cursor).
- Posts are the account's recent top-level statuses (favourites as reactions, reblogs as
  shares) and, for every thread the account is mentioned in, the thread's root: ours when
  the root is one of our statuses (kept once older than the recent ones), else a post of
  its own in the channel ``"mentions"``.
- Comments are the root's descendants (``/statuses/:id/context``), ``parent_id`` being
  ``in_reply_to_id``. A thread rooted elsewhere also has its root as its first comment, so
  that a member's status that mentions us is a conversation before anyone answers. Our own
  recent replies come with our statuses and are put in their threads without a request.

Requests (``requests`` counts them):

- the first pull: 1 (account) + 1 (our statuses) + the notification pages (40 mentions a
  page, and the empty page that ends them) + 1 context request per thread (2 when its
  oldest mention answers a status not seen yet, to find the root; none for a mention that
  starts a thread and has no replies);
- the first pull of a session, besides: 1 (the server's longest status,
  ``/api/v2/instance``: read once per session, as a server rarely changes it);
- **a poll when nothing happened: 2 requests** (our statuses, and one empty notifications
  page after the newest mention seen);
- a poll with new mentions: 3 + 1 context request per thread with a new mention, or of our
  post whose reply count changed.

The cursor (JSON, never the token): ``version``; ``account`` (``id``, ``acct``, ``name``,
``url``); ``since``, the newest mention notification seen; ``older``, where older mentions
remain unread when a pull stopped at a limit (``max_mentions``, or :data:`MAX_PAGES` pages):
the next pulls read on from there after the new ones, so every thread comes in the end;
``own``, our recent top-level status ids; ``roots``, the other threads kept;
``reply_limit``, the server's longest status as last read (also the document's
``source.reply_limit``); ``replies``,
the reply count of each of our recent statuses when last read; ``warnings``, what each part
of the pull skipped (:mod:`commdash.sources.pull`): a thread not read again says again what
it lacks, and a mention skipped stays counted.

Everything read is untrusted: a malformed page or item is skipped with a warning line and
the rest loads; texts stay data for the native reader to sanitise.
"""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

from commdash.sources.html_text import html_to_text
from commdash.sources.http import (
    Answer,
    HttpClient,
    RemoteError,
    check_url,
    describe_http_error,
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
from commdash.sources.native import json_kind
from commdash.sources.pull import Bookkeeping, pulling
from commdash.threads import show_id
from commdash.timeutil import iso

PLATFORM = "mastodon"
PAGE_LIMIT = 40
"""Items per notifications or statuses page (Mastodon allows up to 80 for notifications)."""
MAX_PAGES = 500
"""No pull reads more notifications pages than this, whatever the links say: the rest wait
for the next pulls."""
CURSOR_VERSION = 3
"""2: ``older`` is kept. A cursor of version 1 may come from a pull that stopped at 400
mentions and never read the others: the next pull starts afresh. 3: ``warnings`` is kept;
without it, the threads of a version 2 cursor would be reused saying nothing of what they
lack, so it starts afresh too."""
OWN = "own statuses"
MENTIONS = "mentions"
"""The part of a pull whose warnings are the mentions skipped (a status deleted or
malformed, a thread that could not be found): their notifications are never read again, so
every later pull says them again."""
NOTIFICATIONS = "notifications"
"""The part of a pull whose warnings are about the notifications pages themselves (a page
or an item that cannot be used, the paging stopped): said by this pull only, as what it
left unread is read again by the next ones."""
MENTIONS_CHANNEL = "mentions"
VISIBILITIES = ("public", "unlisted", "private", "direct")
FALLBACK_VISIBILITY = "direct"
"""For a status that does not say its visibility: the one that shows a reply to the fewest."""

_ACCT = re.compile(r"[\w.-]{1,100}(?:@[\w.-]{1,253})?")
"""A Mastodon ``user`` or ``user@domain``: anything else is not put in a reply's mention."""
_SAFE_ID = re.compile(r"[A-Za-z0-9_-]{1,100}")
"""An id that may go into a request path: Mastodon's are digits, other servers' letters."""
_LINK = re.compile(r"<([^<>]*)>([^<]*)")
_REL = re.compile(r"""rel\s*=\s*(?:"([^"]*)"|([^\s;,"]+))""", re.IGNORECASE)


class GoneError(RemoteError):
    """HTTP 404 or 410: what was asked for is not there (a status deleted meanwhile)."""


def _describe_error(answer: Answer) -> RemoteError:
    """The usual one-line error, as a :class:`GoneError` when the thing is not there."""
    error = describe_http_error(answer)
    if answer.status in (404, 410):
        return GoneError(str(error), error.transient, error.retry_after)
    return error


class MastodonSource(HttpLiveSource):
    """One Mastodon account, read and answered with its access token."""

    def __init__(
        self,
        base_url: str,
        token: str,
        allow_http: bool = False,
        name: str | None = None,
        max_mentions: int | None = None,
        timeout: float = 20.0,
    ) -> None:
        self.base_url = check_url(base_url.rstrip("/"), allow_http)
        self.location = where(self.base_url)
        self.name = name
        self.max_mentions = None if max_mentions is None else max(1, max_mentions)
        """At most this many mentions are read per pull (None: all of them); the older ones
        come with the next pulls."""
        self.reply_limit: int | None = None
        """The server's longest status, once read in this session (:meth:`read_reply_limit`)."""
        self.reply_limit_read = False
        self._client = HttpClient(
            headers={"Authorization": f"Bearer {token}"},
            secret=token,
            allow_http=allow_http,
            timeout=timeout,
            describe_error=_describe_error,
        )

    def api(self, path: str) -> str:
        return f"{self.base_url}/api/v1/{path}"

    def get(self, path: str, params: Mapping[str, Any] | None = None) -> Answer:
        return self._client.get(self.api(path), params=params)

    def pull(self, previous: Document | None, cursor: Cursor, progress: ProgressFn) -> Pulled:
        usable = _usable(previous, cursor)
        too_much = "check the URL points at a Mastodon server (an account's mentions hold less)"
        with pulling(self._client, progress, {} if usable is None else cursor, too_much) as book:
            return _Pull(self, usable, cursor, book).run()

    def verify_credentials(self) -> dict[str, str]:
        """The token's account as kept in the cursor: id, acct, name, url."""
        answer = self.get("accounts/verify_credentials")
        account = _account_facts(answer.json())
        if account is None:
            raise RemoteError(
                f"{where(answer.url)}: the answer holds no account id; "
                "check the URL points at a Mastodon server"
            )
        return account

    def read_reply_limit(self) -> int | None:
        """The longest status the server takes (``configuration.statuses.max_characters``
        of ``/api/v2/instance``); None when it does not say."""
        answer = self._client.get(f"{self.base_url}/api/v2/instance")
        found: Any = answer.json()
        for key in ("configuration", "statuses", "max_characters"):
            found = found.get(key) if isinstance(found, dict) else None
        return found if type(found) is int and found > 0 else None

    def send_reply(self, reply: OutgoingReply, document: Document) -> str:
        """Post ``reply`` as an answer to the status it answers (read first for its
        author, visibility and content warning), with ``reply.id`` as Idempotency-Key."""
        target = _path_id(reply.in_reply_to)
        if target is None:
            raise RemoteError(
                f"{self.location}: {show_id(reply.in_reply_to)} is not a Mastodon status id"
            )
        answered = self.get(f"statuses/{target}").json()
        if not isinstance(answered, dict):
            raise RemoteError(
                f"{self.api('statuses')}/{target}: the answer is not a status", transient=True
            )
        body = _reply_body(reply.text, target, answered, _account_id(document))
        answer = self._client.post(
            self.api("statuses"),
            json=body,
            headers={"Idempotency-Key": _idempotency_key(reply.id)},
        )
        created = answer.json()
        new_id = _path_id(created.get("id")) if isinstance(created, dict) else None
        if new_id is None:
            # Sent again with the same key, the reply is not posted twice.
            raise RemoteError(f"{where(answer.url)}: the answer has no status id", True)
        return new_id

    def matching_replies(self, reply: OutgoingReply, document: Document) -> list[str]:
        """Our answers to ``reply.in_reply_to`` with the reply's text. Mastodon keeps an
        ``Idempotency-Key`` for an hour only: a resend after a longer outage could post
        twice, so the courier looks for a new one of these first."""
        target = _path_id(reply.in_reply_to)
        if target is None:
            return []  # not a status id: send_reply refuses it
        our_id = _account_id(document) or self.verify_credentials()["id"]
        try:
            context = self.get(f"statuses/{target}/context").json()
        except GoneError:
            return []  # the status answered is gone, and its answers with it
        descendants = context.get("descendants") if isinstance(context, dict) else None
        if not isinstance(descendants, list):
            # A thread that could not be read says nothing of what it holds.
            raise RemoteError(
                f"{self.api('statuses')}/{target}/context: the answer is not a thread; "
                "try again later",
                transient=True,
            )
        wanted = comparable_text(reply.text)
        return [
            found
            for status in descendants
            if _is_sent_reply(status, our_id, target, wanted)
            and (found := _ident(status.get("id"))) is not None
        ]


def comparable_text(text: str) -> str:
    """A reply's text as compared with a status: leading mentions (Mastodon's own and the
    one ``send_reply`` adds) left out, whitespace runs as one space."""
    words = text.split()
    start = 0
    while start < len(words) and words[start].startswith("@") and len(words[start]) > 1:
        start += 1
    return " ".join(words[start:])


def _is_sent_reply(status: object, our_id: str, target: str, wanted: str) -> bool:
    if not isinstance(status, dict) or _ident(status.get("in_reply_to_id")) != target:
        return False
    account = status.get("account")
    if not isinstance(account, dict) or _ident(account.get("id")) != our_id:
        return False
    text = html_to_text(status.get("content"), status.get("mentions"))
    return comparable_text(text) == wanted


def _reply_body(
    text: str, target: str, answered: dict[str, Any], our_id: str | None
) -> dict[str, str]:
    """What ``POST /statuses`` gets: the text, mentioning the author it answers unless it
    already does (or the author is us), with the visibility and content warning of the
    status answered (a reply never shows to more people than what it answers)."""
    visibility = answered.get("visibility")
    if visibility not in VISIBILITIES:
        visibility = FALLBACK_VISIBILITY
    account = answered.get("account")
    account = account if isinstance(account, dict) else {}
    acct = account.get("acct")
    if (
        isinstance(acct, str)
        and _ACCT.fullmatch(acct)
        and _ident(account.get("id")) != our_id
        and not mentions_acct(text, acct)
    ):
        text = f"@{acct} {text}"
    body = {"status": text, "in_reply_to_id": target, "visibility": str(visibility)}
    spoiler = answered.get("spoiler_text")
    if isinstance(spoiler, str) and spoiler.strip():
        body["spoiler_text"] = spoiler
    return body


def mentions_acct(text: str, acct: str) -> bool:
    """Whether ``text`` already mentions ``@acct`` (whole, case-insensitive)."""
    pattern = rf"(?<![\w@])@{re.escape(acct)}(?![\w@-]|\.\w)"
    return re.search(pattern, text, re.IGNORECASE) is not None


def _idempotency_key(reply_id: str) -> str:
    """The reply's id as a header value: itself when it is plain, else a digest of it."""
    if reply_id and len(reply_id) <= 200 and reply_id.isascii() and reply_id.isprintable():
        return reply_id
    return hashlib.sha256(reply_id.encode("utf-8", "replace")).hexdigest()


def _account_id(document: object) -> str | None:
    """``source.account.id`` of a document, when it has one."""
    source = document.get("source") if isinstance(document, dict) else None
    account = source.get("account") if isinstance(source, dict) else None
    return _ident(account.get("id")) if isinstance(account, dict) else None


@dataclass(slots=True)
class _Pull:
    """One pull: what was asked and found so far. The warnings go to the part of the pull
    being read: our statuses, the mentions, or one thread (see :func:`_thread_part`)."""

    source: MastodonSource
    previous: Document | None
    """The previous document, when the cursor belongs to it (else None: start afresh)."""
    cursor: Cursor
    book: Bookkeeping
    account: dict[str, str] = field(default_factory=dict)
    own: list[dict[str, Any]] = field(default_factory=list)
    """Our recent top-level statuses, newest first."""
    own_replies: list[dict[str, Any]] = field(default_factory=list)
    """Our recent replies: comments of the threads they answer in."""
    added: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    """Root id → our replies to put in a thread that was not read again."""
    own_ok: bool = True
    statuses: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Every status seen in this pull, by id (roots are taken from here)."""
    root_of: dict[str, str] = field(default_factory=dict)
    """Status id → id of its thread's root, for every status known (earlier pulls too)."""
    threads: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    """Root id → the comments of the threads read in this pull."""
    previous_posts: dict[str, dict[str, Any]] = field(default_factory=dict)
    contexts: dict[str, dict[str, Any] | None] = field(default_factory=dict)
    """Contexts read in this pull by status id; None when it could not be read."""
    mention_pages: int = 0
    """Notifications pages read in this pull."""
    older: str | None = None
    """Where mentions older than those read remain unread (a limit stopped the pull)."""

    def run(self) -> Pulled:
        self.account = self._account()
        self._index_previous()
        self._read_own()
        newest = self._read_mentions()
        self._refresh_own_threads()
        self._place_own_replies()
        self._read_reply_limit()
        document = self._document()
        cursor = self._next_cursor(newest, document)
        unchanged = self.previous is not None and _same(self.previous, document)
        return self.book.pulled(None if unchanged else document, cursor)

    # -- requests ---------------------------------------------------------------------

    def _fetch(self, path: str, doing: str, params: Mapping[str, Any] | None = None) -> Answer:
        """One request; counted as a response also when it is an error coped with."""
        self.book.doing = doing
        try:
            answer = self.source.get(path, params)
        except GoneError:
            self.book.answered()
            self.book.report()
            raise
        self.book.answered()  # reported once what it held is counted
        return answer

    # -- the account ------------------------------------------------------------------

    def _account(self) -> dict[str, str]:
        kept = self.cursor.get("account") if self.previous is not None else None
        if isinstance(kept, dict) and _account_facts(kept) is not None:
            return {k: str(v) for k, v in kept.items() if k in ("id", "acct", "name", "url")}
        account = self.source.verify_credentials()
        self.book.answered()
        self.book.doing = "account"
        self.book.report()
        return account

    # -- the server's limit -----------------------------------------------------------

    def _read_reply_limit(self) -> None:
        """Ask the server its longest status, once per session and once everything else
        was read: the limit is no reason for a pull to fail. A server that cannot say is
        not asked again; one that fails for now is asked at the next pull."""
        source = self.source
        if source.reply_limit_read:
            return
        self.book.doing = "the server's limits"
        try:
            source.reply_limit = source.read_reply_limit()
            source.reply_limit_read = True
        except RemoteError as error:
            if error.refused:
                raise
            source.reply_limit_read = not error.transient
        self.book.answered()
        self.book.report()

    @property
    def _reply_limit(self) -> int | None:
        """The server's limit as read in this session, else as the cursor kept it."""
        if self.source.reply_limit is not None:
            return self.source.reply_limit
        kept = self.cursor.get("reply_limit")
        return kept if type(kept) is int and kept > 0 else None

    # -- what the previous pull knew -----------------------------------------------------

    def _read_previous_posts(self) -> dict[str, dict[str, Any]]:
        posts = self.previous.get("posts") if self.previous is not None else None
        found: dict[str, dict[str, Any]] = {}
        for post in posts if isinstance(posts, list) else ():
            if isinstance(post, dict) and isinstance(post.get("id"), str):
                found[post["id"]] = post
        return found

    def _index_previous(self) -> None:
        self.previous_posts = self._read_previous_posts()
        for post_id, post in self.previous_posts.items():
            self.root_of[post_id] = post_id
            comments = post.get("comments")
            for comment in comments if isinstance(comments, list) else ():
                if isinstance(comment, dict) and isinstance(comment.get("id"), str):
                    self.root_of.setdefault(comment["id"], post_id)

    # -- our own statuses -------------------------------------------------------------

    def _read_own(self) -> None:
        params = {"limit": PAGE_LIMIT, "exclude_reblogs": "true"}
        path = f"accounts/{self.account['id']}/statuses"
        self.book.part = OWN
        page = self._fetch(path, "own posts", params).json()
        self._read_own_page(page)
        self.book.report()

    def _read_own_page(self, page: object) -> None:
        if not isinstance(page, list):
            self.book.warn(
                f"own statuses: the answer is not a list; kept the last ones ({json_kind(page)})"
            )
            self.own_ok = False
            return
        for index, raw in enumerate(page):
            status = self._status(raw, f"own statuses[{index}]")
            if status is None or status.get("reblog") is not None:
                continue
            if status.get("in_reply_to_id") is not None:
                self.own_replies.append(status)
                continue
            self.own.append(status)
            self.root_of[status["id"]] = status["id"]
        self.book.items += len(self.own)

    def _status(self, raw: object, where: str) -> dict[str, Any] | None:
        """``raw`` when it is a status that can be placed (an object with an id and a
        creation time), remembered; else None and a warning."""
        if not isinstance(raw, dict):
            self.book.warn(f"{where}: not an object; skipped")
            return None
        status_id = _ident(raw.get("id"))
        created = raw.get("created_at")
        if status_id is None:
            self.book.warn(f"{where}: no id; skipped")
            return None
        if not isinstance(created, str | int | float) or isinstance(created, bool):
            self.book.warn(f"{where} ({show_id(status_id)}): no created_at; skipped")
            return None
        status = {**raw, "id": status_id}
        self.statuses[status_id] = status
        return status

    # -- mentions -------------------------------------------------------------------------

    def _read_mentions(self) -> str | None:
        """Read the mentions not read yet and their threads: the new ones, then the older
        ones an earlier pull left for later. The newest notification seen; where older
        ones remain unread is left in ``older``."""
        self.book.reuse(MENTIONS)
        self.book.part = MENTIONS
        kept = self.cursor if self.previous is not None else {}
        since = _path_id(kept.get("since"))
        self.older = _path_id(kept.get("older")) if since is not None else None
        found: list[tuple[str, dict[str, Any] | None]] = []
        limited = since is not None and self._page_mentions(found, since, True) is not None
        if not limited and (since is None or self.older is not None):  # else they wait more
            self.older = self._page_mentions(found, self.older, forward=False)
        newest = since
        for notification_id, _ in found:
            newest = _newer(newest, notification_id)
        # Oldest first: a thread's first mention answers a status already known (or is
        # the root), and the later ones are among the descendants read for it.
        mentions = [status for _, status in sorted(found, key=lambda p: _id_order(p[0])) if status]
        for number, status in enumerate(mentions, 1):
            self._follow(status, f"thread {number} of {len(mentions)}")
        return newest

    def _page_mentions(
        self, found: list[tuple[str, dict[str, Any] | None]], position: str | None, forward: bool
    ) -> str | None:
        """Add to ``found`` the mention notifications newer than ``position`` (``forward``)
        or older (from the newest when None), with their statuses (None when deleted),
        until there are no more or a limit of the pull is reached. The position reached
        when a limit stopped it; None when it read to the end."""
        rel, param = ("prev", "min_id") if forward else ("next", "max_id")
        since = position if forward else None
        seen_positions: set[str] = set()
        while True:
            limit = self._mentions_limit(len(found))
            if limit:
                self.book.warn(limit, part=NOTIFICATIONS)
                return position
            self.mention_pages += 1
            params: dict[str, Any] = {"types[]": "mention", "limit": PAGE_LIMIT}
            if position is not None:
                params[param] = position
            number = self.mention_pages
            answer = self._fetch("notifications", f"mentions page {number}", params)
            page = answer.json()
            if not isinstance(page, list):
                stopped = f"notifications page {number}: not a list ({json_kind(page)}); stopped"
                self.book.warn(stopped, part=NOTIFICATIONS)
                self.book.report()
                return position  # not "read to the end": the next pull reads from here again
            for index, item in enumerate(page):
                read = self._notification(item, f"notifications page {number}[{index}]", since)
                if read is not None:
                    found.append(read)
            self.book.report()
            position = _link_param(answer.headers, rel, param)
            if not page or position is None:
                return None
            if position in seen_positions:
                repeats = f"notifications: the link to {show_id(position)} repeats; stopped"
                self.book.warn(repeats, part=NOTIFICATIONS)
                return None
            seen_positions.add(position)

    def _mentions_limit(self, read: int) -> str | None:
        """Why this pull reads no more mentions (the rest come with the next pulls), or
        None while it may."""
        most = self.source.max_mentions
        if most is not None and read >= most:
            return (
                f"mentions: max_mentions = {most:,} reached; the rest come with the next "
                "syncs, or raise max_mentions in the config"
            )
        if self.mention_pages >= MAX_PAGES:
            return f"mentions: {MAX_PAGES:,} pages read; the rest come with the next syncs"
        return None

    def _notification(
        self, item: object, where: str, since: str | None
    ) -> tuple[str, dict[str, Any] | None] | None:
        if not isinstance(item, dict):
            self.book.warn(f"{where}: not an object; skipped", part=NOTIFICATIONS)
            return None
        notification_id = _path_id(item.get("id"))
        if notification_id is None or item.get("created_at") is None:
            self.book.warn(f"{where}: no id or created_at; skipped", part=NOTIFICATIONS)
            return None
        if item.get("type", "mention") != "mention":
            return None
        if since is not None and not _is_newer(notification_id, since):
            return None
        raw = item.get("status")
        if raw is None:
            self.book.warn(f"mention {show_id(notification_id)}: its status was deleted; skipped")
            return notification_id, None
        return notification_id, self._status(raw, f"mention {show_id(notification_id)}")

    # -- threads --------------------------------------------------------------------------

    def _follow(self, mention: dict[str, Any], doing: str) -> None:
        """Read the thread ``mention`` belongs to, unless this pull already did."""
        self.book.part = MENTIONS  # a thread not found: the mention is skipped for good
        root_id = self._find_root(mention, doing)
        if root_id is not None:
            self._read_thread(root_id, doing)

    def _find_root(self, status: dict[str, Any], doing: str) -> str | None:
        status_id: str = status["id"]
        if status_id in self.root_of:
            return self.root_of[status_id]
        parent = _ident(status.get("in_reply_to_id"))
        if parent is None:
            self.root_of[status_id] = status_id
            return status_id
        if parent in self.root_of:
            self.root_of[status_id] = self.root_of[parent]
            return self.root_of[status_id]
        context = self._context(status_id, doing)
        if context is None:
            return None
        ancestors = [
            found
            for index, raw in enumerate(_list(context.get("ancestors")))
            if (found := self._status(raw, f"context of {show_id(status_id)}[{index}]"))
        ]
        root_id = ancestors[0]["id"] if ancestors else status_id
        for ancestor in [*ancestors, status]:
            self.root_of[ancestor["id"]] = root_id
        self.book.report()
        return root_id

    def _context(self, status_id: str, doing: str) -> dict[str, Any] | None:
        """``/statuses/:id/context`` (asked at most once per pull), or None with a
        warning when it is gone or malformed."""
        if status_id not in self.contexts:
            self.contexts[status_id] = self._ask_context(status_id, doing)
        return self.contexts[status_id]

    def _ask_context(self, status_id: str, doing: str) -> dict[str, Any] | None:
        path_id = _path_id(status_id)
        if path_id is None:
            self.book.warn(f"status {show_id(status_id)}: an id that cannot be asked for; skipped")
            return None
        try:
            context = self._fetch(f"statuses/{path_id}/context", doing).json()
        except GoneError:
            self.book.warn(f"status {show_id(status_id)}: gone (deleted?); its thread was skipped")
            return None
        if not isinstance(context, dict):
            self.book.warn(f"context of {show_id(status_id)}: not an object ({json_kind(context)})")
            self.book.report()
            return None
        return context

    def _read_thread(self, root_id: str, doing: str) -> None:
        """Read the comments of the thread rooted at ``root_id``, once per pull. A root
        known to have no replies needs no request."""
        if root_id in self.threads:
            return
        self.book.part = _thread_part(root_id)
        root = self.statuses.get(root_id)
        descendants: list[Any] = []
        if root is None or root.get("replies_count") != 0 or root_id in self.contexts:
            context = self._context(root_id, doing)
            if context is None:
                return
            descendants = _list(context.get("descendants"))
        statuses = [
            found
            for index, raw in enumerate(descendants)
            if (found := self._status(raw, f"context of {show_id(root_id)}[{index}]"))
        ]
        comments = self._thread_start(root_id, root)
        comments += [c for c in map(self._comment, statuses) if c is not None]
        for comment in comments:
            self.root_of[comment["id"]] = root_id
        self.book.items += len(comments)
        self.threads[root_id] = comments
        self.book.report()

    def _thread_start(self, root_id: str, root: dict[str, Any] | None) -> list[dict[str, Any]]:
        """The comment a thread rooted elsewhere starts with: its root (a member's status
        that mentions us is a conversation before anyone answers). Without the root's
        status in this pull, the comment of the previous pull, as it was."""
        if root is not None:
            start = None if self._is_ours(root) else self._comment(root)
            return [] if start is None else [start]
        before = self.previous_posts.get(root_id, {}).get("comments")
        return [
            comment
            for comment in _list(before)
            if isinstance(comment, dict) and comment.get("id") == root_id
        ][:1]

    def _refresh_own_threads(self) -> None:
        """Read the threads of our statuses whose reply count changed since the last pull
        (replies that do not mention us, or replies deleted)."""
        known = self.cursor.get("replies") if self.previous is not None else None
        known = known if isinstance(known, dict) else {}
        changed = [
            status
            for status in self.own
            if isinstance(count := status.get("replies_count"), int)
            and count != known.get(status["id"], 0)
        ]
        for number, status in enumerate(changed, 1):
            self._read_thread(status["id"], f"replies to our post {number} of {len(changed)}")

    def _place_own_replies(self) -> None:
        """Put our recent replies into the threads they answer in: a reply we sent shows
        at the next pull without a request (no one mentions us in it)."""
        self.book.part = OWN
        for status in reversed(self.own_replies):  # oldest first: replies to our replies
            parent = _ident(status.get("in_reply_to_id")) or ""
            root_id = self.root_of.get(status["id"]) or self.root_of.get(parent)
            comment = self._comment(status) if root_id is not None else None
            if root_id is not None and comment is not None:
                self.root_of[status["id"]] = root_id
                self.added.setdefault(root_id, []).append(comment)

    def _is_ours(self, status: dict[str, Any]) -> bool:
        account = status.get("account")
        return isinstance(account, dict) and _ident(account.get("id")) == self.account["id"]

    # -- the document -------------------------------------------------------------------

    def _document(self) -> Document:
        own = self._own_posts()
        own_ids = {post["id"] for post in own}
        roots = [root for root in self._roots() if root not in own_ids]
        others = [post for root in roots if (post := self._thread_post(root))]
        source: dict[str, Any] = {
            "name": self.source.name or f"@{self.account['acct']} on {self._host()}",
            "platform": PLATFORM,
            "account": {"id": self.account["id"], "name": self.account["name"]},
        }
        if self._reply_limit is not None:
            source["reply_limit"] = self._reply_limit
        return {
            "format": "commdash/v1",
            "source": source,
            "exported_at": iso(time.time()),
            "posts": own + others,
        }

    def _host(self) -> str:
        return urlsplit(self.source.base_url).netloc.rpartition("@")[2]

    def _own_posts(self) -> list[dict[str, Any]]:
        previous = self.previous_posts
        if not self.own_ok:
            ids = [i for i in self._kept("own") if isinstance(i, str) and i in previous]
            return [self._with_comments(previous[i], i) for i in ids]
        return [self._with_comments(self._post(status), status["id"]) for status in self.own]

    def _kept(self, key: str) -> list[Any]:
        """A list the previous pull left in the cursor (none when starting afresh)."""
        return _list(self.cursor.get(key)) if self.previous is not None else []

    def _roots(self) -> list[str]:
        """The threads kept besides our recent posts: those of earlier pulls and the new
        ones, newest root first."""
        kept = (r for r in self._kept("roots") if isinstance(r, str) and r in self.previous_posts)
        roots = dict.fromkeys(kept)
        roots.update(dict.fromkeys(self.threads))
        return sorted(roots, key=_id_order, reverse=True)

    def _thread_post(self, root_id: str) -> dict[str, Any] | None:
        root = self.statuses.get(root_id)
        if root is not None:
            return self._with_comments(self._post(root), root_id)
        if root_id in self.previous_posts:
            return self._with_comments(self.previous_posts[root_id], root_id)
        return None

    def _with_comments(self, post: dict[str, Any], root_id: str) -> dict[str, Any]:
        """``post`` with the comments read now, else those of the previous pull; our
        recent replies in it brought up to date."""
        if root_id in self.threads:
            comments = self.threads[root_id]
        else:
            comments = _list(self.previous_posts.get(root_id, {}).get("comments"))
            self.book.reuse(_thread_part(root_id))
        added = self.added.get(root_id)
        if added:
            comments = _merged(comments, added)
        return {**post, "comments": comments}

    def _post(self, status: dict[str, Any]) -> dict[str, Any]:
        ours = self._is_ours(status)
        author = _author(status.get("account"))
        favourites = _count(status.get("favourites_count"))
        return {
            "id": status["id"],
            "channel": f"@{self.account['acct']}" if ours else MENTIONS_CHANNEL,
            "author": author or {"id": self.account["id"], "name": self.account["name"]},
            "created_at": status["created_at"],
            "status": "published",
            "text": status_text(status),
            "permalink": status.get("url") if isinstance(status.get("url"), str) else None,
            "metrics": {
                "reactions": {} if favourites is None else {"favourite": favourites},
                "shares": _count(status.get("reblogs_count")),
            },
        }

    def _comment(self, status: dict[str, Any]) -> dict[str, Any] | None:
        author = _author(status.get("account"))
        if author is None:
            self.book.warn(f"status {show_id(status['id'])}: no author; skipped")
            return None
        return {
            "id": status["id"],
            "parent_id": _ident(status.get("in_reply_to_id")),
            "author": author,
            "created_at": status["created_at"],
            "text": status_text(status),
            "likes": _count(status.get("favourites_count")) or 0,
            "hidden": False,
            "permalink": status.get("url") if isinstance(status.get("url"), str) else None,
        }

    def _next_cursor(self, newest: str | None, document: Document) -> Cursor:
        own_ids = [status["id"] for status in self.own]
        if not self.own_ok:
            own_ids = [i for i in self._kept("own") if isinstance(i, str)]
        own = set(own_ids)
        roots = [post["id"] for post in document["posts"] if post["id"] not in own]
        # A thread that could not be read is not marked as read: the next pull tries again.
        replies = {
            status["id"]: status["replies_count"]
            for status in self.own
            if isinstance(status.get("replies_count"), int)
            and not (status["id"] in self.contexts and self.contexts[status["id"]] is None)
        }
        return {
            "version": CURSOR_VERSION,
            "account": dict(self.account),
            "since": newest,
            "older": self.older,
            "own": own_ids,
            "roots": roots,
            "replies": replies,
            "reply_limit": self._reply_limit,
        }


def _usable(previous: Document | None, cursor: Cursor) -> Document | None:
    """The previous document when the cursor belongs to it; else None: start afresh."""
    kept = cursor.get("account")
    if previous is None or cursor.get("version") != CURSOR_VERSION:
        return None
    if not isinstance(kept, dict) or _account_id(previous) != kept.get("id"):
        return None
    return previous


def _thread_part(root_id: str) -> str:
    """The part of a pull that reads the thread rooted at ``root_id``: its warnings are said
    again while the thread is reused."""
    return f"thread {root_id}"


def status_text(status: Mapping[str, Any]) -> str:
    """A status's text: its content as plain text, after its content warning if any."""
    text = html_to_text(status.get("content"), status.get("mentions"))
    spoiler = status.get("spoiler_text")
    if isinstance(spoiler, str) and spoiler.strip():
        return f"CW: {spoiler.strip()}\n\n{text}" if text else f"CW: {spoiler.strip()}"
    return text


def _merged(comments: list[Any], newer: list[dict[str, Any]]) -> list[Any]:
    """``comments`` with ``newer`` ones in place of those with the same id, the others
    appended."""
    at = {c["id"]: i for i, c in enumerate(comments) if isinstance(c, dict) and "id" in c}
    merged = list(comments)
    for comment in newer:
        if comment["id"] in at:
            merged[at[comment["id"]]] = comment
        else:
            at[comment["id"]] = len(merged)
            merged.append(comment)
    return merged


def _account_facts(raw: object) -> dict[str, str] | None:
    """An account as the cursor keeps it, or None when it has no id."""
    if not isinstance(raw, dict):
        return None
    author = _author(raw)
    if author is None:
        return None
    acct = raw.get("acct")
    url = raw.get("url")
    return {
        "id": author["id"],
        "acct": acct if isinstance(acct, str) and acct else author["id"],
        "name": author["name"],
        "url": url if isinstance(url, str) else "",
    }


def _author(raw: object) -> dict[str, str] | None:
    """``{id, name}`` of an account: the display name, else the acct."""
    if not isinstance(raw, dict):
        return None
    account_id = _ident(raw.get("id"))
    if account_id is None:
        return None
    for key in ("display_name", "name", "acct", "username"):
        value = raw.get(key)
        if isinstance(value, str) and value.strip():
            return {"id": account_id, "name": value}
    return {"id": account_id, "name": account_id}


def _ident(value: object) -> str | None:
    """An id as a string: a non-empty string, or an integer."""
    if isinstance(value, str):
        return value or None
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return None


def _path_id(value: object) -> str | None:
    """An id that may be put in a request path or query; None for anything else."""
    found = _ident(value)
    return found if found is not None and _SAFE_ID.fullmatch(found) else None


def _count(value: object) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 10**15:
        return value
    return None


def _list(value: object) -> list[Any]:
    return value if isinstance(value, list) else []


def _id_order(value: str) -> tuple[int, int, str]:
    """Mastodon ids are numbers written as strings: longer is later; others sort as text."""
    return (1, len(value), value) if value.isdigit() else (0, 0, value)


def _is_newer(value: str, than: str) -> bool:
    return _id_order(value) > _id_order(than)


def _newer(current: str | None, candidate: str) -> str:
    return candidate if current is None or _is_newer(candidate, current) else current


def _link_param(headers: Mapping[str, str], rel: str, param: str) -> str | None:
    """The ``param`` of the ``Link`` header's target with relation ``rel``, when it is an
    id (the next request is built from it, so a link elsewhere is never followed)."""
    for target, attributes in _LINK.findall(headers.get("link", "")[:20_000]):
        if rel in _relations(attributes):
            values = parse_qs(urlsplit(target).query).get(param)
            return _path_id(values[-1]) if values else None
    return None


def _relations(attributes: str) -> Iterable[str]:
    for quoted, bare in _REL.findall(attributes):
        yield from (quoted or bare).lower().split()


def _same(previous: Document, document: Document) -> bool:
    """Whether nothing but the time of the export differs."""
    return {k: v for k, v in previous.items() if k != "exported_at"} == {
        k: v for k, v in document.items() if k != "exported_at"
    }
