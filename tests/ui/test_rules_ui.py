"""Rules in the TUI: they act when it opens, say so, show in the thread, and u takes them back."""

from __future__ import annotations

import os
from pathlib import Path

from _screen import AppFactory, Start, last_notice, listing, shown, thread

from commdash.config import load_config
from commdash.ui.app import CommdashApp

RULES = """
[[rules]]
name = "first look\\u001b[2J"
when = "is:needs-reply"
then = { tag = "new", assign = "ana" }
"""


def thread_text(app: CommdashApp) -> str:
    return "\n".join(shown(thread(app)))


def app_with_rules(make_app: AppFactory) -> CommdashApp:
    path = Path(os.environ["COMMDASH_CONFIG"])
    path.write_text(RULES, encoding="utf-8")
    return make_app(config=load_config(path))


async def test_a_rule_acts_on_open_shows_in_the_thread_and_u_undoes_it(
    started: Start, make_app: AppFactory
) -> None:
    async with started(app_with_rules(make_app), notifications=True) as (app, pilot):
        cid = listing(app).current
        assert cid is not None
        state = app.triager.store.state(cid)
        assert (state.tags, state.assignee) == (("new",), "ana")
        needing = app.triager.inbox.view_count("needs-reply")
        assert last_notice(app) == f"Rule first look: {needing} conversations · u undoes it"
        text = thread_text(app)
        assert "rule first look: #new @ana · just now" in text
        assert "\x1b" not in text

        await pilot.press("u")
        assert app.triager.store.state(cid).tags == ()
        assert app.triager.store.states() == {}
        assert "rule first look" not in thread_text(app)
        assert last_notice(app).startswith(f"Undone: rule:first look, {needing}")


async def test_a_second_opening_leaves_what_was_undone(
    started: Start, make_app: AppFactory
) -> None:
    async with started(app_with_rules(make_app)) as (app, pilot):
        await pilot.press("u")
    async with started(app_with_rules(make_app), notifications=True) as (app, _):
        assert app.triager.store.states() == {}
        assert "Rule" not in last_notice(app)
