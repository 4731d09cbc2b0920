"""Text entries whose keys act in the order typed: the reply box, the filter, the prompts.

Textual types a character in a text widget as soon as the widget gets it, but runs a key with
a binding (backspace, the arrows, enter, ctrl+s) only once the key has bubbled back up to the
app. Keys come in bursts whenever the app is busy (a sync, a redraw) or a slow link batches
them, and then "ab⌫c" came out as "abc" minus its last letter, and what was typed after enter
or ctrl+s went into the entry being closed. Here a bound key runs its action in its place
among the typed ones, and the actions that close an entry (``screen.*``) do so at once.
"""

from __future__ import annotations

from typing import ClassVar

from textual import events
from textual.binding import Binding, BindingType
from textual.widget import Widget
from textual.widgets import Input


async def act_in_order(entry: Widget, event: events.Key, typed: frozenset[str]) -> None:
    """Called first from the ``on_key`` of a text widget, before the widget types the key.

    ``typed``: keys with no character that the widget types itself (enter in a TextArea)."""
    if entry.app.focused is not entry:  # has_focus would follow only a turn later
        # Sent here before the focus moved on (an earlier key closed the entry): not typed
        # here; the app sends it on to the widget focused now.
        event.prevent_default()
        return
    if event.is_printable or event.key in typed:
        return  # the widget types it
    active = entry.screen.active_bindings.get(event.key)
    if active is not None and active.enabled:
        event.stop()
        event.prevent_default()
        await entry.app.run_action(active.binding.action, active.node)


class EntryInput(Input):
    """A one-line input; enter asks its screen to take the value (``submit_entry``) at
    once, so the next key already acts on what comes after."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "screen.submit_entry", "Enter", show=False, id="entry.submit")
    ]

    async def on_key(self, event: events.Key) -> None:
        await act_in_order(self, event, frozenset())
