"""Messages that name keys name the keys in effect: with ``[keys]`` remapping them, the reply
box, the thread, the notices, the snooze choices and the header say the new keys."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from _screen import SIZE, Start, last_notice, shown, thread, thread_to_reply, until
from servers.native import FakeNative, make_document
from textual.content import Content
from textual.widgets import OptionList

from commdash.config import load_config
from commdash.outbox import TOKEN_REFUSED
from commdash.session import open_session
from commdash.timeutil import Clock, parse_now
from commdash.ui.app import CommdashApp
from commdash.ui.screens.choose import ChooseScreen
from commdash.ui.widgets.reply_box import ReplyBox
from commdash.ui.widgets.status_bar import StatusBar

NOW = "2026-11-25T09:00:00Z"
KEYS = (
    "[keys]\n"
    '"outbox.retry" = "T"\n'
    '"triage.undo" = "U"\n'
    '"reply.queue" = "f2"\n'
    '"dialog.choose-1" = "o"\n'
)
TOKEN = "tok-keys-8d1e"
Build = Callable[[str | None], CommdashApp]


@pytest.fixture
def build(tmp_path: Path, isolated_dirs: Path) -> Build:
    """``build(source)``: the app on ``source`` (None: the demo) with :data:`KEYS` and the
    sources already in the config file, read as the command line reads it."""

    def make(source: str | None = None) -> CommdashApp:
        config = tmp_path / "config.toml"
        config.write_text(KEYS + config.read_text(encoding="utf-8") if config.exists() else KEYS)
        clock = Clock(parse_now(NOW))
        return CommdashApp(
            open_session(source, str(isolated_dirs), clock, 60.0), clock, load_config()
        )

    return make


def thread_text(app: CommdashApp) -> str:
    return " ".join(" ".join(shown(thread(app))).split())


async def test_reply_messages_name_the_remapped_keys(started: Start, build: Build) -> None:
    app = build(None)
    async with started(app, size=SIZE, notifications=True) as (app, pilot):
        await pilot.press("r", *"Sorry")
        box = app.screen.query_one(ReplyBox)
        assert (
            "f2 queue · esc keep draft · ^e editor" in Content.from_text(box.border_subtitle).plain
        )
        await pilot.press("f2")
        assert last_notice(app).endswith("queued · e marks done · U undoes")
        store = app.triager.store
        (queued,) = store.replies()
        store.update_reply(queued.id, lambda r: r.failed("HTTP 422: replies are closed"))
        app.screen.sync_from_disk()
        await thread_to_reply(pilot, app, queued.id)
        assert "not sent Sorry HTTP 422: replies are closed · r edits, T retries, x discards" in (
            thread_text(app).replace("▌ ", "")
        )
        assert " R retries" not in thread_text(app)

        await pilot.press("x")
        assert last_notice(app) == "Reply discarded · U undoes"
        await pilot.press("U")
        assert last_notice(app).endswith("the reply is back, not sent: T retries")

        store.update_reply(queued.id, lambda r: r.requeued().waiting_for_token(TOKEN_REFUSED))
        app.screen.sync_from_disk()
        assert f"{TOKEN_REFUSED} · renew it, then press T" in thread_text(app).replace("▌ ", "")


async def test_the_snooze_choices_show_their_keys(started: Start, build: Build) -> None:
    app = build(None)
    async with started(app, size=SIZE) as (app, pilot):
        await pilot.press("s")
        assert isinstance(app.screen, ChooseScreen)
        options = app.screen.query_one(OptionList)
        labels = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert labels[0] == "o  1 hour"
        assert labels[1] == "2  4 hours"
        await pilot.press("o")
        assert not isinstance(app.screen, ChooseScreen)
        assert last_notice(app).endswith("· U undoes")


@pytest.fixture
def server() -> Iterator[FakeNative]:
    with FakeNative(make_document(2, 6), token=TOKEN) as fake:
        yield fake


async def test_a_refused_token_says_the_remapped_key(
    started: Start,
    build: Build,
    server: FakeNative,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    (tmp_path / "config.toml").write_text(
        "[sources.team]\n"
        f'kind = "commdash"\nurl = "{server.url}"\nreply_url = "{server.reply_url}"\n'
        'token_env = "TEAM_TOKEN"\npoll_seconds = 3600\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("TEAM_TOKEN", TOKEN)
    app = build("team")
    async with started(app, size=SIZE, notifications=True) as (app, pilot):
        status = app.screen.query_one(StatusBar)
        await until(pilot, lambda: "synced" in str(status.render()))
        server.token = "renewed-elsewhere"
        await pilot.press("r", *"Hello", "f2")
        await until(pilot, lambda: TOKEN_REFUSED in str(status.render()))
        assert f"{TOKEN_REFUSED} — renew it, then press T (1 waiting)" in str(status.render())
        await until(pilot, lambda: "press T" in last_notice(app))
        assert last_notice(app) == "Delivery paused: token refused — renew it, then press T"
