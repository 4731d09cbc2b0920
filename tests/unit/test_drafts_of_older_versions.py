"""Drafts: one written by commdash 0.1 (with no manager) is anyone's until someone saves a
draft for that conversation; a draft is kept as written when undo puts a reply back with it."""

from __future__ import annotations

from pathlib import Path

from tinydb import TinyDB

from commdash.outbox import Reply
from commdash.store import Store

NOW = 1_764_061_200.0


def older_drafts(directory: Path) -> None:
    with TinyDB(directory / "triage.json") as db:
        db.table("drafts").insert_multiple(
            [{"id": "c1", "text": "old draft one"}, {"id": "c2", "text": "old draft two"}]
        )


def test_a_draft_of_an_older_version_is_anyones(tmp_path: Path) -> None:
    older_drafts(tmp_path)
    assert Store(tmp_path, manager="kari@desk").drafts() == {
        "c1": "old draft one",
        "c2": "old draft two",
    }


def test_saving_a_draft_replaces_that_conversations_older_draft_only(tmp_path: Path) -> None:
    older_drafts(tmp_path)
    kari = Store(tmp_path, manager="kari@desk")
    kari.save_draft("c1", "Kari's draft")
    assert kari.drafts() == {"c1": "Kari's draft", "c2": "old draft two"}
    assert Store(tmp_path, manager="ola@laptop").drafts() == {"c2": "old draft two"}


def test_undo_of_a_reply_keeps_the_draft_as_it_was_written(tmp_path: Path) -> None:
    store = Store(tmp_path)
    store.queue_reply(Reply.new("c1", "c1", "Queued text", NOW))
    store.save_draft("c1", "    indented second thought\n\n")
    store.undo()
    assert store.drafts() == {"c1": "Queued text\n\n    indented second thought"}
