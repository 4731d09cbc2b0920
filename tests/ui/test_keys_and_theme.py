"""Keys of your own: ``[keys]`` remaps bindings by id, and the help, the key bar and the
palette show the keys in effect."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from _screen import SIZE, last_notice, listing, shown, until
from textual.command import CommandList, CommandPalette
from textual.widgets import Static

from commdash.config import load_config
from commdash.session import open_session
from commdash.timeutil import Clock, parse_now
from commdash.ui.app import CommdashApp
from commdash.ui.screens.help import HelpScreen
from commdash.ui.screens.inbox import InboxScreen
from commdash.ui.widgets.key_bar import KeyBar

NOW = "2026-11-25T09:00:00Z"
ConfiguredApp = Callable[[str], CommdashApp]


@pytest.fixture
def configured_app(tmp_path: Path, isolated_dirs: Path) -> ConfiguredApp:
    """``configured_app(TOML)``: the demo with that config file (at $COMMDASH_CONFIG), read
    as the command line reads it."""

    def build(text: str) -> CommdashApp:
        (tmp_path / "config.toml").write_text(text, encoding="utf-8")
        clock = Clock(parse_now(NOW))
        session = open_session(None, str(isolated_dirs), clock, 60.0)
        return CommdashApp(session, clock, load_config())

    return build


def key_bar(app: CommdashApp) -> str:
    return shown(app.screen.query_one(KeyBar))[0]


def help_text(app: CommdashApp) -> str:
    return " ".join(" ".join(shown(app.screen.query_one(Static))).split())


REMAP_DONE = '[keys]\n"triage.done" = "d"\n'


async def test_a_remapped_key_acts_and_the_old_one_no_longer(
    configured_app: ConfiguredApp,
) -> None:
    app = configured_app(REMAP_DONE)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        inbox = app.triager.inbox
        first, second = listing(app).ids[:2]
        await pilot.press("e")
        assert inbox.status(first) == "open"
        assert listing(app).current == first
        await pilot.press("d")
        assert inbox.status(first) == "done"
        assert listing(app).current == second


async def test_the_key_bar_help_and_palette_show_the_keys_in_effect(
    configured_app: ConfiguredApp,
) -> None:
    app = configured_app('[keys]\n"triage.done" = "d"\n"app.help" = "f1,question_mark"\n')
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        # In its declared place, second: at 80 columns the key bar is cut on the right.
        assert key_bar(app).startswith(" r Reply  d Done  s Snooze")
        assert " e " not in key_bar(app)

        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)
        text = help_text(app)
        assert " d Mark done (again: reopen), go to the next" in text
        assert " e Mark done" not in text
        assert " f1, ? Every key" in text
        await pilot.press("escape")

        await pilot.press("ctrl+p")
        assert isinstance(app.screen, CommandPalette)
        await pilot.press(*"mark done")
        commands = app.screen.query_one(CommandList)
        await until(pilot, lambda: commands.option_count > 0)
        prompts = [
            str(commands.get_option_at_index(i).prompt) for i in range(commands.option_count)
        ]
        assert "Mark done (again: reopen), go to the next\nkey: d" in prompts


async def test_the_help_says_how_to_close_it_with_the_keys_in_effect(
    configured_app: ConfiguredApp,
) -> None:
    app = configured_app('[keys]\n"help.close" = "x"\n"page.down" = "n,down"\n')
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("question_mark")
        assert "x closes, n/k scroll" in help_text(app)
        await pilot.press("escape")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("x")
        assert isinstance(app.screen, InboxScreen)


async def test_what_is_left_out_of_the_config_is_said_once_and_the_rest_applies(
    configured_app: ConfiguredApp, tmp_path: Path
) -> None:
    app = configured_app(
        'theme = "nrod"\n[keys]\n"triage.dnoe" = "d"\n"triage.tag" = "s"\n"triage.undo" = "z"\n'
    )
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        notice = last_notice(app)
        path = tmp_path / "config.toml"
        assert notice.splitlines() == [
            f'{path}: theme: "nrod" is not a theme (did you mean "nord"?); the default '
            "theme is used",
            f'{path}: keys."triage.dnoe": no binding has this id (did you mean '
            '"triage.done"?); ignored',
            f'{path}: keys."triage.tag": "s" is bound twice, to triage.snooze and '
            "triage.tag; ignored",
        ]
        assert app.theme == "textual-dark"
        cid = listing(app).current
        assert cid is not None
        await pilot.press("e")  # triage.done kept its key; u is no longer undo, z is
        assert app.triager.inbox.status(cid) == "done"
        await pilot.press("u")
        assert app.triager.inbox.status(cid) == "done"
        await pilot.press("z")
        assert app.triager.inbox.status(cid) == "open"
