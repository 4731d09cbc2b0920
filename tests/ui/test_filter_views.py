"""The filter language at the keyboard: a query filters, a mistake is marked and keeps the
list, tab completes; views of one's own on 6-9 with their counts; S sorts."""

from __future__ import annotations

from pathlib import Path

import pytest
from _screen import AppFactory, Start, last_notice, listing, shown, title, until
from textual.widgets import Static

from commdash.config import load_config
from commdash.query import IS_VALUES
from commdash.ui.app import CommdashApp
from commdash.ui.widgets import filter_bar
from commdash.ui.widgets.filter_bar import FilterBar
from commdash.ui.widgets.notices import WARNING_SECONDS
from commdash.ui.widgets.view_bar import ViewBar
from commdash.ui.widgets.view_bar import arrange as view_bar_arrange


def problem(app: CommdashApp) -> Static:
    return app.screen.query_one("#filter-problem", Static)


def view_bar(app: CommdashApp) -> str:
    return shown(app.screen.query_one(ViewBar))[0]


async def test_typing_a_query_filters_the_list(started: Start) -> None:
    async with started() as (app, pilot):
        inbox = app.triager.inbox
        await pilot.press("slash", *"from:magnus has:question")
        await pilot.pause(0.2)
        expected = inbox.conversation_ids("needs-reply", None, "from:magnus has:question")
        assert 0 < len(expected) < len(inbox.conversation_ids("needs-reply"))
        assert listing(app).ids == expected
        await pilot.press("enter")
        assert app.focused is listing(app)
        assert "· filter: from:magnus" in title(app)


async def test_a_mistake_is_marked_where_it_is_and_the_list_stays(started: Start) -> None:
    async with started() as (app, pilot):
        bar = app.screen.query_one(FilterBar)
        await pilot.press("slash", *"from:magnus")
        await pilot.pause(0.2)
        good = list(listing(app).ids)
        assert not problem(app).display
        await pilot.press(*" age:>2x")
        await pilot.pause(0.2)
        assert listing(app).ids == good  # the last good result
        assert problem(app).display
        assert "age:>2x: unknown unit" in shown(problem(app))[0]
        assert bar._mark.span == (18, 19)  # the x
        # The mark is drawn under the characters at fault, not elsewhere.
        line = bar.render_line(0)
        marked = [s.text for s in line if s.style is not None and s.style.underline]
        assert "".join(marked).strip() == "x"
        await pilot.press("enter")  # a filter with a mistake is not kept
        assert app.focused is bar
        assert listing(app).ids == good
        await pilot.press("backspace", "h")
        await pilot.pause(0.2)
        assert not problem(app).display
        assert bar._mark.span is None
        query = "from:magnus age:>2h"
        assert listing(app).ids == app.triager.inbox.conversation_ids("needs-reply", None, query)


async def test_tab_completes_keys_states_and_tags(started: Start) -> None:
    async with started() as (app, pilot):
        await pilot.press("t", *"refund", "enter")  # a tag in use
        bar = app.screen.query_one(FilterBar)
        await pilot.press("slash", *"-is:ne", "tab")
        assert bar.value == "-is:needs-reply"
        await pilot.press("space", "t", "a", "tab")
        assert bar.value == "-is:needs-reply tag:"
        await pilot.press("r", "tab")
        assert bar.value == "-is:needs-reply tag:refund"
        assert app.focused is bar  # tab completed; it did not move to the next pane


async def test_view_6_from_the_config_with_its_count(
    make_app: AppFactory, started: Start, isolated_dirs: Path
) -> None:
    config_path = isolated_dirs.parent / "config.toml"
    config_path.write_text(
        '[[views]]\nname = "magnus asks"\nquery = "from:magnus has:question"\nsort = "newest"\n',
        encoding="utf-8",
    )
    async with started(make_app(config=load_config())) as (app, pilot):
        inbox = app.triager.inbox
        expected = inbox.conversation_ids("all", None, "from:magnus has:question", sort="newest")
        assert expected
        bar = app.screen.query_one(ViewBar)
        await until(pilot, lambda: bar.counts[5] == len(expected))
        # Too narrow for every name: the current view keeps its name, the others their key.
        assert f"1 needs reply {len(inbox.conversation_ids())}" in view_bar(app)
        assert f"6:{len(expected)}" in view_bar(app).split()
        await pilot.press("6")
        assert listing(app).ids == expected
        assert title(app).startswith(f"Conversations · magnus asks ({len(expected)})")
        assert f"6 magnus asks {len(expected)}" in view_bar(app)
        await pilot.press("7")
        assert "No view on key 7" in last_notice(app)
        assert listing(app).ids == expected


async def test_views_replace_puts_ones_own_on_key_1(
    make_app: AppFactory, started: Start, isolated_dirs: Path
) -> None:
    (isolated_dirs.parent / "config.toml").write_text(
        'views_replace = true\n[[views]]\nname = "questions"\nquery = "has:question"\n',
        encoding="utf-8",
    )
    async with started(make_app(config=load_config())) as (app, pilot):
        inbox = app.triager.inbox
        expected = inbox.conversation_ids("all", None, "has:question", sort="waiting")
        assert listing(app).ids == expected  # the first view is the one shown at start
        await pilot.press("2")
        assert "No view on key 2" in last_notice(app)


async def test_s_cycles_the_sort_and_the_list_reorders(started: Start) -> None:
    async with started() as (app, pilot):
        inbox = app.triager.inbox
        await pilot.press("5")
        assert listing(app).ids == inbox.conversation_ids("all")
        for sort, words in [
            ("waiting", "waiting first"),
            ("newest", "newest first"),
            ("oldest", "oldest first"),
            ("likes", "most liked first"),
        ]:
            await pilot.press("S")
            assert listing(app).ids == inbox.conversation_ids("all", sort=sort)
            assert title(app).endswith(f"· {words}")
        assert inbox.conversation_ids("all", sort="likes") != inbox.conversation_ids("all")
        await pilot.press("S")  # back to the view's own order
        assert listing(app).ids == inbox.conversation_ids("all")
        await pilot.press("2", "S")  # another view starts in its own order
        assert listing(app).ids == inbox.conversation_ids("open", sort="waiting")


async def test_a_large_inbox_lists_views_and_orders_in_the_background(
    make_app: AppFactory, started: Start, isolated_dirs: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(filter_bar, "SEARCH_IN_BACKGROUND_ABOVE", 0)
    (isolated_dirs.parent / "config.toml").write_text(
        '[[views]]\nname = "liked"\nquery = "likes:>0"\nsort = "likes"\n', encoding="utf-8"
    )
    async with started(make_app(config=load_config())) as (app, pilot):
        inbox = app.triager.inbox
        await pilot.press("6")
        expected = inbox.conversation_ids("all", None, "likes:>0", sort="likes")
        await until(pilot, lambda: listing(app).ids == expected)
        assert title(app).startswith(f"Conversations · liked ({len(expected)})")
        await pilot.press("S")  # likes -> waiting
        expected = inbox.conversation_ids("all", None, "likes:>0", sort="waiting")
        await until(pilot, lambda: listing(app).ids == expected)
        await pilot.press("1")  # a built-in view with no filter: at once
        assert listing(app).ids == inbox.conversation_ids()


async def test_the_help_lists_the_filter_terms(started: Start) -> None:
    async with started() as (app, pilot):
        await pilot.press("question_mark")
        text = " ".join(" ".join(shown(app.screen.query_one(Static))).split())
        assert "Filter terms" in text
        for term in ("is:needs-reply", "mine unassigned", "age:>2h waiting:>1h", "has:question"):
            assert term in text
        assert " S Sort the view" in text


async def test_a_view_left_out_is_said_as_briefly_as_any_warning(
    make_app: AppFactory, started: Start, isolated_dirs: Path
) -> None:
    (isolated_dirs.parent / "config.toml").write_text(
        '[[views]]\nname = "broken"\nquery = "age:>2x"\n', encoding="utf-8"
    )
    async with started(make_app(config=load_config()), notifications=True) as (app, _pilot):
        [notice] = list(app._notifications)
        assert notice.title == "Settings left out"
        assert "view 'broken': query: age:>2x: unknown unit" in notice.message
        assert notice.timeout == WARNING_SECONDS <= 10


@pytest.mark.parametrize("background", [False, True], ids=["at once", "in the background"])
async def test_a_new_order_starts_at_the_top_of_the_list(
    started: Start, monkeypatch: pytest.MonkeyPatch, background: bool
) -> None:
    if background:
        monkeypatch.setattr(filter_bar, "SEARCH_IN_BACKGROUND_ABOVE", 0)
    async with started(size=(120, 30)) as (app, pilot):
        inbox = app.triager.inbox
        await pilot.press("5", *["down"] * 40)
        listed = listing(app)
        assert listed.cursor >= 40 and listed.scroll_offset.y > 0
        await pilot.press("S", "S")  # the view's own order -> waiting -> newest first
        newest = inbox.conversation_ids("all", sort="newest")
        await until(pilot, lambda: listed.ids == newest and listed.cursor == 0)
        await pilot.pause()
        assert listed.current == newest[0]
        assert listed.scroll_offset.y == 0
        assert app.screen.composer.conversation_id in (None, newest[0])


NINE_VIEWS = (
    '[[views]]\nname = "refunds"\nquery = "tag:refund"\n'
    '[[views]]\nname = "questions"\nquery = "has:question"\n'
    '[[views]]\nname = "late ones"\nquery = "waiting:>1h"\n'
    '[[views]]\nname = "liked"\nquery = "likes:>0"\n'
)


@pytest.mark.parametrize("width", [80, 120])
async def test_the_view_bar_gives_every_view_its_key_and_count(
    make_app: AppFactory, started: Start, isolated_dirs: Path, width: int
) -> None:
    (isolated_dirs.parent / "config.toml").write_text(NINE_VIEWS, encoding="utf-8")
    async with started(make_app(config=load_config()), size=(width, 24)) as (app, pilot):
        bar = app.screen.query_one(ViewBar)
        await until(pilot, lambda: None not in bar.counts)
        names = [view.name for view in bar.views]
        assert len(names) == 9
        for key in ("1", "6", "9", "i", "6"):  # the gauges pane hidden at "i", shown again
            await pilot.press(key)
            await pilot.pause()
            text = view_bar(app)
            wide = bar.content_region.width
            assert wide < 90  # too narrow for every name
            for index, (name, count) in enumerate(zip(names, bar.counts, strict=True)):
                brief, named = f"{index + 1}:{count:,}", f"{index + 1} {name} {count:,}"
                assert brief in text.split() or named in text, (key, index, text)
            if wide > 60 or bar.current == 5:  # the current's name, where there is room
                assert f"{bar.current + 1} {names[bar.current]} " in text
            assert "…" not in text


def test_the_view_bar_shortens_large_counts_then_leaves_views_out_with_a_mark() -> None:
    names = ["needs reply", "all open", "snoozed", "done", "everything", "a", "b", "c", "d"]
    counts = [23_674, 27_335, 0, 0, 27_335, 1_200, 15_000, None, 12_345_678]
    shown, gap = view_bar_arrange(names, counts, 5, 56)
    assert shown == [
        (0, "1:23k"),
        (1, "2:27k"),
        (2, "3:0"),
        (3, "4:0"),
        (4, "5:27k"),
        (5, "6 a 1,200"),
        (6, "7:15k"),
        (7, "8:…"),
        (8, "9:12M"),
    ]
    assert gap == 1
    shown, _ = view_bar_arrange(names, counts, 5, 20)
    assert [index for index, _ in shown] == [0, 5, -1]  # the current kept; … marks the rest
    assert shown[-1] == (-1, "…")
    shown, gap = view_bar_arrange(names, counts, 0, 0)  # no limit: every name, exact counts
    assert shown[0] == (0, "1 needs reply 23,674") and gap == 2


async def test_tab_again_goes_through_every_term_that_fits_and_shows_them(
    started: Start,
) -> None:
    async with started(size=(160, 40)) as (app, pilot):
        bar = app.screen.query_one(FilterBar)
        states = [f"-is:{state}" for state in IS_VALUES]
        await pilot.press("slash", *"x -is:", "tab")
        assert bar.value == f"x {states[0]}"
        await pilot.press("tab")
        assert bar.value == f"x {states[1]}"
        await pilot.pause(0.2)
        assert problem(app).display
        line = shown(problem(app))[0].strip()
        assert line.startswith(f"tab 2/{len(states)}: {states[1]}  {states[2]}")
        for state in [*states[2:], states[0]]:  # round and round
            await pilot.press("tab")
            assert bar.value == f"x {state}"
        assert app.focused is bar
        await pilot.press("space")  # typing on: tab completes afresh, the line goes
        await pilot.pause(0.2)
        assert not problem(app).display
        await pilot.press("tab")
        assert bar.value == f"x {states[0]} "  # nothing to complete after a space


async def test_a_filter_nested_too_deeply_is_a_mistake_not_a_crash(started: Start) -> None:
    async with started() as (app, pilot):
        bar = app.screen.query_one(FilterBar)
        await pilot.press("slash")
        good = list(listing(app).ids)
        bar.value = "(" * 3000 + "a" + ")" * 3000
        await pilot.pause(0.3)
        assert shown(problem(app))[0].strip().startswith("nested too deeply (more than 50")
        assert listing(app).ids == good
        assert app.is_running
