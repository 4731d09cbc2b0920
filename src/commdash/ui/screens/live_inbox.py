"""The inbox of a live source: it syncs and delivers in the background (:class:`LiveSync`),
takes each new pull in, and its header says how the sync stands."""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult

from commdash.actions import Triager
from commdash.errors import StateError
from commdash.outbox import RENEW_TOKEN
from commdash.rule_runner import RuleRunner
from commdash.ui.screens import inbox_text
from commdash.ui.screens.inbox import InboxScreen
from commdash.ui.widgets.live_sync import LiveSync
from commdash.ui.widgets.notices import Severity, attempt, say, spell
from commdash.ui.widgets.status_bar import outbox_trouble
from commdash.views import BUILT_IN, ViewSpec

if TYPE_CHECKING:
    from commdash.link import Link
    from commdash.sources.live import Progress


class LiveInboxScreen(InboxScreen):
    def __init__(
        self,
        triager: Triager,
        demo: bool,
        link: Link,
        views: Sequence[ViewSpec] = BUILT_IN,
        rules: RuleRunner | None = None,
    ) -> None:
        super().__init__(triager, demo, views, rules)
        self.link = link
        self.progress: Progress | None = None
        """While the source is being pulled: how far it got."""
        self.offline: str | None = None
        """Why the latest pull failed; None after a good one."""
        self.sync_broken = False
        """Whether that failure needs the manager (a token, a URL), not just time."""
        self._delivery = (0, 0)
        """The outbox's items paused and not sent, as last read."""
        self._asked = False
        """Whether the manager asked for the pull under way ($, or R after a refused
        token): its failure is told even when the header says so already."""

    def compose(self) -> ComposeResult:
        yield from super().compose()
        yield LiveSync(self.link)

    @property
    def live(self) -> LiveSync:
        return self.query_one(LiveSync)

    # The header ---------------------------------------------------------------------------

    @property
    def _awaiting_data(self) -> bool:
        """Nothing brought yet (no sync, no offline copy)."""
        return self.link.feed.synced_at is None

    def _sync_state(self) -> inbox_text.SyncState:
        return inbox_text.sync_state(
            self.link.feed.synced_at, self.progress, self.offline, self.sync_broken, time.time()
        )

    def _renew_hint(self) -> str:
        return spell(self, RENEW_TOKEN)

    def _delivery_trouble(self) -> tuple[int, int]:
        """Read from the outbox on disk, except while a pull reports its progress (ten
        times a second): then as it was."""
        if self.progress is None:
            try:
                self._delivery = outbox_trouble(self.triager.store.replies())
            except StateError:
                self._delivery = (0, 0)
        return self._delivery

    # Keys ---------------------------------------------------------------------------------

    def action_sync_now(self) -> None:
        self._asked = True
        say(self, "Syncing…" if self.live.sync_now() else "A sync is under way.")

    def action_retry_reply(self) -> None:
        """R: after a refused token, read it again; else retry the highlighted reply."""
        if self.live.token_refused:
            self._asked = True
            self.live.renew_token()
            say(self, "Reading the token again…")
            return
        super().action_retry_reply()

    def _deliver_soon(self) -> None:
        self.live.deliver_now()

    # What the source brings ---------------------------------------------------------------

    @on(LiveSync.Progressed)
    def _sync_progressed(self, event: LiveSync.Progressed) -> None:
        self.progress = event.progress
        self._show_status()

    @on(LiveSync.Pulled)
    def _sync_pulled(self, event: LiveSync.Pulled) -> None:
        self.progress = None
        asked, self._asked = self._asked, False
        if event.error is not None:
            # Told when the sync starts failing, when it comes to need the manager, and
            # in answer to $ or R; the header keeps it meanwhile. Told at every retry
            # (its wording differs: another page, another wait), it covered the thread
            # every 30 seconds.
            needs_the_manager_now = not event.transient and not self.sync_broken
            if asked or self.offline is None or needs_the_manager_now:
                severity: Severity = "warning" if event.transient else "error"
                say(self, f"Sync failed: {event.error}", severity, 10 if event.transient else 30)
            self.offline = event.error
            self.sync_broken = not event.transient
            self._show_status()
            return
        if self.offline is not None:
            say(self, "Back online.")
        self.offline = None
        synced, link = event.synced, self.link
        if synced is None or synced.snapshot is None:
            self._show_status()
            return
        snapshot = synced.snapshot
        if not attempt(
            self,
            lambda: self.triager.replace_snapshot(
                snapshot, link.store_for(snapshot, self.triager.store)
            ),
        )[0]:
            link.feed.forget_cursor()  # not shown: the next pull must bring it again
            return
        link.follow(snapshot)
        self.run_rules()
        self.composer.reload_drafts()
        self._forget_vanished()
        self._refresh_in_place()
        skipped = inbox_text.skipped_by_pull(synced.warnings, snapshot.skipped_count)
        if skipped is not None:
            say(self, skipped, "warning", 8)

    def _forget_vanished(self) -> None:
        """Conversations the source no longer has (deleted on the platform, or aged out)
        leave the screen; a reply being written to one is kept as its draft."""
        known = self.inbox.conversations
        if self.sticky is not None and self.sticky not in known:
            self.sticky = None
        listing = self.conversation_list
        if listing.current is not None and listing.current not in known:
            listing.show([cid for cid in listing.ids if cid in known], None)
        replying = self.composer.conversation_id
        if replying is not None and replying not in known:
            kept = self._close_reply_box(quiet=True)
            self._focus(self.conversation_list)
            gone = "That conversation is gone from the source"
            say(self, f"{gone}; your text is kept as a draft." if kept else f"{gone}.")

    @on(LiveSync.Delivered)
    def _delivered(self, event: LiveSync.Delivered) -> None:
        for outcome in event.outcomes:
            failed = outcome.item.status == "failed"
            note = outcome.note + (" — " + RENEW_TOKEN if outcome.item.paused else "")
            say(self, note, "error" if failed else "information", 10 if failed else 3)
        self.sync_from_disk()
