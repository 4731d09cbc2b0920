"""Conversation states in shards: neighbours in a shard keep their own state, a reader sees
every shard another store rewrote, and a migration cut short leaves the newer shard winning.
The files' fingerprint follows either file."""

from __future__ import annotations

import itertools
import zlib
from pathlib import Path

import orjson

from commdash.outbox import Reply
from commdash.store import SHARDS, Store
from commdash.triage import BLANK, assign, mark_done, set_tags

NOW = 1_764_061_200.0


def same_shard(count: int) -> list[str]:
    ids = (f"c{n}" for n in itertools.count())
    return list(itertools.islice((c for c in ids if zlib.crc32(c.encode()) % SHARDS == 7), count))


def test_conversations_sharing_a_shard_keep_their_own_states(tmp_path: Path) -> None:
    first, second = same_shard(2)
    store = Store(tmp_path)
    store.apply(first, "tag", lambda s: set_tags(s, ["vip"]), NOW)
    store.apply(second, "done", lambda s: mark_done(s, NOW), NOW)
    store.apply(first, "assign", lambda s: assign(s, "dana"), NOW)  # an update, not an insert
    assert Store(tmp_path).states() == {
        first: set_tags(assign(BLANK, "dana"), ["vip"]),
        second: mark_done(BLANK, NOW),
    }


def test_a_reader_sees_the_shards_another_store_rewrote(tmp_path: Path) -> None:
    first, second = same_shard(2)
    reader, writer = Store(tmp_path), Store(tmp_path)
    writer.apply(first, "tag", lambda s: set_tags(s, ["vip"]), NOW)
    assert set(reader.states()) == {first}
    writer.apply(second, "tag", lambda s: set_tags(s, ["vip"]), NOW)
    assert set(reader.states()) == {first, second}
    writer.undo()
    writer.undo()
    assert reader.states() == {}


def test_a_shard_left_by_a_migration_cut_short_wins_over_the_old_file(tmp_path: Path) -> None:
    # The 0.1 file still has c1 (done); the shard, written before the cut, has it tagged since.
    done, tagged = mark_done(BLANK, NOW), set_tags(BLANK, ["vip"])
    old = {"conversations": {"1": {"id": "c1", "state": done.to_dict()}}}
    (tmp_path / "triage.json").write_bytes(orjson.dumps(old))
    shard = tmp_path / "states" / f"{zlib.crc32(b'c1') % SHARDS:02x}.json"
    shard.parent.mkdir()
    newer = {"conversations": {"1": {"id": "c1", "state": tagged.to_dict()}}}
    shard.write_bytes(orjson.dumps(newer))
    assert Store(tmp_path).states() == {"c1": tagged}


def test_the_fingerprint_follows_either_file(tmp_path: Path) -> None:
    store = Store(tmp_path)
    assert store.last_write is None  # nothing written yet
    marks = [store.fingerprint()]
    store.save_draft("c1", "a draft")  # triage.json only
    marks.append(store.fingerprint())
    store.queue_moderation(Reply.moderation("c1", "m1", hide=True, now=NOW))  # outbox.json only
    marks.append(store.fingerprint())
    store.save_draft("c1", "another draft")  # triage.json only, the outbox there too
    marks.append(store.fingerprint())
    assert len(set(marks)) == 4
