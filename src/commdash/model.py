"""The data model every source is mapped into.

Times are Unix seconds (UTC) as floats: cheap to compare and to store. All text in these
objects has already passed through :func:`commdash.text.sanitize`.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Author:
    id: str
    name: str


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


@dataclass(frozen=True, slots=True)
class Snapshot:
    """Everything a source delivered, ready for the inbox."""

    source: SourceInfo
    posts: tuple[Post, ...]
    conversations: tuple[Conversation, ...]
    skipped: tuple[str, ...] = ()
    """One line per item that was skipped or repaired while loading."""
