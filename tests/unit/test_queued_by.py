"""Who queued a reply is on record (the double-reply check names them), and an outbox an
older commdash wrote still reads."""

from __future__ import annotations

from pathlib import Path

from _builders import HOUR, NOW, conv, msg, post, snapshot

from commdash.actions import Triager
from commdash.inbox import Inbox
from commdash.outbox import Reply
from commdash.store import Store
from commdash.timeutil import Clock


def test_who_queued_a_reply_is_on_record(tmp_path: Path) -> None:
    store = Store(tmp_path, manager="ana@desk")
    store.queue_reply(Reply.new("c1", "c1", "One", NOW))
    store.queue_replies([Reply.new("c2", "c2", "Two", NOW), Reply.new("c3", "c3", "3", NOW)])
    assert [r.queued_by for r in Store(tmp_path).replies()] == ["ana@desk"] * 3


def test_an_outbox_item_written_before_it_was_recorded_still_reads() -> None:
    older = Reply.new("c1", "c1", "Hi", NOW).to_dict()
    del older["queued_by"]
    read = Reply.from_dict(older)
    assert read is not None and read.queued_by is None and read.text == "Hi"


def test_the_screen_has_the_reply_as_it_is_on_disk(tmp_path: Path) -> None:
    clock = Clock(NOW)
    store = Store(tmp_path, manager="ana@desk")
    inbox = Inbox(snapshot([post("p1")], [conv(msg("c1", NOW - HOUR))]), {}, [], clock, HOUR)
    reply = Triager(inbox, store, clock).reply("c1", "c1", "Hi")
    assert reply.queued_by == "ana@desk"
    assert inbox.replies("c1") == Store(tmp_path).replies() == [reply]
