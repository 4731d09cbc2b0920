"""The reply box at any size: it counts the reply as the platform counts it and refuses what
the platform would refuse; a reply to a nested Facebook comment says where it will appear and
names the person answered; a long queued reply says how much is not shown."""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any

from _screen import AppFactory, Start, last_notice, listing, shown, thread, thread_to_reply
from textual.content import Content

from commdash.ui.app import CommdashApp
from commdash.ui.widgets.reply_box import ReplyBox

SMALL = (80, 24)


def box(app: CommdashApp) -> ReplyBox:
    return app.screen.query_one(ReplyBox)


def subtitle(app: CommdashApp) -> str:
    return Content.from_text(box(app).border_subtitle).plain


def on_screen(app: CommdashApp) -> str:
    """Every character the terminal shows now, borders included."""
    return html.unescape(app.export_screenshot()).replace("\xa0", " ")


def export(tmp_path: Path, platform: str, limit: int | None) -> Path:
    """A commdash/v1 file with one conversation of two members."""
    source: dict[str, Any] = {"platform": platform, "account": {"id": "brand", "name": "Brand"}}
    if limit is not None:
        source["reply_limit"] = limit
    comments = [
        {"id": "c1", "author": {"id": "u1", "name": "Dana Ruiz"}, "text": "Is it online too?"},
        {"id": "c2", "parent_id": "c1", "author": {"id": "u2", "name": "Lee Park"}, "text": "+1"},
    ]
    for n, comment in enumerate(comments):
        comment["created_at"] = f"2026-11-25T08:0{n}:00Z"
    document = {
        "format": "commdash/v1",
        "source": source,
        "exported_at": "2026-11-25T09:00:00Z",
        "posts": [{"id": "p1", "created_at": "2026-11-24T08:00:00Z", "comments": comments}],
    }
    path = tmp_path / f"{platform}.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


async def test_the_counter_counts_against_facebook_s_limit(
    started: Start, make_app: AppFactory
) -> None:
    app = make_app()  # the demo is a Facebook page
    async with started(app, size=SMALL) as (app, pilot):
        await pilot.press("r")
        assert subtitle(app).startswith("0/8,000 · ")
        await pilot.press(*"Takk!")
        await pilot.pause()
        assert subtitle(app).startswith("5/8,000 · ^s queue")
        assert "5/8,000 · ^s queue" in on_screen(app)  # in the border, at 80 columns too


async def test_near_and_over_the_limit_it_says_so_and_nothing_is_queued(
    started: Start, make_app: AppFactory, tmp_path: Path
) -> None:
    app = make_app(export(tmp_path, "mastodon", 30))
    async with started(app, size=(160, 48), notifications=True) as (app, pilot):  # on one line
        await pilot.press("r", *"@lee@example.social see ")
        await pilot.pause()
        assert subtitle(app).startswith("8/30 · ")  # the mention counts by its local part
        await pilot.press(*"https://example.org/a/long/page")
        await pilot.pause()
        assert subtitle(app).startswith("32/30 · 2 over · ")  # a URL counts 23
        assert "32/30 · 2 over" in on_screen(app)
        await pilot.press("ctrl+s")
        assert app.triager.store.replies() == []
        assert box(app).display and app.focused is box(app)
        assert last_notice(app) == (
            "The reply is 2 characters over the Mastodon server's limit (32 of 30): "
            "shorten it, then queue it."
        )
        await pilot.press("home", *["delete"] * len("@lee@example.social "))
        await pilot.pause()
        assert subtitle(app).startswith("27/30 · 3 left · ")  # near the limit
        await pilot.press("ctrl+s")
        assert [r.text for r in app.triager.store.replies()] == [
            "see https://example.org/a/long/page"
        ]


async def test_without_a_limit_there_is_no_counter(
    started: Start, make_app: AppFactory, tmp_path: Path
) -> None:
    app = make_app(export(tmp_path, "generic", None))
    async with started(app, size=SMALL) as (app, pilot):
        await pilot.press("r", *"Hello")
        await pilot.pause()
        assert subtitle(app).startswith("^s queue · esc keep draft · ^e editor")
        await pilot.press("ctrl+s")
        assert [r.text for r in app.triager.store.replies()] == ["Hello"]


async def test_a_reply_to_a_nested_facebook_comment_names_whom_it_answers(
    started: Start, make_app: AppFactory, tmp_path: Path
) -> None:
    app = make_app(export(tmp_path, "facebook", None))
    async with started(app, size=(120, 40)) as (app, pilot):
        await pilot.press("enter", "j", "r")  # Lee Park's reply to Dana Ruiz
        where = "Reply to Lee Park · goes under Dana Ruiz's comment"
        assert str(box(app).border_title) == where
        assert box(app).text == "Lee Park "
        await pilot.press("escape")  # nothing typed: no draft
        assert app.triager.store.drafts() == {}
        await pilot.press("r", *"it is!")
        assert box(app).text == "Lee Park it is!"
        await pilot.press("ctrl+s")
        (queued,) = app.triager.store.replies()
        assert (queued.in_reply_to, queued.text) == ("c2", "Lee Park it is!")


async def test_from_the_list_or_to_the_top_comment_nothing_is_put_in(
    started: Start, make_app: AppFactory, tmp_path: Path
) -> None:
    app = make_app(export(tmp_path, "facebook", None))
    async with started(app, size=(120, 40)) as (app, pilot):
        await pilot.press("r")  # from the list: the latest member message, Lee's
        assert str(box(app).border_title) == "Reply to Lee Park · goes under Dana Ruiz's comment"
        assert box(app).text == ""
        await pilot.press("escape", "enter", "r")  # Dana's own comment, the top one
        assert str(box(app).border_title) == "Reply to Dana Ruiz"
        assert box(app).text == ""


async def test_on_mastodon_a_nested_reply_stays_where_it_is(
    started: Start, make_app: AppFactory, tmp_path: Path
) -> None:
    app = make_app(export(tmp_path, "mastodon", None))
    async with started(app, size=(120, 40)) as (app, pilot):
        await pilot.press("enter", "j", "r")
        assert str(box(app).border_title) == "Reply to Lee Park"
        assert box(app).text == ""


async def test_a_long_queued_reply_says_how_much_is_not_shown(
    started: Start, make_app: AppFactory
) -> None:
    app = make_app()
    async with started(app, size=(120, 40)) as (app, pilot):
        await pilot.press("r")
        box(app).text = "word " * 1500  # 7,499 characters once trimmed: under 8,000
        await pilot.press("ctrl+s")
        (queued,) = app.triager.store.replies()
        assert len(queued.text) == 7499
        await thread_to_reply(pilot, app, queued.id)
        note = "… 3,499 more characters not shown"
        for _ in range(20):  # page down to the reply's end
            if note in " ".join(" ".join(shown(thread(app))).split()):
                break
            await pilot.press("pagedown")
        assert note in " ".join(" ".join(shown(thread(app))).split())
        assert listing(app).current == queued.conversation_id
