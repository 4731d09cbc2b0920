"""Wide scripts and emoji never move a pane border: every line a widget draws takes as many
cells by Rich's count, which Textual lays the screen out by, as the terminal draws."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from _screen import AppFactory, Start, shown
from rich.cells import cell_len

from commdash.text import cell_width
from commdash.ui.app import CommdashApp

NAMES = ["प्रिया शर्मा", "অনন্যা", "Ана 👩\u200d🔧", "Lee 👍🏽"]
TITLES = ["🌧\ufe0f🚴 Thursday ride", "👨\u200d👩\u200d👧 Family day", "#\ufe0f\u20e3 Tags"]


def export(tmp_path: Path) -> Path:
    """Three posts with emoji titles, each with conversations started by members whose
    names are in Devanagari, Bengali, or carry joined emoji and skin tones."""
    posts = []
    for p, title in enumerate(TITLES):
        comments = [
            {
                "id": f"c{p}-{n}",
                "author": {"id": f"u{n}", "name": name},
                "created_at": f"2026-11-25T0{n}:1{p}:00Z",
                "text": f"{name} asks: प्रिया कि? 🙋🏽\u200d♀️ question {n}",
            }
            for n, name in enumerate(NAMES)
        ]
        posts.append(
            {
                "id": f"p{p}",
                "created_at": "2026-11-24T08:00:00Z",
                "text": title,
                "comments": comments,
            }
        )
    document = {
        "format": "commdash/v1",
        "source": {"name": "शर्मा Cycles 🚲", "account": {"id": "acct", "name": "Us"}},
        "exported_at": "2026-11-25T09:00:00Z",
        "posts": posts,
    }
    path = tmp_path / "wide.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return path


def wider_than_laid_out(app: CommdashApp) -> list[str]:
    """The lines of the screen's widgets that the terminal draws at another width than
    Textual counted."""
    return [
        line
        for widget in app.screen.walk_children(with_self=True)
        if widget.display and widget.size.height > 0
        for line in shown(widget)
        if cell_len(line) != cell_width(line)
    ]


@pytest.mark.parametrize("size", [(80, 24), (160, 48)])
async def test_no_line_is_drawn_wider_than_laid_out(
    started: Start, make_app: AppFactory, tmp_path: Path, size: tuple[int, int]
) -> None:
    app = make_app(export(tmp_path))
    async with started(app, size=size) as (app, pilot):
        for keys in [(), ("j", "j"), ("enter", "j"), ("escape", "tab", "j", "j")]:
            await pilot.press(*keys)
            await pilot.pause()
            assert wider_than_laid_out(app) == []
