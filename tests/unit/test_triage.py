"""Tests for commdash.triage: status rules, pure transitions and (de)serialisation."""

from __future__ import annotations

import json

import pytest

from commdash.triage import (
    BLANK,
    JournalEntry,
    TriageState,
    assign,
    edit_tags,
    mark_done,
    normalise_tags,
    parse_tags,
    reopen,
    revert,
    set_hidden,
    set_tags,
    snooze,
)

NOW = 1_764_061_200.0


# Status ------------------------------------------------------------------------------------


def test_blank_state_is_open_with_or_without_member_messages() -> None:
    assert BLANK.status(None, NOW) == "open"
    assert BLANK.status(NOW - 10, NOW) == "open"
    assert BLANK.status(NOW + 10, NOW) == "open"


def test_snoozed_only_while_the_snooze_ends_after_now() -> None:
    state = snooze(BLANK, NOW + 600)
    assert state.status(NOW - 60, NOW) == "snoozed"
    assert state.status(NOW - 60, NOW + 599) == "snoozed"
    # Expiry: at the very moment and afterwards the conversation is open again.
    assert state.status(NOW - 60, NOW + 600) == "open"
    assert state.status(NOW - 60, NOW + 601) == "open"


def test_snooze_in_the_past_is_open() -> None:
    assert snooze(BLANK, NOW - 1).status(NOW - 60, NOW) == "open"


def test_snooze_wins_over_done_in_a_hand_made_state() -> None:
    state = TriageState(done_at=NOW - 100, snoozed_until=NOW + 100)
    assert state.status(NOW - 200, NOW) == "snoozed"
    # Once the snooze is over, the done mark applies again.
    assert state.status(NOW - 200, NOW + 200) == "done"


def test_done_stays_done_until_a_newer_member_message() -> None:
    state = mark_done(BLANK, NOW)
    assert state.status(None, NOW + 5) == "done"
    assert state.status(NOW - 3600, NOW + 5) == "done"
    # A member message at the very moment of marking is not newer.
    assert state.status(NOW, NOW + 5) == "done"
    assert state.status(NOW + 1, NOW + 5) == "open"


def test_done_is_not_undone_by_time_passing() -> None:
    state = mark_done(BLANK, NOW)
    assert state.status(NOW - 60, NOW + 365 * 86400) == "done"


# Transitions -------------------------------------------------------------------------------


def test_mark_done_clears_snooze_and_keeps_the_rest() -> None:
    start = TriageState(snoozed_until=NOW + 60, tags=("vip",), assignee="ana")
    done = mark_done(start, NOW)
    assert done == TriageState(done_at=NOW, tags=("vip",), assignee="ana")
    assert done.status(NOW - 1, NOW) == "done"
    # Pure: the input is unchanged.
    assert start.snoozed_until == NOW + 60 and start.done_at is None


def test_snooze_clears_done() -> None:
    snoozed = snooze(mark_done(BLANK, NOW - 60), NOW + 3600)
    assert snoozed.done_at is None
    assert snoozed.snoozed_until == NOW + 3600
    # After the snooze ends it is open, not done again.
    assert snoozed.status(NOW - 120, NOW + 3601) == "open"


def test_reopen_clears_done_and_snooze_but_keeps_tags_assignee_and_moderation() -> None:
    start = TriageState(
        done_at=NOW, snoozed_until=NOW + 5, tags=("a",), assignee="bo", hidden=(("m1", True),)
    )
    opened = reopen(start)
    assert opened == TriageState(tags=("a",), assignee="bo", hidden=(("m1", True),))
    assert opened.status(None, NOW) == "open"


def test_reopen_of_plain_done_is_blank() -> None:
    assert reopen(mark_done(BLANK, NOW)).is_blank
    assert reopen(mark_done(BLANK, NOW)) == BLANK
    assert not mark_done(BLANK, NOW).is_blank


def test_set_tags_normalises() -> None:
    state = set_tags(
        BLANK, ["#Urgent", "urgent", "  Needs   Reply ", "", "##", "   ", "Billing", "#billing"]
    )
    assert state.tags == ("urgent", "needs-reply", "billing")


def test_set_tags_truncates_long_tags_and_dedupes_after_truncation() -> None:
    long_a = "x" * 50
    long_b = "x" * 45
    assert normalise_tags([long_a, long_b]) == ("x" * 40,)


def test_set_tags_empty_list_clears_tags() -> None:
    assert set_tags(TriageState(tags=("a", "b")), []).tags == ()
    assert set_tags(TriageState(tags=("a",)), []).is_blank


def test_parse_tags_splits_on_commas_and_spaces() -> None:
    assert parse_tags("vip, billing  ,,late  #Refund") == ["vip", "billing", "late", "#Refund"]
    assert parse_tags("   ") == []
    assert normalise_tags(parse_tags("VIP, vip #vip")) == ("vip",)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("ana", "ana"), ("  ana  ", "ana"), ("", None), ("   ", None), ("\t\n", None)],
)
def test_assign_strips_and_blank_means_nobody(typed: str, expected: str | None) -> None:
    assert assign(TriageState(assignee="previous"), typed).assignee == expected


def test_set_hidden_overrides_and_replaces_an_earlier_override() -> None:
    state = set_hidden(BLANK, "m1", True)
    assert state.hidden_override("m1") is True
    assert state.hidden_override("m2") is None

    state = set_hidden(state, "m2", False)
    state = set_hidden(state, "m1", False)
    assert state.hidden_override("m1") is False
    assert state.hidden_override("m2") is False
    # One pair per message: the earlier override was replaced, not shadowed.
    assert sorted(state.hidden) == [("m1", False), ("m2", False)]
    assert not state.is_blank


# Serialisation -----------------------------------------------------------------------------


FULL = TriageState(
    done_at=NOW,
    snoozed_until=NOW + 3600.5,
    tags=("vip", "needs-reply"),
    assignee="ana",
    hidden=(("m1", True), ("m2", False)),
)


@pytest.mark.parametrize("state", [BLANK, FULL, mark_done(BLANK, NOW), snooze(BLANK, NOW)])
def test_state_round_trips_through_json(state: TriageState) -> None:
    raw = json.loads(json.dumps(state.to_dict()))
    assert TriageState.from_dict(raw) == state


def test_from_dict_of_empty_document_is_blank() -> None:
    assert TriageState.from_dict({}) == BLANK


def test_from_dict_accepts_integer_times_as_floats() -> None:
    state = TriageState.from_dict({"done_at": 5, "snoozed_until": 7})
    assert state.done_at == 5.0 and isinstance(state.done_at, float)
    assert state.snoozed_until == 7.0


def test_from_dict_drops_mistyped_values() -> None:
    state = TriageState.from_dict(
        {
            "done_at": "yesterday",
            "snoozed_until": True,
            "tags": ["vip", 3, None, "late", ["x"]],
            "assignee": 7,
            "hidden": [["m1", True], ["m2", "yes"], ["m3"], "m4", [5, False], ["m5", False, 1]],
            "unknown": "ignored",
        }
    )
    assert state == TriageState(tags=("vip", "late"), hidden=(("m1", True),))


@pytest.mark.parametrize(
    "raw",
    [
        {"tags": "urgent"},
        {"tags": 5},
        {"tags": {"a": 1}},
        {"hidden": 3},
        {"hidden": "m1"},
        {"hidden": {"m1": True}},
        {"done_at": None, "tags": None, "hidden": None, "assignee": None},
    ],
)
def test_from_dict_tolerates_mistyped_containers(raw: dict[str, object]) -> None:
    # A hand-edited state file must never crash the app, nor turn "urgent" into six tags.
    assert TriageState.from_dict(raw) == BLANK


@pytest.mark.parametrize("raw", [None, [], "done", 5, [["done_at", 1]]])
def test_from_dict_of_a_non_object_is_blank(raw: object) -> None:
    assert TriageState.from_dict(raw) == BLANK  # type: ignore[arg-type]


def test_journal_entry_round_trips_through_json() -> None:
    entry = JournalEntry(
        action="reply",
        conversation_id="c1",
        before=BLANK,
        after=FULL,
        at=NOW,
        session="s-1",
        reply_id="r-1",
    )
    raw = json.loads(json.dumps(entry.to_dict()))
    assert JournalEntry.from_dict(raw) == entry

    plain = JournalEntry("done", "c2", FULL, mark_done(FULL, NOW + 1), NOW + 1, "s-2")
    assert JournalEntry.from_dict(json.loads(json.dumps(plain.to_dict()))) == plain
    assert plain.to_dict()["reply_id"] is None


def test_journal_entry_from_garbage() -> None:
    entry = JournalEntry.from_dict(
        {"at": "noon", "before": "junk", "after": [1, 2], "reply_id": 5, "action": 3}
    )
    assert entry.at == 0.0
    assert entry.before == BLANK
    assert entry.after == BLANK
    assert entry.reply_id is None
    assert entry.action == ""  # a mistyped field reads as its default, like a missing one
    assert entry.conversation_id == ""
    assert entry.session == ""


def test_journal_entry_keeps_the_readable_part_of_a_damaged_state() -> None:
    """A record inside a record is read as leniently as one on its own."""
    entry = JournalEntry.from_dict(
        {"action": "tag", "after": {"tags": ["vip", 3], "done_at": "noon"}, "pid": 7}
    )
    assert (entry.action, entry.pid) == ("tag", 7)
    assert entry.after == TriageState(tags=("vip",))


def test_edit_tags_adds_and_removes_without_touching_the_rest() -> None:
    state = TriageState(tags=("urgent", "vip"))
    assert edit_tags(state, ["billing"], ["vip"]).tags == ("urgent", "billing")
    assert edit_tags(state, ["URGENT"], []).tags == ("urgent", "vip")


def test_revert_keeps_changes_made_since_by_someone_else() -> None:
    before = TriageState(tags=("vip",))
    after = TriageState(tags=("vip",), assignee="dana")
    now = TriageState(tags=("vip", "urgent"), assignee="dana", done_at=5.0)
    assert revert(now, before, after) == TriageState(tags=("vip", "urgent"), done_at=5.0)


def test_revert_leaves_a_field_that_was_changed_again_since() -> None:
    before, after = BLANK, TriageState(assignee="dana")
    now = TriageState(assignee="ola")
    assert revert(now, before, after) == now


def test_revert_of_done_brings_back_the_snooze_it_replaced() -> None:
    before = TriageState(snoozed_until=99.0)
    after = mark_done(before, 50.0)
    assert revert(after, before, after) == before


def test_revert_of_a_hide() -> None:
    after = set_hidden(BLANK, "m1", True)
    assert revert(after, BLANK, after) == BLANK
    shown_again = set_hidden(after, "m1", False)
    assert revert(shown_again, after, shown_again) == after


def test_a_message_unseen_when_marked_done_reopens_even_if_written_before() -> None:
    done = mark_done(BLANK, now=1000.0, latest_member_at=900.0)
    assert done.status(900.0, now=2000.0) == "done"
    assert done.status(950.0, now=2000.0) == "open"  # written at 950, first synced later
    legacy = mark_done(BLANK, now=1000.0)  # state written before commdash knew
    assert legacy.status(950.0, now=2000.0) == "done"
    assert legacy.status(1001.0, now=2000.0) == "open"
    assert TriageState.from_dict(done.to_dict()) == done
