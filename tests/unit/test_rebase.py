"""triage.rebase: an action done offline applied to the state as the team has it now."""

from __future__ import annotations

from commdash.triage import (
    BLANK,
    Note,
    RuleMark,
    add_note,
    add_rule_mark,
    assign,
    edit_tags,
    mark_done,
    rebase,
    set_hidden,
    snooze,
)


def test_an_action_nobody_else_touched_applies_whole() -> None:
    before = BLANK
    after = assign(mark_done(before, 10.0, 9.0), "ana")
    merged, clashes = rebase(BLANK, before, after, ours_later=False)
    assert merged == after
    assert clashes == ()


def test_tags_added_and_removed_keep_the_colleagues_tags() -> None:
    before = edit_tags(BLANK, ["old"], [])
    after = edit_tags(before, ["vip"], ["old"])
    current = edit_tags(before, ["billing"], [])  # a colleague's tag meanwhile
    merged, clashes = rebase(current, before, after, ours_later=False)
    assert set(merged.tags) == {"billing", "vip"}
    assert clashes == ()


def test_an_assignee_changed_by_both_goes_to_the_later() -> None:
    before = assign(BLANK, "ana")
    ours = assign(before, "bo")
    theirs = assign(before, "cy")
    later, clashes = rebase(theirs, before, ours, ours_later=True)
    assert (later.assignee, clashes) == ("bo", ("assignee",))
    earlier, clashes = rebase(theirs, before, ours, ours_later=False)
    assert (earlier.assignee, clashes) == ("cy", ("assignee",))


def test_the_same_change_made_by_both_is_no_clash() -> None:
    before = BLANK
    ours = assign(before, "bo")
    merged, clashes = rebase(ours, before, ours, ours_later=False)
    assert (merged, clashes) == (ours, ())


def test_done_and_snoozed_are_one_decision() -> None:
    before = BLANK
    ours = mark_done(before, 10.0, 9.0)
    theirs = snooze(before, 99.0)
    kept, clashes = rebase(theirs, before, ours, ours_later=False)
    assert kept == theirs and clashes == ("done",)
    won, _ = rebase(theirs, before, ours, ours_later=True)
    assert (won.done_at, won.done_through, won.snoozed_until) == (10.0, 9.0, None)


def test_notes_marks_and_hides_are_added_not_replaced() -> None:
    note = Note("n1", "bo", 5.0, "called them")
    theirs_note = Note("n2", "cy", 6.0, "refund sent")
    mark = RuleMark("vip-first", 4.0, "tag vip")
    before = BLANK
    ours = set_hidden(add_rule_mark(add_note(before, note), mark), "m1", True)
    current = add_note(before, theirs_note)
    merged, clashes = rebase(current, before, ours, ours_later=False)
    assert {n.id for n in merged.notes} == {"n1", "n2"}
    assert merged.rules == (mark,)
    assert merged.hidden_override("m1") is True
    assert clashes == ()


def test_replaying_an_action_twice_changes_nothing_more() -> None:
    before = edit_tags(BLANK, ["old"], [])
    after = assign(edit_tags(before, ["vip"], ["old"]), "bo")
    once, _ = rebase(before, before, after, ours_later=True)
    twice, clashes = rebase(once, before, after, ours_later=True)
    assert twice == once and clashes == ()


def test_a_lost_clash_leaves_the_actions_other_fields_applied() -> None:
    before = BLANK
    ours = assign(mark_done(before, 10.0, 9.0), "bo")
    theirs = snooze(before, 99.0)
    merged, clashes = rebase(theirs, before, ours, ours_later=False)
    assert (merged.snoozed_until, merged.done_at, merged.assignee) == (99.0, None, "bo")
    assert clashes == ("done",)


def test_an_unhide_made_offline_goes_on_where_nobody_changed_it_since() -> None:
    before = set_hidden(BLANK, "m1", True)
    ours = set_hidden(before, "m1", False)  # unhidden offline
    merged, clashes = rebase(before, before, ours, ours_later=False)
    assert merged.hidden_override("m1") is False and clashes == ()


def test_an_override_the_action_left_alone_stays_as_the_colleague_set_it() -> None:
    before = set_hidden(BLANK, "m1", True)
    ours = edit_tags(before, ["vip"], [])  # the action only tagged
    current = set_hidden(BLANK, "m1", False)  # a colleague unhid it meanwhile
    merged, _ = rebase(current, before, ours, ours_later=True)
    assert merged.hidden_override("m1") is False
    assert merged.tags == ("vip",)
