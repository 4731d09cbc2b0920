"""Hand-made commdash/v1 exports for the Pilot tests."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def write_export(
    path: Path, comments: list[dict[str, Any]], exported_at: str | None = None
) -> Path:
    """``path``, now an export of one post (``p1``, the day before the tests' NOW) with these
    ``comments``; without ``exported_at``, the file's time stands for when it was taken."""
    document: dict[str, Any] = {
        "format": "commdash/v1",
        "source": {"name": "Tiny Shop", "account": {"id": "shop", "name": "Tiny Shop"}},
        "posts": [
            {
                "id": "p1",
                "created_at": "2026-11-24T08:00:00Z",
                "text": "Opening hours",
                "comments": comments,
            }
        ],
    }
    if exported_at is not None:
        document["exported_at"] = exported_at
    path.write_text(json.dumps(document), encoding="utf-8")
    return path
