"""A rule's mark is kept once per rule, undo takes back only the marks its action added, and
undoing a note's removal does not bring back a note a colleague deleted since."""

from __future__ import annotations

from commdash.triage import (
    NOTE_LIMIT,
    Note,
    RuleMark,
    TriageState,
    add_rule_mark,
    new_note,
    revert,
)

REFUND = RuleMark("refund", 100.0, "#refund")
REFUND_AGAIN = RuleMark("refund", 200.0, "#refund @ana")
SPAM = RuleMark("spam", 150.0, "done")


def test_a_rules_first_mark_is_added_after_the_others() -> None:
    state = add_rule_mark(TriageState(tags=("vip",), rules=(SPAM,)), REFUND)
    assert state.rules == (SPAM, REFUND)
    assert state.tags == ("vip",)


def test_a_rules_second_mark_is_not_kept() -> None:
    once = add_rule_mark(TriageState(), REFUND)
    twice = add_rule_mark(once, REFUND_AGAIN)
    assert twice.rules == (REFUND,)


def test_another_rules_mark_is_kept_beside_the_first() -> None:
    state = add_rule_mark(add_rule_mark(TriageState(), SPAM), REFUND)
    assert [mark.rule for mark in state.rules] == ["spam", "refund"]


def test_undoing_a_rules_run_takes_back_only_its_mark() -> None:
    before = TriageState(rules=(SPAM,))
    after = add_rule_mark(before, REFUND)
    current = TriageState(rules=(SPAM, REFUND), tags=("later",))
    undone = revert(current, before, after)
    assert undone.rules == (SPAM,)
    assert undone.tags == ("later",)


def test_undo_keeps_a_colleagues_rule_mark_made_since() -> None:
    before = TriageState()
    after = add_rule_mark(before, REFUND)
    current = add_rule_mark(after, SPAM)
    assert revert(current, before, after).rules == (SPAM,)


def test_undo_of_an_action_that_added_no_mark_leaves_the_state_as_it_is() -> None:
    before = TriageState(rules=(SPAM,))
    after = TriageState(rules=(SPAM,), tags=("x",))
    current = TriageState(rules=(SPAM, REFUND), tags=("x",))
    undone = revert(current, before, after)
    assert undone.rules == (SPAM, REFUND)
    assert undone.tags == ()


def test_undoing_a_notes_removal_does_not_bring_back_a_note_a_colleague_deleted() -> None:
    mine = Note("n1", "ana@host", 10.0, "mine")
    theirs = Note("n2", "bo@host", 20.0, "theirs")
    before = TriageState(notes=(mine, theirs))
    after = TriageState(notes=(theirs,))  # the action removed mine
    current = TriageState()  # since, a colleague removed theirs too
    assert revert(current, before, after).notes == (mine,)


def test_a_note_cut_at_the_limit_loses_the_spaces_at_the_cut() -> None:
    text = "a" * (NOTE_LIMIT - 1) + " b"
    note = new_note("n", "ana@host", 1.0, text)
    assert note is not None
    assert note.text == "a" * (NOTE_LIMIT - 1)


def test_a_note_of_only_spaces_is_no_note() -> None:
    assert new_note("n", "ana@host", 1.0, "   \t  ") is None
