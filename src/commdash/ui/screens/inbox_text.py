"""What the inbox screen says in words: its pane titles, how a live source's sync stands, and
what loading or a pull skipped.

Pure functions of the inbox and the screen's state, with no Textual in them, so each wording is
tested on its own. Source text in them is cut to one line and made terminal-safe here; the
screen shows the result as plain :class:`~textual.content.Content`, never as markup.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from commdash.inbox import VIEWS, Inbox, View
from commdash.text import one_line
from commdash.timeutil import ago, short_age
from commdash.ui.widgets.cells import terminal_text

if TYPE_CHECKING:
    from commdash.sources.live import Progress

SEARCHING = "Conversations · searching…"
"""The list's title while a large inbox is searched in the background."""


def list_title(inbox: Inbox, view: View, post_id: str | None, query: str, count: int | None) -> str:
    """The conversation list's title: the view and how many it lists (``count`` None: a live
    source that has brought no data yet), the post chosen, the filter."""
    shown = "no data yet" if count is None else f"{count:,}"
    title = f"Conversations · {VIEWS[view]} ({shown})"
    if post_id is not None:
        post = inbox.posts[post_id]
        title += " · " + one_line(terminal_text(post.text or post.id), 30)
    if query:
        title += f" · filter: {one_line(query, 20)}"
    return title


def thread_title(inbox: Inbox, cid: str | None, draft: bool) -> str:
    """The thread's title: where the conversation stands, who has it, its tags, and whether
    a draft waits for it."""
    title = "Thread"
    if cid is None:
        return title
    state = inbox.state(cid)
    status = inbox.status(cid)
    if inbox.needs_reply(cid):
        title += " · over SLA" if inbox.over_sla(cid) else " · needs a reply"
    elif status == "snoozed" and state.snoozed_until is not None:
        title += f" · snoozed, back {short_age(state.snoozed_until - inbox.clock.now())}"
    else:
        title += f" · {status}"
    if state.assignee:
        title += f" · @{state.assignee}"
    if state.tags:
        title += " · " + " ".join(f"#{tag}" for tag in state.tags)
    if draft:
        title += " · draft"
    return one_line(title, 200)


def sync_state(
    synced_at: float | None,
    progress: Progress | None,
    failure: str | None,
    broken: bool,
    outbox: Callable[[], str],
    now: float,
) -> tuple[str, bool]:
    """How a live source's sync stands, for the header, and whether that is bad news.

    ``failure``: why the latest pull failed (None after a good one); ``broken``: whether
    that needs the manager (a token, a URL), not just time; ``outbox``: what the outbox adds
    (paused delivery, items not sent), read only when it is shown; ``now``: the wall clock."""
    if progress is not None:
        pages = f"{progress.pages:,} page{'' if progress.pages == 1 else 's'}"
        return f"syncing · {pages} · {progress.items:,} items", False
    trouble = "sync failed" if broken else "offline"
    if synced_at is None:
        if failure is None:
            return "connecting…", False
        return f"{trouble} · never synced", True
    age = now - synced_at
    refused = outbox()
    if failure is not None:
        old = short_age(age) if age >= 60 else "under 1m"
        return f"{trouble} · data {old} old{refused}", True
    return f"synced {ago(age)}{refused}", bool(refused)


def skipped_on_load(skipped: Sequence[str], count: int) -> tuple[str, str] | None:
    """The notice about what loading skipped or repaired, as (message, title); None when
    nothing was."""
    if not skipped:
        return None
    more = f" (and {count - 1:,} more)" if count > 1 else ""
    return (
        f"{one_line(skipped[0], 120)}{more}; L lists them all",
        f"{count} items skipped or repaired while loading",
    )


def skipped_by_pull(warnings: Sequence[str]) -> str | None:
    """The notice about what a pull skipped; None when it skipped nothing."""
    if not warnings:
        return None
    more = f" (and {len(warnings) - 1:,} more)" if len(warnings) > 1 else ""
    return f"Skipped: {one_line(warnings[0], 120)}{more}"
