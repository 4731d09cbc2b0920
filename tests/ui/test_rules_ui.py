"""Rules in the TUI: they act when it opens, say so, show in the thread, and u takes them back."""

from __future__ import annotations

import copy
import os
from pathlib import Path

from _screen import (
    LIVE_TOKEN,
    AppFactory,
    ConfigureSource,
    Start,
    last_notice,
    listing,
    notices,
    shown,
    thread,
    until,
)
from servers.native import FakeNative

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


def app_with_rules(
    make_app: AppFactory, rules: str = RULES, source: str | None = None
) -> CommdashApp:
    """The app on ``source`` with ``rules`` added to the config file."""
    path = Path(os.environ["COMMDASH_CONFIG"])
    before = path.read_text(encoding="utf-8") if path.exists() else ""
    path.write_text(before + rules, encoding="utf-8")
    return make_app(source, config=load_config(path))


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
        assert last_notice(app).startswith(f"Undone: rule first look, {needing}")


async def test_a_second_opening_leaves_what_was_undone(
    started: Start, make_app: AppFactory
) -> None:
    async with started(app_with_rules(make_app)) as (app, pilot):
        await pilot.press("u")
    config = load_config(Path(os.environ["COMMDASH_CONFIG"]))
    assert config.notes == ()
    async with started(make_app(config=config), notifications=True) as (app, _):
        assert app.triager.store.states() == {}
        assert not any(notice.startswith("Rule") for notice in notices(app))


async def test_a_sync_brings_a_conversation_the_rule_acts_on_alone(
    started: Start,
    make_app: AppFactory,
    configure_source: ConfigureSource,
    live_server: FakeNative,
) -> None:
    configure_source("team", LIVE_TOKEN, kind="commdash", url=live_server.url)
    rule = '[[rules]]\nname = "first post"\nwhen = "post:p0"\nthen = { tag = "p0" }\n'
    app = app_with_rules(make_app, rule, "team")
    async with started(app, notifications=True) as (app, pilot):
        await until(pilot, lambda: listing(app).row_count > 0)
        inbox = app.triager.inbox
        tagged = {cid for cid in inbox.conversations if inbox.state(cid).tags == ("p0",)}
        assert tagged and tagged == {cid for cid in inbox.conversations if cid.startswith("p0-")}
        first = sorted(tagged)[0]
        app.triager.set_tags(first, "", ("p0",))  # the manager takes one off

        document = copy.deepcopy(live_server.document)
        assert document is not None
        comment = {**document["posts"][0]["comments"][0], "id": "p0-new", "text": "New here"}
        document["posts"][0]["comments"].append(comment)
        live_server.set_document(document)
        await pilot.press("dollar_sign")
        await until(pilot, lambda: "p0-new" in app.triager.inbox.conversations)
        assert app.triager.inbox.state("p0-new").tags == ("p0",)
        assert app.triager.inbox.state(first).tags == ()  # never again
        assert last_notice(app).startswith("Rule first post: 1 conversation ·")
