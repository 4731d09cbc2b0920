"""A read-only conversation in the TUI: marked in the thread, and `r` and `h` say why they
cannot act instead of queueing what could never be delivered."""

from __future__ import annotations

from pathlib import Path

from _exports import write_export
from _screen import AppFactory, Start, last_notice, listing, shown, thread

from commdash.ui.widgets.reply_box import ReplyBox

COMMENTS = [
    {
        "id": "ro",
        "author": "Dana",
        "created_at": "2026-11-25T08:00:00Z",
        "text": "Withheld by the platform",
        "read_only": True,
    },
    {"id": "rw", "author": "Lee", "created_at": "2026-11-25T07:00:00Z", "text": "Ok"},
]


async def test_r_and_h_on_a_read_only_conversation_say_why_and_queue_nothing(
    started: Start, make_app: AppFactory, tmp_path: Path
) -> None:
    path = write_export(tmp_path / "export.json", COMMENTS)
    async with started(make_app(path)) as (app, pilot):
        conversations = listing(app)
        assert conversations.ids == ["rw", "ro"]  # the longest waiting first
        await pilot.press("j")
        assert any("Dana · " in line and "read-only" in line for line in shown(thread(app)))

        await pilot.press("r")
        await pilot.pause()
        assert "read-only" in last_notice(app) and "L says why" in last_notice(app)
        assert not app.screen.query_one(ReplyBox).display

        await pilot.press("h")
        await pilot.pause()
        assert "read-only" in last_notice(app)
        assert app.triager.store.replies() == []
        assert app.triager.inbox.is_visible("ro", app.triager.inbox.conversations["ro"].root)

        await pilot.press("k", "r")
        await pilot.pause()
        assert app.screen.query_one(ReplyBox).display  # the other conversation is writable
