"""The undo journal records each action with its time, who did it and from which process; it
keeps the latest 1000; and undo leaves alone what another session of the same manager did
while that commdash still runs, without disturbing that process."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from tinydb import TinyDB

from commdash.outbox import Reply
from commdash.store import Store
from commdash.triage import BLANK, JournalEntry, mark_done, set_tags

NOW = 1_764_061_200.0


def journal(directory: Path) -> list[dict[str, object]]:
    with TinyDB(directory / "triage.json", access_mode="r") as db:
        return list(db.table("journal").all())


def test_an_action_is_journalled_with_its_time_manager_and_process(tmp_path: Path) -> None:
    store = Store(tmp_path, session="s1", manager="kari@desk")
    entry = store.apply("c1", "done", lambda s: mark_done(s, NOW), NOW)
    assert entry is not None
    assert (entry.at, entry.manager, entry.pid) == (NOW, "kari@desk", os.getpid())
    [saved] = journal(tmp_path)
    assert (saved["at"], saved["manager"], saved["pid"]) == (NOW, "kari@desk", os.getpid())
    undone = store.undo()
    assert undone is not None and (undone.action, undone.at) == ("done", NOW)


def test_a_queued_reply_is_journalled_as_a_reply_at_its_queued_time(tmp_path: Path) -> None:
    store = Store(tmp_path)
    entry = store.queue_reply(Reply.new("c1", "c1", "Thanks!", NOW - 5))
    assert (entry.action, entry.at) == ("reply", NOW - 5)
    undone = store.undo()
    assert undone is not None and (undone.action, undone.at) == ("reply", NOW - 5)


def test_the_journal_keeps_the_latest_1000_actions(tmp_path: Path) -> None:
    with TinyDB(tmp_path / "triage.json") as db:  # 1000 earlier actions, one per conversation
        earlier = [JournalEntry("tag", f"c{n}", at=NOW + n).to_dict() for n in range(1000)]
        db.table("journal").insert_multiple(earlier)
    Store(tmp_path).apply("c1000", "tag", lambda s: set_tags(s, ["vip"]), NOW + 1000)
    kept = [doc["conversation_id"] for doc in journal(tmp_path)]
    assert kept == [f"c{n}" for n in range(1, 1001)]  # the oldest went to make room


def other_sessions_action(directory: Path, pid: int) -> None:
    """Kari's action from another commdash, process ``pid``, as that commdash wrote it."""
    done = mark_done(BLANK, NOW)
    entry = JournalEntry("done", "c1", BLANK, done, NOW, "other", manager="kari@desk", pid=pid)
    with TinyDB(directory / "triage.json") as db:
        db.table("journal").insert(entry.to_dict())


def test_undo_leaves_a_running_sessions_action_and_that_process_alone(tmp_path: Path) -> None:
    running = subprocess.Popen(["sleep", "30"])
    try:
        other_sessions_action(tmp_path, running.pid)
        assert Store(tmp_path, session="mine", manager="kari@desk").undo() is None
        with pytest.raises(subprocess.TimeoutExpired):  # asked whether it lives, not signalled
            running.wait(timeout=0.5)
    finally:
        running.kill()
        running.wait()


def test_undo_leaves_an_action_of_process_1_alone(tmp_path: Path) -> None:
    other_sessions_action(tmp_path, 1)  # commdash as a container's first process
    assert Store(tmp_path, session="mine", manager="kari@desk").undo() is None


def test_undo_takes_back_an_ended_sessions_action(tmp_path: Path) -> None:
    ended = subprocess.Popen(["true"])
    ended.wait()
    other_sessions_action(tmp_path, ended.pid)
    undone = Store(tmp_path, session="mine", manager="kari@desk").undo()
    assert undone is not None and undone.session == "other"
