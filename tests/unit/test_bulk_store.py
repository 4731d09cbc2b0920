"""Bulk actions in the store: one write per shard, one journal entry, undone whole in one step
(against real files; a write is counted by wrapping the real atomic write)."""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path

import orjson
import pytest

from commdash import statefiles
from commdash.errors import StateError
from commdash.store import Store
from commdash.store import triage as triage_store
from commdash.triage import BLANK, JournalEntry, TriageState, assign, edit_tags, mark_done

NOW = 1_764_061_200.0


def done(state: TriageState) -> TriageState:
    return mark_done(state, NOW)


@pytest.fixture
def writes(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """The files replaced from now on, counted by name (``triage.json``, ``states/1a.json``,
    ``batches/….json``)."""
    counted: Counter[str] = Counter()
    real = statefiles.write_atomically

    def counting(path: Path, payload: bytes) -> None:
        inside = path.parent.name in ("states", "batches")
        counted["/".join(path.parts[-2:]) if inside else path.name] += 1
        real(path, payload)

    monkeypatch.setattr(statefiles, "write_atomically", counting)
    return counted


def refuse_replacing(monkeypatch: pytest.MonkeyPatch, refused: str) -> None:
    """Writes of files whose path ends with ``refused`` fail as on a full disk."""
    replace = os.replace

    def refuse(src: str | Path, dst: str | Path) -> None:
        if str(dst).endswith(refused):
            raise OSError(28, "No space left on device")
        replace(src, dst)

    monkeypatch.setattr(os, "replace", refuse)


def journal(directory: Path) -> list[dict[str, object]]:
    raw = orjson.loads((directory / "triage.json").read_bytes())
    return list(raw.get("journal", {}).values())


def batch_files(directory: Path) -> list[Path]:
    return sorted((directory / "batches").glob("*")) if (directory / "batches").exists() else []


def test_a_bulk_action_writes_each_shard_once_and_its_undo_too(
    tmp_path: Path, writes: Counter[str]
) -> None:
    store = Store(tmp_path)
    cids = [f"c{i}" for i in range(2_000)]
    entries = store.apply_many(cids, "done", done, NOW)
    assert len(entries) == 2_000
    assert {entry.batch for entry in entries} == {entries[0].batch} != {""}
    shards = {name: n for name, n in writes.items() if name.startswith("states/")}
    assert len(shards) == 256 and set(shards.values()) == {1}
    assert writes["triage.json"] == 1
    assert [name for name in writes if name.startswith("batches/")] == [
        f"batches/{entries[0].batch}.json"
    ]

    writes.clear()
    undone = store.undo_latest()
    assert undone is not None
    assert undone.entry.batch == entries[0].batch and undone.entry.action == "done"
    assert len(undone.entries) == 2_000
    assert Store(tmp_path).states() == {}
    shards = {name: n for name, n in writes.items() if name.startswith("states/")}
    assert len(shards) == 256 and set(shards.values()) == {1}
    assert writes["triage.json"] == 1
    assert batch_files(tmp_path) == []  # its file goes with its entry
    assert store.undo() is None


def test_a_bulk_action_is_one_journal_entry_and_one_undo(tmp_path: Path) -> None:
    store = Store(tmp_path)
    store.apply("c0", "assign", lambda s: assign(s, "ana"), NOW)
    store.apply_many(["c1", "c2", "c3"], "done", done, NOW)
    assert [entry["conversation_id"] for entry in journal(tmp_path)] == ["c0", ""]
    undone = store.undo()
    assert undone is not None and undone.batch
    assert set(Store(tmp_path).states()) == {"c0"}
    undone = store.undo()  # next: the action before the bulk one
    assert undone is not None and undone.conversation_id == "c0"


def test_a_bulk_action_that_changes_one_conversation_is_journalled_as_one(
    tmp_path: Path,
) -> None:
    store = Store(tmp_path)
    store.apply("c1", "done", done, NOW)
    (entry,) = store.apply_many(["c1", "c2"], "done", done, NOW)  # c1 was done already
    assert entry.batch == "" and entry.conversation_id == "c2"
    assert "batch" not in journal(tmp_path)[-1]  # written as a single action always was
    assert batch_files(tmp_path) == []


def test_undo_of_a_bulk_action_keeps_a_colleagues_change_made_since(tmp_path: Path) -> None:
    mine = Store(tmp_path, manager="kari@desk")
    mine.apply_many(["c1", "c2", "c3"], "tag", lambda s: edit_tags(s, ["refund"], []), NOW)
    colleague = Store(tmp_path, manager="ola@desk")
    colleague.apply("c2", "assign", lambda s: assign(s, "ola"), NOW)
    colleague.apply("c3", "tag", lambda s: edit_tags(s, ["vip"], []), NOW)
    assert mine.undo() is not None
    states = Store(tmp_path).states()
    assert set(states) == {"c2", "c3"}
    assert states["c2"].assignee == "ola" and states["c2"].tags == ()
    assert states["c3"].tags == ("vip",)


def test_a_bulk_action_larger_than_the_journal_is_undone_whole(tmp_path: Path) -> None:
    assert triage_store.JOURNAL_LIMIT == 1000
    store = Store(tmp_path)
    cids = [f"c{i}" for i in range(2_500)]
    store.apply_many(cids, "done", done, NOW)
    assert len(Store(tmp_path).states()) == 2_500
    undone = store.undo_latest()
    assert undone is not None and len(undone.entries) == 2_500
    assert Store(tmp_path).states() == {}


def test_a_bulk_action_counts_once_against_the_journal_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(triage_store, "JOURNAL_LIMIT", 3)
    store = Store(tmp_path)
    store.apply_many([f"a{i}" for i in range(50)], "done", done, NOW)
    for i in range(2):
        store.apply(f"s{i}", "done", done, NOW)
    assert len(journal(tmp_path)) == 3
    assert len(batch_files(tmp_path)) == 1
    store.apply("s2", "done", done, NOW)  # the bulk action leaves the journal, its file too
    assert len(journal(tmp_path)) == 3
    assert batch_files(tmp_path) == []
    assert len(Store(tmp_path).states()) == 53  # states stay; only undo forgets


def test_a_bulk_action_cut_off_before_its_journal_entry_changes_no_state(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its file is written first; without its entry it is tidied away by the next action."""
    store = Store(tmp_path)
    refuse_replacing(monkeypatch, "triage.json")
    with pytest.raises(StateError):
        store.apply_many(["c1", "c2"], "done", done, NOW)
    monkeypatch.undo()
    assert Store(tmp_path).states() == {}
    assert len(batch_files(tmp_path)) == 1
    store.apply("c3", "done", done, NOW)
    assert batch_files(tmp_path) == []
    assert store.undo() is not None and store.undo() is None


def test_a_bulk_action_cut_off_between_shards_is_undone_where_it_was_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = Store(tmp_path)
    cids = [f"c{i}" for i in range(40)]
    refused = triage_store._shard_number(cids[-1])
    refuse_replacing(monkeypatch, f"states/{refused:02x}.json")
    with pytest.raises(StateError):
        store.apply_many(cids, "done", done, NOW)
    monkeypatch.undo()
    written = set(Store(tmp_path).states())
    assert written and cids[-1] not in written
    assert store.undo_latest() is not None
    assert Store(tmp_path).states() == {}


def test_an_undo_cut_off_before_the_journal_write_undoes_nothing_twice(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The states go back first; the entry stays, and taking it again changes nothing."""
    store = Store(tmp_path)
    store.apply_many(["c1", "c2", "c3"], "tag", lambda s: edit_tags(s, ["x"], []), NOW)
    refuse_replacing(monkeypatch, "triage.json")
    with pytest.raises(StateError):
        store.undo()
    monkeypatch.undo()
    assert Store(tmp_path).states() == {}
    Store(tmp_path, manager="ola@desk").apply("c1", "tag", lambda s: edit_tags(s, ["y"], []), NOW)
    undone = store.undo_latest()
    assert undone is not None and len(undone.entries) == 3
    assert Store(tmp_path).states()["c1"].tags == ("y",)
    assert batch_files(tmp_path) == []


def test_a_batch_id_edited_into_a_path_names_no_file(tmp_path: Path) -> None:
    outside = tmp_path / "precious.json"
    outside.write_bytes(b'{"entries": {}}')
    head = JournalEntry("done", "", BLANK, BLANK, NOW, "old", manager="me@x", batch="../precious")
    directory = tmp_path / "state"
    directory.mkdir()
    (directory / "triage.json").write_bytes(
        orjson.dumps({"journal": {"1": {**head.to_dict(), "pid": 2**63}}})
    )
    undone = Store(directory, manager="me@x").undo_latest()
    assert undone is not None and undone.entries == ()
    assert outside.exists()


def test_the_journal_as_read_lists_a_bulk_actions_entries_in_its_place(tmp_path: Path) -> None:
    """What ``commdash recap`` counts: every conversation a bulk action changed."""
    store = Store(tmp_path)
    store.apply("c0", "assign", lambda s: assign(s, "ana"), NOW)
    store.apply_many(["c1", "c2", "c3"], "done", done, NOW)
    store.apply("c4", "done", done, NOW)
    read = store.journal()
    assert [(e.action, e.conversation_id) for e in read] == [
        ("assign", "c0"), ("done", "c1"), ("done", "c2"), ("done", "c3"), ("done", "c4"),
    ]  # fmt: skip
    assert read[1].after.done_at == NOW and read[1].before == BLANK
