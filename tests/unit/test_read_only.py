"""Read-only comments: the native format's ``read_only`` field, kept on every way of reading
a document, and the triage actions that refuse to queue what could never be delivered."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import pytest

from commdash.actions import ReadOnlyError, Triager
from commdash.inbox import Inbox
from commdash.model import Conversation
from commdash.sources.native import read_native, read_native_bytes
from commdash.sources.shelf import FileShelf, FileVersion, OnDisk
from commdash.store import Store
from commdash.timeutil import Clock

NOW = 1_764_061_200.0


def document(posts: int = 1) -> dict[str, Any]:
    """Posts whose first conversation is read-only (its root and its reply), the second not;
    odd values of ``read_only`` count as false."""
    made = []
    for p in range(posts):
        made.append(
            {
                "id": f"p{p}",
                "created_at": NOW - 7200,
                "comments": [
                    {"id": f"p{p}-ro", "author": "A", "created_at": NOW - 600, "read_only": True},
                    {
                        "id": f"p{p}-ro-reply",
                        "parent_id": f"p{p}-ro",
                        "author": "B",
                        "created_at": NOW - 500,
                        "read_only": True,
                    },
                    {"id": f"p{p}-rw", "author": "C", "created_at": NOW - 400},
                    {"id": f"p{p}-odd", "author": "D", "created_at": NOW - 300, "read_only": 1},
                ],
            }
        )
    return {"format": "commdash/v1", "source": {"account": {"id": "brand"}}, "posts": made}


def read_only_ids(conversations: list[Conversation]) -> set[str]:
    return {m.id for c in conversations for m in c.messages if m.read_only}


def test_read_only_is_read_and_defaults_to_false() -> None:
    read = read_native(document(), "doc.json", "doc", NOW)
    assert isinstance(read.conversations, tuple)
    assert read_only_ids(list(read.conversations)) == {"p0-ro", "p0-ro-reply"}
    assert read.skipped == ()  # a valid field, not something repaired
    fast = read_native_bytes(orjson.dumps(document()), "doc.json", "doc", NOW)
    assert fast.conversations == read.conversations


def test_a_shelved_export_keeps_read_only(tmp_path: Path) -> None:
    path = tmp_path / "big.json"
    path.write_bytes(orjson.dumps(document(120)))
    on_disk = OnDisk(str(path), FileVersion.of(path.stat()))
    shelved = read_native_bytes(path.read_bytes(), str(path), "big", NOW, shelve_as=on_disk)
    assert isinstance(shelved.conversations, FileShelf)
    shelf = shelved.conversations
    assert read_only_ids([shelf[cid] for cid in shelf]) == {
        f"p{p}-{which}" for p in range(120) for which in ("ro", "ro-reply")
    }


@pytest.fixture
def triager(tmp_path: Path) -> Triager:
    clock = Clock(NOW)
    store = Store(tmp_path / "state")
    inbox = Inbox(read_native(document(), "doc.json", "doc", NOW), {}, [], clock, 3600.0)
    triager = Triager(inbox, store, clock)
    triager.moderates = True
    return triager


def test_replying_to_a_read_only_conversation_is_refused_and_nothing_is_queued(
    triager: Triager,
) -> None:
    why = triager.cannot_reply("p0-ro", "p0-ro-reply")
    assert why is not None and "read-only" in str(why) and "L" in str(why)
    assert triager.cannot_reply("p0-rw", "p0-rw") is None
    with pytest.raises(ReadOnlyError, match="read-only"):
        triager.reply("p0-ro", "p0-ro-reply", "Thanks!")
    assert triager.store.replies() == [] and triager.inbox.replies("p0-ro") == []
    triager.reply("p0-rw", "p0-rw", "Thanks!")
    assert [r.conversation_id for r in triager.store.replies()] == ["p0-rw"]


def test_hiding_a_read_only_comment_is_refused_and_nothing_changes(triager: Triager) -> None:
    assert triager.cannot_hide("p0-ro", "p0-ro-reply") is not None
    assert triager.cannot_hide("p0-rw", "p0-rw") is None
    with pytest.raises(ReadOnlyError, match="read-only"):
        triager.toggle_hidden("p0-ro", "p0-ro-reply")
    assert triager.store.replies() == []  # no moderation queued
    assert triager.inbox.state("p0-ro").hidden_override("p0-ro-reply") is None
    assert triager.toggle_hidden("p0-rw", "p0-rw") is True
