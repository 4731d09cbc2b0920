"""Pulling a live source and delivering its outbox in the background.

An invisible widget: it owns the timers and the threads, and tells the screen what happened
through messages. Polls never overlap (the next one is armed when one ends); neither do
deliveries. The threads are daemons, so quitting never waits for a slow server: a reply cut
off mid-send is resolved on the next start.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.message import Message
from textual.timer import Timer
from textual.widget import Widget

from commdash.errors import CommdashError

if TYPE_CHECKING:  # imported by the link itself: a file source never loads the HTTP stack
    from commdash import delivery
    from commdash.link import Link
    from commdash.sources.live import Progress
    from commdash.sync import Synced

PROGRESS_EVERY_SECONDS = 0.1
SOON_AFTER_DELIVERY_SECONDS = 1.0
RETRY_OFFLINE_SECONDS = 30.0


class LiveSync(Widget):
    DEFAULT_CSS = "LiveSync { display: none; }"

    @dataclass
    class Progressed(Message):
        progress: Progress

        def can_replace(self, message: Message) -> bool:
            return isinstance(message, LiveSync.Progressed)

    @dataclass
    class Pulled(Message):
        synced: Synced | None
        """None when the pull failed."""
        error: str | None
        transient: bool
        retry_after: float | None = None
        """How long the server asked to wait (a rate limit), in seconds."""

    @dataclass
    class Delivered(Message):
        outcomes: list[delivery.Delivered]

    def __init__(self, link: Link) -> None:
        super().__init__()
        self.link = link
        self.pulling = False
        self.delivering = False
        self.pull_refused = False
        """The latest pull was refused for the token."""
        self._deliver_again = False
        self._pull_again = False
        self._poll_timer: Timer | None = None
        self._delivery_timer: Timer | None = None
        self._last_progress = 0.0

    def on_mount(self) -> None:
        self.pull_now()
        self.deliver_now()

    @property
    def token_refused(self) -> bool:
        """Whether the platform refused the token (for a pull, or a delivery that waits)."""
        courier = self.link.courier
        return self.pull_refused or (courier is not None and courier.refused is not None)

    def sync_now(self) -> bool:
        """Pull now, after reading the token again when it was refused; False when a pull
        is under way."""
        if self.token_refused:
            self.renew_token()
            return True
        return self.pull_now()

    # The token ----------------------------------------------------------------------------

    def renew_token(self) -> None:
        """Read the token again (in a thread: its command may take a while), then deliver
        what waited for it and pull."""
        self._in_thread(self._renew_token, "commdash-token")

    def _renew_token(self) -> None:
        try:
            self.link.renew_token()
        except CommdashError as error:  # the command failed, the variable is empty...
            failed = LiveSync.Pulled(None, str(error), False)
            self._back(lambda: self.post_message(failed))
            return
        self._back(self._token_renewed)

    def _token_renewed(self) -> None:
        self.pull_refused = False
        self.deliver_now()
        if not self.pull_now():
            self._pull_again = True  # the pull under way may have had the old token

    # Pulling ------------------------------------------------------------------------------

    def pull_now(self) -> bool:
        """Start a pull unless one is under way; False when one is."""
        if self.pulling:
            return False
        self.pulling = True
        if self._poll_timer is not None:
            self._poll_timer.stop()
        self._in_thread(self._pull, "commdash-pull")
        return True

    def _pull(self) -> None:
        from commdash.sources.http import RemoteError

        refused = False
        try:
            synced = self.link.feed.pull(self._progressed)
            outcome = LiveSync.Pulled(synced, None, False)
        except RemoteError as error:
            outcome = LiveSync.Pulled(None, str(error), error.transient, error.retry_after)
            refused = error.refused
        except CommdashError as error:
            outcome = LiveSync.Pulled(None, str(error), False)
        except Exception as error:  # a bug must not stop syncing for the rest of the day
            outcome = LiveSync.Pulled(None, f"unexpected {type(error).__name__}: {error}", True)
        self._back(lambda: self._pulled(outcome, refused))

    def _progressed(self, progress: Progress) -> None:
        now = time.monotonic()
        if now - self._last_progress >= PROGRESS_EVERY_SECONDS:
            self._last_progress = now
            self.post_message(LiveSync.Progressed(progress))

    def _pulled(self, outcome: LiveSync.Pulled, refused: bool) -> None:
        self.pulling = False
        again, self._pull_again = self._pull_again, False
        if not (again and refused):  # a refusal of the token renewed meanwhile is old news
            self.pull_refused = refused
            self.post_message(outcome)
        if again:
            self.pull_now()
            return
        wait = self.link.poll_seconds
        if outcome.error is not None and outcome.transient:
            wait = max(min(wait, RETRY_OFFLINE_SECONDS), outcome.retry_after or 0.0)
        self._poll_timer = self.set_timer(wait, self.pull_now)
        self.deliver_now()

    # Delivering ---------------------------------------------------------------------------

    def deliver_now(self) -> None:
        """Send what is due; when a delivery is under way, run again after it."""
        if self.link.courier is None:
            return
        if self.delivering:
            self._deliver_again = True
            return
        self.delivering = True
        if self._delivery_timer is not None:
            self._delivery_timer.stop()
        self._in_thread(self._deliver, "commdash-deliver")

    def _deliver(self) -> None:
        courier = self.link.courier
        assert courier is not None
        try:
            outcomes = courier.deliver_due()
            due = courier.next_due()
        except Exception:  # the outbox is on disk: the next attempt picks it up
            outcomes, due = [], time.time() + RETRY_OFFLINE_SECONDS
        self._back(lambda: self._delivered(outcomes, due))

    def _delivered(self, outcomes: list[delivery.Delivered], due: float | None) -> None:
        self.delivering = False
        if outcomes:
            self.post_message(LiveSync.Delivered(outcomes))
        if any(outcome.item.status == "sent" for outcome in outcomes):
            self.set_timer(SOON_AFTER_DELIVERY_SECONDS, self.pull_now)
        if self._deliver_again:
            self._deliver_again = False
            self.deliver_now()
        elif due is not None:
            wait = max(0.5, due - time.time())
            self._delivery_timer = self.set_timer(wait, self.deliver_now)

    # Threads ------------------------------------------------------------------------------

    def _in_thread(self, target: Callable[[], None], name: str) -> None:
        threading.Thread(target=target, name=name, daemon=True).start()

    def _back(self, callback: Callable[[], object]) -> None:
        """Run ``callback`` on the app's thread, unless the app has gone meanwhile."""
        with contextlib.suppress(RuntimeError):
            self.app.call_from_thread(callback)
