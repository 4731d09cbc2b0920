"""The double-reply check: what came to a conversation since a manager started a reply (a
colleague's reply queued or sent, the page's own reply on the platform), read from the
outbox as another process wrote it. Ids are compared, never clocks: both managers here run
on one clock pinned, as ``--now`` pins it."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from _builders import HOUR, MINUTE, NOW, conv, msg, post, snapshot

from commdash.actions import Triager
from commdash.double_reply import question
from commdash.inbox import Inbox
from commdash.model import Conversation
from commdash.outbox import Reply
from commdash.saved_replies import SavedReply
from commdash.store import Store
from commdash.timeutil import Clock

THANKS = SavedReply("Thanks", "Thanks {first_name}!")


def conversations() -> list[Conversation]:
    return [
        conv(msg("c1", NOW - HOUR, who="Dana Ruiz", text="Open Sunday?")),
        conv(msg("c2", NOW - HOUR, who="Lee Park", text="And Monday?")),
    ]


def manager(directory: Path, who: str, clock: Clock, found: list[Conversation]) -> Triager:
    """A manager's commdash on the state directory (each its own session)."""
    store = Store(directory, manager=f"{who}@desk")
    inbox = Inbox(snapshot([post("p1")], found), store.states(), store.replies(), clock, HOUR)
    return Triager(inbox, store, clock)


@pytest.fixture
def pair(tmp_path: Path) -> tuple[Triager, Triager]:
    """Ana and Bo on one state directory, on one clock pinned (as ``--now`` pins it)."""
    clock = Clock(NOW)
    found = conversations()
    return manager(tmp_path, "ana", clock, found), manager(tmp_path, "bo", clock, found)


def test_a_colleagues_reply_queued_since_the_box_opened_is_found(
    pair: tuple[Triager, Triager],
) -> None:
    ana, bo = pair
    seen = bo.answers_seen("c1")  # Bo opens the reply box
    assert bo.answered_since(seen) == []
    ana.reply("c1", "c1", "Yes, from 10 to 4.\nSee you!")  # bo's inbox has not synced
    (found,) = bo.answered_since(seen)
    assert (found.who, found.at, found.text, found.queued) == (
        "ana",
        NOW,
        "Yes, from 10 to 4. See you!",
        True,
    )
    assert question([found], NOW + 2 * MINUTE) == (
        'ana queued a reply 2m ago: "Yes, from 10 to 4. See you!" — send anyway?'
    )
    assert bo.answered_since(seen.including([found])) == []  # shown: no news any more
    assert bo.answered_since(bo.answers_seen("c2")) == []  # another conversation


def test_one_queued_before_the_box_opened_is_no_news(pair: tuple[Triager, Triager]) -> None:
    ana, bo = pair
    ana.reply("c1", "c1", "Yes")
    bo.sync_from_disk()  # Bo's screen shows it …
    seen = bo.answers_seen("c1")  # … then Bo opens the box
    assert bo.answered_since(seen) == []


def test_one_queued_but_not_shown_yet_when_the_box_opened_counts(
    pair: tuple[Triager, Triager],
) -> None:
    ana, bo = pair
    ana.reply("c1", "c1", "Yes")  # a moment before Bo's r: Bo's screen has not synced yet
    assert [a.who for a in bo.answered_since(bo.answers_seen("c1"))] == ["ana"]


def test_sent_ones_and_the_pages_own_on_the_platform_count_once_each(tmp_path: Path) -> None:
    clock = Clock(NOW)
    bo = manager(tmp_path, "bo", clock, conversations())
    seen = bo.answers_seen("c1")
    ana = Store(tmp_path, manager="ana@desk")
    sent = Reply.new("c1", "c1", "Delivered", NOW + 10)
    ana.queue_reply(sent)
    ana.update_reply(sent.id, lambda r: r.sent("fb-1", NOW + 20))
    # The next sync brings the page's messages: ana's delivered reply, and one written on
    # Facebook itself.
    synced = [
        conv(
            msg("c1", NOW - HOUR, who="Dana Ruiz"),
            msg("fb-1", NOW + 20, ours=True, text="Delivered"),
            msg("fb-2", NOW + 30, ours=True, text="From the Facebook app"),
        ),
        conversations()[1],
    ]
    bo.replace_snapshot(snapshot([post("p1")], synced), bo.store)
    found = bo.answered_since(seen)
    assert [(a.who, a.text, a.queued) for a in found] == [
        ("ana", "Delivered", False),
        ("Brand", "From the Facebook app", False),
    ]
    assert question(found, NOW + 90) == (
        'Brand replied 1m ago: "From the Facebook app" (and 1 more) — send anyway?'
    )


def test_hides_the_reply_edited_and_other_conversations_are_no_answer(
    pair: tuple[Triager, Triager],
) -> None:
    ana, bo = pair
    mine = bo.reply("c1", "c1", "First go")
    seen = bo.answers_seen("c1")  # Bo edits it in the box
    ana.store.queue_moderation(Reply.moderation("c1", "c1", True, NOW))
    ana.reply("c2", "c2", "Elsewhere")
    assert bo.answered_since(seen, editing=mine.id) == []


def test_an_older_commdashs_reply_is_someones(pair: tuple[Triager, Triager]) -> None:
    ana, bo = pair
    seen = bo.answers_seen("c1")
    older = replace(Reply.new("c1", "c1", "\x1b[31mHi\x1b[0m [b]there[/b]", NOW), queued_by=None)
    ana.store.outbox.add(older)
    (found,) = bo.answered_since(seen)
    assert (found.who, found.text) == ("Someone", "Hi [b]there[/b]")


def test_a_bulk_send_skips_the_conversations_answered_since(
    pair: tuple[Triager, Triager],
) -> None:
    ana, bo = pair
    seen = {cid: bo.answers_seen(cid) for cid in ("c1", "c2")}  # Bo presses r with marks
    ana.reply("c1", "c1", "Yes")
    sent = bo.bulk_reply(["c1", "c2"], THANKS, seen)
    assert [r.conversation_id for r in sent.queued] == ["c2"]
    assert [(s.conversation_id, s.who, s.why) for s in sent.skipped] == [
        ("c1", "Dana Ruiz", "answered meanwhile")
    ]
    assert bo.bulk_reply(["c1"], THANKS).queued != ()  # no baseline given: no check
