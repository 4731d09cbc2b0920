"""Keys and themes of your own: ``[keys]`` remaps bindings by id (the help, the key bar and
the palette show the keys in effect), ``theme`` picks a Textual theme, and a theme picked in
the palette is remembered across restarts without touching the config file."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from _screen import AppFactory, Start, last_notice, listing, shown, until
from textual.color import Color
from textual.command import CommandList, CommandPalette
from textual.pilot import Pilot
from textual.widgets import Static

from commdash.config import load_config
from commdash.ui.app import CommdashApp
from commdash.ui.screens.help import HelpScreen
from commdash.ui.screens.inbox import InboxScreen
from commdash.ui.widgets.key_bar import KeyBar

ConfiguredApp = Callable[[str], CommdashApp]


@pytest.fixture
def configured_app(tmp_path: Path, make_app: AppFactory) -> ConfiguredApp:
    """``configured_app(TOML)``: the demo with that config file (at $COMMDASH_CONFIG), read
    as the command line reads it."""

    def build(text: str) -> CommdashApp:
        (tmp_path / "config.toml").write_text(text, encoding="utf-8")
        return make_app(config=load_config())

    return build


def key_bar(app: CommdashApp) -> str:
    return shown(app.screen.query_one(KeyBar))[0]


def help_text(app: CommdashApp) -> str:
    return " ".join(" ".join(shown(app.screen.query_one(Static))).split())


REMAP_DONE = '[keys]\n"triage.done" = "d"\n'


async def test_a_remapped_key_acts_and_the_old_one_no_longer(
    started: Start, configured_app: ConfiguredApp
) -> None:
    async with started(configured_app(REMAP_DONE)) as (app, pilot):
        inbox = app.triager.inbox
        first, second = listing(app).ids[:2]
        await pilot.press("e")
        assert inbox.status(first) == "open"
        assert listing(app).current == first
        await pilot.press("d")
        assert inbox.status(first) == "done"
        assert listing(app).current == second


async def test_the_key_bar_help_and_palette_show_the_keys_in_effect(
    started: Start, configured_app: ConfiguredApp
) -> None:
    app = configured_app('[keys]\n"triage.done" = "d"\n"app.help" = "f1,question_mark"\n')
    async with started(app, size=(80, 24)) as (app, pilot):
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
    started: Start, configured_app: ConfiguredApp
) -> None:
    app = configured_app('[keys]\n"help.close" = "x"\n"page.down" = "n,down"\n')
    async with started(app) as (app, pilot):
        await pilot.press("question_mark")
        assert "x closes, n/k scroll" in help_text(app)
        await pilot.press("escape")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("x")
        assert isinstance(app.screen, InboxScreen)


async def test_what_is_left_out_of_the_config_is_said_once_and_the_rest_applies(
    started: Start, configured_app: ConfiguredApp, tmp_path: Path
) -> None:
    app = configured_app(
        'theme = "nrod"\n[keys]\n"triage.dnoe" = "d"\n"triage.tag" = "s"\n"triage.undo" = "z"\n'
    )
    async with started(app) as (app, pilot):
        notice = last_notice(app)
        path = tmp_path / "config.toml"
        assert notice.splitlines() == [
            f'{path}: theme: "nrod" is not a theme (did you mean "nord"?); the default '
            "theme is used",
            f'{path}: keys."triage.dnoe": no binding has this id (did you mean '
            '"triage.done"?); ignored',
            "… and 1 more: commdash config --check lists them",  # a small screen stays usable
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


async def test_the_config_theme_is_the_apps_theme(
    started: Start, configured_app: ConfiguredApp
) -> None:
    async with started(configured_app('theme = "nord"\n')) as (app, _):
        assert app.theme == "nord"
        assert app.current_theme.name == "nord"


def colours_sent(app: CommdashApp) -> set[tuple[int, int, int]]:
    """The colours of the key bar as they reach the terminal (after the app's filters)."""
    strip = app.screen.query_one(KeyBar).render_line(0)
    for line_filter in app.get_line_filters():
        strip = strip.apply_filter(line_filter, Color(0, 0, 0))
    return {
        (colour.get_truecolor().red, colour.get_truecolor().green, colour.get_truecolor().blue)
        for segment in strip
        if segment.style is not None
        for colour in (segment.style.color, segment.style.bgcolor)
        if colour is not None and not colour.is_default
    }


@pytest.mark.parametrize("no_color", [False, True])
async def test_no_color_keeps_working_with_a_theme(
    started: Start, configured_app: ConfiguredApp, monkeypatch: pytest.MonkeyPatch, no_color: bool
) -> None:
    if no_color:
        monkeypatch.setenv("NO_COLOR", "1")
    async with started(configured_app('theme = "gruvbox"\n')) as (app, _):
        assert app.theme == "gruvbox"
        assert app.has_class("-no-color") == no_color
        grey = {(r, g, b) for r, g, b in colours_sent(app) if r == g == b}
        assert (grey == colours_sent(app)) == no_color


async def pick_theme(app: CommdashApp, pilot: Pilot[None], name: str) -> None:
    """Change the theme as a manager does: palette, "Theme", then the theme's name."""
    await pilot.press("ctrl+p")
    await pilot.press(*"theme")
    commands = app.screen.query_one(CommandList)
    await until(pilot, lambda: commands.option_count > 0)
    await pilot.press("enter")
    await until(pilot, lambda: isinstance(app.screen, CommandPalette))
    await pilot.press(*name)
    await until(pilot, lambda: app.screen.query_one(CommandList).option_count > 0)
    await pilot.press("enter")
    await until(pilot, lambda: app.theme == name)
    await app.workers.wait_for_complete()


async def test_a_theme_picked_in_the_palette_survives_a_restart(
    started: Start, configured_app: ConfiguredApp, tmp_path: Path
) -> None:
    config = '# my theme, keep this comment\ntheme = "nord"\n'
    async with started(configured_app(config)) as (app, pilot):
        await pick_theme(app, pilot, "dracula")
    assert (tmp_path / "config.toml").read_text(encoding="utf-8") == config  # untouched
    remembered = tmp_path / "theme.json"
    assert json.loads(remembered.read_bytes()) == {"theme": "dracula", "config_theme": "nord"}
    assert remembered.stat().st_mode & 0o777 == 0o600

    async with started(configured_app(config)) as (again, _):
        assert again.theme == "dracula"

    # The latest choice wins: a theme written in the config after the pick replaces it.
    async with started(configured_app('theme = "gruvbox"\n')) as (later, _):
        assert later.theme == "gruvbox"


async def test_starting_does_not_write_the_remembered_theme(
    started: Start, configured_app: ConfiguredApp, tmp_path: Path
) -> None:
    async with started(configured_app('theme = "nord"\n')) as (app, _):
        await app.workers.wait_for_complete()
    assert not (tmp_path / "theme.json").exists()


@pytest.mark.parametrize(
    "content",
    [b"\x1b]0;pwned\x07{", b'{"theme": "\\u001b[31mred"}', b"[]", b'{"theme": "nord"}' * 1000],
)
async def test_a_damaged_remembered_theme_is_said_and_ignored(
    started: Start, configured_app: ConfiguredApp, tmp_path: Path, content: bytes
) -> None:
    (tmp_path / "theme.json").write_bytes(content)
    async with started(configured_app('theme = "nord"\n')) as (app, _):
        assert app.theme == "nord"
        notice = last_notice(app)
        assert notice == f"{tmp_path / 'theme.json'}: not a theme commdash remembered; ignored"


async def test_a_pick_that_cannot_be_kept_is_said(
    started: Start, configured_app: ConfiguredApp, tmp_path: Path
) -> None:
    (tmp_path / "theme.json").mkdir()  # in the way of the file
    async with started(configured_app("")) as (app, pilot):
        await pick_theme(app, pilot, "nord")
        await pilot.pause()
        assert last_notice(app).startswith(
            f"The theme is not remembered: {tmp_path / 'theme.json'}: cannot write"
        )
        assert app.theme == "nord"  # in effect all the same
