"""Keys at 80x24: the key bar keeps help and quit, snooze choices keep their digits, and
tab takes a completion in the tag and assign prompts."""

from __future__ import annotations

from _screen import AppFactory, Start, listing, shown, until
from textual.widgets import Input, Label

from commdash.ui.screens.choose import ChooseScreen
from commdash.ui.screens.prompt import PromptScreen
from commdash.ui.widgets.key_bar import KeyBar

HOUR = 3600.0


async def test_the_key_bar_keeps_help_and_quit_at_80_columns(
    started: Start, make_app: AppFactory
) -> None:
    app = make_app()
    async with started(app, size=(80, 24)) as (app, _):
        bar = shown(app.screen.query_one(KeyBar))[0]
        assert " q Quit " in bar
        assert " ? Help " in bar
        assert bar.startswith(" r Reply  e Done")  # the first keys stay, in order
        assert bar.rstrip().endswith("^p palette")


async def test_the_snooze_keys_stay_put_on_a_snoozed_conversation(
    started: Start, make_app: AppFactory
) -> None:
    app = make_app()
    async with started(app, size=(80, 24)) as (app, pilot):
        inbox = app.triager.inbox
        now = app.triager.clock.now()
        cid = listing(app).current
        assert cid is not None
        await pilot.press("s", "1", "3")  # snoozed an hour; the snoozed view
        assert listing(app).current == cid

        await pilot.press("s")
        assert isinstance(app.screen, ChooseScreen)
        labels = [label for label, _ in app.screen.choices]
        assert labels[:2] == ["1 hour", "4 hours"]
        assert labels[-1] == "Wake up now"
        await pilot.press("2")  # 4 hours, as on any conversation
        assert inbox.state(cid).snoozed_until == now + 4 * HOUR

        await pilot.press("s", "5")
        assert inbox.status(cid) == "open"


async def test_tab_takes_the_tag_completion_and_the_hint_says_so(
    started: Start, make_app: AppFactory
) -> None:
    app = make_app()
    async with started(app, size=(80, 24)) as (app, pilot):
        inbox = app.triager.inbox
        await pilot.press("t", *"billing", "enter", "j", "t")
        assert isinstance(app.screen, PromptScreen)
        hints = [str(label.content) for label in app.screen.query(Label)]
        assert any("tab completes" in hint for hint in hints)

        entry = app.screen.query_one(Input)
        await pilot.press("b", "i")
        await until(pilot, lambda: "billing" in "".join(shown(entry)))  # shown after "bi"
        await pilot.press("tab")
        assert entry.value == "billing "  # and a space: the next tag can follow
        await pilot.press(*"vip", "enter")
        assert inbox.state(listing(app).current or "").tags == ("billing", "vip")


async def test_tab_takes_the_assignee_completion(started: Start, make_app: AppFactory) -> None:
    app = make_app()
    async with started(app, size=(80, 24)) as (app, pilot):
        await pilot.press("a", *"Kari", "enter", "j", "a", "k")
        entry = app.screen.query_one(Input)
        await until(pilot, lambda: "kari" in "".join(shown(entry)))  # "k" + "ari" shown
        await pilot.press("tab", "enter")
        assert app.triager.inbox.state(listing(app).current or "").assignee == "Kari"
