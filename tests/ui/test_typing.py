"""What the manager types is never lost, reordered or applied elsewhere: keys arrive in bursts
when the app is busy (a sync, a redraw, a slow SSH link), and each must act as if the ones
before it had already been handled."""

from __future__ import annotations

from collections.abc import Callable

from _screen import Start, burst, listing, thread, title, until
from servers.base import Response
from servers.native import REPLY_PATH, FakeNative
from textual import events
from textual.message import Message
from textual.widgets import Input

from commdash import triage
from commdash.store import Store
from commdash.ui.app import CommdashApp
from commdash.ui.widgets.filter_bar import FilterBar
from commdash.ui.widgets.live_sync import LiveSync
from commdash.ui.widgets.reply_box import ReplyBox


def box(app: CommdashApp) -> ReplyBox:
    return app.screen.query_one(ReplyBox)


async def test_enter_then_g_at_once_moves_in_the_thread_not_the_list(started: Start) -> None:
    async with started() as (app, pilot):
        conversations = app.triager.inbox.conversations
        ids = listing(app).ids
        row = next(i for i in range(1, len(ids)) if len(conversations[ids[i]].messages) > 2)
        await pilot.press(*["j"] * row)
        cid = listing(app).current
        assert cid is not None
        messages = conversations[cid].messages
        burst(app, "enter", "G")
        await pilot.pause()
        assert listing(app).current == cid
        assert app.focused is thread(app)
        assert thread(app).current_message_id == messages[-1].id
        await pilot.press("g")
        assert thread(app).current_message_id == messages[0].id
        burst(app, "escape", "j")
        await pilot.pause()
        assert app.focused is listing(app)
        assert listing(app).cursor == row + 1


async def test_the_reply_box_keeps_its_text_when_reply_is_asked_again(started: Start) -> None:
    async with started() as (app, pilot):
        await pilot.press("r", *"Half", "escape")  # a draft on disk: "Half"
        await pilot.press("r", *" written")
        await app.screen.run_action("reply")  # e.g. from the command palette
        await pilot.pause()
        assert box(app).text == "Half written"
        assert app.focused is box(app)


async def test_editing_a_failed_reply_during_a_sync_sends_exactly_what_was_typed(
    started: Start, make_live_app: Callable[[], CommdashApp], live_server: FakeNative
) -> None:
    live_server.server.fail_next("POST", REPLY_PATH, Response(422, {"error": "closed"}))
    async with started(make_live_app()) as (app, pilot):
        await until(pilot, lambda: listing(app).row_count > 0)
        cid = listing(app).current
        assert cid is not None
        other = listing(app).ids[1]
        await pilot.press("r", *"First try", "ctrl+s")
        await until(pilot, lambda: app.triager.store.replies()[0].status == "failed")
        await pilot.press("enter", "G")
        failed = thread(app).current_reply_id
        assert failed is not None
        state_before = app.triager.store.state(cid)
        screen, live = app.screen, app.screen.query_one(LiveSync)

        # r, then typing at once: the first keys reach the app before the box has opened.
        burst(app, "r", "backspace", "backspace", "backspace", *"sorry")
        # Meanwhile a colleague tags another conversation, and a sync brings new data.
        colleague = Store(app.triager.store.directory, manager="kari@desk")
        colleague.apply(other, "tag", lambda s: triage.edit_tags(s, ["billing"], []), 0.0)
        document = live_server.document
        assert document is not None
        document["posts"][0]["comments"][0]["text"] = "Edited on the platform"
        live_server.set_document(document)
        live.pull_now()
        burst(app, *["left"] * 5, *"so ")
        screen.sync_from_disk()
        await until(pilot, lambda: not live.pulling)
        burst(app, "end", "!", "ctrl+s")
        await until(pilot, lambda: not box(app).display)
        assert app.focused is thread(app)  # back where the manager was …
        assert thread(app).current_reply_id == failed  # … on the same reply
        await until(pilot, lambda: len(live_server.server.requests("POST", REPLY_PATH)) == 2)
        sent = live_server.server.requests("POST", REPLY_PATH)[1].json()
        assert sent["text"] == "First so sorry!"
        assert [r.text for r in app.triager.store.replies()] == ["First so sorry!"]
        assert app.triager.store.state(cid) == state_before  # no key acted as a command


async def test_keys_typed_fast_in_the_reply_box_keep_their_order(started: Start) -> None:
    async with started() as (app, pilot):
        cid = listing(app).current
        await pilot.press("r")
        burst(app, *"Helo", "left", "l", "end", " ", *"wrold", *["backspace"] * 4, *"orld")
        await pilot.pause()
        assert box(app).text == "Hello world"
        # ctrl+s, then e at once: the reply is queued as typed, then e marks it done.
        burst(app, "ctrl+s", "e")
        await until(pilot, lambda: app.triager.inbox.status(cid) == "done")
        assert [r.text for r in app.triager.store.replies()] == ["Hello world"]
        assert box(app).text == ""
        assert app.focused is listing(app)


async def test_an_edit_closed_with_escape_is_kept_as_a_draft(started: Start) -> None:
    async with started() as (app, pilot):
        cid = listing(app).current
        await pilot.press("r", *"On its way", "ctrl+s", "enter", "G")
        reply_id = thread(app).current_reply_id
        assert reply_id is not None
        await pilot.press("r", "backspace", "backspace", "backspace", *"now", "escape")
        assert [r.text for r in app.triager.store.replies()] == ["On its way"]
        assert app.triager.store.drafts() == {cid: "On its now"}
        assert app.focused is thread(app)
        assert thread(app).current_reply_id == reply_id


async def test_prompts_and_the_filter_take_keys_in_the_order_typed(started: Start) -> None:
    async with started() as (app, pilot):
        cid = listing(app).current
        assert cid is not None
        burst(app, "t", *"vix", "backspace", "p", "enter", "e")
        await until(pilot, lambda: app.triager.inbox.state(cid).tags == ("vip",))
        await until(pilot, lambda: app.triager.inbox.status(cid) == "done")
        burst(app, "slash", *"bikx", "backspace", "e", "enter", "j")
        entry = app.screen.query_one("#filter", Input)
        await until(pilot, lambda: bool(entry.value) and app.focused is listing(app))
        await pilot.pause()
        assert entry.value == "bike"  # and the j after enter went to the list, not in here


def answered_when(app: CommdashApp, key: str, state: Callable[[], object]) -> list[object]:
    """``state()`` each time a node of the app or of the dialog open now has handled ``key``;
    the last one is when the key was used up. The keys typed after it are handled after
    that moment, so it must find the dialog's answer applied (Textual's own dismiss callback
    runs later, when the app is next idle)."""
    seen: list[object] = []

    def handled(message: Message) -> None:
        if isinstance(message, events.Key) and message.key == key:
            seen.append(state())

    for node in (app, app.screen, *app.screen.query("*")):
        node.message_signal.subscribe(node, handled, immediate=True)
    return seen


async def test_keys_after_a_prompt_act_on_what_the_prompt_did(started: Start) -> None:
    """t vip enter j: the tag is applied before the j, which moves on from the tagged
    conversation (the tag's redraw does not put the cursor back on it)."""
    async with started() as (app, pilot):
        inbox = app.triager.inbox
        first, second = listing(app).ids[:2]
        await pilot.press("t", *"vip")
        seen = answered_when(app, "enter", lambda: (inbox.state(first).tags, listing(app).current))
        burst(app, "enter", "j")
        await until(pilot, lambda: inbox.state(first).tags == ("vip",))
        await pilot.pause()
        assert seen[-1] == (("vip",), first)
        assert listing(app).current == second


async def test_keys_after_a_choice_act_on_what_it_chose(started: Start) -> None:
    """s, enter on the first choice, e: the highlighted conversation is snoozed, then e marks
    done the next one."""
    async with started() as (app, pilot):
        inbox = app.triager.inbox
        first, second = listing(app).ids[:2]
        await pilot.press("s")
        seen = answered_when(app, "enter", lambda: inbox.status(first))
        burst(app, "enter", "e")
        await until(pilot, lambda: inbox.status(first) != "open")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert seen[-1] == "snoozed"
        assert (inbox.status(first), inbox.status(second)) == ("snoozed", "done")


async def test_a_pause_reported_after_enter_does_not_bring_back_an_older_filter(
    started: Start,
) -> None:
    """Typing that paused on "bik" may be reported after "e" and enter were handled: by then
    that text is stale, and the filter stays "bike"."""
    async with started() as (app, pilot):
        bar = app.screen.query_one(FilterBar)
        await pilot.press("slash", *"bike", "enter")
        await pilot.pause(0.2)
        filtered = list(listing(app).ids)
        bar.post_message(FilterBar.FilterChanged(bar, "bik"))
        await pilot.pause(0.2)
        assert bar.value == "bike"
        assert listing(app).ids == filtered
        assert title(app).endswith("· filter: bike")
