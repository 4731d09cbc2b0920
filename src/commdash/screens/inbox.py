"""The main screen: post queue, conversation list, thread, gauges, triage keys."""

from __future__ import annotations

import os
import shlex
import subprocess
import tempfile
from pathlib import Path
from typing import ClassVar

from textual import events, on
from textual.app import ComposeResult, SuspendNotSupported
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Input, Static

from commdash.actions import Triager, snooze_choices
from commdash.errors import StateError
from commdash.inbox import VIEWS, View
from commdash.screens.choose import ChooseScreen
from commdash.screens.prompt import PromptScreen
from commdash.text import one_line
from commdash.widgets.conversation_list import ConversationList
from commdash.widgets.gauges import Gauges
from commdash.widgets.post_queue import PostQueue
from commdash.widgets.reply_box import ReplyBox
from commdash.widgets.status_bar import StatusBar
from commdash.widgets.thread_view import ThreadView

VIEW_KEYS: list[View] = ["needs-reply", "open", "snoozed", "done", "all"]
SYNC_SECONDS = 2.0
DRAFT_SAVE_SECONDS = 1.0


class InboxScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "reply", "Reply", tooltip="Reply to the conversation", id="triage.reply"),
        Binding(
            "e",
            "done",
            "Done",
            tooltip="Mark done (again: reopen) and go to the next",
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
        Binding("u", "undo", "Undo", tooltip="Undo the last action", id="triage.undo"),
        Binding(
            "slash", "filter", "Filter", tooltip="Filter the conversation list", id="inbox.filter"
        ),
        Binding(
            "enter",
            "open_thread",
            "Thread",
            show=False,
            tooltip="Read the thread of the conversation",
            id="inbox.thread",
        ),
        Binding(
            "1",
            "view('needs-reply')",
            "Needs reply",
            show=False,
            tooltip="View: conversations that need a reply",
            id="view.needs-reply",
        ),
        Binding(
            "2",
            "view('open')",
            "All open",
            show=False,
            tooltip="View: every open conversation",
            id="view.open",
        ),
        Binding(
            "3",
            "view('snoozed')",
            "Snoozed",
            show=False,
            tooltip="View: snoozed conversations",
            id="view.snoozed",
        ),
        Binding(
            "4",
            "view('done')",
            "Done",
            show=False,
            tooltip="View: conversations marked done",
            id="view.done",
        ),
        Binding(
            "5",
            "view('all')",
            "Everything",
            show=False,
            tooltip="View: every conversation",
            id="view.all",
        ),
        Binding("tab", "app.focus_next", "Next pane", show=False, id="pane.next"),
        Binding("shift+tab", "app.focus_previous", "Previous pane", show=False, id="pane.previous"),
    ]

    def __init__(self, triager: Triager, demo: bool) -> None:
        super().__init__()
        self.triager = triager
        self.inbox = triager.inbox
        self.demo = demo
        self.view: View = "needs-reply"
        self.query_text = ""
        self.drafts = triager.store.drafts()
        self.reply_box = ReplyBox(id="reply")
        self._draft_timer: Timer | None = None
        self.replying: tuple[str, str] | None = None
        """While the reply box is open: the conversation and the message it answers."""

    # Layout -------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield StatusBar(id="status")
        with Horizontal(id="body"):
            with Vertical(id="posts-pane"):
                yield Static("Posts", id="posts-title", classes="pane-title")
                yield PostQueue(self.inbox, id="posts")
            with Vertical(id="middle"):
                yield Static(id="list-title", classes="pane-title")
                yield Input(placeholder="filter: name, words, #tag, @assignee", id="filter")
                yield ConversationList(self.inbox, id="conversations")
                yield ThreadView(self.inbox, id="thread")
                yield self.reply_box
            yield Gauges(id="gauges")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#filter", Input).display = False
        self.reply_box.display = False
        self.refresh_all()
        self.query_one(ConversationList).focus()
        self.set_interval(SYNC_SECONDS, self.sync_from_disk)
        skipped = self.inbox.snapshot.skipped
        if skipped:
            more = f" (and {len(skipped) - 1} more)" if len(skipped) > 1 else ""
            self.notify(
                f"{one_line(skipped[0], 120)}{more}",
                title=f"{len(skipped)} items skipped or repaired while loading",
                severity="warning",
                timeout=8,
                markup=False,
            )

    # Reading the widgets ------------------------------------------------------------------

    @property
    def conversation_list(self) -> ConversationList:
        return self.query_one(ConversationList)

    @property
    def current(self) -> str | None:
        return self.conversation_list.current

    @property
    def post_id(self) -> str | None:
        return self.query_one(PostQueue).current

    # Refreshing ---------------------------------------------------------------------------

    def refresh_all(self, keep: str | None = None) -> None:
        """Recompute the list, the posts, the gauges and the header from the inbox."""
        listing = self.conversation_list
        keep = keep if keep is not None else listing.current
        ids = self.inbox.conversation_ids(self.view, self.post_id, self.query_text)
        listing.show(ids, keep)
        self.query_one(PostQueue).show(
            self.inbox.post_summaries(), self.inbox.figures().conversation.needs_reply
        )
        self._refresh_figures()
        self._refresh_title()
        self.query_one(ThreadView).show(listing.current)

    def _refresh_figures(self) -> None:
        now = self.inbox.clock.now()
        whole = self.inbox.figures()
        self.query_one(StatusBar).show(
            self.inbox.snapshot.source, whole.conversation, now, self.demo
        )
        post_id = self.post_id
        selection = whole if post_id is None else self.inbox.figures(post_id)
        scope = "All posts" if post_id is None else "This post"
        self.query_one(Gauges).show(selection, self.inbox.sla_seconds / 60, scope)

    def _refresh_title(self) -> None:
        count = self.conversation_list.row_count
        title = f"Conversations · {VIEWS[self.view]} ({count})"
        post_id = self.post_id
        if post_id is not None:
            post = self.inbox.posts[post_id]
            title += " · " + one_line(post.text or post.id, 30)
        if self.query_text:
            title += f" · filter: {one_line(self.query_text, 20)}"
        self.query_one("#list-title", Static).update(title)

    def sync_from_disk(self) -> None:
        """Another commdash may have changed this source's state: take its changes."""
        try:
            changed = self.triager.sync_from_disk()
        except StateError as exc:
            self.notify(str(exc), severity="error", markup=False)
            return
        if changed:
            self.drafts = self.triager.store.drafts()
            self.refresh_all()

    @on(PostQueue.Highlighted)
    def _post_changed(self) -> None:
        self.refresh_all()

    @on(ConversationList.Highlighted)
    def _conversation_changed(self) -> None:
        if self.replying is not None and self.replying[0] != self.current:
            self._close_reply_box()
        self.query_one(ThreadView).show(self.current)

    # Actions ------------------------------------------------------------------------------

    def _act(self, action: str) -> bool:
        """Common guard: a conversation must be highlighted."""
        if self.current is None:
            self.notify(f"Nothing to {action}: the list is empty.", severity="warning")
            return False
        return True

    def _advance(self, cid: str) -> None:
        """After an action: stay on the same row, which now shows the next conversation if
        this one left the view."""
        self.refresh_all(keep=cid)

    def action_done(self) -> None:
        cid = self.current
        if cid is None or not self._act("mark done"):
            return
        index = self.conversation_list.cursor
        try:
            done = self.triager.toggle_done(cid)
        except StateError as exc:
            self.notify(str(exc), severity="error", markup=False)
            return
        self.refresh_all(keep=cid)
        if done and self.current == cid:
            self.conversation_list.cursor = index + 1
        self.notify("Done · u undoes" if done else "Reopened", timeout=2)

    def action_snooze(self) -> None:
        cid = self.current
        if cid is None or not self._act("snooze"):
            return

        def chosen(until: float | None) -> None:
            if until is None:
                return
            try:
                self.triager.snooze(cid, until)
            except StateError as exc:
                self.notify(str(exc), severity="error", markup=False)
                return
            self._advance(cid)
            self.notify("Snoozed · u undoes", timeout=2)

        choices = snooze_choices(self.inbox.clock.now())
        self.app.push_screen(ChooseScreen("Snooze until…", choices), chosen)

    def action_tag(self) -> None:
        cid = self.current
        if cid is None or not self._act("tag"):
            return
        known = sorted({t for c in self.inbox.conversations for t in self.inbox.state(c).tags})

        def entered(text: str | None) -> None:
            if text is None:
                return
            try:
                self.triager.set_tags(cid, text)
            except StateError as exc:
                self.notify(str(exc), severity="error", markup=False)
                return
            self._advance(cid)

        current = " ".join(self.inbox.state(cid).tags)
        hint = (
            "Separate tags with spaces or commas; empty removes all. enter saves, escape cancels."
        )
        self.app.push_screen(PromptScreen("Tags", current, hint, known), entered)

    def action_assign(self) -> None:
        cid = self.current
        if cid is None or not self._act("assign"):
            return
        known = sorted({a for c in self.inbox.conversations if (a := self.inbox.state(c).assignee)})

        def entered(text: str | None) -> None:
            if text is None:
                return
            try:
                self.triager.assign(cid, text)
            except StateError as exc:
                self.notify(str(exc), severity="error", markup=False)
                return
            self._advance(cid)

        current = self.inbox.state(cid).assignee or ""
        hint = "A teammate's name; empty unassigns. enter saves, escape cancels."
        self.app.push_screen(PromptScreen("Assign to", current, hint, known), entered)

    def action_hide(self) -> None:
        cid = self.current
        if cid is None or not self._act("hide"):
            return
        thread = self.query_one(ThreadView)
        message_id = thread.current_message_id if thread.has_focus else None
        message_id = message_id or self.inbox.conversations[cid].root.id
        try:
            hidden = self.triager.toggle_hidden(cid, message_id)
        except StateError as exc:
            self.notify(str(exc), severity="error", markup=False)
            return
        self._advance(cid)
        self.notify("Comment hidden · u undoes" if hidden else "Comment shown again", timeout=2)

    def action_undo(self) -> None:
        try:
            entry = self.triager.undo()
        except StateError as exc:
            self.notify(str(exc), severity="error", markup=False)
            return
        if entry is None:
            self.notify("Nothing to undo.", timeout=2)
            return
        self.refresh_all(keep=entry.conversation_id)
        self.notify(f"Undone: {entry.action}", timeout=2)

    def action_view(self, view: str) -> None:
        if view in VIEWS:
            self.view = view
            self.refresh_all()
            self.conversation_list.focus()

    def action_open_thread(self) -> None:
        if self.focused is self.query_one(PostQueue):
            self.conversation_list.focus()
        elif self.current is not None:
            self.query_one(ThreadView).focus()

    # Filter -------------------------------------------------------------------------------

    def action_filter(self) -> None:
        box = self.query_one("#filter", Input)
        box.display = True
        box.value = self.query_text
        box.focus()

    @on(Input.Changed, "#filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self.query_text = event.value
        self.refresh_all()

    @on(Input.Submitted, "#filter")
    def _filter_submitted(self) -> None:
        box = self.query_one("#filter", Input)
        box.display = bool(self.query_text)
        self.conversation_list.focus()

    def on_key(self, event: events.Key) -> None:
        if event.key != "escape":
            return
        box = self.query_one("#filter", Input)
        if box.has_focus:
            event.stop()
            box.value = ""
            self.query_text = ""
            box.display = False
            self.refresh_all()
            self.conversation_list.focus()
        elif self.query_one(ThreadView).has_focus:
            event.stop()
            self.conversation_list.focus()

    # Reply --------------------------------------------------------------------------------

    def action_reply(self) -> None:
        cid = self.current
        if cid is None or not self._act("reply to"):
            return
        message_id, author = self._reply_target(cid)
        self.replying = (cid, message_id)
        box = self.reply_box
        box.border_title = f"Reply to {one_line(author, 40)}"
        box.border_subtitle = "ctrl+s queue · escape keep draft · ctrl+e $EDITOR"
        box.text = self.drafts.get(cid, "")
        box.display = True
        box.focus()
        box.move_cursor(box.document.end)

    def _reply_target(self, cid: str) -> tuple[str, str]:
        """The message a reply answers (the one highlighted in the thread, else the latest
        member message) and its author's name."""
        conversation = self.inbox.conversations[cid]
        thread = self.query_one(ThreadView)
        chosen = thread.current_message_id if thread.conversation_id == cid else None
        if chosen is None or chosen == conversation.root.id:
            members = [m for m in conversation.messages if not m.ours]
            latest = max(members, key=lambda m: m.created_at, default=conversation.root)
            chosen = latest.id
        message = next(m for m in conversation.messages if m.id == chosen)
        return message.id, message.author.name

    @on(ReplyBox.Queued)
    def _reply_queued(self, event: ReplyBox.Queued) -> None:
        if self.replying is None:
            return
        if not event.text.strip():
            self.notify("The reply is empty.", severity="warning", timeout=2)
            return
        cid, in_reply_to = self.replying
        try:
            self.triager.reply(cid, in_reply_to, event.text)
        except StateError as exc:
            self.notify(str(exc), severity="error", markup=False)
            return
        self.drafts.pop(cid, None)
        self.replying = None
        event.box.text = ""
        event.box.display = False
        self.refresh_all(keep=cid)
        self.conversation_list.focus()
        self.notify("Reply queued · u undoes", timeout=2)

    @on(ReplyBox.Closed)
    def _reply_closed(self) -> None:
        self._close_reply_box()
        self.conversation_list.focus()

    def _close_reply_box(self) -> None:
        """Hide the reply box, keeping what was typed as the conversation's draft."""
        box = self.reply_box
        replying = self.replying
        self._keep_draft()
        self.replying = None
        box.display = False
        if replying is not None and box.text.strip():
            self.notify("Draft kept", timeout=2)

    def _keep_draft(self) -> None:
        """Save the reply box's text as its conversation's draft, if it changed."""
        if self.replying is None:
            return
        cid, text = self.replying[0], self.reply_box.text
        if text == self.drafts.get(cid, ""):
            return
        try:
            self.triager.save_draft(cid, text)
        except StateError as exc:
            self.notify(str(exc), severity="error", markup=False)
            return
        if text.strip():
            self.drafts[cid] = text
        else:
            self.drafts.pop(cid, None)

    @on(ReplyBox.Changed)
    def _reply_typed(self) -> None:
        """Drafts reach the disk while typing (a crash loses at most a second or two)."""
        if self._draft_timer is not None:
            self._draft_timer.stop()
        self._draft_timer = self.set_timer(DRAFT_SAVE_SECONDS, self._keep_draft)

    def on_unmount(self) -> None:
        self._keep_draft()

    @on(ReplyBox.EditorRequested)
    def _edit_externally(self, event: ReplyBox.EditorRequested) -> None:
        editor = os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"
        with tempfile.TemporaryDirectory(prefix="commdash-") as folder:
            path = Path(folder) / "reply.txt"
            path.write_text(event.box.text + "\n" if event.box.text else "", encoding="utf-8")
            try:
                with self.app.suspend():
                    subprocess.run([*shlex.split(editor), str(path)], check=False)
            except (OSError, ValueError, SuspendNotSupported) as exc:
                self.notify(f"Could not run {editor!r}: {exc}", severity="error", markup=False)
                return
            event.box.text = path.read_text(encoding="utf-8", errors="replace").rstrip("\n")
        event.box.focus()
