"""The recap: per manager, what the journal and the outbox say was done in the period; the
figures at its start, with the conversations put back as they were then."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from _builders import HOUR, MINUTE, NOW, conv, msg, post, snapshot

from commdash.actions import Triager
from commdash.errors import CommdashError
from commdash.inbox import Inbox
from commdash.model import Snapshot
from commdash.outbox import Reply
from commdash.recap import Recap, Tally, figures_at, recap
from commdash.recap_cli import local_midnight, parse_since
from commdash.store import Store
from commdash.store import triage as triage_store
from commdash.timeutil import Clock

SINCE = NOW - 2 * HOUR


def data_snapshot() -> Snapshot:
    return snapshot(
        [post("p1")],
        [
            conv(msg("c1", NOW - 5 * HOUR, who="Dana", text="Where is my order?")),
            conv(msg("c2", NOW - 4 * HOUR, who="Lee", text="Open on Sunday?")),
            conv(msg("c3", NOW - 3 * HOUR, who="Kim", text="Love it")),
            # Written during the period: not there at its start.
            conv(msg("c4", NOW - HOUR, who="Max", text="Refund?")),
            conv(
                msg("c5", NOW - 6 * HOUR, who="Ola", text="Hi"),
                msg("c5b", NOW - 30 * MINUTE, who="Ola", text="Anyone?"),
            ),
        ],
    )


class Team:
    """Managers working on the same state directory, each with their own clock."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.data = data_snapshot()

    def manager(self, name: str, at: float) -> Triager:
        store = Store(self.directory, manager=name)
        clock = Clock(at)
        inbox = Inbox(self.data, store.states(), store.replies(), clock, 3600.0)
        return Triager(inbox, store, clock)

    def recap(self, since: float = SINCE, until: float = NOW) -> Recap:
        now = self.manager("reader@desk", until)
        store = now.store
        return recap(now.inbox, store.journal(), store.replies(), since, until)


@pytest.fixture
def team(tmp_path: Path) -> Team:
    return Team(tmp_path)


def test_counts_per_manager_come_from_the_journal_and_the_outbox(team: Team) -> None:
    before = team.manager("ana@desk", SINCE - HOUR)
    before.toggle_done("c1")  # before the period: not counted
    ana = team.manager("ana@desk", NOW - HOUR)
    sent = ana.reply("c2", "c2", "Yes, 10 to 4")
    ana.store.update_reply(sent.id, lambda r: r.sent("m-99", NOW - 50 * MINUTE))
    ana.reply("c3", "c3", "Thanks!")  # still queued
    dropped = ana.reply("c5", "c5", "Hello")
    ana.discard_reply(dropped.id)  # discarded: never sent, not counted
    ana.toggle_done("c2")
    ana.toggle_done("c3")
    ana.toggle_done("c3")  # reopened...
    ana.toggle_done("c3")  # ...and done again: one conversation
    ana.snooze("c5", NOW + HOUR)
    ana.set_tags("c4", "refund", ())
    ana.add_note("c4", "Asked for the receipt")
    ana.assign("c1", "kari")
    ana.assign("c3", "")  # unassigning is no assignment
    kari = team.manager("kari@laptop", NOW - 30 * MINUTE)
    kari.set_tags("c4", "refund urgent", ("refund",))
    kari.add_note("c4", "Receipt came")
    kari.add_note("c1", "Called back")
    mistake = team.manager("kari@laptop", NOW - 20 * MINUTE)
    mistake.toggle_done("c4")
    mistake.undo()  # undone: out of the journal, not counted

    done = team.recap()
    assert done.managers == {
        "ana@desk": Tally(
            replies_sent=1, replies_queued=1, done=2, snoozed=1, tagged=1, assigned=1, notes=1
        ),
        "kari@laptop": Tally(tagged=1, notes=2),
    }
    assert done.total == Tally(
        replies_sent=1, replies_queued=1, done=2, snoozed=1, tagged=2, assigned=1, notes=3
    )
    assert done.journal_starts_at is None  # the journal reaches back before the period


def test_a_reply_whose_journal_entry_is_gone_counts_for_nobody_known(team: Team) -> None:
    ana = team.manager("ana@desk", NOW - HOUR)
    ana.reply("c2", "c2", "Yes")
    # Queued by a commdash whose journal entry is gone (older than the journal).
    Store(team.directory).outbox.add(Reply.new("c3", "c3", "Hi", NOW - HOUR))
    assert team.recap().managers == {
        "": Tally(replies_queued=1),
        "ana@desk": Tally(replies_queued=1),
    }


def test_the_figures_now_are_the_inboxs(team: Team) -> None:
    ana = team.manager("ana@desk", NOW - HOUR)
    ana.reply("c2", "c2", "Yes")
    ana.toggle_done("c3")
    ana.snooze("c5", NOW + HOUR)
    reader = team.manager("reader@desk", NOW)
    store = reader.store
    found = figures_at(reader.inbox, store.journal(), store.replies(), NOW)
    assert found == reader.inbox.figures().conversation


def test_the_figures_at_the_start_are_those_of_the_conversations_as_they_were(
    team: Team,
) -> None:
    start = team.recap().start
    # At SINCE: c1, c2, c3 and c5 waited (c4 was not written yet); c3 for just an hour,
    # the SLA, the others longer.
    assert (start.conversations, start.needs_reply, start.sla_breached) == (4, 4, 3)
    assert start.response_rate == 0.0
    ana = team.manager("ana@desk", NOW - HOUR)
    ana.reply("c2", "c2", "Yes")
    ana.toggle_done("c3")
    ana.snooze("c5", NOW + HOUR)
    done = team.recap()
    assert done.start == start  # what was done since changes nothing of the start
    end = done.end
    # Now: c1 and c4 wait; c2 is answered, c3 done, c5 snoozed.
    assert (end.conversations, end.needs_reply, end.done, end.snoozed) == (5, 2, 1, 1)
    assert end.response_rate == pytest.approx(1 / 5)


def test_a_state_set_before_the_period_is_kept_at_its_start(team: Team) -> None:
    team.manager("ana@desk", SINCE - HOUR).toggle_done("c1")
    ana = team.manager("ana@desk", NOW - HOUR)
    ana.toggle_done("c1")  # reopened during the period
    done = team.recap()
    assert (done.start.done, done.start.needs_reply) == (1, 3)
    assert (done.end.done, done.end.needs_reply) == (0, 5)


def test_the_recap_says_where_the_journal_starts_when_it_starts_late(
    team: Team, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(triage_store, "JOURNAL_LIMIT", 3)
    for minutes, cid in ((90, "c1"), (80, "c2"), (70, "c3"), (60, "c5")):
        team.manager("ana@desk", NOW - minutes * MINUTE).toggle_done(cid)
    done = team.recap()
    assert done.journal_starts_at == NOW - 80 * MINUTE  # the oldest of the three kept
    assert done.managers["ana@desk"].done == 3
    assert team.recap(since=NOW - 85 * MINUTE).journal_starts_at == NOW - 80 * MINUTE
    assert team.recap(since=NOW - 75 * MINUTE).journal_starts_at is None


@pytest.fixture
def in_paris() -> Iterator[None]:
    """Local time is Paris's (UTC+1 in November)."""
    old = os.environ.get("TZ")
    os.environ["TZ"] = "Europe/Paris"
    time.tzset()
    yield
    if old is None:
        del os.environ["TZ"]
    else:
        os.environ["TZ"] = old
    time.tzset()


def stamp(text: str) -> float:
    return datetime.fromisoformat(text).timestamp()


@pytest.mark.usefixtures("in_paris")
def test_since_is_local_time_unless_it_says_otherwise() -> None:
    assert parse_since("2026-11-25") == stamp("2026-11-24T23:00:00Z")
    assert parse_since("2026-11-25T08:30") == stamp("2026-11-25T07:30:00Z")
    assert parse_since("2026-11-25T08:30:00Z") == stamp("2026-11-25T08:30:00Z")
    assert parse_since(" 2026-11-25T08:30:00+02:00 ") == stamp("2026-11-25T06:30:00Z")
    assert local_midnight(stamp("2026-11-25T09:00:00Z")) == stamp("2026-11-24T23:00:00Z")
    assert local_midnight(stamp("2026-11-25T23:30:00Z")) == stamp("2026-11-25T23:00:00Z")


@pytest.mark.parametrize("bad", ["yesterday", "", "2026-13-01", "0001-01-01", "25/11/2026", "9"])
def test_a_bad_since_is_one_clear_error(bad: str) -> None:
    with pytest.raises(CommdashError) as caught:
        parse_since(bad)
    assert str(caught.value) == (
        f"--since {bad!r}: not a time (try 2026-11-25, 2026-11-25T08:00 or 2026-11-25T08:00:00Z)"
    )


def test_the_recap_counts_nothing_outside_the_period(team: Team) -> None:
    team.manager("ana@desk", NOW - HOUR).toggle_done("c1")
    assert team.recap(since=NOW - 30 * MINUTE).managers == {}
    assert team.recap(since=SINCE, until=NOW - 2 * HOUR + 1).managers == {}
