"""Marks and bulk actions through the keys: space marks and moves on, * marks the view, escape
clears, e s t a h act on all marked at once (h after a yes), and u undoes the whole action."""

from __future__ import annotations

from collections.abc import Callable

from _screen import Start, last_notice, listing, shown, title, until
from servers.native import HIDE_PATH, FakeNative
from textual.widgets import Label

from commdash.store import Store
from commdash.ui.app import CommdashApp
from commdash.ui.screens.confirm import ConfirmScreen


async def test_space_marks_moves_on_and_the_title_counts(started: Start) -> None:
    async with started() as (app, pilot):
        rows = listing(app)
        first, second = rows.ids[0], rows.ids[1]
        await pilot.press("space")
        assert rows.current == second  # on to the next, as mutt's t
        assert "· 1 marked" in title(app)
        assert shown(rows)[0][1] == "*" and shown(rows)[1][1] == " "
        await pilot.press("space")
        assert "· 2 marked" in title(app)
        await pilot.press("k", "space")  # unmarks the second
        assert "· 1 marked" in title(app)
        assert app.screen.marks.ids() == [first]


async def test_the_mark_shows_at_80_columns(started: Start) -> None:
    async with started(size=(80, 24)) as (app, pilot):
        await pilot.press("space")
        row = shown(listing(app))[0]
        assert row[1] == "*" and len(row.rstrip()) > 20  # the rest of the row still there


async def test_marks_stay_through_another_filter_and_view(started: Start) -> None:
    async with started() as (app, pilot):
        rows = listing(app)
        marked = rows.ids[0]
        await pilot.press("space", "2")  # all open
        await pilot.press("slash", *"zzzz-nothing", "enter")
        assert rows.ids == [] and "· 1 marked" in title(app)
        await pilot.press("escape", "escape", "1")  # clears the marks, then the filter
        assert app.screen.marks.ids() == [] and app.screen.query_text == ""
        await pilot.press("space", "5")
        assert app.screen.marks.ids() == [marked] and "· 1 marked" in title(app)


async def test_star_then_e_then_u(started: Start) -> None:
    async with started(notifications=True) as (app, pilot):
        rows = listing(app)
        waiting = list(rows.ids)
        assert len(waiting) > 3
        await pilot.press("asterisk")
        assert f"· {len(waiting)} marked" in title(app)
        await pilot.press("e")
        assert last_notice(app) == f"Done {len(waiting)} · u undoes"
        assert rows.ids == []  # needs reply: none left
        assert app.screen.marks.ids() == [] and "marked" not in title(app)
        assert all(app.triager.inbox.status(cid) == "done" for cid in waiting)
        assert len(Store(app.triager.store.directory).states()) == len(waiting)

        await pilot.press("u")
        assert last_notice(app) == f"Undone: done, {len(waiting)} conversations"
        assert rows.ids == waiting
        assert Store(app.triager.store.directory).states() == {}


async def test_star_again_unmarks_the_view(started: Start) -> None:
    async with started() as (app, pilot):
        await pilot.press("space", "asterisk")
        assert len(app.screen.marks) == len(listing(app).ids)
        await pilot.press("asterisk")
        assert len(app.screen.marks) == 0


async def test_escape_clears_the_marks_then_means_what_it_meant(started: Start) -> None:
    async with started(notifications=True) as (app, pilot):
        await pilot.press("slash", "a", "enter")
        await pilot.press("space", "space")
        await pilot.press("escape")
        assert len(app.screen.marks) == 0 and app.screen.query_text == "a"
        assert last_notice(app) == "Marks cleared (2)"
        await pilot.press("escape")  # no marks: the filter goes, as before
        assert app.screen.query_text == ""


async def test_hiding_several_asks_first_and_no_leaves_all_as_it_was(started: Start) -> None:
    async with started(notifications=True) as (app, pilot):
        rows = listing(app)
        two = rows.ids[:2]
        await pilot.press("space", "space", "h")
        assert isinstance(app.screen, ConfirmScreen)
        question = " ".join(shown(app.screen.query_one(Label))).strip()
        assert question == "Hide 2 conversations' comments? y/n"
        await pilot.press("n")
        inbox = app.triager.inbox
        assert all(inbox.is_visible(c, inbox.conversations[c].root) for c in two)
        assert set(app.screen.marks.ids()) == set(two)  # kept: nothing was done

        await pilot.press("h", "y")
        assert not any(inbox.is_visible(c, inbox.conversations[c].root) for c in two)
        assert last_notice(app) == "Hid 2 comments · u undoes"
        await pilot.press("u")
        assert all(inbox.is_visible(c, inbox.conversations[c].root) for c in two)


async def test_tag_and_assign_act_on_the_marked(started: Start) -> None:
    async with started(notifications=True) as (app, pilot):
        rows = listing(app)
        three = rows.ids[:3]
        await pilot.press("space", "space", "space", "t", *"refund", "enter")
        assert last_notice(app) == "Tagged 3 · u undoes"
        inbox = app.triager.inbox
        assert all(inbox.state(cid).tags == ("refund",) for cid in three)
        for cid in three:
            await pilot.press("g")
            while rows.current != cid:
                await pilot.press("j")
            await pilot.press("space")
        await pilot.press("a", *"ana", "enter")
        assert last_notice(app) == "Assigned 3 to ana · u undoes"
        assert {inbox.state(cid).assignee for cid in three} == {"ana"}
        assert {inbox.state(cid).assignee for cid in rows.ids[3:]} == {None}


async def test_snooze_acts_on_the_marked(started: Start) -> None:
    async with started(notifications=True) as (app, pilot):
        rows = listing(app)
        two = rows.ids[:2]
        await pilot.press("space", "space", "s", "1")
        assert last_notice(app).startswith("Snoozed 2, back ")
        assert all(app.triager.inbox.status(cid) == "snoozed" for cid in two)
        assert not set(two) & set(rows.ids)


async def test_a_bulk_hide_and_its_undo_reach_a_live_platform(
    started: Start, make_live_app: Callable[[], CommdashApp], live_server: FakeNative
) -> None:
    async with started(make_live_app()) as (app, pilot):
        await until(pilot, lambda: listing(app).row_count > 2)
        three = listing(app).ids[:3]
        await pilot.press("space", "space", "space", "h", "y")

        def hides() -> list[dict[str, object]]:
            return [r.json() for r in live_server.server.requests("POST", HIDE_PATH)]

        await until(pilot, lambda: len(hides()) == 3)
        assert sorted(str(body["message_id"]) for body in hides()) == sorted(three)
        assert all(body["hidden"] is True for body in hides())
        await pilot.press("u")
        await until(pilot, lambda: len(hides()) == 6)
        assert sorted(str(b["message_id"]) for b in hides()[3:] if b["hidden"] is False) == sorted(
            three
        )


async def test_is_marked_filters_the_marked_ones(started: Start) -> None:
    async with started() as (app, pilot):
        rows = listing(app)
        await pilot.press("space", "j", "space")  # the first and the third
        marked = [rows.ids[0], rows.ids[2]]
        await pilot.press("slash", *"is:marked", "enter")
        await until(pilot, lambda: rows.ids == marked)
        await pilot.press("slash", "home", "minus", "enter")  # -is:marked
        await until(pilot, lambda: rows.ids and not set(rows.ids) & set(marked))
