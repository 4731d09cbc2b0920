"""Small builders for hand-made model objects in the unit tests."""

from __future__ import annotations

from commdash.model import Author, Conversation, Message, Post, Snapshot, SourceInfo
from commdash.outbox import Reply

NOW = 1_764_061_200.0  # 2025-11-25T09:00:00Z
MINUTE = 60.0
HOUR = 3600.0
DAY = 86400.0

ACCOUNT = Author("acct", "Brand")


def member(name: str) -> Author:
    return Author(f"id-{name.lower()}", name)


def msg(
    mid: str,
    at: float,
    *,
    who: str = "Member",
    ours: bool = False,
    hidden: bool = False,
    text: str = "",
    post: str = "p1",
    parent: str | None = None,
) -> Message:
    """A message ``at`` seconds (absolute time); ``ours`` makes the source account its author."""
    return Message(
        id=mid,
        post_id=post,
        parent_id=parent,
        author=ACCOUNT if ours else member(who),
        created_at=at,
        text=text,
        hidden=hidden,
        ours=ours,
        depth=0 if parent is None else 1,
    )


def conv(*messages: Message) -> Conversation:
    """A conversation whose id is its first message's id; later messages reply to it."""
    root = messages[0]
    placed = [root] + [
        m
        if m.parent_id is not None
        else Message(
            id=m.id,
            post_id=m.post_id,
            parent_id=root.id,
            author=m.author,
            created_at=m.created_at,
            text=m.text,
            likes=m.likes,
            hidden=m.hidden,
            ours=m.ours,
            depth=1,
        )
        for m in messages[1:]
    ]
    return Conversation(id=root.id, post_id=root.post_id, messages=tuple(placed))


def post(
    pid: str,
    *,
    status: str = "published",
    reactions: dict[str, int] | None = None,
    shares: int | None = None,
    reach: int | None = None,
    created_at: float = NOW - 2 * DAY,
) -> Post:
    return Post(
        id=pid,
        channel="facebook",
        author=ACCOUNT,
        created_at=created_at,
        status=status,
        text=f"post {pid}",
        reactions=dict(reactions or {}),
        shares=shares,
        reach=reach,
    )


def snapshot(posts: list[Post], conversations: list[Conversation]) -> Snapshot:
    return Snapshot(
        source=SourceInfo(
            name="Test page",
            platform="facebook",
            account=ACCOUNT,
            exported_at=NOW,
            location="/nowhere/test.json",
        ),
        posts=tuple(posts),
        conversations=tuple(conversations),
    )


def reply(cid: str, at: float, *, rid: str | None = None, status: str = "queued") -> Reply:
    return Reply(
        id=rid or f"r-{cid}-{int(at)}",
        conversation_id=cid,
        in_reply_to=cid,
        text="Thanks!",
        queued_at=at,
        status=status,  # type: ignore[arg-type]
    )
