"""Live sources over loopback: time to the first screen, and what a poll costs.

    python benchmarks/live.py [--comments 5000] [--posts 50] [--runs 3] [--json OUT]

For each fake platform of ``tests/servers/`` (commdash/v1 over HTTP, Facebook Graph,
Mastodon) holding ``--comments`` comments, it measures, as a user sees it in a terminal:

- **first open**: no offline copy yet; from starting ``commdash NAME`` until the pulled data
  is painted (the status line says "synced just now");
- **re-open**: on the offline copy; until its data is painted (a pull follows in the
  background);

and in-process: the first pull (time and requests) and a pull when nothing changed
(requests: what every poll costs while the source is quiet).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "benchmarks"))

import orjson  # noqa: E402
from pty_timing import time_to_marker  # noqa: E402

from commdash.config import load_config  # noqa: E402
from commdash.link import make_source  # noqa: E402

TOKEN = "bench-token"
SCREEN = (120, 40)


def start_fake(kind: str, posts: int, comments: int) -> tuple[Any, str, bytes]:
    """The running fake, its config section, and a text its data paints on screen."""
    if kind == "commdash":
        from servers.native import FakeNative

        native = FakeNative(token=TOKEN)
        native.populate(posts, comments)
        native.start()
        section = f'kind = "commdash"\nurl = "{native.url}"\nreply_url = "{native.reply_url}"\n'
        return native, section, b"Comment 0 on post"
    if kind == "facebook":
        from servers.graph import FakeGraph

        graph = FakeGraph(token=TOKEN)
        graph.populate(posts=posts, comments=comments)
        graph.start()
        section = f'kind = "facebook"\nurl = "{graph.url}"\npage_id = "{graph.page_id}"\n'
        return graph, section, b"with a question?"
    from servers.mastodon import FakeMastodon

    mastodon = FakeMastodon(token=TOKEN)
    mastodon.populate(threads=posts, replies=comments)
    mastodon.start()
    return mastodon, f'kind = "mastodon"\nurl = "{mastodon.url}"\n', b"synced"


def measure(kind: str, args: argparse.Namespace, tmp: Path) -> dict[str, Any]:
    fake, section, data_marker = start_fake(kind, args.posts, args.comments)
    config = tmp / f"{kind}.toml"
    config.write_text(f'[sources.bench]\n{section}token_env = "BENCH_TOKEN"\n', encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("COMMDASH_", "TEXTUAL"))}
    env.update(
        TERM="xterm-256color",
        COLUMNS=str(SCREEN[0]),
        LINES=str(SCREEN[1]),
        BENCH_TOKEN=TOKEN,
        COMMDASH_CONFIG=str(config),
        COMMDASH_CACHE_DIR=str(tmp / "cache"),
    )
    command = [sys.executable, "-m", "commdash", "bench"]
    first, again = [], []
    try:
        for _ in range(args.runs):
            state = Path(tempfile.mkdtemp(dir=tmp))
            env["COMMDASH_STATE_DIR"] = str(state)
            first.append(time_to_marker(command, b"synced just now", env, 60, SCREEN).seconds)
            again.append(time_to_marker(command, data_marker, env, 60, SCREEN).seconds)
            shutil.rmtree(state, ignore_errors=True)
        os.environ["BENCH_TOKEN"] = TOKEN
        source = make_source(load_config(config).sources["bench"])
        started = time.perf_counter()
        pulled = source.pull(None, {}, lambda progress: None)
        pull_seconds = time.perf_counter() - started
        first_requests = source.requests
        assert pulled.document is not None
        items = sum(1 + len(p.get("comments", [])) for p in pulled.document["posts"])
        quiet = source.pull(pulled.document, pulled.cursor, lambda progress: None)
        quiet_requests = source.requests - first_requests
        source.close()
    finally:
        fake.stop()
    return {
        "source": kind,
        "comments_served": args.comments,
        "items_pulled": items,
        "first_open_s": statistics.median(first),
        "reopen_s": statistics.median(again),
        "first_pull_s": pull_seconds,
        "first_pull_requests": first_requests,
        "no_change_poll_requests": quiet_requests,
        "no_change_poll_changed": quiet.document is not None,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--comments", type=int, default=5000)
    parser.add_argument("--posts", type=int, default=50)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--only", choices=["commdash", "facebook", "mastodon"])
    parser.add_argument("--json", metavar="OUT")
    args = parser.parse_args()
    kinds = [args.only] if args.only else ["commdash", "facebook", "mastodon"]
    rows = []
    with tempfile.TemporaryDirectory(prefix="commdash-live-") as directory:
        for kind in kinds:
            rows.append(measure(kind, args, Path(directory)))
    header = "source     first open  re-open  first pull (requests)  no-change poll"
    print(header)
    for row in rows:
        print(
            f"{row['source']:<10} {row['first_open_s'] * 1000:8.0f} ms "
            f"{row['reopen_s'] * 1000:6.0f} ms "
            f"{row['first_pull_s'] * 1000:8.0f} ms ({row['first_pull_requests']:>3})"
            f"       {row['no_change_poll_requests']} request(s)"
            f"{'' if not row['no_change_poll_changed'] else ' (reported a change!)'}"
        )
    if args.json:
        Path(args.json).write_bytes(orjson.dumps(rows, option=orjson.OPT_INDENT_2))


if __name__ == "__main__":
    main()
