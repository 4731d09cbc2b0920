"""Triage from the keyboard: reply, done, snooze, tag, assign, hide, undo, views, filter, help."""

from __future__ import annotations

import pytest
from _screen import (
    Start,
    gauge,
    last_notice,
    listing,
    notice_count,
    shown,
    thread,
    title,
)
from textual.binding import Binding
from textual.pilot import Pilot
from textual.widgets import Input, Static

from commdash.inbox import VIEWS
from commdash.ui.app import CommdashApp
from commdash.ui.screens.choose import ChooseScreen
from commdash.ui.screens.help import HelpScreen
from commdash.ui.screens.inbox import InboxScreen
from commdash.ui.screens.prompt import PromptScreen
from commdash.ui.widgets import filter_bar
from commdash.ui.widgets.reply_box import ReplyBox
from commdash.ui.widgets.status_bar import StatusBar

HOUR = 3600.0


def row_of(app: CommdashApp, cid: str) -> str:
    """The conversation's row as drawn (it must be on screen)."""
    conversations = listing(app)
    index = conversations.ids.index(cid) - int(conversations.scroll_offset.y)
    return shown(conversations)[index]


async def go_to(pilot: Pilot[None], app: CommdashApp, cid: str) -> None:
    """Move the list cursor to ``cid`` with the keyboard, the shortest way (j/k, g, G)."""
    conversations = listing(app)
    target, here, last = (
        conversations.ids.index(cid),
        conversations.cursor,
        len(conversations.ids) - 1,
    )
    ways = [
        (abs(target - here), []),
        (target + 1, ["g"]),
        (last - target + 1, ["G"]),
    ]
    _, start = min(ways, key=lambda way: way[0])
    await pilot.press(*start)
    here = conversations.cursor
    await pilot.press(*(["j"] * (target - here) if target > here else ["k"] * (here - target)))
    assert conversations.current == cid


async def thread_to_queued_reply(pilot: Pilot[None], app: CommdashApp) -> list[str]:
    """Focus the thread and move its cursor to the first queued reply; its lines as shown."""
    view = thread(app)
    await pilot.press("enter")
    assert app.focused is view
    for _ in range(30):
        if view.current_message_id is None:
            break
        await pilot.press("j")
    assert view.current_message_id is None, "no queued reply in the thread"
    return shown(view)


# Reply ------------------------------------------------------------------------------------


async def test_reply_is_queued_and_the_conversation_leaves_needs_reply(started: Start) -> None:
    async with started() as (app, pilot):
        inbox, store = app.triager.inbox, app.triager.store
        before = list(listing(app).ids)
        cid = before[0]
        waiting = inbox.figures().conversation.needs_reply
        assert gauge(app, "Queued") == "0"

        await pilot.press("r")
        box = app.screen.query_one(ReplyBox)
        assert box.display
        assert app.focused is box
        await pilot.press(*"On it!", "ctrl+s")
        await pilot.pause()

        replies = store.replies()
        assert [(r.conversation_id, r.text, r.status) for r in replies] == [
            (cid, "On it!", "queued")
        ]
        assert not box.display
        assert app.focused is listing(app)
        assert not inbox.needs_reply(cid)
        assert inbox.conversation_ids("needs-reply") == before[1:]
        assert inbox.figures().conversation.needs_reply == waiting - 1
        assert gauge(app, "Queued") == "1"
        assert gauge(app, "Waiting") == str(waiting - 1)
        assert f" {waiting - 1} need reply" in shown(app.screen.query_one(StatusBar))[0]
        assert store.drafts() == {}
        # The answered conversation is out of the list once it is redrawn (it may stay
        # highlighted until the manager moves on, so that e or u still act on it).
        await pilot.press("1")
        assert cid not in listing(app).ids
        assert listing(app).ids == before[1:]
        assert listing(app).current == before[1]
        assert thread(app).conversation_id == before[1]

        # In "everything" the conversation shows its queued reply, in the row and the thread.
        await pilot.press("5")
        await go_to(pilot, app, cid)
        assert "↩queued" in row_of(app, cid)
        lines = await thread_to_queued_reply(pilot, app)
        text = "\n".join(lines)
        assert "queued" in text
        assert "not sent yet" in text
        assert "On it!" in text


async def test_a_reply_just_queued_reads_naturally(started: Start) -> None:
    async with started() as (app, pilot):
        cid = listing(app).current
        await pilot.press("r", *"Hi", "ctrl+s", "5")
        await go_to(pilot, app, cid)
        text = "\n".join(await thread_to_queued_reply(pilot, app))
        assert "queued" in text
        assert "now ago" not in text


async def test_reply_answers_the_message_highlighted_in_the_thread(started: Start) -> None:
    async with started() as (app, pilot):
        inbox = app.triager.inbox
        cid = next(c for c in listing(app).ids if len(inbox.conversations[c].messages) >= 3)
        await go_to(pilot, app, cid)
        second = inbox.conversations[cid].messages[1]
        await pilot.press("enter", "j")
        assert thread(app).current_message_id == second.id
        await pilot.press("r", *"Noted", "ctrl+s")
        await pilot.pause()
        (reply,) = app.triager.store.replies()
        assert reply.conversation_id == cid
        assert reply.in_reply_to == second.id


async def test_an_empty_reply_is_not_queued(started: Start) -> None:
    async with started() as (app, pilot):
        cid = listing(app).current
        await pilot.press("r", "space", "space", "ctrl+s")
        await pilot.pause()
        assert app.triager.store.replies() == []
        assert app.screen.query_one(ReplyBox).display
        assert "empty" in last_notice(app)
        assert listing(app).current == cid


async def test_escape_keeps_the_draft_and_reply_shows_it_again(started: Start) -> None:
    async with started() as (app, pilot):
        store = app.triager.store
        first, second = listing(app).ids[:2]
        box = app.screen.query_one(ReplyBox)

        await pilot.press("r", *"Half", "escape")
        await pilot.pause()
        assert not box.display
        assert app.focused is listing(app)
        assert store.drafts() == {first: "Half"}
        assert store.replies() == []
        assert listing(app).current == first  # still waiting for a reply

        # Another conversation starts with an empty box; its own draft is separate.
        await pilot.press("j", "r")
        assert box.text == ""
        await pilot.press(*"Other", "escape")
        await pilot.pause()
        assert store.drafts() == {first: "Half", second: "Other"}

        await pilot.press("k", "r")
        assert box.display
        assert box.text == "Half"
        await pilot.press(*" done", "ctrl+s")
        await pilot.pause()
        assert [r.text for r in store.replies()] == ["Half done"]
        assert store.drafts() == {second: "Other"}


async def test_moving_away_with_the_reply_box_open_keeps_the_draft(started: Start) -> None:
    async with started() as (app, pilot):
        first = listing(app).current
        await pilot.press("r", *"Draft", "shift+tab", "shift+tab")
        assert app.focused is listing(app)
        await pilot.press("j")
        await pilot.pause()
        assert not app.screen.query_one(ReplyBox).display
        assert thread(app).conversation_id == listing(app).current != first
        assert app.triager.store.drafts() == {first: "Draft"}


async def test_keys_typed_in_the_reply_box_are_text_not_commands(started: Start) -> None:
    async with started() as (app, pilot):
        cid = listing(app).current
        await pilot.press("r", *"queue 12345 /?")
        box = app.screen.query_one(ReplyBox)
        assert box.text == "queue 12345 /?"
        assert app.is_running
        assert isinstance(app.screen, InboxScreen)
        assert app.triager.inbox.status(cid) == "open"
        assert app.triager.inbox.state(cid).is_blank


# Done, snooze, tag, assign ----------------------------------------------------------------


async def test_done_marks_the_conversation_and_moves_to_the_next(started: Start) -> None:
    async with started() as (app, pilot):
        inbox = app.triager.inbox
        before = list(listing(app).ids)
        first, second = before[:2]

        await pilot.press("e")
        assert inbox.status(first) == "done"
        assert inbox.state(first).done_at == app.triager.clock.now()
        assert app.triager.store.states()[first].done_at is not None
        assert listing(app).ids == before[1:]
        assert listing(app).current == second
        assert thread(app).conversation_id == second
        assert gauge(app, "Done") == "1"
        assert title(app) == f"Conversations · needs reply ({len(before) - 1})"

        await pilot.press("e")
        assert inbox.status(second) == "done"
        assert listing(app).current == before[2]

        # The done view lists both, and e there reopens.
        await pilot.press("4")
        assert set(listing(app).ids) == {first, second}
        assert row_of(app, first).startswith("✓")
        await go_to(pilot, app, first)
        await pilot.press("e")
        assert inbox.status(first) == "open"
        assert "Reopened" in last_notice(app)
        await pilot.press("4")
        assert listing(app).ids == [second]
        await pilot.press("1")
        assert listing(app).ids[0] == first


async def test_done_in_everything_moves_to_the_next_row(started: Start) -> None:
    async with started() as (app, pilot):
        inbox = app.triager.inbox
        await pilot.press("5", "g", "j")
        rows = list(listing(app).ids)
        cid = rows[1]
        assert listing(app).current == cid
        await pilot.press("e")
        assert inbox.status(cid) == "done"
        assert listing(app).ids == rows  # still listed in "everything"
        assert listing(app).current == rows[2]
        assert thread(app).conversation_id == rows[2]
        assert row_of(app, cid).startswith("✓")


async def test_done_on_the_last_row_stays_on_a_conversation(started: Start) -> None:
    async with started() as (app, pilot):
        inbox = app.triager.inbox
        await pilot.press("5", "G")
        rows = list(listing(app).ids)
        last = rows[-1]
        await pilot.press("e")
        assert inbox.status(last) == "done"
        assert listing(app).current == last
        assert listing(app).cursor == len(rows) - 1
        assert thread(app).conversation_id == last
        # And e works again right away (it reopens).
        await pilot.press("e")
        assert inbox.status(last) == "open"


async def test_snooze_with_a_digit_puts_it_in_the_snoozed_view(started: Start) -> None:
    async with started() as (app, pilot):
        inbox = app.triager.inbox
        now = app.triager.clock.now()
        first, second = listing(app).ids[:2]

        await pilot.press("s")
        assert isinstance(app.screen, ChooseScreen)
        await pilot.press("1")
        assert isinstance(app.screen, InboxScreen)
        assert inbox.state(first).snoozed_until == now + HOUR
        assert inbox.status(first) == "snoozed"
        assert app.triager.store.states()[first].snoozed_until == now + HOUR
        assert first not in listing(app).ids
        assert listing(app).current == second
        assert gauge(app, "Snoozed") == "1"

        await pilot.press("3")
        assert listing(app).ids == [first]
        assert title(app) == "Conversations · snoozed (1)"
        assert row_of(app, first).startswith("z")
        assert thread(app).conversation_id == first


async def test_snooze_with_enter_takes_the_highlighted_choice(started: Start) -> None:
    async with started() as (app, pilot):
        inbox = app.triager.inbox
        now = app.triager.clock.now()
        first, second = listing(app).ids[:2]
        await pilot.press("s", "enter")
        assert inbox.state(first).snoozed_until == now + HOUR
        await pilot.press("s", "down", "enter")
        assert inbox.state(second).snoozed_until == now + 4 * HOUR
        # escape cancels without a change.
        third = listing(app).current
        await pilot.press("s", "escape")
        assert isinstance(app.screen, InboxScreen)
        assert inbox.state(third).is_blank
        await pilot.press("3")
        assert listing(app).ids == [first, second]


async def test_tag_and_assign_are_saved_and_shown(started: Start) -> None:
    async with started() as (app, pilot):
        inbox, store = app.triager.inbox, app.triager.store
        first, second = listing(app).ids[:2]

        await pilot.press("t")
        assert isinstance(app.screen, PromptScreen)
        await pilot.press(*"billing urgent", "enter")
        assert isinstance(app.screen, InboxScreen)
        assert inbox.state(first).tags == ("billing", "urgent")
        assert store.states()[first].tags == ("billing", "urgent")
        assert listing(app).current == first  # a tag does not take it out of the view
        assert "#billing" in row_of(app, first)

        # The prompt starts from the tags already set.
        await pilot.press("t")
        assert app.screen.query_one(Input).value.split() == ["billing", "urgent"]
        await pilot.press("escape")
        assert inbox.state(first).tags == ("billing", "urgent")

        await pilot.press("j", "a", *"Kari", "enter")
        assert inbox.state(second).assignee == "Kari"
        assert store.states()[second].assignee == "Kari"
        assert "@Kari" in row_of(app, second)

        # An empty assignee unassigns.
        await pilot.press("a")
        prompt = app.screen.query_one(Input)
        assert prompt.value.strip() == "Kari"
        await pilot.press(*["backspace"] * len(prompt.value), "enter")
        assert inbox.state(second).assignee is None


# Hide -------------------------------------------------------------------------------------


async def test_hide_toggles_the_root_comment(started: Start) -> None:
    async with started() as (app, pilot):
        inbox = app.triager.inbox
        await pilot.press("5")
        cid = listing(app).current
        root = inbox.conversations[cid].root
        assert not any("· hidden" in line for line in shown(thread(app)))

        await pilot.press("h")
        assert inbox.state(cid).hidden == ((root.id, True),)
        assert app.triager.store.states()[cid].hidden == ((root.id, True),)
        assert not inbox.is_visible(cid, root)
        assert thread(app).conversation_id == cid
        hidden_lines = [line for line in shown(thread(app)) if "· hidden" in line]
        assert len(hidden_lines) == 1
        assert root.author.name in hidden_lines[0]

        await pilot.press("h")
        assert inbox.is_visible(cid, root)
        assert not any("· hidden" in line for line in shown(thread(app)))


async def test_hide_in_the_thread_hides_the_highlighted_reply(started: Start) -> None:
    async with started() as (app, pilot):
        inbox = app.triager.inbox
        cid = next(
            c
            for c in listing(app).ids
            if len(inbox.conversations[c].messages) >= 2
            and not inbox.conversations[c].messages[1].ours
        )
        await go_to(pilot, app, cid)
        root, reply = inbox.conversations[cid].messages[:2]
        await pilot.press("enter", "j")
        assert thread(app).current_message_id == reply.id

        await pilot.press("h")
        assert inbox.state(cid).hidden == ((reply.id, True),)
        assert inbox.is_visible(cid, root)
        assert not inbox.is_visible(cid, reply)
        assert app.focused is thread(app)
        hidden_lines = [line for line in shown(thread(app)) if "· hidden" in line]
        assert len(hidden_lines) == 1
        assert reply.author.name in hidden_lines[0]
        assert root.author.name not in hidden_lines[0]

        # escape leaves the thread for the list.
        await pilot.press("escape")
        assert app.focused is listing(app)


async def test_hide_on_a_queued_reply_does_not_hide_the_root(started: Start) -> None:
    async with started() as (app, pilot):
        inbox = app.triager.inbox
        cid = listing(app).current
        await pilot.press("r", *"On its way", "ctrl+s", "5")
        await go_to(pilot, app, cid)
        await thread_to_queued_reply(pilot, app)
        await pilot.press("h")
        assert inbox.state(cid).hidden == ()


# Undo -------------------------------------------------------------------------------------


async def test_undo_goes_back_step_by_step(started: Start) -> None:
    async with started() as (app, pilot):
        inbox, store = app.triager.inbox, app.triager.store
        before = list(listing(app).ids)
        a, b, c = before[:3]

        await pilot.press("e")  # a: done
        await pilot.press("s", "1")  # b: snoozed
        await pilot.press("t", *"vip", "enter")  # c: tagged
        assert listing(app).current == c
        assert inbox.status(a) == "done"
        assert inbox.status(b) == "snoozed"
        assert inbox.state(c).tags == ("vip",)

        await pilot.press("u")
        assert inbox.state(c).tags == ()
        assert inbox.status(b) == "snoozed"
        assert listing(app).current == c
        assert "tag" in last_notice(app)

        await pilot.press("u")
        assert inbox.state(b).is_blank
        assert inbox.status(a) == "done"
        assert listing(app).current == b
        assert thread(app).conversation_id == b

        await pilot.press("u")
        assert inbox.state(a).is_blank
        assert listing(app).ids == before
        assert listing(app).current == a
        assert store.states() == {}
        assert gauge(app, "Done") == "0"
        assert gauge(app, "Snoozed") == "0"

        await pilot.press("u")
        assert "Nothing" in last_notice(app)
        assert "to undo" in last_notice(app)
        assert listing(app).ids == before


async def test_undo_takes_a_queued_reply_out_of_the_outbox(started: Start) -> None:
    async with started() as (app, pilot):
        store = app.triager.store
        before = list(listing(app).ids)
        cid = before[0]
        await pilot.press("e")  # an earlier action, on another conversation
        await pilot.press("r", *"Sorry", "ctrl+s")
        await pilot.pause()
        assert len(store.replies()) == 1
        assert gauge(app, "Queued") == "1"
        assert before[1] not in app.triager.inbox.conversation_ids("needs-reply")

        await pilot.press("u")
        assert store.replies() == []
        assert app.triager.inbox.replies(before[1]) == []
        assert store.drafts() == {before[1]: "Sorry"}  # back as a draft
        assert gauge(app, "Queued") == "0"
        assert listing(app).current == before[1]
        assert app.triager.inbox.status(cid) == "done"

        await pilot.press("u")
        assert listing(app).ids == before
        assert app.triager.inbox.status(cid) == "open"


# Views, filter ----------------------------------------------------------------------------


async def test_views_change_the_list_and_its_title(started: Start) -> None:
    async with started() as (app, pilot):
        inbox = app.triager.inbox
        await pilot.press("e", "e", "s", "1")  # two done, one snoozed
        sizes = {}
        for key, view in [("2", "open"), ("3", "snoozed"), ("4", "done"), ("5", "all")]:
            await pilot.press(key)
            expected = inbox.conversation_ids(view)
            sizes[view] = len(expected)
            assert listing(app).ids == expected
            assert title(app) == f"Conversations · {VIEWS[view]} ({len(expected)})"
            assert app.focused is listing(app)
            assert thread(app).conversation_id == listing(app).current
        assert sizes["snoozed"] == 1
        assert sizes["done"] == 2
        assert sizes["all"] == len(inbox.conversations)
        assert sizes["open"] == len(inbox.conversations) - 3

        await pilot.press("1")
        expected = inbox.conversation_ids("needs-reply")
        assert listing(app).ids == expected
        assert title(app) == f"Conversations · needs reply ({len(expected)})"


async def test_filter_narrows_live_enter_keeps_it_escape_clears_it(started: Start) -> None:
    async with started() as (app, pilot):
        inbox = app.triager.inbox
        everything = list(listing(app).ids)
        box = app.screen.query_one("#filter", Input)
        assert not box.display

        await pilot.press("slash")
        assert box.display
        assert app.focused is box
        typed = ""
        sizes = []
        for char in "order":
            await pilot.press(char)
            await pilot.pause(0.15)  # the list follows once typing pauses
            typed += char
            assert listing(app).ids == inbox.conversation_ids("needs-reply", None, typed)
            sizes.append(len(listing(app).ids))
        assert sizes == sorted(sizes, reverse=True)
        assert 0 < sizes[-1] < len(everything)
        assert all(cid in everything for cid in listing(app).ids)
        assert title(app) == f"Conversations · needs reply ({sizes[-1]}) · filter: order"
        assert thread(app).conversation_id == listing(app).ids[0]

        await pilot.press("enter")
        assert app.focused is listing(app)
        assert box.display  # the filter stays on show while it applies
        assert len(listing(app).ids) == sizes[-1]
        # The filter applies in other views too.
        await pilot.press("5")
        assert listing(app).ids == inbox.conversation_ids("all", None, "order")
        await pilot.press("1")

        await pilot.press("slash")
        assert box.value == "order"
        await pilot.press("escape")
        assert not box.display
        assert app.focused is listing(app)
        assert listing(app).ids == everything
        assert title(app) == f"Conversations · needs reply ({len(everything)})"

        # escape while typing clears too.
        await pilot.press("slash", *"zzzz")
        await pilot.pause(0.15)
        assert listing(app).ids == []
        await pilot.press("escape")
        assert listing(app).ids == everything


async def test_filter_finds_tags_and_assignees(started: Start) -> None:
    async with started() as (app, pilot):
        cid = listing(app).current
        await pilot.press("t", *"billing", "enter", "a", *"Kari", "enter")
        # The placeholder offers "#tag" and "@assignee"; enter applies the filter at once.
        for query in ("billing", "kari", "#billing", "@kari"):
            await pilot.press("slash", *query, "enter")
            assert listing(app).ids == [cid], query
            await pilot.press("escape")


async def test_keys_on_an_empty_list_change_nothing(started: Start) -> None:
    async with started() as (app, pilot):
        await pilot.press("slash", *"zqx", "enter")
        assert listing(app).ids == []
        assert listing(app).current is None
        assert thread(app).conversation_id is None
        assert title(app) == "Conversations · needs reply (0) · filter: zqx"
        await pilot.press(*"estahr")
        await pilot.press("escape")
        assert isinstance(app.screen, InboxScreen)
        assert not app.screen.query_one(ReplyBox).display
        assert app.triager.store.states() == {}
        assert app.triager.store.replies() == []


async def test_keys_on_an_empty_list_say_why_nothing_happens(started: Start) -> None:
    async with started() as (app, pilot):
        await pilot.press("slash", *"zqx", "enter")
        assert listing(app).ids == []
        for key in "estahr":
            count = notice_count(app)
            await pilot.press(key)
            assert notice_count(app) == count + 1
            assert "the list is empty" in last_notice(app)


# Help, quit -------------------------------------------------------------------------------


def key_display(app: CommdashApp, binding: Binding) -> str:
    return ", ".join(
        app.get_key_display(Binding(key.strip(), binding.action)) for key in binding.key.split(",")
    )


async def test_help_lists_every_binding_of_the_inbox(started: Start) -> None:
    async with started() as (app, pilot):
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        # Every line of the help text (taller than the screen, so read from the Static).
        text = " " + " ".join(" ".join(shown(app.screen.query_one(Static))).split())
        assert "Snooze" in text
        listed = 0
        for binding in [*InboxScreen.BINDINGS, *app.BINDINGS]:
            assert isinstance(binding, Binding)
            if not binding.description:
                continue
            words = binding.tooltip or binding.description
            keys = key_display(app, binding)
            assert f" {keys} {words}" in text, f"{binding.key} ({binding.description})"
            listed += 1
        assert listed >= 18
        assert " / Filter the conversation list" in text
        assert " r Reply to the conversation" in text

        await pilot.press("escape")
        assert isinstance(app.screen, InboxScreen)
        assert app.focused is listing(app)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("question_mark")
        assert isinstance(app.screen, InboxScreen)


async def test_q_quits_but_not_while_typing(started: Start) -> None:
    async with started() as (app, pilot):
        await pilot.press("r", "q")
        assert app.is_running
        assert app.screen.query_one(ReplyBox).text == "q"
        await pilot.press("escape", "slash", "q")
        assert app.is_running
        assert app.screen.query_one("#filter", Input).value == "q"
        await pilot.press("escape", "q")
        await pilot.pause()
        assert not app.is_running
    assert app.return_code == 0


async def test_a_digit_in_the_snooze_menu_does_not_also_switch_the_view(started: Start) -> None:
    async with started() as (app, pilot):
        cid = listing(app).current
        await pilot.press("s", "3")
        await pilot.pause()
        assert app.triager.inbox.status(cid) == "snoozed"
        assert title(app).startswith("Conversations · needs reply")


async def test_r_on_a_queued_reply_edits_it_instead_of_answering_it(started: Start) -> None:
    async with started(notifications=True) as (app, pilot):
        cid = listing(app).current
        await pilot.press("r", *"On its way", "ctrl+s")
        await thread_to_queued_reply(pilot, app)
        await pilot.press("r")
        await pilot.pause()
        box = app.screen.query_one(ReplyBox)
        assert box.display and box.text == "On its way"
        await pilot.press("backspace", "backspace", "backspace", *"now", "ctrl+s")
        await pilot.pause()
        assert not box.display
        assert [r.text for r in app.triager.inbox.replies(cid)] == ["On its now"]
        assert [r.text for r in app.triager.store.replies()] == ["On its now"]


async def test_a_colleagues_done_does_not_move_an_open_reply_box(started: Start) -> None:
    async with started() as (_, p1), started() as (two, p2):
        cid = listing(two).current
        await p2.press("r", *"Hello")
        await p1.press("e")  # the colleague closes the same conversation meanwhile
        two.screen.sync_from_disk()
        await p2.pause()
        assert listing(two).current == cid
        assert thread(two).conversation_id == cid
        await p2.press("ctrl+s")
        await p2.pause()
        assert [r.conversation_id for r in two.triager.store.replies()] == [cid]
        assert listing(two).current == cid


@pytest.fixture
def search_in_background(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every inbox is searched in a worker thread, as a large one is."""
    monkeypatch.setattr(filter_bar, "SEARCH_IN_BACKGROUND_ABOVE", 0)


async def searched(app: CommdashApp, pilot: Pilot[None], *keys: str) -> None:
    """Type a filter (faster than the typing pause: one search), press ``keys``, and wait
    until every search has finished and its result is on screen."""
    await pilot.press("slash", *"order")
    await pilot.pause(0.15)  # the search has started
    await pilot.press(*keys)
    await app.workers.wait_for_complete()
    await pilot.pause()


@pytest.mark.usefixtures("search_in_background")
async def test_a_large_inbox_is_searched_in_the_background(started: Start) -> None:
    async with started() as (app, pilot):
        inbox = app.triager.inbox
        await searched(app, pilot)
        assert listing(app).ids == inbox.conversation_ids("needs-reply", None, "order")
        assert 0 < len(listing(app).ids) < len(inbox.conversation_ids("needs-reply"))
        assert title(app).endswith("· filter: order")
        await pilot.press("escape")
        assert listing(app).ids == inbox.conversation_ids("needs-reply")


@pytest.mark.usefixtures("search_in_background")
async def test_a_filter_cleared_while_searching_stays_cleared(started: Start) -> None:
    async with started() as (app, pilot):
        everything = app.triager.inbox.conversation_ids("needs-reply")
        await searched(app, pilot, "escape")
        assert listing(app).ids == everything
        assert "filter" not in title(app)
