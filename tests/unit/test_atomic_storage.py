"""The atomic TinyDB storage on its own and as the store uses it: a plain TinyDB storage
outside a batch, directories made as needed, one clear line naming the file when it cannot be
read, and every read outside a batch taken from the disk afresh. (A file that cannot be
written: test_unprivileged_process.py.)"""

from __future__ import annotations

from pathlib import Path

import pytest
from tinydb import TinyDB

from commdash.errors import StateError
from commdash.outbox import Reply
from commdash.statefiles import AtomicJSONStorage
from commdash.store import Store

NOW = 1_764_061_200.0


def test_it_is_a_plain_tinydb_storage_that_makes_its_directories(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "er" / "db.json"
    with TinyDB(path, storage=AtomicJSONStorage) as db:
        db.table("t").insert({"a": 1})
        db.table("t").insert({"a": 2})
    with TinyDB(path, storage=AtomicJSONStorage) as db:
        assert [doc["a"] for doc in db.table("t").all()] == [1, 2]


def test_a_store_sees_what_another_wrote_since_it_last_read(tmp_path: Path) -> None:
    mine, theirs = Store(tmp_path), Store(tmp_path)
    assert mine.replies() == []
    reply = theirs.as_queued(Reply.new("c1", "c1", "Thanks!", NOW))
    theirs.queue_reply(reply)
    assert mine.replies() == [reply]


def test_a_file_that_cannot_be_read_is_named_with_the_reason(tmp_path: Path) -> None:
    (tmp_path / "outbox.json").mkdir()
    with pytest.raises(StateError) as caught:
        Store(tmp_path).replies()
    assert str(caught.value) == f"{tmp_path / 'outbox.json'}: cannot read: Is a directory"


def test_a_file_that_is_not_json_says_where_and_what_to_do(tmp_path: Path) -> None:
    (tmp_path / "outbox.json").write_text('{"replies": {\n  "1": oops}}')
    with pytest.raises(StateError) as caught:
        Store(tmp_path).replies()
    assert str(caught.value) == (
        f"{tmp_path / 'outbox.json'}: line 2 column 8: not valid JSON; "
        "move the file aside to start with empty state"
    )
