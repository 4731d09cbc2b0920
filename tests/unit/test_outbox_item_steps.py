"""An outbox item's steps, as written to the outbox: what each step sets and what it clears
(a claim, a pause, an error), a retry or an edit by the manager queueing it afresh, and how
long a claim is trusted (its lease, a claim without a process id from an older commdash,
no owner at all)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import replace

import pytest

from commdash.host import hostname
from commdash.outbox import Reply, owner_alive, this_process

NOW = 1_800_000_000.0


def tried(text: str = "Thanks!") -> Reply:
    """A reply whose first attempt failed after the platform's messages were noted."""
    item = Reply.new("c1", "m1", text, NOW).claimed("me", NOW + 1)
    return replace(item, preexisting=("m7",)).failed("HTTP 400, the text was refused")


def test_a_hide_has_no_text() -> None:
    item = Reply.moderation("c1", "m1", hide=True, now=NOW)
    assert (item.kind, item.in_reply_to, item.text) == ("hide", "m1", "")


def test_a_claim_ends_a_pause_and_a_pause_ends_a_claim() -> None:
    paused = Reply.new("c1", "m1", "Thanks!", NOW).claimed("me", NOW).waiting_for_token("why")
    assert (paused.status, paused.sending_by, paused.paused) == ("queued", None, True)
    claimed = paused.claimed("me", NOW + 1)
    assert (claimed.status, claimed.sending_by, claimed.paused) == ("sending", "me", False)
    resumed = paused.resumed()
    assert resumed.to_dict()["paused"] is False and resumed.error is None


def test_a_retry_ends_the_claim_and_the_send_ends_the_error() -> None:
    retried = Reply.new("c1", "m1", "Thanks!", NOW).claimed("me", NOW).retry_at(NOW + 60, "503")
    assert (retried.status, retried.sending_by, retried.error) == ("queued", None, "503")
    sent = retried.claimed("me", NOW + 60).sent("m9", NOW + 61)
    assert (sent.status, sent.sending_by, sent.error, sent.remote_id) == ("sent", None, None, "m9")


def test_each_failure_counts_one_attempt() -> None:
    once = tried()
    assert (once.status, once.attempts) == ("failed", 1)
    twice = once.requeued().claimed("me", NOW + 2).failed("again")
    assert twice.attempts == 2


@pytest.mark.parametrize("text", [None, "Thanks!"])
def test_a_retry_queues_the_item_afresh_knowing_what_was_there(text: str | None) -> None:
    before = replace(tried(), paused=True, sending_by="me", next_attempt_at=NOW + 60)
    again = before.requeued(text)
    assert again.to_dict() == {
        **before.to_dict(),
        "status": "queued",
        "next_attempt_at": 0.0,
        "error": None,
        "sending_by": None,
        "paused": False,
    }
    assert again.preexisting == ("m7",)


def test_an_edited_text_is_checked_against_the_platform_again() -> None:
    again = tried().requeued("Thanks, fixed!")
    assert (again.status, again.text, again.preexisting) == ("queued", "Thanks, fixed!", None)


def test_a_claim_is_trusted_for_five_minutes_and_no_longer() -> None:
    assert owner_alive(this_process(), NOW, NOW + 300)
    assert not owner_alive(this_process(), NOW, NOW + 300.5)


def test_a_claim_without_an_owner_is_not_trusted() -> None:
    assert not owner_alive(None, NOW, NOW + 1)
    assert not owner_alive("", NOW, NOW + 1)


@pytest.fixture
def other_process() -> Iterator[int]:
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        yield child.pid
    finally:
        child.kill()
        child.wait()


def test_an_older_commdash_claim_without_a_process_id_is_trusted_while_it_runs(
    other_process: int,
) -> None:
    assert owner_alive(f"{hostname()}:{other_process}", NOW, NOW + 1)
    assert not owner_alive(f"{hostname()}:{os.getpid()}", NOW, NOW + 1)  # not this process
