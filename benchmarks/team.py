"""The team store on a real PostgreSQL, on loopback (issue 12): an action's round trip, how
soon another manager's commdash sees it, and opening a source with 100,000 triaged
conversations, with the TinyDB store as the anchor.

Registered in ``run.py`` (rows ``team …``); run alone as ``python benchmarks/run.py --only
team``. The worker (``team.py --worker``) starts a throwaway cluster (tests/servers/postgres.py,
as an unprivileged user when run as root), uses bulk's export of 100,000 conversations, and
marks every one done in both stores (the files, then ``commdash team push``).

Targets (issue 12): an action's round trip <= 20 ms median; another manager sees it <= 1 s;
opening with 100,000 triaged conversations no slower than with the TinyDB store (a manager's
open, with the local copy of the states the previous one kept; the first open on a machine,
without it, is shown too).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(HERE))

CONVERSATIONS = 100_000
SMOKE_CONVERSATIONS = 5_000
ACTIONS = 300
SEEN = 60
OPENS = 3
ROUND_TRIP_MS = 20.0
SEEN_MS = 1_000.0

OPEN = """
import sys, time
started = time.perf_counter()
from commdash.config import load_config
from commdash.session import open_session
from commdash.timeutil import Clock
session = open_session(sys.argv[1], None, Clock(), 60.0, load_config())
assert len(session.inbox.conversations) >= 1
print(time.perf_counter() - started)
"""


def rows(bench: Any) -> list[tuple[str, Any]]:
    """The team rows of ``run.py``: (name, make the row)."""
    import run

    count = SMOKE_CONVERSATIONS if bench.args.smoke else CONVERSATIONS
    label = run._count_label(count)

    def measured() -> dict[str, list[float]]:
        result = bench.tmp / f"team-{count}.json"
        command = [sys.executable, str(Path(__file__).resolve()), "--worker"]
        command += ["--conversations", str(count), "--result", str(result)]
        found: dict[str, list[float]] = run.run_worker(command, result, "worker team")
        return found

    def round_trip() -> Any:
        found = bench.memo(("team", count), measured)
        row = run.Row(
            f"team action round trip {label}", run._ms(statistics.median(found["team_action"]))
        )
        row.anchor = run._ms(statistics.median(found["files_action"]))
        row.samples = {k: found[k] for k in ("team_action", "files_action")}
        row.target = f"<= {ROUND_TRIP_MS:g} ms median"
        row.ok = row.value is not None and row.value <= ROUND_TRIP_MS
        row.note = f"p95 {_p95(found['team_action']) * 1000:.1f} ms; anchor = the file store"
        return row

    def seen() -> Any:
        found = bench.memo(("team", count), measured)
        row = run.Row(f"team seen by another {label}", run._ms(max(found["seen"])))
        row.samples = {"seen": found["seen"]}
        row.target = f"<= {SEEN_MS:g} ms, every time"
        row.ok = row.value is not None and row.value <= SEEN_MS
        row.note = f"median {statistics.median(found['seen']) * 1000:.1f} ms (max shown)"
        return row

    def opening() -> Any:
        found = bench.memo(("team", count), measured)
        row = run.Row(f"team open {label} triaged", run._ms(statistics.median(found["team_open"])))
        row.anchor = run._ms(statistics.median(found["files_open"]))
        row.samples = {k: found[k] for k in ("team_open", "files_open")}
        row.target = "<= 1.0x the file store"
        row.ok = row.ratio is not None and row.ratio <= 1.0
        row.note = (
            f"runs {run._list_ms(found['team_open'])} ms, with the local copy of the states "
            "kept by the previous open; anchor = the file store"
        )
        return row

    def first_opening() -> Any:
        found = bench.memo(("team", count), measured)
        name = f"team first open {label} triaged"
        row = run.Row(name, run._ms(statistics.median(found["team_first_open"])))
        row.anchor = run._ms(statistics.median(found["files_open"]))
        row.samples = {k: found[k] for k in ("team_first_open", "files_open")}
        row.target = "info"
        row.note = (
            f"runs {run._list_ms(found['team_first_open'])} ms; no local copy of the states "
            "(a manager's first open on a machine); anchor = the file store"
        )
        return row

    return [
        (f"team action round trip {label}", round_trip),
        (f"team seen by another {label}", seen),
        (f"team open {label} triaged", opening),
        (f"team first open {label} triaged", first_opening),
    ]


def _p95(values: list[float]) -> float:
    return sorted(values)[max(0, round(len(values) * 0.95) - 1)]


def _opens(export: Path, env: dict[str, str], forget: Path | None = None) -> list[float]:
    """Opening the export in a fresh interpreter, ``OPENS`` times (seconds each); ``forget``:
    a file removed before each (the team's local copy of the states, for a first open)."""
    times = []
    for _ in range(OPENS):
        if forget is not None:
            forget.unlink(missing_ok=True)
        done = subprocess.run(
            [sys.executable, "-c", OPEN, str(export)],
            env={**os.environ, **env},
            capture_output=True,
            text=True,
            check=True,
            timeout=600,
        )
        times.append(float(done.stdout.strip().splitlines()[-1]))
    return times


def work(conversations: int) -> dict[str, list[float]]:
    import bulk
    from psycopg.conninfo import conninfo_to_dict
    from servers.postgres import PostgresCluster, find_server_bindir

    from commdash.config import load_config
    from commdash.session import open_session
    from commdash.store import Store
    from commdash.store.team import TeamStore
    from commdash.store.team_copy import COPY
    from commdash.store.team_db import TeamDatabase
    from commdash.store.team_push import push
    from commdash.timeutil import Clock
    from commdash.triage import mark_done

    bindir = find_server_bindir()
    if bindir is None:
        raise SystemExit("no PostgreSQL server: apt-get install postgresql")
    export = bulk.ensure_export(conversations)
    scratch = Path(tempfile.mkdtemp(prefix="commdash-team-"))
    found: dict[str, list[float]] = {}
    with PostgresCluster(bindir) as cluster:
        cluster.create_database("team")
        conninfo = cluster.conninfo("team")
        parts = conninfo_to_dict(conninfo)
        config = scratch / "team.toml"
        config.write_text(
            "[team]\n"
            f'database = "postgresql://{parts["user"]}@{parts["host"]}:{parts["port"]}/team"\n'
            'sslmode = "disable"\n'
        )
        files_env = {
            "COMMDASH_STATE_DIR": str(scratch / "state"),
            "COMMDASH_CONFIG": "/nonexistent",
        }
        team_env = {**files_env, "COMMDASH_CONFIG": str(config)}

        os.environ.update(files_env)
        session = open_session(str(export), None, Clock(), 60.0, load_config())
        local: Store = session.store
        cids = list(session.inbox.conversations)
        local.apply_many(cids, "done", lambda s: mark_done(s, 1.0), 1.0)
        database = TeamDatabase(conninfo).open()
        key = local.directory.name
        push(local, database, key)

        found["files_open"] = _opens(export, files_env)
        copy = scratch / "state" / key / COPY
        found["team_first_open"] = _opens(export, team_env, forget=copy)
        found["team_open"] = _opens(export, team_env)

        rng = random.Random(12)
        team = TeamStore(scratch / "a", database, key, manager="ana@bench")
        team.states()
        found["team_action"] = _actions(team, [rng.choice(cids) for _ in range(ACTIONS)])
        found["files_action"] = _actions(local, [rng.choice(cids) for _ in range(ACTIONS)])
        found["seen"] = _seen(conninfo, team, key, scratch, [rng.choice(cids) for _ in range(SEEN)])
        database.close()
    return found


def _actions(store: Any, cids: list[str]) -> list[float]:
    from commdash.triage import edit_tags

    times = []
    for index, cid in enumerate(cids):
        started = time.perf_counter()
        store.apply(cid, "tag", lambda s, i=index: edit_tags(s, [f"t{i % 7}"], []), 2.0)
        times.append(time.perf_counter() - started)
    return times


def _seen(conninfo: str, writer: Any, key: str, scratch: Path, cids: list[str]) -> list[float]:
    """From an action's commit in one commdash to the other's reading the new state (its
    own connections, told by the database's news)."""
    from commdash.store.team import TeamStore
    from commdash.store.team_db import TeamDatabase
    from commdash.triage import edit_tags

    other = TeamDatabase(conninfo).open()
    reader = TeamStore(scratch / "b", other, key, manager="bo@bench")
    reader.states()
    times = []
    for index, cid in enumerate(cids):
        seen = reader.fingerprint()
        tag = f"seen{index}"
        writer.apply(cid, "tag", lambda s, t=tag: edit_tags(s, [t], []), 3.0)
        committed = time.perf_counter()
        while reader.fingerprint() == seen:
            if time.perf_counter() - committed > 5:
                break
            time.sleep(0.001)
        state = reader.states().get(cid)
        assert state is not None and tag in state.tags, "the other commdash missed it"
        times.append(time.perf_counter() - committed)
        time.sleep(0.02)
    other.close()
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--worker", action="store_true", required=True)
    parser.add_argument("--conversations", type=int, default=CONVERSATIONS)
    parser.add_argument("--result", type=Path, required=True)
    args = parser.parse_args()
    args.result.write_text(json.dumps(work(args.conversations)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
