"""A search finds what is shown and only that: empty fields, the separators between fields and
text past the first 2000 characters of a message match nothing, in memory as on a shelf (a
large export read back from its file), where a search repeated or of a tag works the same."""

from __future__ import annotations

from pathlib import Path

from _builders import HOUR, MINUTE, NOW, conv, msg, post, snapshot
from _shelved import shelved_snapshot

from commdash.inbox import Inbox
from commdash.timeutil import Clock
from commdash.triage import BLANK, set_tags

SLA = 60 * MINUTE


def test_empty_fields_and_their_separators_match_nothing() -> None:
    conversations = [
        conv(msg("a", NOW - HOUR, who="Ann", text="hello")),
        conv(msg("b", NOW - HOUR, who="Bo", text="thanks")),
    ]
    states = {"b": set_tags(BLANK, ["vip"])}
    inbox = Inbox(snapshot([post("p1")], conversations), states, [], Clock(NOW), SLA)
    assert inbox.conversation_ids("all", query="#vip") == ["b"]
    for query in ("xx", "none", "@"):  # no assignee, no "XX" between the fields
        assert inbox.conversation_ids("all", query=query) == [], query


def test_only_the_first_2000_characters_of_a_message_are_searched() -> None:
    conversations = [
        conv(msg("a", NOW - HOUR, text="a" * 1999 + "Q")),
        conv(msg("b", NOW - HOUR, text="b" * 2000 + "Q")),
    ]
    inbox = Inbox(snapshot([post("p1")], conversations), {}, [], Clock(NOW), SLA)
    assert inbox.conversation_ids("all", query="q") == ["a"]


def shelved(path: Path) -> Inbox:
    """Ann's "brake" and Bo's "bell" (tagged "brakes-too") on a shelf."""
    snapshot = shelved_snapshot(path, [("a", "Ann", "brake"), ("b", "Bo", "bell")])
    return Inbox(snapshot, {"b": set_tags(BLANK, ["brakes-too"])}, [], Clock(NOW), SLA)


def test_a_search_on_a_shelf_repeated_finds_the_same(tmp_path: Path) -> None:
    inbox = shelved(tmp_path / "big.json")
    assert inbox.conversation_ids("all", query="brake") == ["a", "b"]
    assert inbox.conversation_ids("all", query="brake") == ["a", "b"]
    assert inbox.conversation_ids("all", query="bell") == ["b"]


def test_a_search_on_a_shelf_finds_tags(tmp_path: Path) -> None:
    inbox = shelved(tmp_path / "big.json")
    assert inbox.conversation_ids("all", query="#brakes") == ["b"]
