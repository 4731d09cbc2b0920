"""The outbox's claim with 10,000 items queued (a bulk hide's): what each send of the courier
waits for before its request goes out.

Registered in ``run.py`` (row ``outbox claim …``); run alone as ``python benchmarks/run.py
--only "outbox claim"``. The measuring runs in a fresh interpreter (``outbox_claim.py
--worker``) on a fresh state directory: N hides of N messages are queued in one write, then
items are claimed one by one (each a read and a write of the whole outbox, as the courier
does).

Anchor: the same claim with the rule it replaced, every due item compared with every other
(``PAIRWISE``, kept here only to measure "before"), on the same queue; a single run, since it
takes seconds. Target: <= 250 ms a claim at 10,000 queued.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
QUEUED = 10_000
SMOKE_QUEUED = 1_000
CLAIMS = 5
CLAIM_MS = 250.0
NOW = 1_764_061_200.0


def _pairwise(item: Any, items: list[Any]) -> bool:
    """The rule as it was before: a hide waits for any earlier pending one of its message,
    found by comparing it with every item."""
    if item.kind == "reply":
        return False
    return any(
        other.kind != "reply"
        and other.in_reply_to == item.in_reply_to
        and other.queued_at < item.queued_at
        and other.status in ("queued", "sending")
        for other in items
    )


def _claims(queued: int, count: int, pairwise: bool) -> list[float]:
    """Seconds of each of ``count`` claims with ``queued`` hides in a fresh outbox."""
    from commdash.outbox import Reply, this_process
    from commdash.store import Store
    from commdash.store import outbox as outbox_store

    if pairwise:  # "before": the claim's rule given the whole list instead of the index
        outbox_store._earliest_moderations = lambda items: items  # type: ignore[assignment]
        outbox_store._waits_for_earlier = _pairwise  # type: ignore[assignment]
    store = Store(Path(tempfile.mkdtemp(prefix="claim-")) / "state")
    store.queue_moderations(
        [Reply.moderation(f"c{n}", f"m{n}", True, NOW + n) for n in range(queued)]
    )
    owner, seconds = this_process(), []
    for n in range(count):
        started = time.perf_counter()
        claimed = store.claim_due(NOW + queued, owner)
        seconds.append(time.perf_counter() - started)
        if claimed is None or claimed.in_reply_to != f"m{n}":
            raise RuntimeError(f"claim {n} took {claimed!r}, not the oldest hide")
    return seconds


def rows(bench: Any) -> list[tuple[str, Any]]:
    """The outbox claim row of ``run.py``: (name, make the row)."""
    import run

    queued = SMOKE_QUEUED if bench.args.smoke else QUEUED
    name = f"outbox claim {run._count_label(queued)} queued"

    def make() -> Any:
        result = bench.tmp / f"claim-{queued}.json"
        command = [sys.executable, str(Path(__file__).resolve()), "--worker"]
        command += ["--queued", str(queued), "--result", str(result)]
        label = f"worker outbox claim with {queued:,} queued"
        found: dict[str, list[float]] = run.run_worker(command, result, label)
        row = run.Row(name, run._ms(statistics.median(found["after"])), "ms")
        row.anchor = run._ms(statistics.median(found["before"]))
        row.samples = found
        row.target = f"<= {CLAIM_MS:g} ms"
        row.ok = row.value is not None and row.value <= CLAIM_MS
        row.note = (
            f"runs {run._list_ms(found['after'])} ms; anchor = the same claim comparing "
            f"every pair of items, as before ({run._list_ms(found['before'])} ms)"
        )
        return row

    return [(name, make)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--worker", action="store_true", required=True)
    parser.add_argument("--queued", type=int, default=QUEUED)
    parser.add_argument("--result", type=Path, required=True)
    args = parser.parse_args()
    after = _claims(args.queued, CLAIMS, pairwise=False)
    before = _claims(args.queued, 1, pairwise=True)
    args.result.write_text(json.dumps({"after": after, "before": before}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
