"""The TUI on a live source served on 127.0.0.1: background sync with progress, replies
going queued → sent → visible, failures shown on the reply, the offline copy."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from _screen import LIVE_TOKEN, AppFactory, ConfigureSource, Start, listing, notices, until
from servers.base import DONE_THEN_DROP, Response
from servers.mastodon import FakeMastodon
from servers.native import HIDE_PATH, REPLY_PATH, FakeNative

from commdash.outbox import TOKEN_REFUSED
from commdash.ui.app import CommdashApp
from commdash.ui.widgets.reply_box import ReplyBox
from commdash.ui.widgets.status_bar import StatusBar
from commdash.ui.widgets.thread_view import ThreadView

SIZE = (120, 36)
LiveApp = Callable[[], CommdashApp]


def status(app: CommdashApp) -> str:
    return str(app.screen.query_one(StatusBar).render())


async def test_the_app_is_usable_while_a_slow_server_is_pulled(
    started: Start, make_live_app: LiveApp, live_server: FakeNative
) -> None:
    live_server.server.delay = 1.5
    async with started(make_live_app(), size=SIZE) as (app, pilot):
        assert "connecting" in status(app)
        assert "no data yet" in status(app) and "need reply" not in status(app)  # not a false 0
        assert listing(app).row_count == 0
        pressed = time.monotonic()
        await pilot.press("question_mark")  # help opens at once: the UI does not wait
        await pilot.pause()
        assert type(app.screen).__name__ == "HelpScreen"
        assert time.monotonic() - pressed < 1.0
        await pilot.press("escape")
        await until(pilot, lambda: listing(app).row_count > 0)
        assert "synced just now" in status(app) and "need reply" in status(app)
        assert app.triager.inbox.snapshot.source.name == "Fake team"


async def test_a_reply_goes_queued_then_sent_then_visible_once(
    started: Start, make_live_app: LiveApp, live_server: FakeNative
) -> None:
    live_server.server.fail_next("POST", REPLY_PATH, DONE_THEN_DROP)  # posted, the answer lost
    async with started(make_live_app(), size=SIZE) as (app, pilot):
        await until(pilot, lambda: listing(app).row_count > 0)
        cid = listing(app).current
        assert cid is not None
        await pilot.press("r", *"We are on it", "ctrl+s")
        await pilot.pause()
        inbox = app.triager.inbox
        assert [r.status for r in inbox.replies(cid)] in (["queued"], ["sending"])
        await until(pilot, lambda: app.triager.store.replies()[0].status == "sent", 20)
        sent = app.triager.store.replies()[0]
        await until(pilot, lambda: not app.triager.inbox.replies(cid), 10)
        messages = app.triager.inbox.conversations[cid].messages
        assert [m.text for m in messages if m.id == sent.remote_id] == ["We are on it"]
        assert app.triager.inbox.conversations[cid].messages[-1].ours
        posts = live_server.server.requests("POST", REPLY_PATH)
        assert len(posts) == 2  # the retry after the dropped answer …
        assert len({p.headers["idempotency-key"] for p in posts}) == 1  # … with the same key
        assert sum(m.text == "We are on it" for m in messages) == 1  # … posted once


async def test_a_refused_reply_shows_why_and_can_be_retried_or_discarded(
    started: Start, make_live_app: LiveApp, live_server: FakeNative
) -> None:
    live_server.server.fail_next(
        "POST", REPLY_PATH, Response(422, {"error": "replies are closed on this post"})
    )
    async with started(make_live_app(), size=SIZE, notifications=True) as (app, pilot):
        await until(pilot, lambda: listing(app).row_count > 0)
        cid = listing(app).current
        assert cid is not None
        await pilot.press("r", *"First try", "ctrl+s")
        await until(pilot, lambda: app.triager.inbox.replies(cid)[0].status == "failed")
        view = app.screen.query_one(ThreadView)
        await pilot.press("enter", "G")
        assert view.current_reply_id is not None
        lines = [view.render_line(y).text.strip(" ▌") for y in range(view.size.height)]
        assert any("not sent" in line for line in lines)
        assert "replies are closed on this post" in " ".join(" ".join(lines).split())
        await pilot.press("R")
        await until(pilot, lambda: app.triager.store.replies()[0].status == "sent")
        assert len(live_server.server.requests("POST", REPLY_PATH)) == 2

        live_server.server.fail_next("POST", REPLY_PATH, Response(400, {"error": "no"}))
        await pilot.press("escape", "j", "r", *"Second", "ctrl+s")
        other = listing(app).current
        assert other is not None
        await until(pilot, lambda: app.triager.inbox.replies(other)[0].status == "failed")
        await pilot.press("enter", "G", "x")
        await pilot.pause()
        assert app.triager.inbox.replies(other) == []
        assert [r.text for r in app.triager.store.replies()] == ["First try"]


async def test_new_messages_arrive_in_place_and_reopen_a_done_conversation(
    started: Start, make_live_app: LiveApp, live_server: FakeNative
) -> None:
    async with started(make_live_app(), size=SIZE) as (app, pilot):
        await until(pilot, lambda: listing(app).row_count > 0)
        await pilot.press("2")  # all open
        await pilot.press("j", "j")
        kept = listing(app).current
        first = listing(app).ids[0]
        assert kept is not None and first != kept
        await pilot.press("k", "k", "e")  # the first one is done
        assert app.triager.inbox.status(first) == "done"
        await pilot.press("j")
        assert listing(app).current == kept
        document = live_server.document
        assert document is not None
        post = next(p for p in document["posts"] if any(c["id"] == first for c in p["comments"]))
        for number, parent in enumerate((None, first)):
            post["comments"].append(
                {
                    "id": f"late-{number}",
                    "parent_id": parent,
                    "author": {"id": "u-new", "name": "Newcomer"},
                    "created_at": "2026-11-26T10:00:00Z",
                    "text": "Anyone there?",
                }
            )
        live_server.set_document(document)
        await pilot.press("ctrl+r")
        await until(pilot, lambda: "late-0" in app.triager.inbox.conversations)
        assert listing(app).current == kept  # the cursor did not move
        assert app.triager.inbox.status(first) == "open"  # reopened by the newer message


async def test_with_no_network_it_opens_on_the_offline_copy_and_triages(
    started: Start, make_live_app: LiveApp, live_server: FakeNative
) -> None:
    async with started(make_live_app(), size=SIZE) as (app, pilot):
        await until(pilot, lambda: listing(app).row_count > 0)
        rows = listing(app).row_count
    live_server.stop()
    async with started(make_live_app(), size=SIZE, notifications=True) as (again, pilot):
        assert listing(again).row_count == rows  # at once, from the copy
        await until(pilot, lambda: "offline" in status(again))
        cid = listing(again).current
        await pilot.press("r", *"Queued while offline", "ctrl+s", "e")
        assert again.triager.inbox.status(cid) == "done"
        assert [r.status for r in again.triager.store.replies()] == ["queued"]
        assert not again.screen.query_one(ReplyBox).display


async def test_the_token_is_never_written_to_state(
    started: Start, make_live_app: LiveApp, live_server: FakeNative, isolated_dirs: Path
) -> None:
    live_server.server.fail_next("POST", REPLY_PATH, Response(401, {"error": f"bad {LIVE_TOKEN}"}))
    async with started(make_live_app(), size=SIZE) as (app, pilot):
        await until(pilot, lambda: listing(app).row_count > 0)
        await pilot.press("r", *"Hello", "ctrl+s")
        await until(pilot, lambda: app.triager.store.replies()[0].paused)
        assert LIVE_TOKEN not in (app.triager.store.replies()[0].error or "")
    assert_token_absent(isolated_dirs)


def assert_token_absent(directory: Path) -> None:
    written = [path for path in directory.rglob("*") if path.is_file()]
    assert any(path.parent.name == "live" for path in written)
    for path in written:
        assert LIVE_TOKEN.encode() not in path.read_bytes(), path


async def test_a_hide_and_its_undo_reach_the_platform(
    started: Start, make_live_app: LiveApp, live_server: FakeNative
) -> None:
    async with started(make_live_app(), size=SIZE) as (app, pilot):
        await until(pilot, lambda: listing(app).row_count > 0)
        cid = listing(app).current
        assert cid is not None
        await pilot.press("h")
        await until(pilot, lambda: len(live_server.server.requests("POST", HIDE_PATH)) == 1)
        await pilot.press("u")
        await until(pilot, lambda: len(live_server.server.requests("POST", HIDE_PATH)) == 2)
        bodies = [r.json() for r in live_server.server.requests("POST", HIDE_PATH)]
        assert bodies == [
            {"message_id": cid, "hidden": True},
            {"message_id": cid, "hidden": False},
        ]
        await until(pilot, lambda: all(r.status == "sent" for r in app.triager.store.replies()))


async def test_a_conversation_gone_from_the_source_leaves_the_screen_and_keeps_the_draft(
    started: Start, make_live_app: LiveApp, live_server: FakeNative
) -> None:
    async with started(make_live_app(), size=SIZE, notifications=True) as (app, pilot):
        await until(pilot, lambda: listing(app).row_count > 0)
        await pilot.press("j")
        cid = listing(app).current
        assert cid is not None
        await pilot.press("r", *"Half written")
        document = live_server.document
        assert document is not None
        for post in document["posts"]:
            post["comments"] = [
                c for c in post["comments"] if cid not in (c["id"], c.get("parent_id"))
            ]
        live_server.set_document(document)
        await pilot.press("ctrl+r")
        await until(pilot, lambda: cid not in app.triager.inbox.conversations)
        await pilot.pause()
        assert listing(app).current != cid
        assert not app.screen.query_one(ReplyBox).display
        assert app.triager.store.drafts()[cid] == "Half written"
        said = notices(app)
        assert [line for line in said if "draft" in line.casefold()] == [
            "That conversation is gone from the source; your text is kept as a draft."
        ]  # said once, not also "Draft kept"
        await pilot.press("j", "k", "enter")  # everything still works
        assert app.screen.query_one(ThreadView).conversation_id == listing(app).current


async def test_the_header_counts_refused_items(
    started: Start, make_live_app: LiveApp, live_server: FakeNative
) -> None:
    live_server.server.fail_next("POST", HIDE_PATH, Response(422, {"error": "cannot hide that"}))
    async with started(make_live_app(), size=SIZE, notifications=True) as (app, pilot):
        await until(pilot, lambda: listing(app).row_count > 0)
        await pilot.press("h")
        await until(pilot, lambda: app.triager.store.replies()[0].status == "failed")
        await pilot.press("ctrl+r")
        await until(pilot, lambda: "1 not sent" in status(app))


async def test_undo_cannot_take_back_a_reply_already_sent(
    started: Start, make_live_app: LiveApp, live_server: FakeNative
) -> None:
    async with started(make_live_app(), size=SIZE, notifications=True) as (app, pilot):
        await until(pilot, lambda: listing(app).row_count > 0)
        cid = listing(app).current
        assert cid is not None
        await pilot.press("r", *"Out it goes", "ctrl+s")
        await until(pilot, lambda: app.triager.store.replies()[0].status == "sent")
        await pilot.press("u")
        await pilot.pause()
        assert [r.status for r in app.triager.store.replies()] == ["sent"]
        assert any("cannot be taken back" in said for said in notices(app))
        assert cid not in app.triager.store.drafts()


RENEWED = "tok-renewed-9a8b"


@pytest.fixture
def renewable(
    make_app: AppFactory,
    configure_source: ConfigureSource,
    tmp_path: Path,
    live_server: FakeNative,
) -> tuple[LiveApp, Path]:
    """An app whose token comes from a command that prints a file (renewed by writing it)."""
    token_file = tmp_path / "token"
    token_file.write_text(LIVE_TOKEN, encoding="utf-8")
    command = [sys.executable, "-c", "import sys; print(open(sys.argv[1]).read())", token_file]
    configure_source(
        "team",
        kind="commdash",
        url=live_server.url,
        reply_url=live_server.reply_url,
        token_command=[str(part) for part in command],
    )
    return lambda: make_app("team"), token_file


def thread_text(app: CommdashApp) -> str:
    view = app.screen.query_one(ThreadView)
    lines = [view.render_line(y).text.strip(" ▌") for y in range(view.size.height)]
    return " ".join(" ".join(lines).split())


async def test_a_refused_token_pauses_delivery_until_r_reads_it_again(
    started: Start, renewable: tuple[LiveApp, Path], live_server: FakeNative
) -> None:
    make, token_file = renewable
    async with started(make(), size=SIZE, notifications=True) as (app, pilot):
        await until(pilot, lambda: listing(app).row_count > 0)
        store = app.triager.store
        first = listing(app).current
        assert first is not None
        live_server.token = RENEWED  # the token commdash holds is revoked
        await pilot.press("r", *"First", "ctrl+s")
        await until(pilot, lambda: TOKEN_REFUSED in status(app))
        assert [(r.status, r.paused) for r in store.replies()] == [("queued", True)]
        assert app.triager.inbox.needs_reply(first)  # not counted as answered

        await pilot.press("j")
        second = listing(app).current
        assert second is not None and second != first
        await pilot.press("r", *"Second", "ctrl+s")
        await until(pilot, lambda: [r.paused for r in store.replies()] == [True, True])
        await until(pilot, lambda: app.triager.inbox.needs_reply(second))
        assert len(live_server.server.requests("POST", REPLY_PATH)) == 1  # the second was not tried
        await pilot.press("enter")
        assert f"paused: token refused Second {TOKEN_REFUSED} (" in thread_text(app)

        token_file.write_text(RENEWED, encoding="utf-8")
        pressed = time.monotonic()
        await pilot.press("R")
        await until(pilot, lambda: [r.status for r in store.replies()] == ["sent", "sent"])
        assert time.monotonic() - pressed < 2.0
        assert [c["text"] for c in comments_of(live_server)[-2:]] == ["First", "Second"]
        await until(pilot, lambda: TOKEN_REFUSED not in status(app))


async def test_dollar_reads_a_refused_token_again(
    started: Start, renewable: tuple[LiveApp, Path], live_server: FakeNative
) -> None:
    make, token_file = renewable
    async with started(make(), size=SIZE, notifications=True) as (app, pilot):
        await until(pilot, lambda: listing(app).row_count > 0)
        live_server.token = RENEWED
        await pilot.press("ctrl+r")
        await until(pilot, lambda: "sync failed" in status(app))
        token_file.unlink()  # the password manager is locked: the command fails
        await pilot.press("dollar_sign")
        await until(pilot, lambda: any("token_command" in said for said in notices(app)))
        token_file.write_text(RENEWED, encoding="utf-8")
        await pilot.press("dollar_sign")
        await until(pilot, lambda: "synced just now" in status(app))


def comments_of(server: FakeNative) -> list[dict[str, Any]]:
    document = server.document
    assert document is not None
    return sorted(
        (c for post in document["posts"] for c in post["comments"] if c["id"].startswith("r")),
        key=lambda c: int(c["id"][1:]),
    )


async def test_a_mastodon_mentions_limit_is_shown_with_how_to_widen_it(
    started: Start, make_app: AppFactory, configure_source: ConfigureSource
) -> None:
    with FakeMastodon().running() as fake:
        for n in range(45):
            fake.mention(f"user{n}", f"question {n}")
        configure_source("m", fake.token, kind="mastodon", url=fake.url, max_mentions=40)
        async with started(make_app("m"), size=SIZE, notifications=True) as (app, pilot):
            await until(pilot, lambda: listing(app).row_count > 0)
            await until(pilot, lambda: any("max_mentions" in said for said in notices(app)))
            assert any("raise max_mentions in the config" in said for said in notices(app))
            await pilot.press("ctrl+r")  # the next sync brings the rest
            await until(pilot, lambda: len(app.triager.inbox.conversations) == 45)
