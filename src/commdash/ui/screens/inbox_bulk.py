"""Marks and bulk actions on the inbox screen: space marks the highlighted conversation and
goes to the next (as mutt's ``t``), ``*`` marks the whole view and filter, escape in the lists
clears the marks; while there are marks, ``r e s t a h`` act on every marked conversation at
once (:class:`~commdash.actions.Triager`'s bulk API: one write per shard, one undo), the marks
clear, and a notice says what was done and that ``u`` undoes it. ``r`` sends a saved reply,
chosen in the picker, to all marked after a yes (the question shows it as filled for the first),
skipping those a colleague answered since ``r`` was pressed.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from commdash.actions import Bulk, BulkReply, Skipped, snooze_choices
from commdash.saved_replies import SavedReply
from commdash.text import one_line
from commdash.timeutil import short_age
from commdash.ui.marks import Marks
from commdash.ui.screens.choose import ChooseScreen
from commdash.ui.screens.confirm import ConfirmScreen
from commdash.ui.screens.prompt import PromptScreen
from commdash.ui.screens.saved_reply_picker import SavedReplyPicker, saved_replies_or_say
from commdash.ui.widgets.cells import terminal_text
from commdash.ui.widgets.notices import attempt, key_name, say

if TYPE_CHECKING:
    from commdash.ui.screens.inbox import InboxScreen


def conversations(count: int) -> str:
    return "1 conversation" if count == 1 else f"{count:,} conversations"


class BulkActions:
    """What the screen's keys do while there are marks (and the keys that mark)."""

    def __init__(self, screen: InboxScreen, marks: Marks) -> None:
        self.screen = screen
        self.marks = marks

    # Marking ------------------------------------------------------------------------------

    def mark(self) -> None:
        """space: mark or unmark the highlighted conversation, then go to the next."""
        listing = self.screen.conversation_list
        cid = listing.current
        if cid is None:
            say(self.screen, "Nothing to mark: the list is empty.", "warning")
            return
        self.marks.toggle(cid)
        listing.cursor = min(listing.cursor + 1, listing.row_count - 1)
        self.screen.refresh_marks()

    def mark_all(self) -> None:
        """*: mark every conversation of the view and filter; all marked already: unmark
        them."""
        listed = self.screen.view_ids()
        if listed and self.marks.covers(listed):
            self.marks.remove(listed)
            say(self.screen, f"Unmarked {conversations(len(listed))}")
        else:
            self.marks.add(listed)
        self.screen.refresh_marks()

    def clear(self) -> bool:
        """escape in the conversation list: clear the marks; False (escape keeps its other
        meaning) when there are none."""
        screen = self.screen
        if not self.marks:
            return False
        count = len(self.marks)
        self.marks.clear()
        screen.refresh_marks()
        say(screen, f"Marks cleared ({count:,})")
        return True

    # Acting on the marked -----------------------------------------------------------------

    def _acted(self, result: Bulk | None, asked: int, said: str) -> None:
        """After a bulk action: the marks go, the list shows the result, the notice says
        what was done (``said``) and that undo takes it back."""
        if result is None:
            return  # refused or not written: the marks stay, to try again
        screen = self.screen
        self.marks.clear()
        screen.sticky = None
        screen.refresh_all()
        if not result.changed:
            say(screen, f"Nothing to change: the {conversations(asked)} were so already.")
            return
        skipped = f"; {result.skipped:,} read-only left as they were" if result.skipped else ""
        say(screen, f"{said}{skipped} · {key_name(screen, 'triage.undo')} undoes")

    def done(self) -> None:
        cids = self.marks.ids()
        ok, result = attempt(self.screen, lambda: self.screen.triager.bulk_done(cids))
        if ok and result is not None:
            verb = "Done" if result.action == "done" else "Reopened"
            self._acted(result, len(cids), f"{verb} {result.changed:,}")

    def snooze(self) -> None:
        cids = self.marks.ids()
        inbox = self.screen.inbox
        now = inbox.clock.now()
        choices = snooze_choices(now)
        if all(inbox.status(cid) == "snoozed" for cid in cids):
            choices.append(("Wake up now", now))

        def chosen(until: float | None) -> None:
            if until is None:
                return
            triager = self.screen.triager
            ok, result = attempt(self.screen, lambda: triager.bulk_snooze(cids, until))
            if ok and result is not None:
                back = f", back {short_age(until - now)}" if until > now else ", awake again"
                self._acted(result, len(cids), f"Snoozed {result.changed:,}{back}")

        title = f"Snooze {conversations(len(cids))} until…"
        self.screen.app.push_screen(ChooseScreen(title, choices, chosen))

    def tag(self) -> None:
        """The prompt shows the tags all marked conversations share: what is added there is
        added to each, what is removed, removed from each; their other tags stay."""
        cids = self.marks.ids()
        inbox = self.screen.inbox
        shared = set.intersection(*(set(inbox.state(cid).tags) for cid in cids))
        tags = tuple(tag for tag in inbox.state(cids[0]).tags if tag in shared)

        def entered(text: str | None) -> None:
            if text is None:
                return
            triager = self.screen.triager
            ok, result = attempt(self.screen, lambda: triager.bulk_tags(cids, text, tags))
            if ok and result is not None:
                self._acted(result, len(cids), f"Tagged {result.changed:,}")

        hint = "Added to each, removed from each; their other tags stay. ⏎ saves, esc cancels."
        current = " ".join(tags) + " " if tags else ""
        title = f"Tags of {conversations(len(cids))}"
        self.screen.app.push_screen(
            PromptScreen(title, current, hint, inbox.known_tags(), entered, by_word=True)
        )

    def assign(self) -> None:
        cids = self.marks.ids()
        inbox = self.screen.inbox
        assignees = {inbox.state(cid).assignee for cid in cids}
        current = (next(iter(assignees)) or "") if len(assignees) == 1 else ""

        def entered(text: str | None) -> None:
            if text is None:
                return
            triager = self.screen.triager
            ok, result = attempt(self.screen, lambda: triager.bulk_assign(cids, text))
            if ok and result is not None:
                name = inbox.state(cids[0]).assignee
                said = f"Assigned {result.changed:,} to {one_line(name, 30)}" if name else ""
                self._acted(result, len(cids), said or f"Unassigned {result.changed:,}")

        hint = "A teammate's name (tab completes); empty unassigns all. ⏎ saves, esc cancels."
        title = f"Assign {conversations(len(cids))} to"
        self.screen.app.push_screen(
            PromptScreen(title, current, hint, inbox.known_assignees(), entered)
        )

    def hide(self) -> None:
        """Hide the top-level comment of each (all hidden already: show them again); for
        more than one conversation, after a yes."""
        cids = self.marks.ids()
        triager = self.screen.triager
        hides = triager.bulk_hides(cids)

        def confirmed(yes: bool | None) -> None:
            if not yes:
                return
            ok, result = attempt(self.screen, lambda: triager.bulk_hide(cids))
            if ok and result is not None:
                self.screen._deliver_soon()
                verb = "Hid" if result.action == "hide" else "Showed again"
                self._acted(result, len(cids), f"{verb} {result.changed:,} comments")

        if len(cids) == 1:
            confirmed(True)
            return
        question = (
            f"Hide {len(cids):,} conversations' comments?"
            if hides
            else f"Show {len(cids):,} conversations' comments again?"
        )
        self.screen.app.push_screen(ConfirmScreen(question, confirmed))

    def reply(self) -> None:
        """r with marks: choose a saved reply, then, after a yes that names the count, send
        it to every marked conversation, each filled for the member it answers."""
        screen = self.screen
        library = saved_replies_or_say(screen, screen.triager.saved_replies, "in a reply box")
        if library is None:
            return
        cids = self._as_listed(self.marks.ids())
        count = conversations(len(cids))
        # What the manager sees now of each: one answered by a colleague before the yes is
        # skipped, not answered twice.
        seen = {cid: screen.triager.answers_seen(cid) for cid in cids}

        def chosen(saved: SavedReply | None) -> None:
            if saved is None:
                return

            def confirmed(yes: bool | None) -> None:
                if not yes:
                    return
                triager = screen.triager
                ok, result = attempt(screen, lambda: triager.bulk_reply(cids, saved, seen))
                if ok and result is not None:
                    self._replied(result)

            name = one_line(terminal_text(saved.name), 40)
            first = screen.triager.bulk_preview(cids, saved) or ""
            question = f"Send '{name}' to {count}?"
            screen.app.push_screen(ConfirmScreen(question, confirmed, first))

        title = f"Send to {count}: which saved reply?"
        screen.app.push_screen(SavedReplyPicker(library, chosen, title, enter_does="chooses"))

    def _as_listed(self, cids: list[str]) -> list[str]:
        """The marked conversations in the order of the list (the others after): replies
        go out in that order, and a notice names the first skipped as seen on screen."""
        listed = {cid: n for n, cid in enumerate(self.screen.view_ids())}
        return sorted(cids, key=lambda cid: listed.get(cid, len(listed)))

    def _replied(self, result: BulkReply) -> None:
        """After a bulk send: the notice counts what was queued and what was skipped, with
        why; the marks clear unless nothing was queued."""
        screen = self.screen
        said = f"Queued {len(result.queued):,}" if result.queued else "Nothing queued"
        if result.skipped:
            said += f" · {len(result.skipped):,} skipped: {skipped_reasons(result.skipped)}"
        if not result.queued:
            say(screen, said, "warning", 8)
            return
        self.marks.clear()
        screen.sticky = None
        screen.refresh_all()
        screen._deliver_soon()
        say(
            screen,
            f"{said} · {key_name(screen, 'triage.undo')} undoes",
            timeout=8 if result.skipped else 2,
        )


def skipped_reasons(skipped: Sequence[Skipped]) -> str:
    """Why each was skipped, reasons in the order met, each with the first member it left
    out: "read-only (Dana Ruiz, +2), [first_name?] not filled (no name)"."""
    whom: dict[str, list[str]] = {}
    for left_out in skipped:
        who = one_line(terminal_text(left_out.who), 24) or "no name"
        whom.setdefault(left_out.why, []).append(who)
    return ", ".join(
        f"{why} ({names[0]}{f', +{len(names) - 1}' if len(names) > 1 else ''})"
        for why, names in whom.items()
    )
