"""The data model every source is mapped into.

Times are Unix seconds (UTC) as floats: cheap to compare and to store. All text in these
objects has already passed through :func:`commdash.text.sanitize`.
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import NamedTuple


@dataclass(frozen=True, slots=True)
class Author:
    id: str
    name: str
    """What the source calls them; their id when it gives no name (every screen needs a
    label): :attr:`named` tells the two apart."""

    @property
    def named(self) -> bool:
        """Whether the source gave a name (a reply may greet them by it), rather than only
        the id that stands for one (a bare string author is taken as both: no name)."""
        return self.name != self.id


@dataclass(frozen=True, slots=True)
class Message:
    """One comment or reply, placed in its conversation."""

    id: str
    post_id: str
    parent_id: str | None
    """The parent inside the conversation; None for the top-level comment."""
    author: Author
    created_at: float
    text: str
    likes: int = 0
    hidden: bool = False
    ours: bool = False
    """Written by the source's own account."""
    depth: int = 0
    """0 for the top-level comment, 1 for a direct reply, and so on."""
    read_only: bool = False
    """The platform gave no way to act on it (Facebook withholds comment ids from a token
    that cannot moderate the Page): shown, but never replied to or hidden."""
    permalink: str | None = None
    """Where the platform shows it, when the source says."""


@dataclass(frozen=True, slots=True)
class Conversation:
    """A top-level comment with all its descendants, in thread order."""

    id: str
    """The id of the top-level comment."""
    post_id: str
    messages: tuple[Message, ...]

    @property
    def root(self) -> Message:
        return self.messages[0]

    def message(self, message_id: str) -> Message | None:
        return next((m for m in self.messages if m.id == message_id), None)


def total_likes(conversation: Conversation) -> int:
    """The likes of all its messages."""
    return sum(message.likes for message in conversation.messages)


class Facts(NamedTuple):
    """What the figures need to know about one conversation, independent of the clock.
    (A tuple: there is one per conversation, and the parse cache stores them fast.)"""

    latest_at: float | None
    """The latest visible message, a queued reply included; None when nothing is visible."""
    latest_ours: bool
    latest_member_at: float | None
    first_member_at: float | None
    first_response_at: float | None
    """Our first reply at or after the first member message."""
    member_times: tuple[float, ...]
    visible_count: int
    """Visible comments from the source (queued replies not included)."""


class ConversationShelf(Mapping[str, "Conversation"]):
    """Conversations kept on disk and read when asked for, for sources too large to hold in
    memory: what the inbox needs of each (its post, its facts without triage state) is in
    memory; the messages are read from the source by post. Iterates over ids."""

    @abstractmethod
    def post_id(self, conversation_id: str) -> str: ...

    @abstractmethod
    def base_facts(self, conversation_id: str) -> Facts:
        """The facts with no triage state and no queued reply."""

    @abstractmethod
    def matching(self, needle: str, stop: Callable[[], bool]) -> set[str] | None:
        """Ids of the conversations whose authors or texts contain ``needle`` (casefolded);
        None when ``stop()`` said to give up before the end."""


@dataclass(frozen=True, slots=True)
class Post:
    id: str
    channel: str
    author: Author
    created_at: float
    status: str
    """published, scheduled, draft or pending."""
    text: str
    scheduled_at: float | None = None
    permalink: str | None = None
    reactions: dict[str, int] = field(default_factory=dict)
    shares: int | None = None
    reach: int | None = None
    impressions: int | None = None


@dataclass(frozen=True, slots=True)
class SourceInfo:
    name: str
    platform: str
    account: Author
    exported_at: float
    location: str
    """Where the data came from (a path or a URL), for messages."""
    reply_limit: int | None = None
    """The longest reply the source takes, when its document says (``commdash.replying``
    knows the platforms' defaults and how each counts)."""


@dataclass(frozen=True, slots=True)
class Snapshot:
    """Everything a source delivered, ready for the inbox."""

    source: SourceInfo
    posts: tuple[Post, ...]
    conversations: tuple[Conversation, ...] | ConversationShelf
    """All in memory, or (for a large source) on a shelf read as needed."""
    skipped: tuple[str, ...] = ()
    """One line per item that was skipped or repaired while loading."""
    unlisted: int = 0
    """Items skipped or repaired beyond those in ``skipped`` (a live source keeps a bounded
    number of lines)."""
    advice: tuple[str, ...] = ()
    """The causes of skipped items that commdash recognised, each with what to do."""

    @property
    def skipped_count(self) -> int:
        return len(self.skipped) + self.unlisted
