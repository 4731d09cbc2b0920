"""A small export put on a shelf, as a large one is: its conversations read back from the file."""

from __future__ import annotations

from pathlib import Path

import orjson
from _builders import HOUR, NOW

from commdash.model import Snapshot
from commdash.sources.native import SHELF_MIN_POSTS, read_native_bytes
from commdash.sources.shelf import FileShelf, FileVersion, OnDisk


def shelved_snapshot(path: Path, comments: list[tuple[str, str, str]]) -> Snapshot:
    """One post with a top-level comment (id, author, text) each, an hour old, and enough
    posts without comments for the reader to shelve it."""
    first = {
        "id": "p1",
        "created_at": NOW - 2 * HOUR,
        "comments": [
            {
                "id": cid,
                "created_at": NOW - HOUR,
                "author": {"id": name, "name": name},
                "text": text,
            }
            for cid, name, text in comments
        ],
    }
    others = [{"id": f"q{n}", "created_at": NOW - 2 * HOUR} for n in range(SHELF_MIN_POSTS)]
    document = {
        "format": "commdash/v1",
        "source": {"account": {"id": "u0"}},
        "posts": [first, *others],
    }
    path.write_bytes(orjson.dumps(document))
    on_disk = OnDisk(str(path), FileVersion.of(path.stat()))
    found = read_native_bytes(path.read_bytes(), str(path), "x", NOW, shelve_as=on_disk)
    assert isinstance(found.conversations, FileShelf)
    return found
