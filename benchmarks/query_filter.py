"""The filter language against the plain filter it replaced, on the same data and inbox.

Run by ``run.py`` in a worker process (``--worker query``). The anchor is the plain filter as
it was before the language (commdash 9ac67ac): one needle, the shelf's search for a large
export, the state's tags and assignee for the rest, over the needs-reply view; it is copied
here (:func:`plain_filter_before`) so the comparison survives the old code. Each timing starts
cold: the shelf's and the inbox's caches of earlier searches are emptied first.
"""

from __future__ import annotations

import gc
import random
import statistics
import time
from collections.abc import Callable
from typing import Any

PLAIN = "brake"
COMPOUND = "tag:refund -is:done age:>2h"
TAGGED_SHARE = 0.05
"""The share of conversations tagged "refund" (some of them done) before measuring."""


def plain_filter_before(inbox: Any, needle: str) -> list[str]:
    """The needs-reply view filtered by ``needle`` as commdash did before the filter language."""
    from commdash.inbox import _state_haystack

    shelf = inbox._shelf
    if shelf is None:
        return [cid for cid in inbox._waiting.ids() if needle in inbox._haystack(cid)]
    found = shelf.matching(needle, lambda: False)
    assert found is not None

    def matches(cid: str) -> bool:
        if cid in found:
            return True
        state = inbox._states.get(cid)
        return state is not None and needle in _state_haystack(state)

    return [cid for cid in inbox._waiting.ids() if matches(cid)]


def _cold(inbox: Any) -> None:
    """Forget every earlier search, so that each timing searches afresh."""
    inbox._found.clear()
    inbox._haystacks.clear()
    if inbox._shelf is not None:
        inbox._shelf._last_search = None
    gc.collect()


def _timed(inbox: Any, runs: int, search: Callable[[], list[str]]) -> tuple[list[float], int]:
    times, found = [], 0
    for _ in range(runs):
        _cold(inbox)
        started = time.perf_counter()
        found = len(search())
        times.append(time.perf_counter() - started)
    return times, found


def measure(session: Any, runs: int) -> dict[str, Any]:
    """Median seconds of each filter on the session's inbox, with the rows found."""
    from commdash.triage import BLANK, mark_done, set_tags

    inbox = session.inbox
    rng = random.Random(3)
    cids = list(inbox.conversations)
    for cid in rng.sample(cids, int(len(cids) * TAGGED_SHARE)):
        state = set_tags(BLANK, ["refund"])
        inbox.set_state(cid, mark_done(state, inbox.clock.now()) if rng.random() < 0.3 else state)
    result: dict[str, Any] = {"conversations": len(cids), "shelf": inbox._shelf is not None}
    searches: dict[str, Callable[[], list[str]]] = {
        "before": lambda: plain_filter_before(inbox, PLAIN),
        "plain": lambda: inbox.conversation_ids("needs-reply", None, PLAIN),
        "compound": lambda: inbox.conversation_ids("needs-reply", None, COMPOUND),
    }
    for name, search in searches.items():
        times, found = _timed(inbox, runs, search)
        result[name] = {"median": statistics.median(times), "times": times, "rows": found}
    assert searches["before"]() == searches["plain"](), "the plain word finds what it found"
    return result
