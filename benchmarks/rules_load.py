"""Rules at load, 100,000 conversations and 3 rules: what they add to opening the source, the
first time (every conversation new to them) and after (every one considered already).

Registered in ``run.py`` (rows ``rules …``); run alone as ``python benchmarks/run.py --only
rules``. The export is bulk.py's (``out/bulk-N.json``). The measuring runs in a fresh
interpreter (``rules_load.py --worker``) on a fresh state directory: the source is opened as
the TUI opens it (the anchor), the rules run (first load: each considers every conversation,
acts on those it matches, records them); then, per later run, the source is opened again and
the rules run with nothing in memory (their records read from disk, nothing new).

Targets: a first load's rules <= 50 % of the load; a later load's <= 5 %.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import bulk

CONVERSATIONS = 100_000
SMOKE_CONVERSATIONS = 5_000
RUNS = 3
FIRST_SHARE = 0.5
LATER_SHARE = 0.05
RULES = (
    ("late orders", '"order is late" -is:done', {"tag": "late", "assign": "ana"}),
    ("thanks", '"thanks great" -has:question', {"done": True}),
    ("forgotten", "is:needs-reply waiting:>950h", {"tag": "old", "note": "Chase this one."}),
)
"""A phrase, a phrase and the messages, state and facts: the kinds of terms, each rule
matching a few per cent of the conversations (as a rule written for a purpose does)."""


def _rules() -> Any:
    from commdash.rules import read_rules

    data = {"rules": [{"name": n, "when": w, "then": t} for n, w, t in RULES]}
    found = read_rules(Path("benchmark.toml"), data)
    if found.problems:
        raise RuntimeError(found.problems[0])
    return found.rules


def _measure(export: Path, state: str, runs: int) -> dict[str, Any]:
    import run

    from commdash.actions import Triager
    from commdash.rule_runner import RuleRunner

    rules = _rules()
    found: dict[str, Any] = {"load": [], "later": []}
    for attempt in range(runs + 1):
        started = time.perf_counter()
        session, clock = run._open_session(export, state)
        loaded = time.perf_counter() - started
        triager = Triager(session.inbox, session.store, clock)
        started = time.perf_counter()
        ran = RuleRunner(rules).run(triager)
        took = time.perf_counter() - started
        if attempt == 0:
            found["first_load"], found["first"] = loaded, took
            found["changed"] = {run.rule.name: run.changed for run in ran}
            if not ran:
                raise RuntimeError("the rules matched nothing: nothing was measured")
        else:
            if ran:
                raise RuntimeError("a later load acted again")
            found["load"].append(loaded)
            found["later"].append(took)
        found["conversations"] = len(session.inbox.conversations)
    return found


def rows(bench: Any) -> list[tuple[str, Any]]:
    """The rules rows of ``run.py``: (name, make the row)."""
    import run

    conversations = SMOKE_CONVERSATIONS if bench.args.smoke else CONVERSATIONS
    runs = 1 if bench.args.smoke else RUNS
    size = run._count_label(conversations)

    def measured() -> dict[str, Any]:
        def make() -> dict[str, Any]:
            export = bulk.ensure_export(conversations)
            result = bench.tmp / f"rules-{conversations}.json"
            state = bench.fresh_state()
            cache = run._empty(bench.tmp / f"cache-rules-{conversations}")
            command = [sys.executable, str(Path(__file__).resolve()), "--worker"]
            command += ["--export", str(export), "--result", str(result)]
            command += ["--state", str(state), "--runs", str(runs)]
            label = f"worker rules on {size} conversations"
            found: dict[str, Any] = run.run_worker(command, result, label, bench.env(cache, state))
            return found

        found: dict[str, Any] = bench.memo(("rules", conversations), make)
        return found

    def first() -> Any:
        found = measured()
        made = run.Row(f"rules first load {size}", run._ms(found["first"]), "ms")
        made.anchor = run._ms(found["first_load"])
        made.samples = {"first": [found["first"]], "load": [found["first_load"]]}
        made.judge_ratio(FIRST_SHARE)
        acted = ", ".join(f"{name} {count:,}" for name, count in found["changed"].items())
        made.note = f"anchor = the load; 3 rules acted: {acted}"
        return made

    def later() -> Any:
        found = measured()
        value, base = found["later"], found["load"]
        made = run.Row(f"rules later load {size}", run._ms(statistics.median(value)), "ms")
        made.anchor = run._ms(statistics.median(base))
        made.samples = {"later": value, "load": base}
        made.judge_ratio(LATER_SHARE)
        made.note = f"runs {run._list_ms(value)} ms; anchor = the load; nothing new to the rules"
        return made

    return [(f"rules first load {size}", first), (f"rules later load {size}", later)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--worker", action="store_true", required=True)
    parser.add_argument("--export", type=Path, required=True)
    parser.add_argument("--result", type=Path, required=True)
    parser.add_argument("--state", required=True)
    parser.add_argument("--runs", type=int, default=RUNS)
    args = parser.parse_args()
    found = _measure(args.export, args.state, args.runs)
    args.result.write_text(json.dumps(found))
    return 0


if __name__ == "__main__":
    sys.exit(main())
