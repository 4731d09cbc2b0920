"""The store's one line about outbox items that cannot be read: only those items, by their
document ids, the first five listed and the rest counted; nothing when every item reads."""

from __future__ import annotations

import json
from pathlib import Path

from commdash.outbox import Reply
from commdash.store import Store

NOW = 1_764_061_200.0
WHY = (
    "cannot be read (an id, a target, a text or a time is missing or mistyped): kept in the "
    "file, never sent"
)
GOOD = {
    "id": "r1",
    "conversation_id": "c1",
    "in_reply_to": "m1",
    "text": "Thanks",
    "queued_at": NOW,
}


def outbox_with(tmp_path: Path, items: dict[str, object]) -> Store:
    (tmp_path / "outbox.json").write_text(json.dumps({"replies": items}), encoding="utf-8")
    return Store(tmp_path)


def broken(count: int, first: int = 2) -> dict[str, object]:
    """``count`` items without a text, under document ids ``first`` and on."""
    return {str(first + n): {**GOOD, "id": f"x{n}", "text": None} for n in range(count)}


def test_every_item_readable_says_nothing(tmp_path: Path) -> None:
    store = Store(tmp_path)
    store.queue_reply(Reply.new("c1", "m1", "Thanks", NOW))
    store.queue_reply(Reply.new("c2", "m2", "Welcome", NOW + 1))
    assert store.outbox.unreadable() == []
    assert store.unreadable_replies() is None


def test_only_the_items_that_cannot_be_read_are_named(tmp_path: Path) -> None:
    store = outbox_with(tmp_path, {"1": GOOD, **broken(1, first=2), "3": {**GOOD, "id": "r3"}})
    assert store.outbox.unreadable() == ["2"]
    assert store.unreadable_replies() == f"{tmp_path / 'outbox.json'}: item 2 {WHY}"
    assert [item.id for item in store.replies()] == ["r1", "r3"]


def test_five_unreadable_items_are_all_listed(tmp_path: Path) -> None:
    store = outbox_with(tmp_path, {"1": GOOD, **broken(5)})
    assert store.unreadable_replies() == (
        f"{tmp_path / 'outbox.json'}: 5 items (2, 3, 4, 5, 6) {WHY}"
    )


def test_past_five_unreadable_items_the_rest_are_counted_not_listed(tmp_path: Path) -> None:
    store = outbox_with(tmp_path, broken(6))
    assert store.unreadable_replies() == (
        f"{tmp_path / 'outbox.json'}: 6 items (2, 3, 4, 5, 6, …) {WHY}"
    )
