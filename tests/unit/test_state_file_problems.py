"""What a state file that is not TinyDB's tables is called, in the one line that names it:
every table is checked (not only the first), true or false and numbers are named so, a long
table name is cut at 40 cells. A 0.1 directory whose backup cannot be made says why and that
triage.json is left as it was; one whose triage.json could not be read at first is moved to
shards once it reads again, in the same session."""

from __future__ import annotations

import re
from pathlib import Path

import orjson
import pytest

from commdash.errors import StateError
from commdash.outbox import Reply
from commdash.store import Store

NOW = 1_764_061_200.0


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b'{"drafts": {"1": {}}, "journal": {"x": {}}}', 'table "journal": document id "x"'),
        (b'{"journal": true}', 'table "journal" is true or false, not an object of documents'),
        (b'{"journal": 1.5}', 'table "journal" is a number, not an object of documents'),
        (b'{"journal": {"1": false}}', 'table "journal", document 1: true or false, not an'),
        (
            b'{"' + b"a" * 60 + b'": []}',
            'table "' + "a" * 39 + '…" is a list, not an object of documents',
        ),
    ],
)
def test_the_error_names_what_is_wrong(tmp_path: Path, content: bytes, expected: str) -> None:
    (tmp_path / "triage.json").write_bytes(content)
    with pytest.raises(StateError, match=re.escape(expected)):
        Store(tmp_path).drafts()


def v1_triage() -> bytes:
    """A 0.1 triage.json: the conversations in it."""
    conversations = {"1": {"id": "c1", "state": {"done_at": NOW}}}
    return orjson.dumps({"conversations": conversations})


def test_a_backup_that_cannot_be_made_says_why(tmp_path: Path) -> None:
    original = v1_triage()
    (tmp_path / "triage.json").write_bytes(original)
    (tmp_path / "triage.json.v1-backup").mkdir()  # in the way
    with pytest.raises(StateError) as caught:
        Store(tmp_path).states()
    assert str(caught.value) == (
        f"{tmp_path / 'triage.json'}: cannot copy: Is a directory; triage.json is left as it was"
    )
    assert (tmp_path / "triage.json").read_bytes() == original


def test_a_triage_file_that_reads_again_is_moved_to_shards(tmp_path: Path) -> None:
    store = Store(tmp_path)
    (tmp_path / "triage.json").write_bytes(b"{oops")
    store.queue_moderation(Reply.moderation("c1", "m1", True, NOW))  # the outbox is fine
    (tmp_path / "triage.json").write_bytes(v1_triage())  # the manager mended it
    assert [(cid, s.done_at) for cid, s in store.states().items()] == [("c1", NOW)]
    assert (tmp_path / "triage.json.v1-backup").read_bytes() == v1_triage()
