"""i shows and hides the engagement gauges at any width: beside the panes from 110 columns,
in the thread's place below."""

from __future__ import annotations

from _screen import AppFactory, Start, gauge, listing, shown, thread

from commdash.ui.app import CommdashApp
from commdash.ui.widgets.gauges import Gauges


def gauges(app: CommdashApp) -> Gauges:
    return app.screen.query_one(Gauges)


def on_screen(app: CommdashApp) -> str:
    return "\n".join(shown(gauges(app))) if gauges(app).display else ""


async def test_i_shows_the_gauges_in_the_threads_place_at_80_columns(
    started: Start,
    make_app: AppFactory,
) -> None:
    app = make_app()
    async with started(app, size=(80, 24)) as (app, pilot):
        assert not gauges(app).display
        waiting = app.triager.inbox.figures().conversation.needs_reply

        await pilot.press("i")
        await pilot.pause()
        assert gauges(app).display and not thread(app).display
        assert gauges(app).region.y > listing(app).region.y  # below the list, where it was
        assert gauges(app).region.x == listing(app).region.x
        text = on_screen(app)
        for words in ("Response rate", f"Waiting       {waiting}", "Eng. rate", "Volume 14d"):
            assert words in text, words  # every figure fits, the charts beside them
        await pilot.press("j")  # the list still has the keys
        assert listing(app).cursor == 1

        await pilot.press("i")
        await pilot.pause()
        assert not gauges(app).display and thread(app).display

        await pilot.press("i", "enter")  # reading the thread brings it back
        await pilot.pause()
        assert not gauges(app).display and thread(app).display
        assert app.screen.focused is thread(app)


async def test_i_hides_and_shows_the_gauges_at_160_columns(
    started: Start, make_app: AppFactory
) -> None:
    app = make_app()
    async with started(app, size=(160, 48)) as (app, pilot):
        assert gauges(app).display
        narrower = listing(app).size.width
        waiting = gauge(app, "Waiting")

        await pilot.press("i")
        await pilot.pause()
        assert not gauges(app).display
        assert listing(app).size.width > narrower  # the list takes the room
        assert thread(app).display

        await pilot.press("i")
        await pilot.pause()
        assert gauges(app).display and gauge(app, "Waiting") == waiting
        assert listing(app).size.width == narrower


async def test_the_choice_follows_a_resize(started: Start, make_app: AppFactory) -> None:
    app = make_app()
    async with started(app, size=(160, 48)) as (app, pilot):
        await pilot.press("i")  # hidden at 160: hidden at 80 too, and back at 160
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert not gauges(app).display
        await pilot.resize_terminal(160, 48)
        await pilot.pause()
        assert not gauges(app).display
