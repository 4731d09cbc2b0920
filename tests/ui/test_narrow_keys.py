"""Keys at 80x24: the key bar keeps help and quit, snooze choices keep their digits, and
tab takes a completion in the tag and assign prompts."""

from __future__ import annotations

from _screen import AppFactory, shown

from commdash.ui.widgets.key_bar import KeyBar


async def test_the_key_bar_keeps_help_and_quit_at_80_columns(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        bar = shown(app.screen.query_one(KeyBar))[0]
        assert " q Quit " in bar
        assert " ? Help " in bar
        assert bar.startswith(" r Reply  e Done")  # the first keys stay, in order
        assert bar.rstrip().endswith("^p palette")
