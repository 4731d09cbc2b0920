"""The sorts (newest, oldest, likes, waiting) and their ties where a view is narrowed to a
post; and what the inbox remembers: a test's values read once (the last 16 tests), a
needle's search of a shelved source done once (the last 16 needles)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from _builders import HOUR, MINUTE, NOW, conv, msg, post, snapshot
from test_shelf import both

from commdash.inbox import SORTS, Inbox, SearchStopped
from commdash.model import Conversation, Message
from commdash.timeutil import Clock
from commdash.views import read_views

SLA = HOUR


def liked(message: Message, likes: int) -> Message:
    return replace(message, likes=likes)


def inbox() -> Inbox:
    """On p1: "old" waits 3 h (2 likes), "mid" answered 2 h ago (5 likes), "new" waits
    10 min (2 likes), "zed" waits 10 min too (2 likes)."""
    conversations = [
        conv(liked(msg("old", NOW - 3 * HOUR), 2)),
        conv(liked(msg("mid", NOW - 4 * HOUR), 5), msg("mid1", NOW - 2 * HOUR, ours=True)),
        conv(liked(msg("new", NOW - 10 * MINUTE), 2)),
        conv(liked(msg("zed", NOW - 10 * MINUTE), 2)),
    ]
    return Inbox(snapshot([post("p1")], conversations), {}, [], Clock(NOW), SLA)


def test_all_on_a_post_is_newest_first_ties_by_id() -> None:
    assert inbox().conversation_ids("all", "p1") == ["new", "zed", "mid", "old"]


def test_needs_reply_sorted_by_likes_is_most_liked_first_then_newest() -> None:
    ids = inbox().conversation_ids("needs-reply", sort="likes")
    assert ids == ["new", "zed", "old"]


def test_likes_ties_are_newest_first() -> None:
    assert inbox().conversation_ids("all", sort="likes") == ["mid", "new", "zed", "old"]


def test_oldest_and_waiting_sorts() -> None:
    box = inbox()
    assert box.conversation_ids("all", sort="oldest") == ["old", "mid", "new", "zed"]
    assert box.conversation_ids("all", sort="waiting") == ["old", "new", "zed", "mid"]


def test_every_sort_is_one_a_view_may_name_in_the_order_offered(tmp_path: Path) -> None:
    assert SORTS == ("waiting", "newest", "oldest", "likes")
    data = {"views": [{"name": f"by {sort}", "sort": sort} for sort in SORTS]}
    own, notes = read_views(tmp_path / "config.toml", data)
    assert notes == []
    assert [view.sort for view in own.views] == list(SORTS)


def counting(log: list[str]) -> Callable[[Conversation], int]:
    def read(conversation: Conversation) -> int:
        log.append(conversation.id)
        return len(conversation.messages)

    return read


def test_a_tests_values_are_read_once_and_the_last_16_tests_kept() -> None:
    box = inbox()
    log: list[str] = []
    first = box.read_once("first", counting(log))
    assert first("mid") == 2
    assert first("old") == 1
    assert sorted(log) == ["mid", "new", "old", "zed"]  # the whole post, once
    for n in range(15):
        box.read_once(f"other{n}", counting([]))
    log.clear()
    assert box.read_once("first", counting(log))("mid") == 2
    assert log == []  # 16 tests remembered: still there
    box.read_once("one more", counting([]))
    box.read_once("first", counting(log))("mid")
    assert "mid" in log  # the oldest went when a 17th came


def stopped() -> bool:
    return True


def test_a_needles_search_is_done_once_and_the_last_16_needles_kept(tmp_path: Path) -> None:
    _, shelved, _ = both(tmp_path / "big.json")
    box = Inbox(shelved, {}, [], Clock(NOW), SLA)
    some = next(iter(box.conversations))
    with pytest.raises(SearchStopped) as raised:
        box.text_matcher("brake", stopped)(some)
    assert raised.value.args == ("brake",)
    found = box.text_matcher("brake", lambda: False)
    matched = [cid for cid in box.conversations if found(cid)]
    assert matched
    again = box.text_matcher("brake", stopped)  # searched already: no search to stop
    assert [cid for cid in box.conversations if again(cid)] == matched
    for n in range(15):
        box.text_matcher(f"needle{n}", lambda: False)(some)
    assert box.text_matcher("brake", stopped)(matched[0])
    box.text_matcher("one more", lambda: False)(some)
    with pytest.raises(SearchStopped):
        box.text_matcher("brake", stopped)(some)
