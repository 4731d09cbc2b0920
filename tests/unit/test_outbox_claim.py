"""Claiming the outbox's next item: the oldest due one, a hide or unhide only after the
earlier ones of the same message, and a cost that grows with the queue, not its square."""

from __future__ import annotations

import sys
from pathlib import Path
from types import FrameType
from typing import Any

import commdash
from commdash.outbox import Reply, this_process
from commdash.store import Store

NOW = 1_764_061_200.0


def test_the_order_rule(tmp_path: Path) -> None:
    """The oldest due item first; a later hide or unhide of a message waits while an
    earlier one of that message is queued (due or not) or sending; a failed one no longer
    holds it back; replies and other messages' hides never wait for it."""
    store = Store(tmp_path / "s")
    hide = Reply.moderation("c1", "m9", True, NOW)
    reply = Reply.new("c2", "m5", "Thanks!", NOW + 1)
    unhide = Reply.moderation("c1", "m9", False, NOW + 2)
    other = Reply.moderation("c3", "m8", True, NOW + 3)
    late_hide = Reply.moderation("c4", "m7", True, NOW + 4)
    late_unhide = Reply.moderation("c4", "m7", False, NOW + 5)
    store.queue_moderations([late_unhide, other, unhide, late_hide, hide])
    store.queue_reply(reply)
    # m7's hide must wait for a retry; its unhide, although due, waits behind it.
    store.update_reply(late_hide.id, lambda r: r.retry_at(NOW + 3600, "busy"))
    owner, at = this_process(), NOW + 10

    def claims() -> list[str]:
        found = []
        while (claimed := store.claim_due(at, owner)) is not None:
            found.append(claimed.id)
        return found

    assert claims() == [hide.id, reply.id, other.id]  # unhide: m9's hide is sending
    store.update_reply(hide.id, lambda r: r.sent("r1", at))
    assert claims() == [unhide.id]
    store.update_reply(late_hide.id, lambda r: r.failed("refused"))
    assert claims() == [late_unhide.id]


def _hides(count: int) -> list[Reply]:
    """``count`` hides of as many messages: a bulk hide's, none waiting for another."""
    return [Reply.moderation(f"c{n}", f"m{n}", True, NOW + n) for n in range(count)]


def _steps_to_claim(tmp_path: Path, count: int) -> int:
    """How many lines of commdash's own code one claim runs with ``count`` hides queued:
    a count of work done, not a time, so the check holds on any machine."""
    store = Store(tmp_path / f"s{count}")
    store.queue_moderations(_hides(count))
    ours = str(Path(commdash.__file__).parent)
    steps = 0

    def tracer(frame: FrameType, event: str, arg: Any) -> Any:
        nonlocal steps
        if not frame.f_code.co_filename.startswith(ours):
            return None  # TinyDB, msgspec, the standard library: not this code's choices
        if event == "line":
            steps += 1
        return tracer

    before = sys.gettrace()
    sys.settrace(tracer)
    try:
        claimed = store.claim_due(NOW + count, this_process())
    finally:
        sys.settrace(before)
    assert claimed is not None and claimed.in_reply_to == "m0"
    return steps


def test_a_claim_grows_with_the_queue_not_its_square(tmp_path: Path) -> None:
    """Four times the hides queued: at most five times the work (it was about sixteen,
    every hide compared with every other)."""
    small, large = _steps_to_claim(tmp_path, 250), _steps_to_claim(tmp_path, 1000)
    assert large < 5 * small, (small, large)
