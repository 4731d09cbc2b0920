"""Saved replies in the TUI: ctrl+t finds one by a few letters and inserts it filled in for
the member answered; the palette keeps the reply box's text as one, and lists them to edit
and delete (undoably); a gap left unfilled keeps the reply from being queued."""

from __future__ import annotations

import html
import json
import time
from pathlib import Path

from _screen import AppFactory, Start, burst, last_notice, shown, thread_to_reply, until
from pytest import MonkeyPatch
from textual.command import CommandList, CommandPalette
from textual.content import Content
from textual.pilot import Pilot
from textual.widgets import Label, OptionList, Static, TextArea

from commdash.saved_replies import SavedReply
from commdash.ui.app import CommdashApp
from commdash.ui.screens.prompt import PromptScreen
from commdash.ui.screens.saved_replies import SavedRepliesScreen, SavedReplyEditor
from commdash.ui.screens.saved_reply_picker import SavedReplyPicker, ranked, reply_row
from commdash.ui.widgets.reply_box import ReplyBox
from commdash.ui.widgets.text_entry import EntryInput

LIBRARY = [
    SavedReply("Opening hours", "Hi {first_name}, we open at 9 ({page})."),
    SavedReply("Thanks", "Thanks {name}, glad you liked {post}!", ("thanks",)),
    SavedReply("Order late", "Sorry {first_name}, your order is on its way."),
]


def export(tmp_path: Path) -> Path:
    """One conversation: Dana asks, Lee (the latest member) follows up."""
    comments = [
        {"id": "c1", "author": {"id": "u1", "name": "Dana Ruiz"}, "text": "Open Sunday?"},
        {"id": "c2", "parent_id": "c1", "author": {"id": "u2", "name": "Lee Park"}, "text": "+1"},
    ]
    for n, comment in enumerate(comments):
        comment["created_at"] = f"2026-11-25T08:0{n}:00Z"
    post = {
        "id": "p1",
        "created_at": "2026-11-24T08:00:00Z",
        "channel": "Kestrel Riders",
        "text": "Winter ride on Sunday\nBring lights.",
        "comments": comments,
    }
    document = {
        "format": "commdash/v1",
        "source": {"platform": "facebook", "account": {"id": "brand", "name": "Kestrel"}},
        "exported_at": "2026-11-25T09:00:00Z",
        "posts": [post],
    }
    path = tmp_path / "export.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def with_library(app: CommdashApp, replies: list[SavedReply] = LIBRARY) -> CommdashApp:
    for reply in replies:
        app.triager.saved_replies.save(reply)
    return app


def box(app: CommdashApp) -> ReplyBox:
    return app.screen.query_one(ReplyBox)


async def palette(app: CommdashApp, pilot: Pilot[None], command: str) -> None:
    """Run a command of the palette by typing its name."""
    await pilot.press("ctrl+p")
    await pilot.press(*command)
    commands = app.screen.query_one(CommandList)
    await until(pilot, lambda: commands.option_count > 0)
    await pilot.press("enter")
    await until(pilot, lambda: not isinstance(app.screen, CommandPalette))
    await pilot.pause()


async def test_ctrl_t_and_a_few_letters_insert_the_reply_filled_in_at_the_cursor(
    started: Start, make_app: AppFactory, tmp_path: Path
) -> None:
    app = with_library(make_app(export(tmp_path)))
    async with started(app) as (app, pilot):
        await pilot.press("r", *"Well. ", "left", "left")  # the cursor after "Well"
        await pilot.press("ctrl+t")
        assert isinstance(app.screen, SavedReplyPicker)
        await pilot.press(*"opn")
        await pilot.press("enter")
        assert not isinstance(app.screen, SavedReplyPicker)
        assert app.focused is box(app)
        assert box(app).text == "WellHi Lee, we open at 9 (Kestrel Riders).. "
        await pilot.press("ctrl+s")
        replies = app.triager.store.replies()
        assert [r.text for r in replies] == ["WellHi Lee, we open at 9 (Kestrel Riders).."]


async def test_the_picker_matches_text_too_and_arrows_choose(
    started: Start, make_app: AppFactory, tmp_path: Path
) -> None:
    app = with_library(make_app(export(tmp_path)))
    async with started(app) as (app, pilot):
        await pilot.press("r", "ctrl+t")
        picker = app.screen
        assert isinstance(picker, SavedReplyPicker)
        assert [r.name for r in picker.shown] == ["Opening hours", "Order late", "Thanks"]
        await pilot.press(*"sorry")  # only in a text
        assert [r.name for r in picker.shown] == ["Order late"]
        await pilot.press(*["backspace"] * 5, *"o")
        assert picker.shown[0].name in ("Opening hours", "Order late")
        second = picker.shown[1]
        await pilot.press("down", "enter")
        expected = {
            "Opening hours": "Hi Lee, we open at 9 (Kestrel Riders).",
            "Order late": "Sorry Lee, your order is on its way.",
            "Thanks": "Thanks Lee Park, glad you liked Winter ride on Sunday!",
        }
        assert box(app).text == expected[second.name]


async def test_keys_typed_in_a_burst_act_in_order(
    started: Start, make_app: AppFactory, tmp_path: Path
) -> None:
    app = with_library(make_app(export(tmp_path)))
    async with started(app) as (app, pilot):
        await pilot.press("r")
        burst(app, "ctrl+t", "s", "o", "r", "enter", " ", "x", "ctrl+s", "j")
        await until(pilot, lambda: bool(app.triager.store.replies()))
        await pilot.pause()
        replies = [r.text for r in app.triager.store.replies()]
        assert replies == ["Sorry Lee, your order is on its way. x"]
        assert not box(app).display


async def test_escape_leaves_the_box_as_it_was(started: Start, make_app: AppFactory) -> None:
    app = with_library(make_app())
    async with started(app) as (app, pilot):
        await pilot.press("r", *"Hello", "ctrl+t", *"thanks", "escape")
        assert app.focused is box(app)
        assert box(app).text == "Hello"


async def test_a_gap_left_in_the_box_keeps_the_reply_from_being_queued(
    started: Start, make_app: AppFactory, tmp_path: Path
) -> None:
    # A hand-edited library can name a variable commdash does not know: it is a gap too.
    app = with_library(make_app(export(tmp_path)), [SavedReply("Sign", "Best, {signature}")])
    async with started(app, notifications=True) as (app, pilot):
        await pilot.press("r", "ctrl+t", "enter")
        assert box(app).text == "Best, [signature?]"
        await pilot.press("ctrl+s")
        assert app.triager.store.replies() == []
        assert "Fill in [signature?] first" in last_notice(app)
        assert box(app).display
        await pilot.press(*["backspace"] * 12, *"Ana", "ctrl+s")
        assert [r.text for r in app.triager.store.replies()] == ["Best, Ana"]


async def test_save_the_reply_box_as_a_saved_reply_from_the_palette(
    started: Start, make_app: AppFactory, tmp_path: Path
) -> None:
    app = with_library(make_app(export(tmp_path)), [LIBRARY[2]])
    async with started(app, notifications=True) as (app, pilot):
        await pilot.press("r", "ctrl+t", "enter", *" Thanks!")
        await palette(app, pilot, "save reply box")
        assert isinstance(app.screen, PromptScreen)
        await pilot.press(*"order late", "enter")  # taken, whatever the case: asked again
        assert "named 'order late' already" in last_notice(app)
        assert isinstance(app.screen, PromptScreen)
        await pilot.press(*["backspace"] * 4, *"thanks", "enter")
        assert not isinstance(app.screen, PromptScreen)
        saved = {r.name: r.text for r in app.triager.saved_replies.replies()}
        # What was filled in for Lee is kept as it was; a gap would be a variable again.
        assert saved["order thanks"] == "Sorry Lee, your order is on its way. Thanks!"
        assert app.focused is box(app)


async def test_the_palette_lists_them_to_edit_and_delete_with_undo(
    started: Start, make_app: AppFactory
) -> None:
    app = with_library(make_app())
    store = app.triager.saved_replies
    async with started(app, notifications=True) as (app, pilot):
        await palette(app, pilot, "saved replies edit")
        assert isinstance(app.screen, SavedRepliesScreen)
        await pilot.press("down", "d")  # Order late
        assert [r.name for r in store.replies()] == ["Opening hours", "Thanks"]
        assert "Deleted 'Order late'" in last_notice(app)
        await pilot.press("u")
        assert [r.name for r in store.replies()] == ["Opening hours", "Order late", "Thanks"]

        await pilot.press("enter")  # edits the highlighted one: Order late, put back
        editor = app.screen
        assert isinstance(editor, SavedReplyEditor)
        assert editor.query_one("#name", EntryInput).value == "Order late"
        editor.query_one(TextArea).text = "Sorry {frist_name}"
        await pilot.press("ctrl+s")
        assert "Not saved: text: unknown variable {frist_name}" in last_notice(app)
        assert app.screen is editor
        editor.query_one(TextArea).text = "Sorry {first_name}, it ships today."
        await pilot.press(*["backspace"] * 4, *"ships", "tab", *"delivery", "ctrl+s")
        assert isinstance(app.screen, SavedRepliesScreen)
        assert SavedReply("Order ships", "Sorry {first_name}, it ships today.", ("delivery",)) in (
            store.replies()
        )
        assert "Order late" not in [r.name for r in store.replies()]
        await pilot.press("escape")
        assert not isinstance(app.screen, SavedRepliesScreen)


async def test_a_hostile_library_is_shown_as_plain_text(
    started: Start, make_app: AppFactory, tmp_path: Path
) -> None:
    app = with_library(make_app(), [SavedReply("[b]bold[/b] \x1b[2J", "[link=x]y[/link]")])
    async with started(app) as (app, pilot):
        await pilot.press("r", "ctrl+t")
        row = str(app.screen.query_one(OptionList).get_option_at_index(0).prompt)
        assert "[b]bold[/b]" in row and "[link=x]y[/link]" in row
        assert "\x1b" not in row


def test_ranking_a_library_built_to_be_slow_takes_little_time() -> None:
    # Textual's matcher tries every way the letters can fall: on a whole long name or text
    # it would take minutes for one key. It is given the start of each only.
    slow = "ea" * 200 + "y"
    library = [SavedReply(f"{slow}{n}", slow) for n in range(40)]
    started = time.perf_counter()
    for query in ("eeeeeeey", "eeeeeeeeeeey", "aaaaaay"):
        ranked(library, query)
    assert time.perf_counter() - started < 2.0
    assert [r.name for r in ranked(library, "eay39")] == [f"{slow}39"]  # found past the start


async def test_the_help_lists_ctrl_t_and_the_saved_replies_keys(started: Start) -> None:
    async with started() as (app, pilot):
        await pilot.press("question_mark")
        text = " ".join(" ".join(shown(app.screen.query_one(Static))).split())
        assert "^t Insert a saved reply at the cursor, filled in for this member" in text
        assert "Saved replies (from the palette)" in text
        assert " d Delete the highlighted one u Put back the one deleted last" in text


# What a new user found ------------------------------------------------------------------------


async def test_a_variable_typed_in_the_box_goes_out_filled_and_stays_after_save_as(
    started: Start, make_app: AppFactory, tmp_path: Path, monkeypatch: MonkeyPatch
) -> None:
    monkeypatch.setenv("COMMDASH_MANAGER", "Ana")
    app = make_app(export(tmp_path))
    typed = "Hi {first_name}, thanks! {{code}} :-} - {manager}"
    async with started(app, notifications=True) as (app, pilot):
        await pilot.press("r", *typed, "ctrl+s")
        assert [r.text for r in app.triager.store.replies()] == ["Hi Lee, thanks! {code} :-} - Ana"]
        await pilot.press("r", *"Hi {first_name}, see you. - {manager}")
        await palette(app, pilot, "save reply box")
        await pilot.press(*"see you", "enter")
        saved = {r.name: r.text for r in app.triager.saved_replies.replies()}
        assert saved["see you"] == "Hi {first_name}, see you. - {manager}"
        assert box(app).text == "Hi {first_name}, see you. - {manager}"  # still to send
        await pilot.press("ctrl+s")
        assert [r.text for r in app.triager.store.replies()][-1] == "Hi Lee, see you. - Ana"


async def test_the_saved_replies_list_moves_with_j_k_g_and_G(
    started: Start, make_app: AppFactory
) -> None:
    app = with_library(make_app())
    async with started(app) as (app, pilot):
        await palette(app, pilot, "saved replies edit")
        assert isinstance(app.screen, SavedRepliesScreen)
        options = app.screen.query_one(OptionList)
        moves = [("j", 1), ("j", 2), ("k", 1), ("G", 2), ("g", 0), ("down", 1)]
        for key, where in moves:
            await pilot.press(key)
            assert options.highlighted == where, key
        await pilot.press("j", "enter")  # edits the one j went to, not the first
        assert isinstance(app.screen, SavedReplyEditor)
        assert app.screen.query_one("#name", EntryInput).value == "Thanks"


def test_a_row_keeps_name_and_tags_apart_and_literal() -> None:
    row = reply_row(SavedReply("[bold red]Thanks![/]", "Hi [i]x[/i]", ("x", "y"), "en"))
    assert row.plain == "[bold red]Thanks![/] #x #y [en]\n  Hi [i]x[/i]"
    tags = row.divide([len("[bold red]Thanks![/]")])[1]
    assert tags.plain.startswith(" #x")


async def test_the_reply_box_and_save_prompt_hints_fit_or_leave_out_whole_items(
    started: Start, make_app: AppFactory
) -> None:
    for size in ((80, 24), (120, 40)):
        async with started(make_app(), size=size) as (app, pilot):
            await pilot.press("r", *"Hello")
            await pilot.pause()
            drawn = html.unescape(app.export_screenshot()).replace("\xa0", " ")
            subtitle = Content.from_text(box(app).border_subtitle).plain
            assert f" {subtitle} " in drawn, size  # drawn whole, in the border
            assert "/8,000 · ^s queue · esc keep draft" in subtitle, size
            assert subtitle.endswith(("draft", "editor", "saved reply")), size
            await palette(app, pilot, "save reply box")
            hint = app.screen.query_one(".hint", Label)
            room = hint.parent.content_region.width if hint.parent else 0
            assert hint.size.width <= room, size
            words = " ".join(" ".join(shown(hint)).split())
            assert words == "A name to find it by (^t in the reply box). ⏎ saves, esc cancels."
            await pilot.press("escape")


async def test_the_picker_types_letters_and_its_list_takes_j_k_g_g_once_focused(
    started: Start, make_app: AppFactory
) -> None:
    app = with_library(make_app())
    async with started(app) as (app, pilot):
        await pilot.press("r", "ctrl+t", *"jkgG")
        picker = app.screen
        assert isinstance(picker, SavedReplyPicker)
        assert picker.query_one(EntryInput).value == "jkgG"  # typed, never moved
        await pilot.press(*["backspace"] * 4, "tab")
        options = picker.query_one(OptionList)
        assert app.focused is options
        for key, where in [("j", 1), ("j", 2), ("k", 1), ("G", 2), ("g", 0)]:
            await pilot.press(key)
            assert options.highlighted == where, key
        await pilot.press("j", "enter")
        assert box(app).text.startswith("Sorry ")  # Order late, the second


async def test_an_edited_queued_reply_keeps_its_braces_and_fills_its_variables(
    started: Start, make_app: AppFactory, tmp_path: Path
) -> None:
    app = make_app(export(tmp_path))
    async with started(app) as (app, pilot):
        await pilot.press("r", *"Use {{first_name}} as is", "ctrl+s")
        (queued,) = app.triager.store.replies()
        assert queued.text == "Use {first_name} as is"
        await thread_to_reply(pilot, app, queued.id)
        await pilot.press("r")
        assert box(app).text == "Use {{first_name}} as is"  # still braces when queued again
        await pilot.press("end", *", {first_name}", "ctrl+s")
        (edited,) = app.triager.store.replies()
        assert edited.text == "Use {first_name} as is, Lee"
