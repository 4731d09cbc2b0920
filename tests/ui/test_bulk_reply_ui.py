"""A saved reply sent to all marked through the keys: r with marks opens the picker, a yes
that names the count sends it (each filled for its member), the notice counts what was
queued and skipped, and u takes the whole send back. The palette finds the marks' keys and
the send."""

from __future__ import annotations

import json
from pathlib import Path

from _screen import AppFactory, Start, burst, last_notice, listing, shown, title, until
from textual.command import CommandList, CommandPalette
from textual.pilot import Pilot
from textual.widgets import Label

from commdash.saved_replies import SavedReply
from commdash.store import Store
from commdash.ui.app import CommdashApp
from commdash.ui.screens.confirm import ConfirmScreen
from commdash.ui.screens.saved_reply_picker import SavedReplyPicker

LIBRARY = [
    SavedReply("Opening hours", "Hi {first_name}, we open at 9 (see {post})."),
    SavedReply("Thanks", "Thanks {name}!"),
]
MEMBERS = {"c1": "Dana Ruiz", "c2": "Lee Park", "c3": "Mo Chen", "c4": "Arjun Rao"}


def export(tmp_path: Path) -> Path:
    """Four members waiting, Dana the longest; Arjun's post has no text, so {post} has no
    value for him."""
    comments = {"p1": [], "p2": []}
    for n, (cid, name) in enumerate(MEMBERS.items()):
        comments["p2" if cid == "c4" else "p1"].append(
            {
                "id": cid,
                "created_at": f"2026-11-25T08:0{n}:00Z",
                "author": {"id": f"u{n}", "name": name},
                "text": "When do you open?",
            }
        )
    document = {
        "format": "commdash/v1",
        "source": {"platform": "facebook", "account": {"id": "brand", "name": "Kestrel"}},
        "exported_at": "2026-11-25T09:00:00Z",
        "posts": [
            {
                "id": "p1",
                "created_at": "2026-11-24T08:00:00Z",
                "text": "Winter ride",
                "comments": comments["p1"],
            },
            {"id": "p2", "created_at": "2026-11-24T09:00:00Z", "comments": comments["p2"]},
        ],
    }
    path = tmp_path / "export.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def app_with_library(make_app: AppFactory, tmp_path: Path) -> CommdashApp:
    app = make_app(export(tmp_path))
    for reply in LIBRARY:
        app.triager.saved_replies.save(reply)
    return app


def question(app: CommdashApp) -> str:
    assert isinstance(app.screen, ConfirmScreen)
    return " ".join(shown(app.screen.query_one(Label))).strip()


def outbox(app: CommdashApp) -> dict[str, str]:
    """The replies on disk, by conversation."""
    return {r.conversation_id: r.text for r in Store(app.triager.store.directory).replies()}


async def test_mark_three_send_a_saved_reply_confirm_then_undo(
    started: Start, make_app: AppFactory, tmp_path: Path
) -> None:
    async with started(app_with_library(make_app, tmp_path), notifications=True) as (app, pilot):
        assert listing(app).ids[:3] == ["c1", "c2", "c3"]
        await pilot.press("space", "space", "space", "r")
        assert isinstance(app.screen, SavedReplyPicker)
        assert "Send to 3 conversations" in " ".join(shown(app.screen.query_one(Label)))
        await pilot.press(*"open", "enter")
        assert question(app) == "Send 'Opening hours' to 3 conversations? y/n"
        assert outbox(app) == {}  # nothing before the yes
        await pilot.press("y")
        assert last_notice(app) == "Queued 3 · u undoes"
        assert outbox(app) == {
            "c1": "Hi Dana, we open at 9 (see Winter ride).",
            "c2": "Hi Lee, we open at 9 (see Winter ride).",
            "c3": "Hi Mo, we open at 9 (see Winter ride).",
        }
        assert "marked" not in title(app) and listing(app).ids == ["c4"]  # answered: gone

        await pilot.press("u")
        assert last_notice(app) == "Undone: reply, 3 conversations"
        assert outbox(app) == {}
        assert listing(app).ids == ["c1", "c2", "c3", "c4"]


async def test_no_leaves_everything_as_it_was(
    started: Start, make_app: AppFactory, tmp_path: Path
) -> None:
    async with started(app_with_library(make_app, tmp_path)) as (app, pilot):
        await pilot.press("space", "space", "r", *"thanks", "enter")
        assert question(app) == "Send 'Thanks' to 2 conversations? y/n"
        await pilot.press("n")
        assert outbox(app) == {} and "· 2 marked" in title(app)
        await pilot.press("r", "escape")  # the picker cancelled
        assert not isinstance(app.screen, SavedReplyPicker)
        assert outbox(app) == {} and "· 2 marked" in title(app)


async def test_skipped_ones_are_counted_and_named_and_a_burst_sends_once(
    started: Start, make_app: AppFactory, tmp_path: Path
) -> None:
    async with started(app_with_library(make_app, tmp_path), notifications=True) as (app, pilot):
        await pilot.press("asterisk", "r", *"open", "enter")
        assert question(app) == "Send 'Opening hours' to 4 conversations? y/n"
        burst(app, "y", "y")
        await until(pilot, lambda: "Queued" in last_notice(app))
        await pilot.pause()
        assert last_notice(app) == "Queued 3 · 1 skipped: [post?] not filled (Arjun Rao) · u undoes"
        assert sorted(outbox(app)) == ["c1", "c2", "c3"]  # one each, Arjun's none


async def test_nothing_to_send_keeps_the_marks(
    started: Start, make_app: AppFactory, tmp_path: Path
) -> None:
    async with started(app_with_library(make_app, tmp_path), notifications=True) as (app, pilot):
        await pilot.press("G", "space", "r", *"open", "enter", "y")
        assert last_notice(app) == "Nothing queued · 1 skipped: [post?] not filled (Arjun Rao)"
        assert "· 1 marked" in title(app) and outbox(app) == {}


async def test_without_saved_replies_r_with_marks_says_how_to_make_one(
    started: Start, make_app: AppFactory, tmp_path: Path
) -> None:
    async with started(make_app(export(tmp_path)), notifications=True) as (app, pilot):
        await pilot.press("space", "r")
        assert not isinstance(app.screen, SavedReplyPicker)
        assert last_notice(app).startswith("No saved replies yet")


async def palette(app: CommdashApp, pilot: Pilot[None], command: str) -> None:
    """Run a command of the palette by typing its name."""
    await pilot.press("ctrl+p", *command)
    commands = app.screen.query_one(CommandList)
    await until(pilot, lambda: commands.option_count > 0)
    await pilot.press("enter")
    await until(pilot, lambda: not isinstance(app.screen, CommandPalette))
    await pilot.pause()


async def test_the_palette_marks_and_sends(
    started: Start, make_app: AppFactory, tmp_path: Path
) -> None:
    async with started(app_with_library(make_app, tmp_path), notifications=True) as (app, pilot):
        await palette(app, pilot, "send a saved reply to the marked")
        assert last_notice(app) == "Mark the conversations first: space marks one, * the view."
        await palette(app, pilot, "mark every conversation of the view")
        assert "· 4 marked" in title(app)
        await palette(app, pilot, "clear the marks")
        assert "marked" not in title(app)
        await palette(app, pilot, "mark or unmark the conversation")
        assert app.screen.marks.ids() == ["c1"]
        await palette(app, pilot, "send a saved reply to the marked")
        assert isinstance(app.screen, SavedReplyPicker)


async def test_the_question_shows_the_reply_as_filled_for_the_first(
    started: Start, make_app: AppFactory, tmp_path: Path
) -> None:
    app = app_with_library(make_app, tmp_path)
    app.triager.saved_replies.save(SavedReply("Long", "Hi {first_name}, " + "we open at 9. " * 9))
    async with started(app) as (app, pilot):
        await pilot.press("asterisk", "r", *"open", "enter")
        assert question(app) == "Send 'Opening hours' to 4 conversations? y/n"
        detail = app.screen.query_one(".detail", Label)
        assert shown(detail) == ["Hi Dana, we open at 9 (see Winter ride)."]
        await pilot.press("n", "r", *"long", "enter")
        lines = shown(app.screen.query_one(".detail", Label))
        assert len(lines) == 2 and lines[0].startswith("Hi Dana, we open at 9. we open")
        assert lines[1].rstrip().endswith("open …")  # two lines at most, cut between words
