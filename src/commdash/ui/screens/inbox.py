"""The main screen: post queue, conversation list, thread, gauges, triage keys.

Everything shown here that comes from a source is passed as plain text or :class:`Content`
(never a markup string), and every notification is sent with ``markup=False``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual import on
from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.reactive import var
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Static

from commdash import double_reply
from commdash.actions import Triager, snooze_choices
from commdash.errors import StateError
from commdash.inbox import SORTS, VIEWS, Sort, SourceFigures, View
from commdash.outbox import Reply
from commdash.query import problem
from commdash.rule_runner import RuleRunner
from commdash.text import one_line
from commdash.timeutil import short_age
from commdash.ui.marks import Marks
from commdash.ui.screens import inbox_text
from commdash.ui.screens.choose import ChooseScreen
from commdash.ui.screens.confirm import ConfirmScreen
from commdash.ui.screens.inbox_bulk import BulkActions, conversations
from commdash.ui.screens.inbox_keys import INBOX_BINDINGS
from commdash.ui.screens.note import NoteScreen
from commdash.ui.screens.post import PostScreen
from commdash.ui.screens.prompt import PromptScreen
from commdash.ui.screens.report import ReportScreen
from commdash.ui.widgets import sharing
from commdash.ui.widgets.cells import terminal_text
from commdash.ui.widgets.conversation_list import ConversationList
from commdash.ui.widgets.filter_bar import FilterBar
from commdash.ui.widgets.gauges import Gauges
from commdash.ui.widgets.key_bar import KeyBar
from commdash.ui.widgets.notices import WARNING_SECONDS, attempt, key_name, say
from commdash.ui.widgets.post_queue import PostQueue
from commdash.ui.widgets.presence_watch import PresenceWatch
from commdash.ui.widgets.reply_composer import ReplyComposer
from commdash.ui.widgets.status_bar import StatusBar
from commdash.ui.widgets.thread_view import ThreadView
from commdash.ui.widgets.view_bar import ViewBar
from commdash.views import BUILT_IN, SORT_NAMES, ViewSpec, combined

SYNC_SECONDS = 0.5
"""How often another commdash's changes to the same state are looked for: a cheap look
(two files' stat, or the versions the team database's news brought), so that a colleague's
action shows within a second."""
TICK_SECONDS = 30.0
"""How often ages, SLA breaches and ending snoozes are redrawn while nothing happens."""


class InboxScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = INBOX_BINDINGS

    view: var[View] = var[View]("needs-reply", init=False, always_update=True)
    """The view listed; choosing one lists it afresh, even the same one."""
    query_text: var[str] = var("", init=False, always_update=True)
    """The filter in effect; setting it lists afresh."""

    def __init__(
        self,
        triager: Triager,
        demo: bool,
        views: Sequence[ViewSpec] = BUILT_IN,
        rules: RuleRunner | None = None,
    ) -> None:
        super().__init__()
        self._authors: tuple[list[str], list[str]] | None = None
        """The listing ``from:`` last completed from, and its authors."""
        self._team_standing = ""
        """What the header says of the team database (empty: nothing to say)."""
        self.rules = rules or RuleRunner(())
        """The config's rules: they act on the conversations new to them (load, sync)."""
        self.views = tuple(views) or BUILT_IN
        """The views on keys 1-9."""
        self.slot = 0
        """The view shown: its place in :attr:`views`."""
        self.sort: Sort | None = self.views[0].sort
        """The order the view is listed in (S cycles it); None: the view's own."""
        self.set_reactive(InboxScreen.view, self.views[0].base)
        self.triager = triager
        self.inbox = triager.inbox
        self.demo = demo
        self._from_the_top = False
        """The order changed: the next listing starts at its first row (as mutt does)."""
        self.sticky: str | None = None
        """A conversation kept in the list after an action moved it out of the view, until
        the cursor leaves it: a reply must not make the next key act on another one."""
        self._return_focus: Widget | None = None
        """Where the focus goes back to when the reply box closes."""
        self._sticky_added = False
        """Whether the list shows the sticky conversation although it left the view."""
        self.marks = Marks(self.inbox)
        """The conversations marked for a bulk action (space, *)."""
        self.bulk = BulkActions(self, self.marks)

    # Layout -------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield StatusBar(id="status")
        with Horizontal(id="body"):
            with Vertical(id="posts-pane"):
                yield Static("Posts", id="posts-title", classes="pane-title")
                yield PostQueue(self.inbox, id="posts")
            with Vertical(id="middle"):
                yield ViewBar(self.inbox, self.views, id="views")
                yield Static(id="list-title", classes="pane-title")
                with Horizontal(id="filter-line"):
                    yield FilterBar(self.inbox, id="filter")
                    yield Static(id="filter-problem", markup=False)
                yield ConversationList(self.inbox, self.marks, id="conversations")
                yield Static(id="thread-title", classes="pane-title")
                yield ThreadView(self.inbox, id="thread")
                yield ReplyComposer(self.triager, id="composer")
                yield Gauges(id="gauges")  # docked right; below 110 columns, the thread's place
        yield KeyBar()
        yield PresenceWatch(lambda: self.triager.store.presence)

    def on_mount(self) -> None:
        self.filter_bar.authors = self._listed_authors
        self.query_one("#filter-problem").display = False
        self.run_rules()
        self.refresh_all()
        self._focus(self.conversation_list)
        self.set_interval(SYNC_SECONDS, self.sync_from_disk)
        self.set_interval(TICK_SECONDS, self._refresh_in_place)
        skipped = inbox_text.skipped_on_load(
            self.inbox.snapshot.skipped, self.inbox.snapshot.skipped_count
        )
        if skipped is not None:
            message, title = skipped
            self.notify(
                message, title=title, severity="warning", timeout=WARNING_SECONDS, markup=False
            )
        unreadable = self.triager.store.unreadable_replies()
        if unreadable is not None:
            self.notify(unreadable, title="Outbox", severity="warning", timeout=15, markup=False)

    def run_rules(self) -> None:
        """Let the rules act on the conversations new to them, and say what they did."""
        ran = attempt(self, lambda: self.rules.run(self.triager))[1]
        if ran:
            say(self, inbox_text.rules_acted(ran, key_name(self, "triage.undo")), timeout=8)

    # Reading the widgets ------------------------------------------------------------------

    @property
    def conversation_list(self) -> ConversationList:
        return self.query_one(ConversationList)

    @property
    def thread(self) -> ThreadView:
        return self.query_one(ThreadView)

    @property
    def filter_bar(self) -> FilterBar:
        return self.query_one(FilterBar)

    @property
    def composer(self) -> ReplyComposer:
        return self.query_one(ReplyComposer)

    def _focus(self, widget: Widget) -> None:
        """Move the focus now. ``Widget.focus`` moves it on the app's next turn, after the
        keys already waiting would have gone to the old widget."""
        self.set_focus(widget)

    @property
    def _in_thread(self) -> bool:
        """Whether the thread has the focus now (``has_focus`` follows a turn later)."""
        return self.focused is self.thread

    @property
    def current(self) -> str | None:
        return self.conversation_list.current

    @property
    def post_id(self) -> str | None:
        return self.query_one(PostQueue).current

    def _who(self, cid: str) -> str:
        return one_line(terminal_text(self.inbox.conversations[cid].root.author.name), 30)

    # Refreshing ---------------------------------------------------------------------------

    def refresh_all(
        self, keep: str | None = None, posts: bool = True, ids: list[str] | None = None
    ) -> None:
        """Recompute the list (unless its ``ids`` are given), the gauges, the titles and
        (unless ``posts`` is False: only another post was selected) the post queue and
        header from the inbox."""
        listing = self.conversation_list
        keep = keep if keep is not None else listing.current
        if ids is None:
            ids = self.inbox.conversation_ids(
                self.view,
                self.post_id,
                self._query(self.query_text),
                sort=self.sort,
                marked=self.marks.frozen(),
            )
        sticky = self.sticky
        self._sticky_added = sticky is not None and sticky == listing.current and sticky not in ids
        if self._sticky_added and sticky is not None:
            ids.insert(min(listing.cursor, len(ids)), sticky)
        listing.show(ids, keep)
        post_id = self.post_id
        whole = None
        if posts:
            whole = self.inbox.figures()
            summaries = self.inbox.post_summaries()
            self.query_one(PostQueue).show(summaries, whole.conversation.needs_reply)
            self._show_status(whole)
        if post_id is not None:
            selection = self.inbox.figures(post_id)
        else:
            selection = whole or self.inbox.figures()
        scope = "All posts" if post_id is None else "This post"
        shown = None if self._awaiting_data else selection
        self.query_one(Gauges).show(shown, self.inbox.sla_seconds / 60, scope)
        self.query_one(ViewBar).show(self.slot)
        self._refresh_list_title()
        self._show_thread()

    def _show_status(self, whole: SourceFigures | None = None) -> None:
        """The header, from the figures of the whole source (counted now when not given)."""
        figures = None if self._awaiting_data else (whole or self.inbox.figures()).conversation
        self.query_one(StatusBar).show(
            self.inbox.snapshot.source,
            figures,
            self.inbox.clock.now(),
            self.demo,
            self._sync_state(),
            self._delivery_trouble(),
            self._renew_hint(),
            self._team_standing,
        )

    @property
    def _awaiting_data(self) -> bool:
        """A live source that has not brought anything yet (no sync, no offline copy)."""
        return False

    def _sync_state(self) -> inbox_text.SyncState | None:
        """For a live source: how its sync stands."""
        return None

    def _delivery_trouble(self) -> tuple[int, int]:
        """For a live source: the outbox's items paused and not sent."""
        return 0, 0

    def _renew_hint(self) -> str:
        """For a live source: what to do about a refused token, with the key in effect."""
        return ""

    def _refresh_list_title(self) -> None:
        count = None if self._awaiting_data else len(self.conversation_list.ids)
        if count is not None:
            count -= self._sticky_added
        title = inbox_text.list_title(
            self.inbox,
            self.view,
            self.post_id,
            self.query_text,
            count,
            name=self.views[self.slot].name,
            marked=len(self.marks),
            order=None if self.sort is None else SORT_NAMES[self.sort],
        )
        self.query_one("#list-title", Static).update(Content(title))

    def refresh_marks(self) -> None:
        """After the marks changed: the list's rows and title."""
        self.conversation_list.refresh()
        self._refresh_list_title()

    def view_ids(self) -> Sequence[str]:
        """The conversations of the view and filter, as listed (without one kept in sight
        after an action took it out of the view)."""
        ids = self.conversation_list.ids
        if self._sticky_added:
            return [cid for cid in ids if cid != self.sticky]
        return ids

    def _show_thread(self) -> None:
        self.thread.show(self.current)
        self._show_thread_title()

    def _show_thread_title(self) -> None:
        cid = self.current
        typing = self.query_one(PresenceWatch).typing.get(cid or "", ())
        title = inbox_text.thread_title(self.inbox, cid, cid in self.composer.drafts, typing)
        self.query_one("#thread-title", Static).update(Content(title))

    @on(PresenceWatch.Changed)
    def _typing_changed(self, event: PresenceWatch.Changed) -> None:
        """Colleagues started or stopped writing replies: only their rows are redrawn (the
        list may hold 100,000), and the thread's title if it is one of theirs."""
        self.conversation_list.show_typing(event.typing, event.conversations)
        if self.current in event.conversations:
            self._show_thread_title()

    def sync_from_disk(self) -> None:
        """Another commdash may have changed this source's state: take its changes."""
        try:
            changed = self.triager.sync_from_disk()
        except StateError as exc:
            say(self, str(exc), "error", 8)
            return
        store = self.triager.store
        for notice in store.take_notices():
            say(self, notice, "warning", 10)
        standing = store.standing()
        if standing != self._team_standing:
            self._team_standing = standing
            self._show_status()
        if changed:
            self.composer.reload_drafts()
            self._refresh_in_place()

    def _refresh_in_place(self) -> None:
        """Redraw for a change the manager did not make (a colleague, the clock): the
        conversation under the cursor stays there even if it left the view, so the next key
        acts on what is on screen."""
        self.sticky = self.current
        self.refresh_all()

    def watch_view(self) -> None:
        self._relist()

    def watch_query_text(self) -> None:
        self._relist()

    def _relist(self, ids: list[str] | None = None) -> None:
        """Another view, filter or order: list afresh (the row kept after an action goes).
        After a change of order, the cursor goes to the first row: the row it was on has
        moved, and what the new order puts first is what the manager wants to see."""
        self.sticky = None
        self.refresh_all(ids=ids)
        if self._from_the_top:
            self._from_the_top = False
            self.conversation_list.action_cursor_first()

    @on(PostQueue.Highlighted, "#posts")
    def _post_changed(self) -> None:
        self.sticky = None
        self.refresh_all(posts=False)

    @on(ConversationList.Highlighted, "#conversations")
    def _conversation_changed(self) -> None:
        if self.composer.conversation_id not in (None, self.current):
            self._close_reply_box()
        if self.sticky is not None and self.sticky != self.current:
            kept_outside_the_view = self._sticky_added
            self.sticky = None
            if kept_outside_the_view:
                self.refresh_all()
                return
        self._show_thread()

    # Triage -------------------------------------------------------------------------------

    def _target(self, doing: str) -> str | None:
        """The highlighted conversation, or None after saying there is none."""
        cid = self.current
        if cid is None:
            say(self, f"Nothing to {doing}: the list is empty.", "warning")
        return cid

    def _stay_on(self, cid: str) -> None:
        """After an action that keeps the manager on the conversation."""
        self.sticky = cid
        self.refresh_all(keep=cid)

    def _move_on(self, cid: str) -> None:
        """After an action that finishes with the conversation: the row now shows the next
        one (or the next row, when this one is still listed)."""
        listing = self.conversation_list
        index = listing.cursor
        self.sticky = None
        self.refresh_all(keep=cid)
        if self.current == cid:
            listing.cursor = min(index + 1, listing.row_count - 1)

    # With marks, the triage keys act on every marked conversation (inbox_bulk.py).

    def action_mark(self) -> None:
        self.bulk.mark()

    def action_mark_all(self) -> None:
        self.bulk.mark_all()

    def action_reply_to_marked(self) -> None:
        """The palette's "Send a saved reply to the marked conversations" (r with marks)."""
        if self.marks:
            self.bulk.reply()
            return
        mark, mark_all = key_name(self, "list.mark"), key_name(self, "list.mark-all")
        say(self, f"Mark the conversations first: {mark} marks one, {mark_all} the view.")

    def action_clear_marks(self) -> None:
        if not self.bulk.clear():
            raise SkipAction  # escape's other meaning (inbox.back) then runs

    def action_done(self) -> None:
        if self.marks:
            self.bulk.done()
            return
        cid = self._target("mark done")
        if cid is None:
            return
        ok, done = attempt(self, lambda: self.triager.toggle_done(cid))
        if not ok:
            return
        if done:
            self._move_on(cid)
            say(self, f"Done: {self._who(cid)} · {key_name(self, 'triage.undo')} undoes")
        else:
            self._stay_on(cid)
            say(self, f"Reopened: {self._who(cid)}")

    def action_snooze(self) -> None:
        if self.marks:
            self.bulk.snooze()
            return
        cid = self._target("snooze")
        if cid is None:
            return
        now = self.inbox.clock.now()
        choices = snooze_choices(now)
        if self.inbox.status(cid) == "snoozed":
            choices.append(("Wake up now", now))  # last: 1 is always the first snooze time

        def chosen(until: float | None) -> None:
            if until is None or not attempt(self, lambda: self.triager.snooze(cid, until))[0]:
                return
            if until > now:
                self._move_on(cid)
                back = short_age(until - now)
                undo = key_name(self, "triage.undo")
                say(self, f"Snoozed: {self._who(cid)}, back {back} · {undo} undoes")
            else:
                self._stay_on(cid)
                say(self, f"Awake again: {self._who(cid)}")

        self.app.push_screen(ChooseScreen("Snooze until…", choices, chosen))

    def action_tag(self) -> None:
        if self.marks:
            self.bulk.tag()
            return
        cid = self._target("tag")
        if cid is None:
            return
        known = self.inbox.known_tags()
        tags = self.inbox.state(cid).tags

        def entered(text: str | None) -> None:
            if text is None:
                return
            if attempt(self, lambda: self.triager.set_tags(cid, text, tags))[0]:
                self._stay_on(cid)

        hint = "Spaces or commas between tags; tab completes. ⏎ saves, esc cancels."
        current = " ".join(tags) + " " if tags else ""
        self.app.push_screen(PromptScreen("Tags", current, hint, known, entered, by_word=True))

    def action_assign(self) -> None:
        if self.marks:
            self.bulk.assign()
            return
        cid = self._target("assign")
        if cid is None:
            return

        def entered(text: str | None) -> None:
            if text is not None and attempt(self, lambda: self.triager.assign(cid, text))[0]:
                self._stay_on(cid)

        hint = "A teammate's name (tab completes); empty unassigns. ⏎ saves, esc cancels."
        current = self.inbox.state(cid).assignee or ""
        self.app.push_screen(
            PromptScreen("Assign to", current, hint, self.inbox.known_assignees(), entered)
        )

    def action_note(self) -> None:
        cid = self._target("add a note to")
        if cid is None:
            return

        def entered(text: str | None) -> None:
            if text is None:
                return
            ok, note = attempt(self, lambda: self.triager.add_note(cid, text))
            if ok and note is not None:
                self._stay_on(cid)
                self.thread.highlight_note(note.id)
                say(self, f"Note added · {key_name(self, 'triage.undo')} undoes")

        self.app.push_screen(NoteScreen(self._who(cid), entered))

    def action_hide(self) -> None:
        if self.marks:
            self.bulk.hide()
            return
        cid = self._target("hide")
        if cid is None:
            return
        message_id = self.inbox.conversations[cid].root.id
        if self._in_thread and self.thread.current_note is not None:
            say(self, "A note is internal: it is not on the platform to hide.", "warning")
            return
        if self._in_thread:
            if self.thread.current_message_id is None:
                discard = key_name(self, "outbox.discard")
                say(
                    self,
                    f"That reply is not on the platform yet; {discard} discards it.",
                    "warning",
                )
                return
            message_id = self.thread.current_message_id
        ok, hidden = attempt(self, lambda: self.triager.toggle_hidden(cid, message_id))
        if ok:
            self._stay_on(cid)
            self._deliver_soon()
            undo = key_name(self, "triage.undo")
            say(self, f"Comment hidden · {undo} undoes" if hidden else "Comment shown again")

    def action_undo(self) -> None:
        ok, undone = attempt(self, self.triager.undo)
        if not ok:
            return
        if undone is None:
            say(self, "Nothing of yours to undo.")
            return
        self.composer.reload_drafts()
        cid, what = undone.entry.conversation_id, undone.entry.action
        what = what.replace("rule:", "rule ", 1)  # rule:refunds, as the thread says it
        if undone.entry.batch:  # a bulk action
            what += f", {conversations(undone.count)}"
            self.refresh_all()
        elif cid in self.inbox.conversations:
            what += f", {self._who(cid)}"
            self._stay_on(cid)
            if undone.entry.reply_id is not None:
                self.thread.highlight_reply(undone.entry.reply_id)  # a discarded one is back
        else:
            self.refresh_all()
        note = " · " + undone.note if undone.note else ""
        if undone.restored:
            say(self, f"Undone: {what}" + note)
        else:
            say(self, f"Not undone: {what}" + note, "warning", 4)

    # Sources ------------------------------------------------------------------------------

    def action_sync_now(self) -> None:
        say(self, "This source is a file: nothing to sync.")

    def _deliver_soon(self) -> None:
        """After an action that queued something for the platform (a live source's)."""

    # Navigation ---------------------------------------------------------------------------

    def action_load_report(self) -> None:
        self.app.push_screen(ReportScreen(self.inbox.snapshot))

    def action_view(self, view: str) -> None:
        """1-5: the view on that key (the built-in one unless the config replaced them)."""
        if view in VIEWS:
            self.action_view_slot(list(VIEWS).index(view))

    def action_view_slot(self, index: int) -> None:
        """1-9: the view in that place."""
        if index >= len(self.views):
            say(self, f"No view on key {index + 1}: add one with [[views]] in the config file.")
            return
        self.slot = index
        chosen = self.views[index]
        self.sort = chosen.sort
        self.set_reactive(InboxScreen.view, chosen.base)
        self._focus(self.conversation_list)
        self._list_afresh()

    def action_cycle_sort(self) -> None:
        """S: the next order: the view's own, then waiting, newest, oldest, most liked."""
        own = self.views[self.slot].sort
        orders: list[Sort | None] = list(SORTS) if own is not None else [None, *SORTS]
        self.sort = orders[(orders.index(self.sort) + 1) % len(orders)]
        self._from_the_top = True
        self._list_afresh()
        shown = "its own order" if self.sort is None else SORT_NAMES[self.sort]
        say(self, f"Sorted: {shown}")

    def _list_afresh(self) -> None:
        """Another view or order: list afresh. A large inbox with a query or an order to
        apply is listed in the background (reading every conversation's likes, say, takes
        seconds the first time): the list keeps its rows until then."""
        within = self.views[self.slot].query
        wanted = bool(self.query_text or within or self.sort is not None)
        if wanted and self.filter_bar.search_later(
            self.query_text,
            self.view,
            self.post_id,
            within,
            self.sort,
            listing=True,
            marked=self.marks.frozen(),
        ):
            self.query_one(ViewBar).show(self.slot)
            self.query_one("#list-title", Static).update(Content(inbox_text.SEARCHING))
            return
        self._relist()

    def _query(self, text: str) -> str:
        """The filter ``text`` within the view's own query."""
        return combined(self.views[self.slot].query, text)

    def _listed_authors(self) -> list[str]:
        """Who wrote the conversations listed first: what from: completes. Asked at every key
        typed after ``from:``: worked out once for each listing (a big source reads each
        conversation from its file)."""
        listed = self.conversation_list.ids
        if self._authors is None or self._authors[0] is not listed:
            names = {self.inbox.conversations[cid].root.author.name for cid in listed[:300]}
            self._authors = (listed, sorted(name for name in names if name))
        return self._authors[1]

    def action_open_thread(self) -> None:
        if self.focused is self.query_one(PostQueue):
            self._focus(self.conversation_list)
        elif self.current is not None:
            if self.has_class("-narrow"):
                self.remove_class("-gauges-on")  # the thread takes its place back
            self._focus(self.thread)

    def action_toggle_gauges(self) -> None:
        """i: hide the gauges, or show them (below 110 columns, in the thread's place)."""
        shown = self.has_class("-gauges-on") or (
            self.has_class("-wide") and not self.has_class("-gauges-off")
        )
        self.set_class(not shown, "-gauges-on")
        self.set_class(shown, "-gauges-off")
        if self.has_class("-narrow") and not shown and self._in_thread:
            self._focus(self.conversation_list)  # the thread is out of sight

    def action_back(self) -> None:
        bar = self.filter_bar
        if self.focused is bar or (self.query_text and not self._in_thread):
            bar.clear()
            self._show_problem("")
            self._set_filter("")
        self._focus(self.conversation_list)

    def action_show_post(self) -> None:
        """p: the post of the highlighted conversation, or the one highlighted in the posts
        pane (a post pending approval has no conversation to lead to it)."""
        posts = self.query_one(PostQueue)
        post_id = posts.current if self.focused is posts else None
        if post_id is None and self.current is not None:
            post_id = self.inbox.conversations[self.current].post_id
        post = self.inbox.posts.get(post_id or posts.current or "")
        if post is None:
            say(self, "No post to show: highlight a conversation, or a post (tab).", "warning")
            return
        figures, now = self.inbox.figures(post.id), self.inbox.clock.now()
        self.app.push_screen(PostScreen(post, figures, self.inbox.sla_seconds / 60, now))

    # Copy and open ------------------------------------------------------------------------

    def action_copy_link(self) -> None:
        shared = self._shared("copy")
        if shared is not None:
            sharing.copy_link(self, shared)

    def action_copy_text(self) -> None:
        shared = self._shared("copy")
        if shared is not None:
            sharing.copy_text(self, shared)

    def action_open_link(self) -> None:
        shared = self._shared("open")
        if shared is not None:
            sharing.open_link(self, shared)

    def _shared(self, doing: str) -> sharing.Shared | None:
        """What y, Y and o act on: the post highlighted in the posts pane, the message or
        reply highlighted in the thread, else the conversation's first message; None after
        saying there is none."""
        posts = self.query_one(PostQueue)
        if self.focused is posts and posts.current is not None:
            chosen = self.inbox.posts[posts.current]
            return sharing.Shared("post", chosen.text, chosen.permalink)
        cid = self._target(doing)
        if cid is None:
            return None
        conversation = self.inbox.conversations[cid]
        post = self.inbox.posts.get(conversation.post_id)
        post_link = None if post is None else post.permalink
        message = conversation.root
        note = self.thread.current_note if self._in_thread else None
        if note is not None:
            return sharing.Shared("note", note.text, None, post_link)
        if self._in_thread:
            reply_id = self.thread.current_reply_id
            reply = next((r for r in self.inbox.replies(cid) if r.id == reply_id), None)
            if reply is not None:
                return sharing.Shared("reply", reply.text, None, post_link)
            message = conversation.message(self.thread.current_message_id or "") or message
        return sharing.Shared("message", message.text, message.permalink, post_link)

    # Filter -------------------------------------------------------------------------------

    def action_filter(self) -> None:
        bar = self.filter_bar
        bar.open(self.query_text)
        self._focus(bar)

    def action_submit_entry(self) -> None:
        """enter in the filter: keep it and go back to the list, before the next key (a
        filter with a mistake stays open, marked, and the list as it was)."""
        bar = self.filter_bar
        text = bar.settle()
        if self._show_problem(text):
            return
        if text != self.query_text:
            self._set_filter(text)
        bar.display = bool(self.query_text)
        self._focus(self.conversation_list)

    def _show_problem(self, text: str) -> bool:
        """Mark the filter's mistake and say what it is beside it, else the terms tab goes
        through; whether it has a mistake."""
        found = problem(text)
        self.filter_bar.mark(found)
        completing = None if found is not None else self.filter_bar.completing()
        label = self.query_one("#filter-problem", Static)
        label.display = found is not None or completing is not None
        label.set_class(completing is not None, "-completing")
        if found is not None:
            label.update(Content(found.message))
        elif completing is not None:
            label.update(completing.line())
        return found is not None

    def _set_filter(self, text: str) -> None:
        within = self.views[self.slot].query
        if self.filter_bar.search_later(
            text, self.view, self.post_id, within, self.sort, marked=self.marks.frozen()
        ):
            self.query_one("#list-title", Static).update(Content(inbox_text.SEARCHING))
            return
        self.query_text = text

    @on(FilterBar.FilterChanged)
    def _filter_typed(self, event: FilterBar.FilterChanged) -> None:
        if not event.stale and not self._show_problem(event.text):
            self._set_filter(event.text)

    @on(FilterBar.Searched)
    def _filter_searched(self, event: FilterBar.Searched) -> None:
        if event.stale:
            return
        if event.ids is None:
            self._from_the_top = False
            self._refresh_list_title()  # gave up: the list is as it was
        elif (event.view, event.post_id, event.within, event.sort) != (
            self.view,
            self.post_id,
            self.views[self.slot].query,
            self.sort,
        ):
            self._set_filter(event.text)  # the manager moved on meanwhile
        else:
            self.set_reactive(InboxScreen.query_text, event.text)  # searched already:
            self._relist(event.ids)

    # Reply --------------------------------------------------------------------------------

    def action_reply(self) -> None:
        if self.marks:
            self.bulk.reply()
            return
        composer = self.composer
        if composer.replying is not None:
            self._focus(composer.box)  # its text is the manager's: never reloaded
            return
        cid = self._target("reply to")
        if cid is None:
            return
        back = self.focused
        if self._in_thread and self.thread.current_reply_id is not None:
            if not composer.edit(cid, self.thread.current_reply_id):
                return
        else:
            message_id = self._reply_target(cid)
            if message_id is None:
                return
            why = self.triager.cannot_reply(cid, message_id)
            if why is not None:
                say(self, why, "warning", 8)
                return
            composer.reply(cid, message_id, picked=self._in_thread)
        self._return_focus = back
        self.sticky = cid
        self._focus(composer.box)

    def _highlighted_reply(self, doing: str) -> Reply | None:
        """The reply of the outbox highlighted in the thread, or None after saying how to
        highlight one."""
        cid = self.current
        reply_id = self.thread.current_reply_id if self._in_thread else None
        found = None
        if cid is not None and reply_id is not None:
            found = next((r for r in self.inbox.replies(cid) if r.id == reply_id), None)
        if found is None:
            keys = [key_name(self, i) for i in ("inbox.open", "thread.next", "thread.previous")]
            say(
                self,
                f"To {doing} a reply, highlight it in the thread ({keys[0]}, then "
                f"{keys[1]}/{keys[2]}).",
                "warning",
            )
        return found

    def action_retry_reply(self) -> None:
        reply = self._highlighted_reply("retry")
        if reply is None:
            return
        if reply.status != "failed":
            say(self, f"Only a failed reply is retried by hand; this one is {reply.status}.")
            return
        ok, again = attempt(self, lambda: self.triager.retry_reply(reply.id))
        if ok and again is not None:
            self._stay_on(reply.conversation_id)
            say(self, "Reply queued again")
            self._deliver_soon()

    def action_discard_reply(self) -> None:
        reply = self._highlighted_reply("discard")
        if reply is None:
            return
        ok, dropped = attempt(self, lambda: self.triager.discard_reply(reply.id))
        if not ok:
            return
        if dropped is None:
            say(self, "That reply is on its way or sent: it can no longer be discarded.", "warning")
            return
        self._stay_on(reply.conversation_id)
        undo = key_name(self, "triage.undo")
        if dropped.may_be_posted:
            say(
                self,
                f"Discarded; an earlier attempt may have reached the platform · {undo} undoes",
                "warning",
            )
        else:
            say(self, f"Reply discarded · {undo} undoes")

    def _reply_target(self, cid: str) -> str | None:
        """The message a reply answers: the one highlighted in the thread when the thread
        has focus (and a message is), else the latest member message."""
        conversation = self.inbox.conversations[cid]
        if self._in_thread and self.thread.current_note is None:
            chosen = self.thread.current_message_id
            return None if chosen is None or conversation.message(chosen) is None else chosen
        return self.triager.reply_target(cid)

    def action_queue_reply(self) -> None:
        """ctrl+s in the reply box: queue the reply (or a reply of the outbox being edited,
        with the new text), then go back where the manager was, before the next key. When a
        colleague answered the conversation since the box opened, ask first: n keeps the
        box and its text."""
        composer = self.composer
        had_focus = self.focused is composer.box
        answers = composer.answered_since()
        if answers is None:
            return
        if not answers:
            self._queue_reply(had_focus)
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self._queue_reply(had_focus)
            else:
                composer.saw(answers)
                self._focus(composer.box)

        question = double_reply.question(answers, self.inbox.clock.now())
        self.app.push_screen(ConfirmScreen(terminal_text(question), answered))

    def _queue_reply(self, had_focus: bool) -> None:
        cid = self.composer.queue()
        if cid is None:
            return
        self._reply_box_closed(had_focus)
        self._stay_on(cid)
        self._deliver_soon()

    def action_close_reply(self) -> None:
        """escape in the reply box."""
        self._close_reply_box()

    def _close_reply_box(self, quiet: bool = False) -> bool:
        """Close the reply box, keeping what was typed as the conversation's draft; whether
        a draft was kept (``quiet``: the caller says so)."""
        if self.composer.replying is None:
            return False
        had_focus = self.focused is self.composer.box
        kept = self.composer.close(quiet)
        self._reply_box_closed(had_focus)
        self._show_thread()
        return kept

    def _reply_box_closed(self, had_focus: bool) -> None:
        """If the box had the focus, the focus goes back where it was when the box opened
        (the list or the thread), at once: the next key acts there."""
        back, self._return_focus = self._return_focus, None
        if had_focus:
            self._focus(back if back is not None and back.is_mounted else self.conversation_list)

    def action_edit_reply_externally(self) -> None:
        """ctrl+e in the reply box: edit its text in $VISUAL or $EDITOR."""
        self.composer.edit_externally()

    def action_insert_saved_reply(self) -> None:
        """ctrl+t in the reply box: pick a saved reply, inserted filled in at the cursor."""
        self.composer.pick_saved_reply()
