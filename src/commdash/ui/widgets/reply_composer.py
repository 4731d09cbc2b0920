"""Writing a reply: the reply box under the thread, the drafts of every conversation (on disk
while the manager types), editing a reply of the outbox, and handing the text to ``$EDITOR``.

Its keys (``ctrl+s``, ``escape``, ``ctrl+e``) are screen actions, run at once: they call
:meth:`queue`, :meth:`close` or :meth:`edit_externally`, and the screen moves the focus back
where the manager was, so the keys typed after ``ctrl+s`` find the reply queued and the box
closed. The box's text comes from nowhere but the manager (and the editor they called) while
it is open.

The box's subtitle counts the reply as the platform counts it against its limit
(:mod:`commdash.replying`), and names its keys as they are in effect.

While the box is open, the other managers see this one writing there (:class:`Announcer`);
what the manager had seen of the conversation's answers when it opened is kept, so that
queueing can first tell of a colleague's answer that came since (:meth:`answered_since`).
"""

from __future__ import annotations

from rich.cells import cell_len
from textual import on
from textual.app import ComposeResult, SuspendNotSupported
from textual.content import Content
from textual.timer import Timer
from textual.widget import Widget

from commdash import editor
from commdash.actions import Triager, filled_with
from commdash.double_reply import Answer, Seen
from commdash.replying import lands_under, queued_text, reply_limit
from commdash.saved_replies import (
    SavedReply,
    checked,
    escape_braces,
    from_reply_box,
    name_key,
)
from commdash.text import one_line
from commdash.ui.screens.prompt import PromptScreen
from commdash.ui.screens.saved_reply_picker import SavedReplyPicker, saved_replies_or_say
from commdash.ui.widgets.notices import Severity, attempt, key_name, key_namer, say
from commdash.ui.widgets.presence_watch import Announcer
from commdash.ui.widgets.reply_box import ReplyBox

DRAFT_SAVE_SECONDS = 1.0
"""A crash loses at most this much of what was typed."""
NEAR_LIMIT = 0.9
"""From this share of the limit on, the counter says how much is left, in the warning colour."""
BORDER_CELLS = 4
"""What the box's border keeps of its width from its subtitle: the corners, a space each."""
SEPARATOR = " · "


def fitted(items: list[str], room: int) -> str:
    """As many of ``items`` as fit in ``room`` cells, in order, joined by the separator: the
    last are left out whole (the key bar's way), so none is ever cut mid-word."""
    kept: list[str] = []
    for item in items:
        if cell_len(SEPARATOR.join([*kept, item])) > room:
            break
        kept.append(item)
    return SEPARATOR.join(kept)


def _between(parts: list[str | tuple[str, str]], separator: str) -> list[str | tuple[str, str]]:
    joined: list[str | tuple[str, str]] = []
    for part in parts:
        joined += [separator, part] if joined else [part]
    return joined


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
        self._values: tuple[tuple[str, str], dict[str, str]] | None = None
        """The variables' values of the reply being written, by what it answers."""
        """While the box is open: the conversation and the message the reply answers."""
        self.editing: str | None = None
        """While the box edits a reply of the outbox: its id."""
        self._edited_from = ""
        """The text of that reply when the box opened on it."""
        self._prefill = ""
        """What the box opened with that the manager did not type (the name of the person
        answered, where the platform puts the reply elsewhere): alone, it is no reply."""
        self._draft_timer: Timer | None = None
        self.seen: Seen | None = None
        """While the box is open: what the manager had seen of the conversation's answers."""
        self.announcer = Announcer(lambda: self.triager.store.presence)

    def compose(self) -> ComposeResult:
        yield self.box
        yield self.announcer

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

    def reply(self, cid: str, message_id: str, picked: bool) -> None:
        """Open the box on the conversation's draft, to answer ``message_id``. Where the
        platform puts the reply under another comment (Facebook: a reply to a reply goes
        under the top-level comment), the title says so; and when the manager ``picked``
        the message in the thread (rather than answering the conversation from the list), a
        new reply starts with the name of the person answered, as Facebook's own box does,
        so that the thread shows whom it answers."""
        self.editing = None
        conversation = self.triager.inbox.conversations[cid]
        answered = conversation.message(message_id) or conversation.root
        title = f"Reply to {one_line(answered.author.name, 40)}"
        text = self.drafts.get(cid, "")
        prefill = ""
        under = lands_under(self.triager.inbox.snapshot.source.platform, conversation, answered)
        if under is not None:
            whose = "your" if under.ours else f"{one_line(under.author.name, 30)}'s"
            title += f" · goes under {whose} comment"
            if picked and not text and not answered.ours and answered.author.named:
                text = prefill = f"{escape_braces(answered.author.name)} "
        self._open(cid, message_id, title, text, prefill)

    def edit(self, cid: str, reply_id: str) -> bool:
        """Open the box on a reply of the outbox not sent yet; False after saying why not."""
        reply = next((r for r in self.triager.inbox.replies(cid) if r.id == reply_id), None)
        if reply is None or not reply.editable:
            why = "may already be on the platform" if reply and reply.may_be_posted else "is sent"
            say(self, f"That reply {why}: it cannot be edited now.", "warning")
            return False
        self.editing = reply_id
        # The box fills variables when it queues: the reply's own braces stay braces.
        self._edited_from = escape_braces(reply.text)
        self._open(cid, reply.in_reply_to, "Edit your reply", self._edited_from)
        return True

    def _open(self, cid: str, message_id: str, title: str, text: str, prefill: str = "") -> None:
        """Open the box on ``text``: the one moment its text comes from anywhere but the
        manager (and the editor they called), so nothing typed is ever overwritten."""
        self.replying = (cid, message_id)
        self.seen = self.triager.answers_seen(cid)
        self.announcer.start(cid)
        self._prefill = prefill
        box = self.box
        box.border_title = Content(title)
        box.text = text
        box.move_cursor(box.document.end)
        box.display = True
        self._show_count()
        self.call_after_refresh(self._show_count)  # the box has its width once laid out

    def _show_count(self) -> None:
        """The subtitle: the reply's length against the platform's limit, then the keys, as
        many as fit in the border (the last left out first, whole: never cut mid-word)."""
        name = key_namer(self)
        keep = "keep draft" if self.editing is None else "keep edit as draft"
        keys = [f"{name('reply.queue')} queue", f"{name('reply.close')} {keep}"]
        keys += [f"{name('reply.editor')} editor", f"{name('reply.saved')} saved reply"]
        limit = reply_limit(self.triager.inbox.snapshot.source)
        count: str | tuple[str, str] = ""
        if limit is not None:
            length = limit.count(self._as_queued())
            count = f"{length:,}/{limit.most:,}"
            if length > limit.most:
                count = (f"{count} · {length - limit.most:,} over", "bold $error")
            elif length >= limit.most * NEAR_LIMIT:
                count = (f"{count} · {limit.most - length:,} left", "bold $warning")
        shown = count if isinstance(count, str) else count[0]
        width = self.box.size.width  # 0 until the box is laid out: then all, fitted after
        room = width - BORDER_CELLS - cell_len(shown) - (len(SEPARATOR) if shown else 0)
        kept = fitted(keys, room) if width else SEPARATOR.join(keys)
        parts = [part for part in (count, kept) if part]
        self.box.border_subtitle = Content.assemble(*_between(parts, SEPARATOR))

    def _as_queued(self) -> str:
        """The box's text as it would be queued (its variables filled), to be counted at
        every key: the variables' values are worked out once for the reply."""
        if self.replying is None:
            return queued_text(self.box.text)
        if self._values is None or self._values[0] != self.replying:
            self._values = (self.replying, self.triager.values_for(*self.replying))
        return filled_with(self.box.text, self._values[1])

    # Closing ------------------------------------------------------------------------------

    def answered_since(self) -> list[Answer] | None:
        """The answers to the conversation that came since the box opened (a colleague's
        reply, the page's own), oldest first; None after saying why the outbox cannot be
        read."""
        if self.replying is None or self.seen is None:
            return []
        seen, editing = self.seen, self.editing or ""
        return attempt(self, lambda: self.triager.answered_since(seen, editing))[1]

    def saw(self, answers: list[Answer]) -> None:
        """The manager was shown ``answers`` and kept writing: they are no news any more."""
        if self.seen is not None:
            self.seen = self.seen.including(answers)

    def queue(self) -> str | None:
        """Queue the reply (or the reply of the outbox being edited, with the new text) and
        close the box; the conversation's id, or None when nothing was queued (after saying
        why)."""
        if self.replying is None:
            return None
        text = self._typed()
        if not text.strip():
            say(self, "The reply is empty.", "warning")
            return None
        cid, in_reply_to = self.replying
        editing = self.editing
        done, undo = key_name(self, "triage.done"), key_name(self, "triage.undo")
        notice = f"Reply to {self._author_of(cid, in_reply_to)} queued"
        notice += f" · {done} marks done · {undo} undoes"
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
        self._hide_box()
        self.box.text = ""
        say(self, notice, severity)
        return cid

    def close(self, quiet: bool = False) -> bool:
        """Hide the box, keeping what was typed as the conversation's draft (an edit of a
        reply of the outbox too, if it changed anything: the reply stays as it was); whether
        a draft was kept. ``quiet``: the caller tells the manager why, and of the draft."""
        if self.replying is None:
            return False
        cid, text = self.replying[0], self._typed()
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
        self._hide_box()
        return kept

    def _hide_box(self) -> None:
        """The box is no longer open: hidden, and the others no longer see it."""
        self.replying = self.editing = self.seen = None
        self.box.display = False
        self.announcer.stop()

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
        cid, text = self.replying[0], self._typed()
        if text != self.drafts.get(cid, ""):
            self._save_draft(cid, text)

    def _typed(self) -> str:
        """The box's text; empty while it holds only what it was opened with for the
        manager (the name of the person answered)."""
        text = self.box.text
        return "" if self._prefill and text.strip() == self._prefill.strip() else text

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
    def _changed(self) -> None:
        """The counter follows the text; drafts reach the disk while typing (a crash loses
        at most a second or two)."""
        if self.replying is not None:
            self._show_count()
        if self._draft_timer is not None:
            self._draft_timer.stop()
        self._draft_timer = self.set_timer(DRAFT_SAVE_SECONDS, self.keep_draft)

    def on_resize(self) -> None:
        if self.replying is not None:
            self._show_count()

    def on_unmount(self) -> None:
        self.keep_draft()

    # Saved replies --------------------------------------------------------------------------

    def pick_saved_reply(self) -> None:
        """Choose a saved reply (fuzzy, by name or text); it is inserted at the cursor,
        filled in for the member answered, for the manager to edit."""
        if self.replying is None:
            return
        library = saved_replies_or_say(self, self.triager.saved_replies, "here")
        if library is None:
            return
        cid, message_id = self.replying

        def chosen(saved: SavedReply | None) -> None:
            if saved is None or self.replying != (cid, message_id):
                return
            self.box.insert(self.triager.fill_saved_reply(saved, cid, message_id))

        self.app.push_screen(SavedReplyPicker(library, chosen))

    def save_as_saved_reply(self, name: str = "") -> None:
        """Keep the box's text as a new saved reply, under a name asked for. A gap a saved
        reply left in it (``[first_name?]``) becomes its variable again."""
        if self.replying is None or not self.box.text.strip():
            reply = key_name(self, "triage.reply")
            say(self, f"Write the reply first ({reply} opens the box).", "warning")
            return
        template = from_reply_box(self.box.text)

        def named(entered: str | None) -> None:
            if entered is None:
                return
            try:
                saved = checked(entered, template, [], "")
            except ValueError as exc:
                say(self, f"Not saved: {exc}", "warning", 8)
                if str(exc).startswith("name"):
                    self.save_as_saved_reply(entered)
                return
            store = self.triager.saved_replies
            ok, library = attempt(self, store.replies)
            if not ok or library is None:
                return
            if any(found.key == name_key(saved.name) for found in library):
                say(self, f"A saved reply is named {saved.name!r} already: choose another name.")
                self.save_as_saved_reply(entered)
                return
            if attempt(self, lambda: store.save(saved))[0]:
                say(self, f"Saved reply {saved.name!r} kept · {picker} in a reply box inserts it")

        picker = key_name(self, "reply.saved")
        hint = f"A name to find it by ({picker} in the reply box). ⏎ saves, esc cancels."
        self.app.push_screen(PromptScreen("Save as saved reply", name, hint, [], named))

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
