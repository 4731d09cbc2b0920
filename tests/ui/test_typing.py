"""What the manager types is never lost, reordered or applied elsewhere: keys arrive in bursts
when the app is busy (a sync, a redraw, a slow SSH link), and each must act as if the ones
before it had already been handled."""

from __future__ import annotations

from _screen import SIZE, AppFactory, burst, listing, thread

from commdash.app import CommdashApp
from commdash.widgets.reply_box import ReplyBox


def box(app: CommdashApp) -> ReplyBox:
    return app.screen.query_one(ReplyBox)


async def test_enter_then_g_at_once_moves_in_the_thread_not_the_list(
    make_app: AppFactory,
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
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


async def test_the_reply_box_keeps_its_text_when_reply_is_asked_again(
    make_app: AppFactory,
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("r", *"Half", "escape")  # a draft on disk: "Half"
        await pilot.press("r", *" written")
        await app.screen.run_action("reply")  # e.g. from the command palette
        await pilot.pause()
        assert box(app).text == "Half written"
        assert app.focused is box(app)
