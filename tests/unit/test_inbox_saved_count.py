"""An inbox started from a saved count (``Inbox.base`` / ``Inbox.restore``, what the parse cache
keeps) is the inbox a fresh count makes: for another SLA it counts again with that SLA, it
takes new replies, and the saved count can be pickled."""

from __future__ import annotations

import pickle
from pathlib import Path

from _builders import HOUR, MINUTE, NOW, conv, msg, post, reply, snapshot
from _shelved import shelved_snapshot

from commdash.inbox import Inbox
from commdash.timeutil import Clock

SLA = 60 * MINUTE


def waiting_90_minutes() -> Inbox:
    source = snapshot([post("p1")], [conv(msg("a", NOW - 90 * MINUTE)), conv(msg("b", NOW - HOUR))])
    return Inbox(source, {}, [], Clock(NOW), SLA)


def test_a_saved_count_for_another_sla_is_counted_again_with_that_sla() -> None:
    saved = waiting_90_minutes()
    assert saved.figures().conversation.sla_breached == 1
    restored = Inbox.restore(saved.base(), saved.snapshot, {}, [], Clock(NOW), 2 * SLA)
    assert restored.sla_seconds == 2 * SLA
    assert restored.figures().conversation.sla_breached == 0
    assert not restored.over_sla("a")


def test_a_restored_inbox_takes_new_replies() -> None:
    saved = waiting_90_minutes()
    restored = Inbox.restore(saved.base(), saved.snapshot, {}, [], Clock(NOW), SLA)
    restored.add_reply(reply("b", NOW))
    assert restored.conversation_ids("needs-reply") == ["a"]


def test_a_saved_count_pickles_and_restores() -> None:
    saved = waiting_90_minutes()
    base = pickle.loads(pickle.dumps(saved.base()))
    restored = Inbox.restore(base, saved.snapshot, {}, [], Clock(NOW + MINUTE), SLA)
    assert restored.figures() == Inbox(saved.snapshot, {}, [], Clock(NOW + MINUTE), SLA).figures()


def test_a_reply_queued_on_a_shelf_answers_its_conversation(tmp_path: Path) -> None:
    shelved = shelved_snapshot(tmp_path / "big.json", [("a", "Ann", "brake"), ("b", "Bo", "bell")])
    inbox = Inbox(shelved, {}, [reply("a", NOW)], Clock(NOW), SLA)
    assert inbox.conversation_ids("needs-reply") == ["b"]
    base = Inbox(shelved, {}, [], Clock(NOW), SLA).base()
    restored = Inbox.restore(base, shelved, {}, [reply("b", NOW)], Clock(NOW), SLA)
    assert restored.conversation_ids("needs-reply") == ["a"]
