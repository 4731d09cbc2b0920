"""Writing a reply: the reply box under the thread, the drafts of every conversation (on disk
while the manager types), editing a reply of the outbox, and handing the text to ``$EDITOR``.

Its keys (``ctrl+s``, ``escape``, ``ctrl+e``) are screen actions, run at once: they call
:meth:`queue`, :meth:`close` or :meth:`edit_externally`, and the screen moves the focus back
where the manager was, so the keys typed after ``ctrl+s`` find the reply queued and the box
closed. The box's text comes from nowhere but the manager (and the editor they called) while
it is open.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult, SuspendNotSupported
from textual.content import Content
from textual.timer import Timer
from textual.widget import Widget

from commdash import editor
from commdash.actions import Triager
from commdash.text import one_line
from commdash.ui.widgets.notices import Severity, attempt, say
from commdash.ui.widgets.reply_box import ReplyBox

DRAFT_SAVE_SECONDS = 1.0
"""A crash loses at most this much of what was typed."""


class ReplyComposer(Widget):
    """Under the thread; its box is hidden while no reply is being written."""

    DEFAULT_CSS = """
    ReplyComposer { height: auto; }
    """

    def __init__(self, triager: Triager, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.triager = triager
        self.box = ReplyBox(id="reply")
        self.drafts = triager.store.drafts()
        """Every conversation's draft, as on disk."""
        self.replying: tuple[str, str] | None = None
        """While the box is open: the conversation and the message the reply answers."""
        self.editing: str | None = None
        """While the box edits a reply of the outbox: its id."""
        self._edited_from = ""
        """The text of that reply when the box opened on it."""
        self._draft_timer: Timer | None = None

    def compose(self) -> ComposeResult:
        yield self.box

    def on_mount(self) -> None:
        self.box.display = False

    @property
    def conversation_id(self) -> str | None:
        """The conversation the open box replies to; None while it is closed."""
        return None if self.replying is None else self.replying[0]

    def reload_drafts(self) -> None:
        """Take the drafts from disk again (another commdash, or undo, may have changed them);
        the open box keeps its text."""
        self.drafts = self.triager.store.drafts()

    # Opening ------------------------------------------------------------------------------

    def reply(self, cid: str, message_id: str, author: str) -> None:
        """Open the box on the conversation's draft, to answer ``message_id``."""
        self.editing = None
        title = f"Reply to {one_line(author, 40)}"
        self._open(cid, message_id, title, self.drafts.get(cid, ""))

    def edit(self, cid: str, reply_id: str) -> bool:
        """Open the box on a reply of the outbox not sent yet; False after saying why not."""
        reply = next((r for r in self.triager.inbox.replies(cid) if r.id == reply_id), None)
        if reply is None or not reply.editable:
            why = "may already be on the platform" if reply and reply.may_be_posted else "is sent"
            say(self, f"That reply {why}: it cannot be edited now.", "warning")
            return False
        self.editing = reply_id
        self._edited_from = reply.text
        self._open(cid, reply.in_reply_to, "Edit your reply", reply.text)
        return True

    def _open(self, cid: str, message_id: str, title: str, text: str) -> None:
        """Open the box on ``text``: the one moment its text comes from anywhere but the
        manager (and the editor they called), so nothing typed is ever overwritten."""
        self.replying = (cid, message_id)
        box = self.box
        box.border_title = Content(title)
        keep = "esc keep draft" if self.editing is None else "esc keep edit as draft"
        box.border_subtitle = Content(f"ctrl+s queue · {keep} · ctrl+e editor")
        box.text = text
        box.move_cursor(box.document.end)
        box.display = True

    # Closing ------------------------------------------------------------------------------

    def queue(self) -> str | None:
        """Queue the reply (or the reply of the outbox being edited, with the new text) and
        close the box; the conversation's id, or None when nothing was queued (after saying
        why)."""
        if self.replying is None:
            return None
        text = self.box.text
        if not text.strip():
            say(self, "The reply is empty.", "warning")
            return None
        cid, in_reply_to = self.replying
        editing = self.editing
        notice = f"Reply to {self._author_of(cid, in_reply_to)} queued · e marks done · u undoes"
        severity: Severity = "information"
        if editing is not None:
            ok, edited = attempt(self, lambda: self.triager.edit_reply(editing, text))
            if not ok:
                return None
            notice = "Reply queued again with your edit"
            if edited is None:
                self._save_draft(cid, text)
                notice = "That reply went out meanwhile: your edit is kept as a draft."
                severity = "warning"
        elif attempt(self, lambda: self.triager.reply(cid, in_reply_to, text))[0]:
            self.drafts.pop(cid, None)
        else:
            return None
        self.replying = self.editing = None
        self.box.text = ""
        self.box.display = False
        say(self, notice, severity)
        return cid

    def close(self, quiet: bool = False) -> bool:
        """Hide the box, keeping what was typed as the conversation's draft (an edit of a
        reply of the outbox too, if it changed anything: the reply stays as it was); whether
        a draft was kept. ``quiet``: the caller tells the manager why, and of the draft."""
        if self.replying is None:
            return False
        cid, text = self.replying[0], self.box.text
        kept = False
        if self.editing is None:
            self.keep_draft()
            kept = bool(text.strip())
            if kept and not quiet:
                say(self, "Draft kept")
        elif text.strip() and text != self._edited_from and self._save_draft(cid, text):
            kept = True
            if not quiet:
                say(self, "Your edit is kept as a draft; the reply in the outbox is unchanged.")
        self.replying = self.editing = None
        self.box.display = False
        return kept

    def _author_of(self, cid: str, message_id: str) -> str:
        """Who wrote that message of the conversation."""
        message = self.triager.inbox.conversations[cid].message(message_id)
        return one_line(message.author.name, 30) if message is not None else "them"

    # Drafts -------------------------------------------------------------------------------

    def keep_draft(self) -> None:
        """Save the box's text as its conversation's draft, if it changed (an edit of a reply
        of the outbox is kept only when the box closes: see :meth:`close`)."""
        if self.replying is None or self.editing is not None:
            return
        cid, text = self.replying[0], self.box.text
        if text != self.drafts.get(cid, ""):
            self._save_draft(cid, text)

    def _save_draft(self, cid: str, text: str) -> bool:
        """Write the draft (an empty one deletes it); False after showing a disk error."""
        if not attempt(self, lambda: self.triager.save_draft(cid, text))[0]:
            return False
        if text.strip():
            self.drafts[cid] = text
        else:
            self.drafts.pop(cid, None)
        return True

    @on(ReplyBox.Changed)
    def _typed(self) -> None:
        """Drafts reach the disk while typing (a crash loses at most a second or two)."""
        if self._draft_timer is not None:
            self._draft_timer.stop()
        self._draft_timer = self.set_timer(DRAFT_SAVE_SECONDS, self.keep_draft)

    def on_unmount(self) -> None:
        self.keep_draft()

    def edit_externally(self) -> None:
        """Edit the box's text in $VISUAL or $EDITOR."""
        if self.replying is None:
            return
        box = self.box
        try:
            with self.app.suspend():
                text, error = editor.edit(box.text)
        except SuspendNotSupported:
            text, error = None, "this terminal cannot hand over to an editor"
        if error is not None:
            say(self, error, "error", 8)
        elif text is not None:
            box.text = text
            box.move_cursor(box.document.end)
