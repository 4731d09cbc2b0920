"""A state directory written by someone else: what the app shows from it is clean."""

from __future__ import annotations

import re
import zlib
from pathlib import Path

import orjson
from _screen import AppFactory, Start, listing, shown, thread
from textual.widgets import Input

from commdash.outbox import Reply
from commdash.store import SHARDS
from commdash.ui.screens.prompt import PromptScreen

HOSTILE = "\x1b]52;c;cm0gLXJmIH4=\x07\x1b]0;pwned\x07\x1b[2J\x9b6n\x85\u202e"
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def write_json(path: Path, document: object) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(orjson.dumps(document))


async def test_a_hostile_queued_reply_and_tag_are_shown_clean(
    started: Start, make_app: AppFactory
) -> None:
    first = make_app()  # the demo: learn where its state lives and pick a conversation
    directory = first.triager.store.directory
    cid, conversation = next(iter(first.triager.inbox.conversations.items()))
    now = first.triager.clock.now()
    reply = Reply(f"r{HOSTILE}", cid, conversation.root.id, f"Thanks{HOSTILE} Dana", now)
    write_json(directory / "outbox.json", {"replies": {"1": reply.to_dict()}})
    number = zlib.crc32(cid.encode("utf-8", "surrogatepass")) % SHARDS
    state = {"tags": [f"vip{HOSTILE}", "ok"], "assignee": f"Kari{HOSTILE}"}
    write_json(
        directory / "states" / f"{number:02x}.json",
        {"conversations": {"1": {"id": cid, "state": state}}},
    )

    async with started() as (app, pilot):
        await pilot.press("5")  # everything: a conversation with a queued reply is answered
        listing(app).cursor = listing(app).ids.index(cid)
        await pilot.pause()
        assert thread(app).conversation_id == cid
        text = "\n".join(shown(thread(app)))
        assert "Thanks Dana" in text  # the sequences removed whole, the rest kept
        assert CONTROL.search(text) is None, repr(text)
        assert "52;c;" not in text and "pwned" not in text

        await pilot.press("t")
        assert isinstance(app.screen, PromptScreen)
        value = app.screen.query_one(Input).value
        assert value == "vip ok "
        await pilot.press("escape")

        await pilot.press("a")
        assert isinstance(app.screen, PromptScreen)
        assert app.screen.query_one(Input).value == "Kari"


async def test_an_outbox_item_that_cannot_be_read_is_told_at_start(
    started: Start, make_app: AppFactory
) -> None:
    first = make_app()
    outbox = first.triager.store.directory / "outbox.json"
    write_json(outbox, {"replies": {"3": {"id": "r3", "text": None}}})
    async with started() as (app, _):
        told = [n.message for n in app._notifications if n.title == "Outbox"]
        assert told == [
            f"{outbox}: item 3 cannot be read (an id, a target, a text or a time is missing "
            "or mistyped): kept in the file, never sent"
        ]
