"""Variables in any reply, not only in a saved one: filled for the member answered when the
reply is queued (typed, edited or sent to many: one place), a missing value refused, braces
that name no variable sent as written; and a member the source gave no name is greeted by
none (the model labels them by their id, which is no name)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from _builders import NOW

from commdash.actions import GapError, Triager
from commdash.inbox import Inbox
from commdash.saved_replies import SavedReply, template_values
from commdash.sources.native import read_native
from commdash.store import Store
from commdash.timeutil import Clock

HOUR = 3600.0


def document(*authors: object) -> dict[str, object]:
    """One post; a top-level comment by each author, c1, c2, …"""
    comments = [
        {"id": f"c{n}", "author": author, "created_at": NOW - HOUR + n, "text": "Open Sunday?"}
        for n, author in enumerate(authors, 1)
    ]
    return {
        "format": "commdash/v1",
        "source": {"platform": "facebook", "account": {"id": "brand", "name": "Kestrel"}},
        "posts": [
            {"id": "p1", "created_at": NOW - 2 * HOUR, "text": "Winter ride", "comments": comments}
        ],
    }


def triager_for(tmp_path: Path, *authors: object) -> Triager:
    """The export read as commdash reads any (the native reader: its defaults included)."""
    data = read_native(json.loads(json.dumps(document(*authors))), "export.json", "x", NOW)
    store = Store(tmp_path / "state" / "source")
    clock = Clock(NOW)
    return Triager(Inbox(data, store.states(), store.replies(), clock, HOUR), store, clock)


@pytest.fixture(autouse=True)
def manager(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COMMDASH_MANAGER", "Ana")


DANA = {"id": "u1", "name": "Dana Ruiz"}


def test_a_variable_typed_in_a_reply_is_filled_when_it_is_queued(tmp_path: Path) -> None:
    triager = triager_for(tmp_path, DANA)
    typed = "Hi {first_name}, thanks! {{code}} is a brace, {faq} and :-} are mine. — {manager}"
    reply = triager.reply("c1", "c1", typed)
    expected = "Hi Dana, thanks! {code} is a brace, {faq} and :-} are mine. — Ana"
    assert reply.text == expected
    assert [r.text for r in triager.store.replies()] == [expected]


def test_a_typed_variable_without_a_value_is_refused_naming_it(tmp_path: Path) -> None:
    triager = triager_for(tmp_path, {"id": "u9", "name": ""})
    with pytest.raises(GapError, match=r"Fill in \[first_name\?\] first: .*\{first_name\}"):
        triager.reply("c1", "c1", "Hi {first_name}, thanks!")
    assert triager.store.replies() == []


def test_an_edit_of_a_queued_reply_is_filled_too(tmp_path: Path) -> None:
    triager = triager_for(tmp_path, DANA)
    queued = triager.reply("c1", "c1", "Hi")
    edited = triager.edit_reply(queued.id, "Hi {first_name}, see you — {manager}")
    assert edited is not None and edited.text == "Hi Dana, see you — Ana"
    assert [r.text for r in triager.store.replies()] == ["Hi Dana, see you — Ana"]


def test_ctrl_t_then_ctrl_s_and_a_bulk_send_queue_the_same_text(tmp_path: Path) -> None:
    # The member's own braces and the template's literal ones are never filled: what ctrl+t
    # puts in the box is filled again when queued, and changes only its doubled braces.
    hostile = {"id": "u1", "name": "Dana {post} {{x}}"}
    saved = SavedReply("Hi", "Hi {name}, write {{first_name}} in your profile ({page}).")
    expected = "Hi Dana {post} {{x}}, write {first_name} in your profile (Kestrel)."
    one, many = triager_for(tmp_path / "one", hostile), triager_for(tmp_path / "many", hostile)
    in_box = one.fill_saved_reply(saved, "c1", "c1")
    assert one.reply("c1", "c1", in_box).text == expected
    assert many.bulk_preview(["c1"], saved) == expected
    assert [r.text for r in many.bulk_reply(["c1"], saved).queued] == [expected]


def test_a_member_the_source_gave_no_name_is_greeted_by_none(tmp_path: Path) -> None:
    triager = triager_for(
        tmp_path,
        {"id": 123, "name": None},  # a hostile export: the id, a number, and no name
        {"id": "u2", "name": "   "},
        {"id": "u3"},
        DANA,
    )
    assert triager.inbox.conversations["c1"].root.author.name == "123"  # its label on screen
    for cid in ("c1", "c2", "c3"):
        values = template_values(triager.inbox, cid, cid, "Ana")
        assert "name" not in values and "first_name" not in values
    with pytest.raises(GapError, match=r"\[first_name\?\]"):
        triager.reply("c1", "c1", "Hi {first_name}, thanks for asking!")
    sent = triager.bulk_reply(["c1", "c2", "c3", "c4"], SavedReply("Hi", "Hi {first_name}!"))
    assert [r.text for r in sent.queued] == ["Hi Dana!"]
    assert [(s.conversation_id, s.why) for s in sent.skipped] == [
        ("c1", "[first_name?] not filled"),
        ("c2", "[first_name?] not filled"),
        ("c3", "[first_name?] not filled"),
    ]
