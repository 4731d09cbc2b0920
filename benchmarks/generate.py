"""Write a deterministic commdash/v1 export of a given size, for the benchmarks.

    python benchmarks/generate.py SIZE [OUT]      # SIZE: demo, busy or archive

demo: 30 posts, 360 comments; busy: 2,000 posts, 50,000 comments; archive: 100,000 posts,
1,000,000 comments (~340 MB). The same size always gives a byte-identical file (seeded
``random.Random``, no wall clock); posts are streamed out one at a time, so memory stays
small. Times end at ``EXPORTED_AT``; the benchmarks pin the clock there (``--now``).
"""

# The texts are deliberately multilingual.

from __future__ import annotations

import argparse
import random
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson

EXPORTED_AT = datetime(2026, 11, 25, 9, 0, 0, tzinfo=UTC).timestamp()
SIZES: dict[str, tuple[int, int]] = {
    "demo": (30, 360),
    "busy": (2_000, 50_000),
    "archive": (100_000, 1_000_000),
}
"""Posts and comments of each size."""

ACCOUNT = {"id": "page-bench", "name": "Benchmark Brand"}
GIVEN = [
    "Ingrid",
    "Tom",
    "Lucía",
    "Håkon",
    "Yuki",
    "Ana",
    "Kasia",
    "Ole",
    "Mira",
    "Sven",
    "Zoë",
    "Jon",
    "Aiko",
    "Lars",
    "Nadia",
    "Omar",
    "Petra",
    "Ravi",
    "Sofie",
    "Ella",
]
FAMILY = [
    "Solheim",
    "Nowak",
    "Fernández",
    "Lie",
    "Tanaka",
    "Berg",
    "Øverli",
    "Smith",
    "Dahl",
    "Ivanova",
    "Müller",
    "Rossi",
    "Kato",
    "Haugen",
    "Costa",
    "Nilsen",
]
WORDS = (  # noqa: SIM905
    "the bike frame wheel order delivery shop size helmet brake chain tyre repair "
    "service price stock week thanks great question when where how please help "
    "available store opening hours sykkel takk hjelm levering 自転車 ありがとう "
    "доставка спасибо 🚲 👍 ❤️ gears saddle pedal light lock warranty return"
).split()
CHANNELS = ["Brand Page", "Members group", "Brand Mastodon"]
STATUSES = ["published"] * 17 + ["scheduled", "pending"]


def _iso(moment: float) -> str:
    return datetime.fromtimestamp(moment, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _text(rng: random.Random, low: int, high: int) -> str:
    words = rng.choices(WORDS, k=rng.randint(low, high))
    words[0] = words[0].capitalize()
    return " ".join(words) + rng.choice([".", "?", "!", " 🙂"])


def _post(
    rng: random.Random, p: int, posts: int, comments: int, span: float, authors: list[Any]
) -> bytes:
    created = EXPORTED_AT - span * (1 - p / posts) - rng.random() * 3600
    created = min(created, EXPORTED_AT - 600)
    status = rng.choice(STATUSES)
    post: dict[str, Any] = {
        "id": f"p{p}",
        "channel": rng.choice(CHANNELS),
        "created_at": _iso(created),
        "status": status,
        "text": _text(rng, 12, 60),
        "permalink": f"https://example.invalid/posts/p{p}",
        "metrics": {
            "reactions": {"like": rng.randint(0, 400), "love": rng.randint(0, 60)},
            "shares": rng.randint(0, 40),
            "reach": rng.randint(200, 20_000),
        },
    }
    if status == "scheduled":
        post["scheduled_at"] = _iso(EXPORTED_AT + rng.randint(3600, 7 * 86400))
    items: list[dict[str, Any]] = []
    roots: list[tuple[str, float]] = []
    moment = created
    window = max(600.0, min(span / 20, EXPORTED_AT - created))
    for c in range(comments):
        moment = min(EXPORTED_AT - 1, moment + rng.random() * window / max(1, comments) * 2)
        comment: dict[str, Any] = {"id": f"p{p}c{c}", "created_at": _iso(moment)}
        ours = rng.random() < 0.12
        if roots and (ours or rng.random() < 0.4):
            comment["parent_id"] = rng.choice(roots[-4:])[0]
        else:
            roots.append((comment["id"], moment))
        comment["author"] = ACCOUNT if ours else rng.choice(authors)
        comment["text"] = _text(rng, 3, 45)
        if rng.random() < 0.3:
            comment["likes"] = rng.randint(1, 30)
        if rng.random() < 0.01:
            comment["hidden"] = True
        items.append(comment)
    post["comments"] = items
    return orjson.dumps(post)


def generate(size: str, out: Path) -> Path:
    posts, comments = SIZES[size]
    rng = random.Random(f"commdash-bench-{size}")
    authors = [
        {"id": f"u{i}", "name": f"{rng.choice(GIVEN)} {rng.choice(FAMILY)}"}
        for i in range(max(50, comments // 20))
    ]
    span = 14 * 86400.0 if size == "demo" else 3 * 365 * 86400.0
    # Comments are spread unevenly: most posts get a few, some get many.
    weights = [rng.paretovariate(1.6) for _ in range(posts)]
    scale = comments / sum(weights)
    counts = [int(w * scale) for w in weights]
    for i in range(comments - sum(counts)):
        counts[i % posts] += 1
    header = {
        "format": "commdash/v1",
        "exported_at": _iso(EXPORTED_AT),
        "source": {"name": f"Benchmark {size}", "platform": "facebook", "account": ACCOUNT},
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    temporary = out.with_name(out.name + ".part")
    with open(temporary, "wb") as handle:
        handle.write(orjson.dumps(header)[:-1] + b',"posts":[\n')
        for p in range(posts):
            if p:
                handle.write(b",\n")
            handle.write(_post(rng, p, posts, counts[p], span, authors))
        handle.write(b"\n]}\n")
    temporary.replace(out)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("size", choices=SIZES)
    parser.add_argument("out", nargs="?", type=Path)
    args = parser.parse_args()
    out = args.out or Path(__file__).resolve().parent / "out" / f"{args.size}.json"
    path = generate(args.size, out)
    print(f"{path}  {path.stat().st_size / 1e6:.1f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
