"""The thread's cursor: it stays on the same message or reply (by id) whatever changes around
it, is in view when the thread is entered, and is where the manager left it after a reply."""

from __future__ import annotations

from pathlib import Path

from _exports import write_export
from _screen import AppFactory, Start, listing, shown, thread, thread_to_reply

from commdash import triage
from commdash.store import Store
from commdash.ui.widgets.thread_view import ThreadView


async def test_a_colleagues_change_leaves_the_cursor_on_the_same_reply(started: Start) -> None:
    async with started() as (app, pilot):
        other = listing(app).ids[1]
        await pilot.press("r", *"One", "ctrl+s", "r", *"Two", "ctrl+s")
        first, second = app.triager.store.replies()
        assert (first.text, second.text) == ("One", "Two")
        await thread_to_reply(pilot, app, second.id)

        colleague = Store(app.triager.store.directory, manager="kari@desk")
        colleague.apply(other, "tag", lambda s: triage.edit_tags(s, ["billing"], []), 0.0)
        app.screen.sync_from_disk()
        await pilot.pause()
        assert app.triager.inbox.state(other).tags == ("billing",)  # the change arrived
        assert thread(app).current_reply_id == second.id

        await pilot.press("x")
        assert [r.text for r in app.triager.store.replies()] == ["One"]
        # The discarded reply is gone: the cursor is on the message it answered, not on "One".
        assert thread(app).current_reply_id is None
        assert thread(app).current_message_id == second.in_reply_to


async def test_entering_the_thread_shows_the_highlighted_message(started: Start) -> None:
    async with started(size=(80, 24)) as (app, pilot):
        conversations = app.triager.inbox.conversations
        longest = max(listing(app).ids, key=lambda c: len(conversations[c].messages))
        await pilot.press(*["j"] * listing(app).ids.index(longest))
        await pilot.press("enter", "G")
        view = thread(app)
        assert any(line.startswith("▌") for line in shown(view))
        await pilot.press("escape")
        view.scroll_home(animate=False, immediate=True)  # as the mouse wheel does
        assert view.scroll_offset.y == 0  # back to the top, the cursor far below
        await pilot.press("enter")
        assert view.current_message_id == conversations[longest].messages[-1].id
        assert any(line.startswith("▌") for line in shown(view))


async def test_after_a_reply_the_focus_is_back_on_the_same_row(started: Start) -> None:
    async with started() as (app, pilot):
        inbox = app.triager.inbox
        cid = next(c for c in listing(app).ids if len(inbox.conversations[c].messages) >= 3)
        await pilot.press(*["j"] * listing(app).ids.index(cid))
        second = inbox.conversations[cid].messages[1]
        await pilot.press("enter", "j", "r", *"Noted", "ctrl+s")
        assert app.focused is thread(app)
        assert thread(app).current_message_id == second.id
        await pilot.press("escape", "r", *"Also", "ctrl+s")
        assert app.focused is listing(app)
        assert listing(app).current == cid


async def test_a_thread_with_a_scrollbar_is_wrapped_to_the_width_left(
    started: Start, make_app: AppFactory, tmp_path: Path
) -> None:
    words = [f"w{n:03}" for n in range(400)]
    source = one_thread(tmp_path / "long.json", "A manual?", " ".join(words), "Thanks, found it")
    async with started(make_app(source), size=(80, 24)) as (app, pilot):
        view = thread(app)
        assert view.show_vertical_scrollbar
        await pilot.press("enter", "j")
        drawn = {word for line in shown(view) for word in line.split() if word.startswith("w")}
        assert len(drawn) > 50
        assert drawn <= set(words)  # no word cut at the right edge ("w12" for "w127")


def one_thread(path: Path, *texts: str) -> Path:
    """An export with one conversation: a question (c0) and its answers (c1, c2, …)."""
    comments = [
        {
            "id": f"c{n}",
            "parent_id": None if n == 0 else "c0",
            "author": {"id": f"u{n}", "name": f"Member {n}"},
            "created_at": f"2026-11-24T09:{n:02}:00Z",
            "text": text,
        }
        for n, text in enumerate(texts)
    ]
    return write_export(path, comments, "2026-11-25T08:00:00Z")


def marked(view: ThreadView) -> list[str]:
    """The lines of the highlighted message that are on screen."""
    return [line for line in shown(view) if line.startswith("▌")]


async def test_paging_the_thread_moves_its_cursor_as_in_the_lists(
    started: Start, make_app: AppFactory, tmp_path: Path
) -> None:
    """PgDn/space/PgUp move the highlight a page, so r, h and x act on a message on screen."""
    texts = [f"Answer {n}" for n in range(1, 30)]
    source = one_thread(tmp_path / "thread.json", "Any news?", *texts)
    async with started(make_app(source), size=(80, 24)) as (app, pilot):
        await pilot.press("enter")
        view = thread(app)
        assert view.virtual_size.height > 3 * view.scrollable_content_region.height
        visited = [view.current_message_id]
        for key in ["pagedown", "space", "ctrl+f", "pageup", "ctrl+b", "G", "pageup"]:
            await pilot.press(key)
            assert marked(view), f"after {key} the highlighted message is off screen"
            visited.append(view.current_message_id)
        assert visited[1] != "c0"  # paging down moved the cursor …
        assert visited[4] != visited[3]  # … and so did paging up
        assert visited[-1] != f"c{len(texts)}"
        await pilot.press("r", *"Seen", "ctrl+s")
        (reply,) = app.triager.store.replies()
        assert reply.in_reply_to == visited[-1]  # the message that was highlighted on screen


async def test_a_message_taller_than_the_pane_is_read_a_page_at_a_time(
    started: Start, make_app: AppFactory, tmp_path: Path
) -> None:
    words = [f"w{n:03}" for n in range(500)]
    source = one_thread(tmp_path / "long.json", "A manual?", " ".join(words), "Thanks, found it")
    async with started(make_app(source), size=(80, 24)) as (app, pilot):
        await pilot.press("enter")
        view = thread(app)
        seen: set[str] = set()
        for _ in range(40):
            if view.current_message_id == "c2":
                break
            await pilot.press("space")
            assert marked(view)
            seen.update(word for line in shown(view) for word in line.split())
        assert view.current_message_id == "c2"
        assert set(words) <= seen  # every line of the long one was on screen, in turn
        await pilot.press("pageup")
        assert view.current_message_id == "c1"
        assert marked(view)


async def test_the_lists_still_page_by_a_screenful(started: Start) -> None:
    async with started(size=(80, 24)) as (app, pilot):
        conversations = listing(app)
        page = conversations.scrollable_content_region.height - 1
        assert conversations.row_count > 3 * page
        await pilot.press("pagedown")
        assert conversations.cursor == page
        await pilot.press("pagedown", "pagedown", "pageup")
        assert conversations.cursor == 2 * page
        await pilot.press("G", "pageup")
        assert conversations.cursor == conversations.row_count - 1 - page
        await pilot.press("g", "pageup")
        assert conversations.cursor == 0
