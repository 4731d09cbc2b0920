"""The inbox screen's keys: each binding with a stable id, which the config file's ``[keys]``
remaps, and a tooltip, from which the help, the command palette and the key bar are made."""

from __future__ import annotations

from textual.binding import Binding, BindingType

from commdash.inbox import View


def _view(key: str, view: View, title: str, tooltip: str) -> Binding:
    return Binding(key, f"view('{view}')", title, show=False, tooltip=tooltip, id=f"view.{view}")


INBOX_BINDINGS: list[BindingType] = [
    Binding("r", "reply", "Reply", tooltip="Reply to the conversation", id="triage.reply"),
    Binding(
        "e",
        "done",
        "Done",
        tooltip="Mark done (again: reopen), go to the next",
        id="triage.done",
    ),
    Binding("s", "snooze", "Snooze", tooltip="Snooze until later", id="triage.snooze"),
    Binding("t", "tag", "Tag", tooltip="Set the conversation's tags", id="triage.tag"),
    Binding("a", "assign", "Assign", tooltip="Assign to a teammate", id="triage.assign"),
    Binding(
        "h",
        "hide",
        "Hide",
        show=False,
        tooltip="Hide or unhide the highlighted comment",
        id="triage.hide",
    ),
    Binding("u", "undo", "Undo", tooltip="Undo your last action", id="triage.undo"),
    Binding(
        "R",
        "retry_reply",
        "Retry",
        show=False,
        tooltip="Send the highlighted failed reply again; after a refused token, read it again",
        id="outbox.retry",
    ),
    Binding(
        "x",
        "discard_reply",
        "Discard",
        show=False,
        tooltip="Discard the highlighted reply that is not sent",
        id="outbox.discard",
    ),
    Binding(
        "ctrl+r,dollar_sign",
        "sync_now",
        "Sync",
        show=False,
        tooltip="Fetch what is new from a live source now (a refused token is read again)",
        id="inbox.sync",
    ),
    Binding("slash", "filter", "Filter", tooltip="Filter the conversation list", id="inbox.filter"),
    Binding(
        "enter",
        "open_thread",
        "Open",
        show=False,
        tooltip="Posts: go to the conversations; conversations: read the thread",
        id="inbox.open",
    ),
    Binding(
        "escape",
        "back",
        "Back",
        show=False,
        tooltip="Leave the thread, or clear the filter",
        id="inbox.back",
    ),
    Binding(
        "p",
        "show_post",
        "Post",
        show=False,
        tooltip="The highlighted conversation's post in full (in the posts pane: that post)",
        id="inbox.post",
    ),
    Binding(
        "y",
        "copy_link",
        "Copy link",
        show=False,
        tooltip="Copy the message's link (else its text) to your clipboard, through the terminal",
        id="inbox.copy-link",
    ),
    Binding(
        "Y",
        "copy_text",
        "Copy text",
        show=False,
        tooltip="Copy the message's text to your clipboard, through the terminal",
        id="inbox.copy-text",
    ),
    Binding(
        "o",
        "open_link",
        "Open link",
        show=False,
        tooltip="Open the message's link (else its post's) in your browser, or show it",
        id="inbox.open-link",
    ),
    Binding(
        "i",
        "toggle_gauges",
        "Gauges",
        show=False,
        tooltip="Show or hide the engagement gauges (below 110 columns: in the thread's place)",
        id="inbox.gauges",
    ),
    Binding(
        "L",
        "load_report",
        "Load report",
        show=False,
        tooltip="What was skipped or repaired while loading",
        id="inbox.load-report",
    ),
    _view("1", "needs-reply", "Needs reply", "View: conversations that need a reply"),
    _view("2", "open", "All open", "View: every open conversation"),
    _view("3", "snoozed", "Snoozed", "View: snoozed conversations"),
    _view("4", "done", "Done", "View: conversations marked done"),
    _view("5", "all", "Everything", "View: every conversation"),
    Binding("tab", "app.focus_next", "Next pane", show=False, id="pane.next"),
    Binding("shift+tab", "app.focus_previous", "Previous pane", show=False, id="pane.previous"),
]
