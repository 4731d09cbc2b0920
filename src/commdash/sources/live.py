"""What every live (HTTP) source offers: pulling its data as a commdash/v1 document, and
delivering the outbox's replies and moderation.

A live source maps the platform into the native document (FORMATS.md §1) and nothing else:
the native reader then checks and sanitises it like any export, so there is one boundary for
untrusted text, and the last good document is what the offline cache keeps. What the
platform allows goes there too: the longest reply it takes is the document's
``source.reply_limit`` (Graph: Facebook's comment limit; Mastodon: the server's own), so the
offline copy keeps it and the reply box counts against it before the first pull of a session.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from commdash.sources.http import HttpClient

Document = dict[str, Any]
"""A commdash/v1 document (plain JSON values)."""
Cursor = dict[str, Any]
"""What a source remembers between pulls to make the next one incremental (plain JSON
values, kept with the offline cache; never the token)."""


@dataclass(frozen=True, slots=True)
class Progress:
    pages: int
    """Requests answered so far in this pull."""
    items: int
    """Posts and comments received so far."""
    doing: str = ""
    """What is being fetched now, e.g. "comments of post 3 of 40"."""


ProgressFn = Callable[[Progress], None]


@dataclass(frozen=True, slots=True)
class OutgoingReply:
    """A reply as a source posts it (the courier makes it from the outbox's item)."""

    id: str
    """The idempotency key: sent again with it, the reply must not be posted twice."""
    conversation_id: str
    in_reply_to: str
    """The message answered."""
    text: str
    queued_at: float
    """When the manager queued it (Unix seconds)."""


@dataclass(frozen=True, slots=True)
class Pulled:
    document: Document | None
    """The whole source as it stands now; None when nothing changed since ``cursor``."""
    cursor: Cursor
    warnings: tuple[str, ...] = field(default_factory=tuple)
    """One line per response or item that was malformed and skipped (or repaired), in the
    whole source as it now stands: a part not read again (its data reused from
    ``previous``) reports again what it reported when it was read."""
    unlisted: int = 0
    """Items skipped or repaired beyond the lines given (a source keeps a bounded number)."""
    advice: tuple[str, ...] = field(default_factory=tuple)
    """The causes the source recognised, each with what to do (e.g. a missing permission)."""


class LiveSource(ABC):
    location: str
    """The source as shown to the manager: a URL without query, or the config name."""

    @property
    @abstractmethod
    def requests(self) -> int:
        """Requests sent so far (for the figures and the benchmarks)."""

    @abstractmethod
    def pull(self, previous: Document | None, cursor: Cursor, progress: ProgressFn) -> Pulled:
        """Fetch what changed since ``cursor`` and return the whole document: ``previous``
        (the last good one, None on the first pull) updated. Raise
        :class:`~commdash.sources.http.RemoteError` when the source cannot be read."""

    @abstractmethod
    def send_reply(self, reply: OutgoingReply, document: Document) -> str | None:
        """Post ``reply`` (its ``id`` is the idempotency key) and return the id the platform
        gave the new message (None when it did not say). ``document`` is the last pulled
        one (authors, threads)."""

    def set_hidden(self, message_id: str, hidden: bool) -> None:
        """Hide or unhide a comment on the platform; naturally idempotent."""
        raise NotImplementedError(f"{self.location}: this source cannot hide comments")

    def matching_replies(self, reply: OutgoingReply, document: Document) -> list[str] | None:
        """The ids of the messages on the platform that ``reply`` could have become: ours,
        with its text, where it is posted. The courier reads them before the first attempt
        and again after an attempt that may have reached the platform: a new one is the
        reply. None (the default) when the platform deduplicates a resend by the
        ``Idempotency-Key``, so that nothing needs finding."""
        return None

    @abstractmethod
    def use_token(self, token: str | None) -> None:
        """Send ``token`` from now on: the manager renewed the one the platform refused."""

    @property
    def can_hide(self) -> bool:
        return type(self).set_hidden is not LiveSource.set_hidden

    @abstractmethod
    def close(self) -> None:
        """Let go of connections."""


class HttpLiveSource(LiveSource):
    """A live source that talks to its platform through one :class:`HttpClient`."""

    _client: HttpClient

    @property
    def requests(self) -> int:
        return self._client.requests

    def use_token(self, token: str | None) -> None:
        self._client.use_token(token)

    def close(self) -> None:
        self._client.close()
