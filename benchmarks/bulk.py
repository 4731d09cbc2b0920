"""Bulk actions at 100,000 conversations: ``*`` (mark all in the view), ``e`` on 10,000 marked
and its undo, through the keys of the running app; each state file write counted.

Registered in ``run.py`` (rows ``bulk …``); run alone as ``python benchmarks/run.py --only
bulk``. The export (``out/bulk-N.json``: N top-level comments, so N conversations, on 1,000
posts) is made here, deterministically, when missing or older than this file. The measuring
runs in a fresh interpreter (``bulk.py --worker``) with a fresh state directory.

Anchors, measured in the same app: ``j`` for ``*``; the same key on one conversation for
``e`` and ``u``. Targets (issue 11): ``*`` <= 100 ms, bulk done <= 2 s with one write per
shard, its undo <= 2 s.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import sys
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson

HERE = Path(__file__).resolve().parent
CONVERSATIONS = 100_000
MARKED = 10_000
SMOKE_CONVERSATIONS = 5_000
SMOKE_MARKED = 1_000
POSTS = 1_000
RUNS = 3
MARK_ALL_MS = 100.0
BULK_MS = 2_000.0
EXPORTED_AT = datetime(2026, 11, 25, 9, 0, 0, tzinfo=UTC).timestamp()
WORDS = ["thanks", "great", "when", "do", "you", "open", "my", "order", "is", "late", "where"]


def _iso(moment: float) -> str:
    return datetime.fromtimestamp(moment, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def ensure_export(conversations: int) -> Path:
    """``out/bulk-N.json``: N conversations (one top-level comment each, one in five
    answered by the brand), made when missing or older than this file."""
    path = HERE / "out" / f"bulk-{conversations}.json"
    if path.exists() and path.stat().st_mtime >= Path(__file__).stat().st_mtime:
        return path
    rng = random.Random(f"commdash-bulk-{conversations}")
    account = {"id": "page-bulk", "name": "Bulk Brand"}
    per_post = conversations // POSTS
    posts = []
    for p in range(POSTS):
        created = EXPORTED_AT - (POSTS - p) * 3600.0
        comments: list[dict[str, Any]] = []
        for c in range(per_post):
            moment = created + 60 + c * 30 + rng.random() * 20
            cid = f"p{p}c{c}"
            text = " ".join(rng.choices(WORDS, k=rng.randint(2, 9)))
            author = {"id": f"u{rng.randrange(5_000)}", "name": f"Member {rng.randrange(5_000)}"}
            comments.append({"id": cid, "created_at": _iso(moment), "author": author, "text": text})
            if rng.random() < 0.2:
                reply_at = _iso(moment + 600)
                reply = {"id": f"{cid}r", "parent_id": cid, "created_at": reply_at}
                comments.append({**reply, "author": account, "text": "Thanks!"})
        posts.append({"id": f"p{p}", "created_at": _iso(created), "comments": comments})
    document = {
        "format": "commdash/v1",
        "exported_at": _iso(EXPORTED_AT),
        "source": {"name": "Bulk", "platform": "facebook", "account": account},
        "posts": posts,
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    part = path.with_name(path.name + ".part")
    part.write_bytes(orjson.dumps(document))
    part.replace(path)
    return path


# The worker ---------------------------------------------------------------------------------


async def _measure(export: Path, marked: int, runs: int) -> dict[str, Any]:
    import run

    from commdash import statefiles

    writes: Counter[str] = Counter()
    real = statefiles.write_atomically

    def counting(path: Path, payload: bytes) -> None:
        folder = path.parent.name
        name = {"states": f"states/{path.name}", "batches": "its batch file"}.get(folder)
        writes[name or path.name] += 1
        real(path, payload)

    statefiles.write_atomically = counting
    session, clock = run._open_session(export, os.environ["COMMDASH_STATE_DIR"])
    app = run._app(session, clock)
    found: dict[str, Any] = {name: [] for name in ("move", "mark_all", "e", "u", "bulk_e")}
    found["bulk_u"] = []
    async with app.run_test(size=run.SCREEN) as pilot:
        listing = await run._ready(app, pilot)
        await pilot.press("5")  # everything: every conversation of the source
        await pilot.pause()
        screen, inbox = app.screen, app.triager.inbox
        found["listed"] = len(listing.ids)
        for _ in range(runs):
            found["move"].append((await run._press_pilot(pilot, "j"))[0])
            found["mark_all"].append((await run._press_pilot(pilot, "asterisk"))[0])
            if len(screen.marks) != len(listing.ids):
                raise RuntimeError(f"* marked {len(screen.marks):,} of {len(listing.ids):,}")
            await pilot.press("asterisk")  # all marked: * unmarks them (not timed)
            found["e"].append((await run._press_pilot(pilot, "e"))[0])
            found["u"].append((await run._press_pilot(pilot, "u"))[0])

            chosen = listing.ids[:marked]
            screen.marks.add(chosen)
            screen.refresh_marks()
            await pilot.pause()
            writes.clear()
            found["bulk_e"].append((await run._press_pilot(pilot, "e"))[0])
            found["done_writes"] = dict(writes)
            if sum(inbox.status(cid) == "done" for cid in chosen) != marked:
                raise RuntimeError("the bulk done did not mark every marked conversation")
            writes.clear()
            found["bulk_u"].append((await run._press_pilot(pilot, "u"))[0])
            found["undo_writes"] = dict(writes)
            if any(inbox.status(cid) == "done" for cid in chosen):
                raise RuntimeError("the undo did not reopen every conversation")
    return found


def _writes_note(writes: dict[str, int]) -> tuple[bool, str]:
    """Whether every shard was written at most once, and what was written."""
    shards = {name: n for name, n in writes.items() if name.startswith("states/")}
    others = ", ".join(f"{name} {n}x" for name, n in sorted(writes.items()) if name not in shards)
    once = all(n == 1 for n in shards.values())
    most = max(shards.values(), default=0)
    each = "once" if once else f"up to {most}x"
    return once, f"writes: {len(shards)} shard files, each {each}; {others}"


# The rows (run.py) --------------------------------------------------------------------------


def rows(bench: Any) -> list[tuple[str, Any]]:
    """The bulk rows of ``run.py``: (name, make the row)."""
    import run

    smoke = bench.args.smoke
    conversations = SMOKE_CONVERSATIONS if smoke else CONVERSATIONS
    marked = SMOKE_MARKED if smoke else MARKED
    runs = 1 if smoke else RUNS
    size, count = run._count_label(conversations), run._count_label(marked)

    def measured() -> dict[str, Any]:
        def make() -> dict[str, Any]:
            export = ensure_export(conversations)
            result = bench.tmp / f"bulk-{conversations}.json"
            state = bench.fresh_state()
            cache = run._empty(bench.tmp / f"cache-bulk-{conversations}")
            command = [sys.executable, str(Path(__file__).resolve()), "--worker"]
            command += ["--export", str(export), "--result", str(result)]
            command += ["--marked", str(marked), "--runs", str(runs)]
            found: dict[str, Any] = run.run_worker(
                command, result, f"worker bulk on {size} conversations", bench.env(cache, state)
            )
            return found

        found: dict[str, Any] = bench.memo(("bulk", conversations), make)
        return found

    def row(name: str, key: str, anchor: str, limit: float, note: str) -> Any:
        found = measured()
        value, base = found[key], found[anchor]
        made = run.Row(name, run._ms(statistics.median(value)), "ms")
        made.anchor = run._ms(statistics.median(base))
        made.samples = {key: value, anchor: base}
        made.target = f"<= {limit:,g} ms"
        made.ok = made.value is not None and made.value <= limit
        made.note = f"runs {run._list_ms(value)} ms; {note}; {found['listed']:,} listed"
        return made

    def mark_all() -> Any:
        return row(f"bulk * mark all {size}", "mark_all", "move", MARK_ALL_MS, "anchor = j")

    def done() -> Any:
        once, note = _writes_note(measured()["done_writes"])
        made = row(
            f"bulk done {count} of {size}", "bulk_e", "e", BULK_MS, f"anchor = e on one; {note}"
        )
        made.ok = made.ok and once
        return made

    def undo() -> Any:
        once, note = _writes_note(measured()["undo_writes"])
        made = row(
            f"bulk undo {count} of {size}", "bulk_u", "u", BULK_MS, f"anchor = u of one; {note}"
        )
        made.ok = made.ok and once
        return made

    return [
        (f"bulk * mark all {size}", mark_all),
        (f"bulk done {count} of {size}", done),
        (f"bulk undo {count} of {size}", undo),
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--worker", action="store_true", required=True)
    parser.add_argument("--export", type=Path, required=True)
    parser.add_argument("--result", type=Path, required=True)
    parser.add_argument("--marked", type=int, default=MARKED)
    parser.add_argument("--runs", type=int, default=RUNS)
    args = parser.parse_args()
    started = time.perf_counter()
    found = asyncio.run(_measure(args.export, args.marked, args.runs))
    found["seconds"] = time.perf_counter() - started
    args.result.write_text(json.dumps(found))
    return 0


if __name__ == "__main__":
    sys.exit(main())
