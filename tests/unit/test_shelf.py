"""A large export's conversations live on a shelf and are read back from the file: what the
shelf gives must be exactly what reading the whole file into memory gives."""

from __future__ import annotations

import pickle
import random
from pathlib import Path

import orjson
import pytest

from commdash.figures import facts_of
from commdash.inbox import VIEWS, Inbox, SearchStopped
from commdash.model import Conversation, Snapshot
from commdash.session import open_session
from commdash.sources import files, parse_cache
from commdash.sources.native import read_native_bytes
from commdash.sources.shelf import CHANGED, FileShelf, FileVersion, OnDisk
from commdash.timeutil import Clock
from commdash.triage import BLANK, mark_done, set_hidden

NOW = 1_764_061_200.0


def export(path: Path, seed: int = 7) -> bytes:
    """150 posts with threads, and the oddities a shelf must reproduce when it reads a post
    back alone: ids already seen in an earlier post, items that are not objects, comments
    without an author, cycles, escapes and markup."""
    rng = random.Random(seed)
    posts = []
    for p in range(150):
        comments: list[object] = []
        for c in range(rng.randint(0, 12)):
            comment = {
                "id": f"p{p}c{c}",
                "created_at": NOW - rng.randint(0, 10**6),
                "author": {
                    "id": f"u{rng.randint(0, 30)}",
                    "name": f"User [b]{c}[/b]" + (" \\u00e9" if p % 2 else ""),
                },
                "text": rng.choice(["Brake squeaks", "ORDER late", "thanks \x1b]52;c;x\x07", "hi"]),
            }
            if c and rng.random() < 0.5:
                comment["parent_id"] = f"p{p}c{rng.randrange(c)}"
            if rng.random() < 0.1:
                comment["hidden"] = True
            comments.append(comment)
        if p % 10 == 3:
            comments.append({"id": f"p{p - 1}c0", "created_at": NOW, "author": "dup"})
            comments.append("not an object")
            comments.append({"id": f"p{p}x", "created_at": NOW})  # no author
            comments.append(
                {"id": f"p{p}y", "created_at": NOW, "author": "a", "parent_id": f"p{p}z"}
            )
            comments.append(
                {"id": f"p{p}z", "created_at": NOW, "author": "b", "parent_id": f"p{p}y"}
            )
        posts.append(
            {"id": f"p{p}", "created_at": NOW - 10**6, "text": "post", "comments": comments}
        )
    posts.append({"id": "p0", "created_at": NOW})  # a duplicate post: skipped
    data = orjson.dumps(
        {"format": "commdash/v1", "source": {"account": {"id": "u0"}}, "posts": posts},
        option=orjson.OPT_INDENT_2,
    )
    path.write_bytes(data)
    return data


def both(path: Path) -> tuple[Snapshot, Snapshot, FileShelf]:
    data = export(path)
    eager = read_native_bytes(data, str(path), "x", NOW)
    on_disk = OnDisk(str(path), FileVersion.of(path.stat()))
    shelved = read_native_bytes(data, str(path), "x", NOW, shelve_as=on_disk)
    assert isinstance(eager.conversations, tuple)
    assert isinstance(shelved.conversations, FileShelf)
    return eager, shelved, shelved.conversations


def test_the_shelf_reads_back_exactly_what_memory_holds(tmp_path: Path) -> None:
    eager, shelved, shelf = both(tmp_path / "big.json")
    assert isinstance(eager.conversations, tuple)
    assert shelved.posts == eager.posts
    assert shelved.skipped == eager.skipped
    assert list(shelf) == [c.id for c in eager.conversations]
    assert len(shelf) == len(eager.conversations) > 300
    for conversation in reversed(eager.conversations):  # out of file order
        assert shelf[conversation.id] == conversation
        assert shelf.post_id(conversation.id) == conversation.post_id
        assert shelf.base_facts(conversation.id) == facts_of(conversation, BLANK, ())
    assert "nope" not in shelf
    with pytest.raises(KeyError):
        shelf["nope"]


def test_an_inbox_on_a_shelf_agrees_with_one_in_memory(tmp_path: Path) -> None:
    eager, shelved, _ = both(tmp_path / "big.json")
    assert isinstance(eager.conversations, tuple)
    first = eager.conversations[0]
    states = {
        first.id: set_hidden(BLANK, first.root.id, True),
        eager.conversations[1].id: mark_done(BLANK, NOW),
    }
    inboxes = [Inbox(s, states, [], Clock(NOW), 3600.0) for s in (eager, shelved)]
    a, b = inboxes
    assert a.figures() == b.figures()
    assert list(a.post_summaries()) == list(b.post_summaries())
    for view in VIEWS:
        for query in ("", "b", "brake", "order", "b]1", "é", "zzz", "u1"):
            assert a.conversation_ids(view, None, query) == b.conversation_ids(view, None, query)
    assert a.conversation_ids("all", "p5", "hi") == b.conversation_ids("all", "p5", "hi")


def test_a_post_rewritten_in_place_shows_a_notice_not_a_crash(tmp_path: Path) -> None:
    path = tmp_path / "big.json"
    _, _, shelf = both(path)
    cid = next(iter(shelf))
    latest = shelf.base_facts(cid).latest_at
    path.write_bytes(b" " * path.stat().st_size)
    (message,) = shelf[cid].messages
    assert message.text == CHANGED
    assert shelf[cid].id == cid
    assert latest is not None and message.created_at == latest  # dated as it was, not 1970


def test_a_pickled_shelf_reads_from_its_file(tmp_path: Path) -> None:
    eager, _, shelf = both(tmp_path / "big.json")
    assert isinstance(eager.conversations, tuple)
    shelf[eager.conversations[0].id]  # a post in memory and the file open
    again = pickle.loads(pickle.dumps(shelf))
    assert isinstance(again, FileShelf)
    last: Conversation = eager.conversations[-1]
    assert again[last.id] == last


def test_a_large_export_reopens_from_its_saved_count(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "big.json"
    export(path)
    monkeypatch.setattr(files, "SHELF_ABOVE_BYTES", 0)
    clock = Clock(NOW)
    first = open_session(str(path), str(tmp_path / "state"), clock, 60.0)
    assert isinstance(first.inbox.conversations, FileShelf)
    cid = first.inbox.conversation_ids()[0]
    first.store.apply(cid, "done", lambda s: mark_done(s, NOW), NOW)
    parse_cache.wait_for_saves()
    restored = []
    real = Inbox.restore
    monkeypatch.setattr(
        Inbox, "restore", classmethod(lambda cls, *a: restored.append(1) or real(*a))
    )
    later = Clock(NOW + 7200)
    again = open_session(str(path), str(tmp_path / "state"), later, 60.0)
    assert restored == [1]
    assert again.inbox.status(cid) == "done"
    fresh = Inbox(again.inbox.snapshot, again.store.states(), [], later, 3600.0)
    assert again.inbox.figures() == fresh.figures()
    assert again.inbox.conversation_ids() == fresh.conversation_ids()


def test_a_search_no_longer_wanted_stops(tmp_path: Path) -> None:
    _, shelved, shelf = both(tmp_path / "big.json")
    assert shelf.matching("brake", lambda: True) is None
    inbox = Inbox(shelved, {}, [], Clock(NOW), 3600.0)
    with pytest.raises(SearchStopped):
        inbox.conversation_ids("all", None, "order", stop=lambda: True)
    assert inbox.conversation_ids("all", None, "order")  # and it can be searched again
