"""Tests for commdash.store against real TinyDB files, including other processes and kill -9."""

from __future__ import annotations

import dataclasses
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import orjson
import pytest
from _stores import NOW, queue, record
from tinydb import TinyDB

from commdash.errors import StateError
from commdash.outbox import Reply
from commdash.store import Store
from commdash.store import triage as triage_store
from commdash.triage import BLANK, JournalEntry, TriageState, mark_done, set_tags

FILES = {"triage.json", "outbox.json", ".lock", "states"}


def raw_tables(path: Path) -> dict[str, list[dict[str, object]]]:
    """The file as plain TinyDB reads it: proof that it is an ordinary TinyDB file."""
    with TinyDB(path, access_mode="r") as db:
        return {name: list(db.table(name).all()) for name in db.tables()}


def raw_states(directory: Path) -> list[dict[str, object]]:
    """Every conversation document of every shard, as plain TinyDB reads them."""
    return [
        doc
        for shard in sorted((directory / "states").glob("*.json"))
        for doc in raw_tables(shard).get("conversations", [])
    ]


def temporaries(directory: Path) -> list[Path]:
    return [path for path in directory.rglob(".*") if path.name != ".lock"]


# Triage state ------------------------------------------------------------------------------


def test_fresh_directory_is_empty_and_not_created_by_reading(tmp_path: Path) -> None:
    directory = tmp_path / "src"
    store = Store(directory)
    assert store.states() == {}
    assert store.drafts() == {}
    assert store.replies() == []
    assert not directory.exists()
    assert store.undo() is None


def test_record_of_a_blank_state_removes_the_conversation(tmp_path: Path) -> None:
    store = Store(tmp_path)
    done = mark_done(BLANK, NOW)
    record(store, "c1", done)
    record(store, "c1", BLANK, action="reopen")
    assert Store(tmp_path).states() == {}
    assert raw_states(tmp_path) == []


def test_record_replaces_the_previous_state(tmp_path: Path) -> None:
    store = Store(tmp_path)
    record(store, "c1", mark_done(BLANK, NOW))
    record(store, "c1", set_tags(BLANK, ["x"]))
    docs = raw_states(tmp_path)
    assert len(docs) == 1
    assert Store(tmp_path).states() == {"c1": TriageState(tags=("x",))}


def test_undo_restores_before_and_removes_the_entry(tmp_path: Path) -> None:
    store = Store(tmp_path)
    tagged = set_tags(BLANK, ["vip"])
    record(store, "c1", tagged, action="tag")
    record(store, "c1", mark_done(tagged, NOW))
    undone = store.undo()
    assert undone is not None
    assert undone.action == "done"
    assert Store(tmp_path).states() == {"c1": tagged}
    assert len(raw_tables(tmp_path / "triage.json")["journal"]) == 1
    undone = store.undo()
    assert undone is not None and undone.action == "tag"
    assert Store(tmp_path).states() == {}
    assert store.undo() is None


def test_undo_after_a_restart_takes_back_the_ended_sessions_actions(tmp_path: Path) -> None:
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from commdash.store import Store\n"
        "from commdash.triage import BLANK, mark_done\n"
        "store = Store(Path(sys.argv[1]), manager='kari@desk')\n"
        "store.apply('c1', 'done', lambda s: mark_done(s, 1.0), 1.0)\n"
    )
    subprocess.run([sys.executable, "-c", script, str(tmp_path)], check=True, timeout=60)
    restarted = Store(tmp_path, manager="kari@desk")
    undone = restarted.undo()
    assert undone is not None and undone.conversation_id == "c1"
    assert Store(tmp_path).states() == {}


def test_journal_is_capped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(triage_store, "JOURNAL_LIMIT", 5)
    store = Store(tmp_path)
    for i in range(8):
        record(store, f"c{i}", mark_done(BLANK, NOW + i))
    assert len(raw_tables(tmp_path / "triage.json")["journal"]) == 5
    assert len(store.states()) == 8  # states are never dropped, only journal entries
    undone = [e.conversation_id for e in iter(store.undo, None)]
    assert undone == ["c7", "c6", "c5", "c4", "c3"]  # the oldest three were dropped


def test_queued_replies_respect_the_journal_cap(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(triage_store, "JOURNAL_LIMIT", 3)
    store = Store(tmp_path)
    for i in range(6):
        queue(store, f"c{i}")
    assert len(raw_tables(tmp_path / "triage.json")["journal"]) == 3
    assert len(store.replies()) == 6


# Replies -----------------------------------------------------------------------------------


def test_undo_of_a_sent_reply_does_not_discard_it(tmp_path: Path) -> None:
    store = Store(tmp_path)
    reply = queue(store, "c1")
    with TinyDB(tmp_path / "outbox.json") as db:  # the sender marks it sent
        db.table("replies").update({"status": "sent"})
    undone = store.undo()
    assert undone is not None and undone.reply_id == reply.id
    remaining = Store(tmp_path).replies()
    assert [(r.id, r.status) for r in remaining] == [(reply.id, "sent")]
    assert store.undo() is None


def test_undo_of_a_discard_puts_the_reply_back_as_it_was(tmp_path: Path) -> None:
    store = Store(tmp_path)
    reply = queue(store, "c1", "Thanks, it ships today")
    failed = store.update_reply(reply.id, lambda r: r.failed("HTTP 400"))
    assert store.discard_reply_undoably(reply.id, NOW) == failed
    assert Store(tmp_path).replies() == []
    assert store.discard_reply_undoably(reply.id, NOW) is None  # gone: nothing journalled
    undone = store.undo()
    assert undone is not None and (undone.action, undone.reply_id) == ("discard", reply.id)
    assert Store(tmp_path).replies() == [failed]  # same id (idempotency key), text, state
    assert raw_tables(tmp_path / "triage.json").get("discarded", []) == []  # copy gone too


def refuse_replacing(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    """Writes of the file ``name`` fail as on a full disk; the others succeed."""
    replace = os.replace

    def refuse(src: str | Path, dst: str | Path) -> None:
        if Path(dst).name == name:
            raise OSError(28, "No space left on device")
        replace(src, dst)

    monkeypatch.setattr(os, "replace", refuse)


def test_a_discard_cut_off_before_the_outbox_write_loses_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The copy is journalled first: the reply stays, and undo does not put it back twice."""
    store = Store(tmp_path)
    reply = queue(store, "c1")
    refuse_replacing(monkeypatch, "outbox.json")
    with pytest.raises(StateError):
        store.discard_reply_undoably(reply.id, NOW)
    monkeypatch.undo()
    assert Store(tmp_path).replies() == [reply]
    assert store.undo() is not None
    assert Store(tmp_path).replies() == [reply]


def test_an_undo_of_a_discard_cut_off_before_the_journal_write_puts_back_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The reply goes back to the outbox first; undone again, it is not there twice."""
    store = Store(tmp_path)
    reply = queue(store, "c1")
    store.discard_reply_undoably(reply.id, NOW)
    refuse_replacing(monkeypatch, "triage.json")
    with pytest.raises(StateError):
        store.undo()
    monkeypatch.undo()
    assert Store(tmp_path).replies() == [reply]
    undone = store.undo()
    assert undone is not None and undone.action == "discard"
    assert Store(tmp_path).replies() == [reply]


def test_replies_sent_long_ago_are_dropped_when_a_new_one_is_queued(tmp_path: Path) -> None:
    store = Store(tmp_path)
    day = 86400.0

    def sent(cid: str, at: float) -> Reply:
        reply = Reply.new(cid, cid, "Thanks!", at - 60)
        store.queue_reply(reply)
        store.update_reply(reply.id, lambda r: r.sent(f"remote-{cid}", at))
        return reply

    old = sent("c1", NOW - 40 * day)
    waiting = Reply.new("c2", "c2", "Still waiting", NOW - 35 * day)
    store.queue_reply(waiting)
    after_waiting = sent("c3", NOW - 34 * day)
    recent = sent("c4", NOW - 2 * day)
    store.queue_reply(Reply.new("c5", "c5", "New", NOW))
    kept = {reply.id for reply in Store(tmp_path).replies()}
    # The one sent after a reply still pending stays (a twin of it must stay visible).
    assert old.id not in kept
    assert {waiting.id, after_waiting.id, recent.id} <= kept
    assert old.id not in {
        doc.get("reply_id") for doc in raw_tables(tmp_path / "triage.json")["journal"]
    }
    store.discard_reply(waiting.id)
    store.queue_reply(Reply.new("c6", "c6", "Newer", NOW))
    kept = {reply.id for reply in Store(tmp_path).replies()}
    assert after_waiting.id not in kept and recent.id in kept


# Drafts ------------------------------------------------------------------------------------


def test_drafts_save_overwrite_and_delete(tmp_path: Path) -> None:
    store = Store(tmp_path)
    store.save_draft("c1", "Hello")
    store.save_draft("c2", "Hi")
    store.save_draft("c1", "Hello there")
    assert Store(tmp_path).drafts() == {"c1": "Hello there", "c2": "Hi"}
    store.save_draft("c1", "   \n")
    assert Store(tmp_path).drafts() == {"c2": "Hi"}
    assert len(raw_tables(tmp_path / "triage.json")["drafts"]) == 1
    store.save_draft("absent", "")  # deleting nothing is fine
    assert Store(tmp_path).drafts() == {"c2": "Hi"}


# Anchor ------------------------------------------------------------------------------------


# Files -------------------------------------------------------------------------------------


def test_corrupt_triage_file_raises_state_error_and_is_kept(tmp_path: Path) -> None:
    path = tmp_path / "triage.json"
    garbage = b'{"conversations": {"1": {"id": "c1", '
    path.write_bytes(garbage)
    store = Store(tmp_path)
    with pytest.raises(StateError) as caught:
        store.states()
    assert str(path) in str(caught.value)
    for action in (
        lambda: record(store, "c1", mark_done(BLANK, NOW)),
        lambda: store.save_draft("c1", "hi"),
        store.undo,
        lambda: store.anchor(NOW),
    ):
        with pytest.raises(StateError, match="not valid JSON"):
            action()
    assert path.read_bytes() == garbage
    # The lock was released each time: another store writes the outbox without waiting.
    started = time.monotonic()
    Store(tmp_path).discard_reply("x")
    assert time.monotonic() - started < 2
    assert set(os.listdir(tmp_path)) <= FILES


@pytest.mark.parametrize("content", [b"[1, 2, 3]", b'"text"', b"null"])
def test_triage_file_that_is_not_a_tinydb_document_is_an_error(
    tmp_path: Path, content: bytes
) -> None:
    path = tmp_path / "triage.json"
    path.write_bytes(content)
    with pytest.raises(StateError, match=r"triage\.json"):
        record(Store(tmp_path), "c1", mark_done(BLANK, NOW))
    assert path.read_bytes() == content


def test_corrupt_outbox_raises_state_error(tmp_path: Path) -> None:
    path = tmp_path / "outbox.json"
    path.write_bytes(b"{not json")
    with pytest.raises(StateError) as caught:
        Store(tmp_path).replies()
    assert str(path) in str(caught.value)
    assert path.read_bytes() == b"{not json"


def test_empty_files_are_empty_state(tmp_path: Path) -> None:
    (tmp_path / "triage.json").write_bytes(b"")
    (tmp_path / "outbox.json").write_bytes(b"  \n")
    store = Store(tmp_path)
    assert store.states() == {}
    assert store.replies() == []
    record(store, "c1", mark_done(BLANK, NOW))
    assert set(Store(tmp_path).states()) == {"c1"}


def test_hand_edited_state_document_is_tolerated(tmp_path: Path) -> None:
    (tmp_path / "triage.json").write_bytes(
        orjson.dumps(
            {
                "conversations": {
                    "1": {"id": "c1", "state": {"tags": "urgent", "done_at": "x"}},
                    "2": {"id": "c2", "state": "done"},
                    "3": {"id": 3, "state": {}},
                    "4": {"id": "c4", "state": {"assignee": "ana"}},
                }
            }
        )
    )
    assert Store(tmp_path).states() == {
        "c1": BLANK,
        "c2": BLANK,
        "c4": TriageState(assignee="ana"),
    }


def write_outbox(directory: Path, *items: dict[str, object]) -> None:
    replies = {str(n): item for n, item in enumerate(items, start=1)}
    (directory / "outbox.json").write_bytes(orjson.dumps({"replies": replies}))


def test_a_hand_edited_outbox_item_reads_mistyped_fields_as_defaults(tmp_path: Path) -> None:
    """One odd value does not hide the reply: it is shown, and sent, with that field's
    default (a list keeps its readable items)."""
    good = Reply.new("c1", "m1", "Thanks!", NOW)
    odd = {
        **good.to_dict(),
        "attempts": "two",
        "status": "lost",
        "kind": 5,
        "error": 7,
        "paused": "yes",
        "next_attempt_at": "soon",
        "preexisting": ["p1", 5, None],
    }
    write_outbox(tmp_path, odd)
    assert Store(tmp_path).replies() == [dataclasses.replace(good, preexisting=("p1",))]


@pytest.mark.parametrize(
    ("field", "value"),
    [("text", None), ("id", None), ("in_reply_to", 5), ("conversation_id", ["c1"])],
)
def test_an_outbox_item_without_what_it_needs_is_not_read(
    tmp_path: Path, field: str, value: object
) -> None:
    """Never sent as "None" or "5": an item whose text or target is not text is skipped."""
    good = Reply.new("c1", "m1", "Thanks!", NOW).to_dict()
    write_outbox(tmp_path, good, {**good, "id": "other", field: value})
    assert [reply.id for reply in Store(tmp_path).replies()] == [good["id"]]


def test_records_are_written_as_earlier_releases_wrote_them() -> None:
    """Field by field, in the same order: files written now are read by the previous
    release, and its files by this one."""
    reply = Reply(
        "r1", "c1", "m1", "Hi", NOW, "sent", None, "reply", 1, 0.0, "p9", None, NOW + 1,
        NOW, False, ("p1",), "ana@desk",
    )  # fmt: skip
    written = {
        "id": "r1", "conversation_id": "c1", "in_reply_to": "m1", "text": "Hi",
        "queued_at": NOW, "status": "sent", "error": None, "kind": "reply", "attempts": 1,
        "next_attempt_at": 0.0, "remote_id": "p9", "sending_by": None, "sent_at": NOW + 1,
        "claimed_at": NOW, "paused": False, "preexisting": ["p1"], "queued_by": "ana@desk",
    }  # fmt: skip
    assert list(reply.to_dict().items()) == list(written.items())
    assert Reply.from_dict(written) == reply

    state = TriageState(NOW, None, ("vip",), "ana", (("m1", True),), NOW - 1)
    state_written = {
        "done_at": NOW, "snoozed_until": None, "tags": ["vip"], "assignee": "ana",
        "hidden": [["m1", True]], "done_through": NOW - 1,
    }  # fmt: skip
    entry = JournalEntry("tag", "c1", BLANK, state, NOW, "s1", "r1", "kari@desk", 42)
    entry_written = {
        "action": "tag", "conversation_id": "c1", "before": BLANK.to_dict(),
        "after": state_written, "at": NOW, "session": "s1", "reply_id": "r1",
        "manager": "kari@desk", "pid": 42,
    }  # fmt: skip
    assert list(state.to_dict().items()) == list(state_written.items())
    assert list(entry.to_dict().items()) == list(entry_written.items())
    assert JournalEntry.from_dict(entry_written) == entry


def test_files_are_plain_tinydb_json(tmp_path: Path) -> None:
    store = Store(tmp_path)
    record(store, "c1", set_tags(BLANK, ["vip"]))
    store.save_draft("c2", "draft")
    reply = queue(store, "c3")
    store.anchor(NOW)
    for name in ("triage.json", "outbox.json"):
        json.loads((tmp_path / name).read_text(encoding="utf-8"))
    triage = raw_tables(tmp_path / "triage.json")
    assert "conversations" not in triage
    assert raw_states(tmp_path) == [{"id": "c1", "state": set_tags(BLANK, ["vip"]).to_dict()}]
    assert [doc["conversation_id"] for doc in triage["journal"]] == ["c1", "c3"]
    assert triage["drafts"] == [{"id": "c2", "manager": store.manager, "text": "draft"}]
    assert triage["meta"] == [{"id": "anchor", "at": NOW}]
    assert raw_tables(tmp_path / "outbox.json")["replies"] == [reply.to_dict()]


def test_no_temporary_files_are_left_behind(tmp_path: Path) -> None:
    store = Store(tmp_path)
    for i in range(5):
        record(store, f"c{i}", mark_done(BLANK, NOW))
        store.save_draft(f"c{i}", "x")
        queue(store, f"c{i}")
    store.undo()
    store.save_draft("c0", "")
    store.anchor(NOW)
    assert set(os.listdir(tmp_path)) <= FILES
    assert temporaries(tmp_path) == []


def test_failed_write_leaves_the_old_file_and_no_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = Store(tmp_path)
    record(store, "c1", mark_done(BLANK, NOW))
    before = (tmp_path / "triage.json").read_bytes()

    def refuse(src: object, dst: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(StateError, match="No space left on device"):
        record(store, "c2", mark_done(BLANK, NOW))
    monkeypatch.undo()
    assert (tmp_path / "triage.json").read_bytes() == before
    assert set(os.listdir(tmp_path)) <= FILES
    assert temporaries(tmp_path) == []
    record(store, "c2", mark_done(BLANK, NOW))  # the lock is free again
    assert set(Store(tmp_path).states()) == {"c1", "c2"}


def test_fingerprint_changes_when_another_store_writes(tmp_path: Path) -> None:
    reader = Store(tmp_path)
    empty = reader.fingerprint()
    writer = Store(tmp_path)
    record(writer, "c1", mark_done(BLANK, NOW))
    after_record = reader.fingerprint()
    assert after_record != empty
    queue(writer, "c2")
    assert reader.fingerprint() != after_record


# Other processes ---------------------------------------------------------------------------

WRITER = """
import sys, time
from pathlib import Path
from commdash.store import Store
from commdash.triage import BLANK, JournalEntry, mark_done
directory, prefix, count, go = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3]), Path(sys.argv[4])
store = Store(directory, session=prefix)
deadline = time.monotonic() + 10
while not go.exists() and time.monotonic() < deadline:
    time.sleep(0.001)
for i in range(count):
    cid = f"{prefix}-{i}"
    store.apply(cid, "done", lambda _: mark_done(BLANK, float(i)), 0.0)
    if i % 10 == 0:
        store.save_draft(cid, "draft " + cid)
"""


def test_concurrent_processes_lose_no_update(tmp_path: Path) -> None:
    state = tmp_path / "state"
    go = tmp_path / "go"
    prefixes = ["a", "b", "c", "d"]
    processes = [
        subprocess.Popen([sys.executable, "-c", WRITER, str(state), p, "50", str(go)])
        for p in prefixes
    ]
    time.sleep(0.3)  # let them all start and wait at the line
    go.touch()
    for process in processes:
        assert process.wait(timeout=30) == 0
    states = Store(state).states()
    expected = {f"{p}-{i}" for p in prefixes for i in range(50)}
    assert set(states) == expected
    assert all(states[f"{p}-{i}"].done_at == float(i) for p in prefixes for i in range(50))
    assert set(Store(state).drafts()) == {f"{p}-{i}" for p in prefixes for i in range(0, 50, 10)}
    assert len(raw_tables(state / "triage.json")["journal"]) == 200
    assert set(os.listdir(state)) <= FILES


SAME_CONVERSATION_WRITER = """
import sys, time
from pathlib import Path
from commdash.store import Store
from commdash.triage import set_tags
directory, prefix, go = Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3])
store = Store(directory)
deadline = time.monotonic() + 10
while not go.exists() and time.monotonic() < deadline:
    time.sleep(0.001)
for i in range(40):
    store.apply("c1", "tag", lambda s: set_tags(s, [*s.tags, f"{prefix}{i}"]), 0.0)
"""


def test_two_managers_changing_the_same_conversation_lose_nothing(tmp_path: Path) -> None:
    state = tmp_path / "state"
    go = tmp_path / "go"
    processes = [
        subprocess.Popen([sys.executable, "-c", SAME_CONVERSATION_WRITER, str(state), p, str(go)])
        for p in ("a", "b")
    ]
    time.sleep(0.3)
    go.touch()
    for process in processes:
        assert process.wait(timeout=30) == 0
    tags = Store(state).states()["c1"].tags
    assert sorted(tags) == sorted(f"{p}{i}" for p in "ab" for i in range(40))


CRASHER = """
import sys
from pathlib import Path
from commdash.store import Store
from commdash.triage import BLANK, JournalEntry, mark_done
directory, prefix = Path(sys.argv[1]), sys.argv[2]
store = Store(directory, session=prefix)
i = 0
while True:
    cid = f"{prefix}-{i}"
    store.apply(cid, "done", lambda _: mark_done(BLANK, float(i)), 0.0)
    if i % 3 == 0:
        store.save_draft(cid, "x" * (i % 50))
    print(cid, flush=True)
    i += 1
"""


def test_kill_9_loses_no_acknowledged_action(tmp_path: Path) -> None:
    rng = random.Random(1234)
    acknowledged: set[str] = set()
    for round_ in range(5):
        process = subprocess.Popen(
            [sys.executable, "-c", CRASHER, str(tmp_path), f"r{round_}"],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert process.stdout is not None
        for _ in range(rng.randint(1, 40)):
            line = process.stdout.readline()
            assert line, "the writer stopped on its own"
            acknowledged.add(line.strip())
        time.sleep(rng.uniform(0, 0.02))
        os.kill(process.pid, signal.SIGKILL)
        rest, _ = process.communicate(timeout=10)
        assert process.returncode == -signal.SIGKILL
        # Printed before the kill, hence recorded before the kill.
        acknowledged.update(rest.split())

        path = tmp_path / "triage.json"
        json.loads(path.read_bytes())  # whole and valid, whenever the kill struck
        raw_tables(path)
        states = Store(tmp_path).states()
        missing = acknowledged - set(states)
        assert not missing, f"round {round_}: lost {sorted(missing)[:5]}"
        for shard in (tmp_path / "states").glob("*.json"):
            raw_tables(shard)  # every shard whole and valid too
        # Only the kill may leave a temporary behind; it never hides the real file.
        assert set(os.listdir(tmp_path)) - {p.name for p in temporaries(tmp_path)} <= FILES
    assert len(acknowledged) >= 5


def test_a_0_1_state_directory_is_moved_to_shards_with_a_backup(tmp_path: Path) -> None:
    done, tagged = mark_done(BLANK, NOW), set_tags(BLANK, ["vip"])
    journal_entry = JournalEntry("tag", "c2", BLANK, tagged, NOW, "old-session", manager="me@x")
    original = orjson.dumps(
        {
            "conversations": {
                "1": {"id": "c1", "state": done.to_dict()},
                "2": {"id": "c2", "state": tagged.to_dict()},
            },
            "journal": {"1": journal_entry.to_dict()},
            "drafts": {"1": {"id": "c3", "manager": "me@x", "text": "half"}},
        }
    )
    (tmp_path / "triage.json").write_bytes(original)
    store = Store(tmp_path, manager="me@x")
    assert store.states() == {"c1": done, "c2": tagged}
    assert (tmp_path / "triage.json.v1-backup").read_bytes() == original
    assert not raw_tables(tmp_path / "triage.json").get("conversations")
    assert sorted(doc["id"] for doc in raw_states(tmp_path)) == ["c1", "c2"]
    assert store.drafts() == {"c3": "half"}
    undone = store.undo()  # the journal came along: the old session's tag is undone
    assert undone is not None and undone.conversation_id == "c2"
    assert Store(tmp_path).states() == {"c1": done}


def test_apply_many_writes_each_shard_once_and_journals_each_change(tmp_path: Path) -> None:
    store = Store(tmp_path)
    record(store, "c0", mark_done(BLANK, NOW))
    cids = [f"c{i}" for i in range(600)]
    entries = store.apply_many(cids, "done", lambda s: mark_done(s, NOW), NOW)
    assert len(entries) == 599  # c0 was done already, at the same moment
    assert set(Store(tmp_path).states()) == set(cids)
    assert len(list((tmp_path / "states").glob("*.json"))) == 256
    # One journal entry for the bulk action, its 599 conversations' entries in its file.
    journal = raw_tables(tmp_path / "triage.json")["journal"]
    assert [doc["conversation_id"] for doc in journal] == ["c0", ""]
    (batch,) = (tmp_path / "batches").glob("*.json")
    assert len(raw_tables(batch)["entries"]) == 599
    assert store.undo() is not None
    assert set(Store(tmp_path).states()) == {"c0"}


def test_undo_takes_an_entry_whose_pid_no_process_can_have(tmp_path: Path) -> None:
    entry = JournalEntry("done", "c1", BLANK, mark_done(BLANK, NOW), NOW, "old", manager="me@x")
    (tmp_path / "triage.json").write_bytes(
        orjson.dumps({"journal": {"1": {**entry.to_dict(), "pid": 2**63}}})
    )
    undone = Store(tmp_path, manager="me@x").undo()
    assert undone is not None and undone.conversation_id == "c1"
