"""The bundled demo: a small bike shop's community, kept alive by shifting it in time."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from commdash.model import Conversation, Snapshot

DEMO_PATH = Path(__file__).resolve().parent.parent / "demo_data" / "demo.json"


def shift_times(snapshot: Snapshot, now: float) -> Snapshot:
    """The same data, as if exported at ``now``: ages stay as they were at export."""
    delta = now - snapshot.source.exported_at
    posts = tuple(
        replace(
            post,
            created_at=post.created_at + delta,
            scheduled_at=None if post.scheduled_at is None else post.scheduled_at + delta,
        )
        for post in snapshot.posts
    )
    conversations = tuple(
        Conversation(
            conversation.id,
            conversation.post_id,
            tuple(replace(m, created_at=m.created_at + delta) for m in conversation.messages),
        )
        for conversation in (
            snapshot.conversations
            if isinstance(snapshot.conversations, tuple)
            else snapshot.conversations.values()
        )
    )
    source = replace(snapshot.source, exported_at=now)
    return replace(snapshot, source=source, posts=posts, conversations=conversations)
