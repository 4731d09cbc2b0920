"""``done_through`` (the latest member message when a conversation was marked done) lives only
as long as the done mark: reopening or snoozing drops it with ``done_at``."""

from __future__ import annotations

from commdash.triage import BLANK, TriageState, mark_done, reopen, snooze

NOW = 1_764_061_200.0


def test_reopening_a_done_conversation_leaves_no_trace_of_the_done_mark() -> None:
    done = mark_done(TriageState(tags=("vip",)), NOW, latest_member_at=NOW - 60)
    assert done.done_through == NOW - 60
    assert reopen(done) == TriageState(tags=("vip",))
    assert reopen(mark_done(BLANK, NOW, latest_member_at=NOW - 60)).is_blank


def test_snoozing_a_done_conversation_drops_the_done_mark_whole() -> None:
    done = mark_done(BLANK, NOW, latest_member_at=NOW - 60)
    assert snooze(done, NOW + 3600) == TriageState(snoozed_until=NOW + 3600)


def test_a_snooze_that_ended_leaves_the_conversation_open_to_a_new_done() -> None:
    snoozed = snooze(mark_done(BLANK, NOW, latest_member_at=NOW - 60), NOW + 3600)
    again = mark_done(snoozed, NOW + 7200, latest_member_at=NOW + 7000)
    assert again.status(NOW + 7000, now=NOW + 7300) == "done"
    assert again.status(NOW + 7100, now=NOW + 7300) == "open"
