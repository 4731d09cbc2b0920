"""Serve a fake platform on 127.0.0.1 to try commdash's live sources by hand.

    python benchmarks/serve.py native   [--posts 40] [--comments 5000] [--fail-replies 2]
    python benchmarks/serve.py facebook [...]
    python benchmarks/serve.py mastodon [...]

It writes a config file naming the source ``fake`` and prints the two commands to run
commdash against it. The fakes are the ones the tests use (``tests/servers/``): replies
posted to them appear on the next sync; ``--fail-replies N`` answers the first N replies
with 503, ``--drop-replies N`` reads the first N and drops the connection after posting them
(the reply must still arrive exactly once). Ctrl-C stops it.
"""

from __future__ import annotations

import argparse
import sys
import threading
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.servers.base import DONE_THEN_DROP, Response  # noqa: E402

TOKEN = "fake-token"


def serve(kind: str, posts: int, comments: int) -> tuple[Any, str, str]:
    """The running fake, its config section, and the path prefix replies are POSTed to."""
    if kind == "native":
        from tests.servers.native import REPLY_PATH, FakeNative

        native = FakeNative(token=TOKEN)
        native.populate(posts, comments)
        native.start()
        section = (
            f'kind = "commdash"\nurl = "{native.url}"\nreply_url = "{native.reply_url}"\n'
            f'hide_url = "{native.hide_url}"\n'
        )
        return native, section, REPLY_PATH
    if kind == "facebook":
        from tests.servers.graph import FakeGraph

        graph = FakeGraph(token=TOKEN)
        graph.populate(posts=posts, comments=comments)
        graph.start()
        section = f'kind = "facebook"\nurl = "{graph.url}"\npage_id = "{graph.page_id}"\n'
        return graph, section, "/"
    from tests.servers.mastodon import FakeMastodon

    mastodon = FakeMastodon(token=TOKEN)
    mastodon.populate(threads=posts, replies=comments)
    mastodon.start()
    return mastodon, f'kind = "mastodon"\nurl = "{mastodon.url}"\n', "/api/v1/statuses"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("kind", choices=["native", "facebook", "mastodon"])
    parser.add_argument("--posts", type=int, default=40)
    parser.add_argument("--comments", type=int, default=5000)
    parser.add_argument("--fail-replies", type=int, default=0, metavar="N")
    parser.add_argument("--drop-replies", type=int, default=0, metavar="N")
    parser.add_argument("--poll", type=float, default=30.0, help="poll_seconds in the config")
    parser.add_argument("--config", default=str(ROOT / "benchmarks" / "out" / "fake.toml"))
    args = parser.parse_args()
    fake, section, reply_path = serve(args.kind, args.posts, args.comments)
    failures = [Response(503, {"error": "try later"})] * args.fail_replies
    failures += [DONE_THEN_DROP] * args.drop_replies
    if failures:
        fake.server.fail_next("POST", reply_path, *failures)
    config = Path(args.config)
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(
        f'[sources.fake]\n{section}token_env = "FAKE_TOKEN"\npoll_seconds = {args.poll}\n',
        encoding="utf-8",
    )
    print(f"Serving a fake {args.kind} at {fake.server.url}; Ctrl-C stops it. Then run:")
    print(f"  FAKE_TOKEN={TOKEN} COMMDASH_CONFIG={config} commdash fake")
    print(f"  FAKE_TOKEN={TOKEN} COMMDASH_CONFIG={config} commdash outbox fake")
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        fake.stop()


if __name__ == "__main__":
    main()
