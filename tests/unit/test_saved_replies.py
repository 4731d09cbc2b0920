"""Saved replies: templates filled from hostile source text, gaps that refuse to be sent, and
the library on real files (private, sanitised when read back, a wrong document a clear error).
"""

from __future__ import annotations

import dataclasses
import json
import os
import stat
from pathlib import Path

import pytest
from _builders import NOW, conv, msg, post, snapshot

from commdash.actions import GapError, Triager
from commdash.errors import StateError
from commdash.inbox import Inbox
from commdash.model import Author, Message
from commdash.saved_replies import (
    SavedReply,
    checked,
    fill,
    for_reply_box,
    from_reply_box,
    gaps,
    template_problems,
    template_values,
)
from commdash.store import Store
from commdash.store.saved_replies import SavedReplyStore
from commdash.timeutil import Clock

HOSTILE = "Dana\x1b]52;c;ZXZpbA==\x07\u202e Ruiz\n{post} [b]x[/b]"


def inbox_with(author: str, post_text: str = "Meetup Friday\nat the shop") -> Inbox:
    first = msg("c1", NOW - 600, who="Dana")
    hostile = Message(**{**_fields(first), "author": Author("u1", author)})
    shown = dataclasses.replace(post("p1"), text=post_text, channel="Kestrel Riders")
    return Inbox(snapshot([shown], [conv(hostile)]), {}, [], Clock(NOW), 3600.0)


def _fields(message: Message) -> dict[str, object]:
    return {field.name: getattr(message, field.name) for field in dataclasses.fields(message)}


# Templates ------------------------------------------------------------------------------------


def test_every_variable_is_filled_from_the_conversation() -> None:
    values = template_values(inbox_with("Dana Ruiz"), "c1", "c1", "Ana")
    text = fill("Hi {first_name} ({name}) re {post} on {page}. — {manager}", values)
    assert text == "Hi Dana (Dana Ruiz) re Meetup Friday on Kestrel Riders. — Ana"


def test_hostile_values_are_made_safe_and_one_line_and_never_read_as_a_template() -> None:
    values = template_values(inbox_with(HOSTILE), "c1", "c1", None)
    text = fill("Hi {name}!", values)
    assert text.startswith("Hi Dana")
    assert "\x1b" not in text and "\x07" not in text and "\u202e" not in text
    assert "\n" not in text
    assert "{post}" in text  # the member's own braces, as they are: never filled in
    assert "Meetup" not in text
    assert gaps(text) == []


def test_a_variable_without_a_value_leaves_a_gap_never_braces() -> None:
    values = template_values(inbox_with("   "), "c1", "c1", None)
    text = fill("Hi {first_name}, {name}. {manager}", values)
    assert text == "Hi [first_name?], [name?]. [manager?]"
    assert gaps(text) == ["[first_name?]", "[name?]", "[manager?]"]
    assert "{" not in for_reply_box("{frist_name} {} { x }", {})  # a hand-edited library
    assert fill("{frist_name} {} :-}", {}) == "{frist_name} {} :-}"  # typed: the manager's


def test_doubled_braces_are_literal_and_lone_ones_reported() -> None:
    assert fill("{{first_name}} }}", {"first_name": "Dana"}) == "{first_name} }"
    assert template_problems("Use {{code}} as is, {first_name}") == []
    problems = template_problems("Hi {frist_name} }")
    assert "unknown variable {frist_name} at character 4" in problems[0]
    assert "lone '}' at character 17" in problems[1]


def test_a_reply_box_gap_becomes_its_variable_again() -> None:
    assert from_reply_box("Hi [first_name?], see [sic?]") == "Hi {first_name}, see [sic?]"


def test_checked_names_the_field_that_is_wrong() -> None:
    reply = checked("  Opening   hours ", "We open at 9\n", "Info, #Hours info", " en ")
    assert reply == SavedReply("Opening hours", "We open at 9", ("info", "hours"), "en")
    for name, text, field in (("", "x", "name"), ("a", " \n", "text"), ("a", "{nme}", "text")):
        with pytest.raises(ValueError, match=f"^{field}: "):
            checked(name, text, [], "")


def test_a_reply_with_a_gap_is_refused_and_nothing_is_queued(tmp_path: Path) -> None:
    triager = Triager(inbox_with("Dana Ruiz"), Store(tmp_path / "source"), Clock(NOW))
    with pytest.raises(GapError, match=r"Fill in \[manager\?\] first"):
        triager.reply("c1", "c1", "Thanks, [manager?]")
    assert triager.store.replies() == []
    triager.reply("c1", "c1", "Thanks, Ana")
    assert [r.text for r in triager.store.replies()] == ["Thanks, Ana"]


def test_the_triager_fills_a_saved_reply_for_the_member_answered(tmp_path: Path) -> None:
    triager = Triager(inbox_with("Dana Ruiz"), Store(tmp_path / "source"), Clock(NOW))
    assert triager.saved_replies.path == tmp_path / "saved_replies.json"
    saved = SavedReply("hi", "Hi {first_name}!")
    assert triager.fill_saved_reply(saved, "c1", "c1") == "Hi Dana!"


# The library on disk --------------------------------------------------------------------------


def test_the_library_round_trips_on_disk_by_name_without_case(tmp_path: Path) -> None:
    store = SavedReplyStore(tmp_path / "state")
    assert store.replies() == []
    store.save(checked("Hours", "We open at 9", "hours", "en"))
    store.save(checked("thanks", "Thanks {name}!", [], ""))
    assert [r.name for r in store.replies()] == ["Hours", "thanks"]
    assert store.save(checked("HOURS", "Open at 10", [], "")) is True  # the same name
    assert [r.text for r in store.replies()] == ["Open at 10", "Thanks {name}!"]
    assert store.save(checked("Merci", "Merci !", [], ""), replacing="Thanks") is True  # renamed
    assert [r.name for r in store.replies()] == ["HOURS", "Merci"]
    assert store.delete("merci") == SavedReply("Merci", "Merci !")
    assert store.delete("merci") is None
    assert store.merge([checked("hours", "9", [], ""), checked("New", "n", [], "")]) == (1, 1)
    assert [(r.name, r.text) for r in SavedReplyStore(tmp_path / "state").replies()] == [
        ("hours", "9"),
        ("New", "n"),
    ]


def test_the_library_is_private(tmp_path: Path) -> None:
    old = os.umask(0)
    try:
        root = tmp_path / "made" / "state"
        SavedReplyStore(root).save(SavedReply("a", "b"))
    finally:
        os.umask(old)
    assert stat.S_IMODE(root.stat().st_mode) == 0o700
    for made in (root / "saved_replies.json", root / ".lock"):
        assert stat.S_IMODE(made.stat().st_mode) == 0o600, made


def test_what_is_read_back_from_a_shared_library_is_clean(tmp_path: Path) -> None:
    path = tmp_path / "saved_replies.json"
    document = {"replies": {"1": {"name": "a\x1b[2Jb", "text": "x\x9b31my\u202e", "tags": ["t"]}}}
    path.write_text(json.dumps(document), encoding="utf-8")
    assert SavedReplyStore(tmp_path).replies() == [SavedReply("ab", "xy", ("t",))]


@pytest.mark.parametrize(
    ("document", "said"),
    [
        ({"replies": {"3": {"name": "a", "text": 7}}}, "document 3: Expected `str`, got `int`"),
        ({"replies": {"1": {"text": "x"}}}, "document 1: Object missing required field `name`"),
        ({"replies": {"2": {"name": " ", "text": "x"}}}, "document 2: its name is empty"),
        ({"replies": {"1": {"name": "a", "text": "x", "tags": "t"}}}, "at `$.tags`"),
    ],
)
def test_a_wrong_document_is_one_error_naming_file_and_place_and_is_kept(
    tmp_path: Path, document: object, said: str
) -> None:
    path = tmp_path / "saved_replies.json"
    raw = json.dumps(document)
    path.write_text(raw, encoding="utf-8")
    store = SavedReplyStore(tmp_path)
    with pytest.raises(StateError, match=r"saved_replies\.json") as caught:
        store.replies()
    assert said in str(caught.value)
    with pytest.raises(StateError):
        store.save(SavedReply("b", "c"))  # never written over
    assert path.read_text(encoding="utf-8") == raw
