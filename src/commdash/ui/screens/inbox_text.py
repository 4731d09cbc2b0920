"""What the inbox screen says in words: its pane titles, how a live source's sync stands, and
what loading or a pull skipped.

Pure functions of the inbox and the screen's state, with no Textual in them, so each wording is
tested on its own. Source text in them is cut to one line and made terminal-safe here; the
screen shows the result as plain :class:`~textual.content.Content`, never as markup.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, NamedTuple

from commdash.inbox import VIEWS, Inbox, View
from commdash.presence import marker
from commdash.text import one_line
from commdash.timeutil import ago, short_age
from commdash.ui.widgets.cells import terminal_text

if TYPE_CHECKING:
    from commdash.rule_runner import RuleRun
    from commdash.sources.live import Progress

SEARCHING = "Conversations · searching…"
"""The list's title while a large inbox is searched in the background."""


def list_title(
    inbox: Inbox,
    view: View,
    post_id: str | None,
    query: str,
    count: int | None,
    name: str | None = None,
    order: str | None = None,
    marked: int = 0,
) -> str:
    """The conversation list's title: the view (``name``: one of the config's) and how many
    it lists (``count`` None: a live source that has brought no data yet), the order chosen,
    how many are marked, the post chosen, the filter."""
    shown = "no data yet" if count is None else f"{count:,}"
    title = f"Conversations · {terminal_text(name or VIEWS[view])} ({shown})"
    if order is not None:
        title += f" · {order}"
    if marked:
        title += f" · {marked:,} marked"
    if post_id is not None:
        post = inbox.posts[post_id]
        title += " · " + one_line(terminal_text(post.text or post.id), 30)
    if query:
        title += f" · filter: {one_line(query, 20)}"
    return title


def thread_title(inbox: Inbox, cid: str | None, draft: bool, typing: tuple[str, ...] = ()) -> str:
    """The thread's title: where the conversation stands, who else is writing a reply to
    it (``typing``), who has it, its tags, and whether a draft waits for it."""
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
    if typing:  # early: a narrow title is cut at its end
        title += f" · {marker(typing)}"
    if state.assignee:
        title += f" · @{state.assignee}"
    if state.tags:
        title += " · " + " ".join(f"#{tag}" for tag in state.tags)
    if draft:
        title += " · draft"
    return one_line(terminal_text(title), 200)


class SyncState(NamedTuple):
    """How a live source's sync stands, for the header."""

    words: str
    """What the sync is doing or what went wrong (empty when all is well); what follows the
    first " · " is detail, left out first when the header is short."""
    age: str
    """How old the data is."""
    bad: bool
    """Whether that is bad news."""


def sync_state(
    synced_at: float | None,
    progress: Progress | None,
    failure: str | None,
    broken: bool,
    now: float,
) -> SyncState:
    """How a live source's sync stands. ``failure``: why the latest pull failed (None after
    a good one); ``broken``: whether that needs the manager (a token, a URL), not just
    time; ``now``: the wall clock."""
    age = "" if synced_at is None else f"synced {ago(now - synced_at)}"
    if progress is not None:
        pages = f"{progress.pages:,} page{'' if progress.pages == 1 else 's'}"
        return SyncState(f"syncing · {pages} · {progress.items:,} items", age, False)
    if failure is None:
        return SyncState("connecting…" if synced_at is None else "", age, False)
    trouble = "sync failed" if broken else "offline"
    if synced_at is None:
        return SyncState(trouble, "never synced", True)
    elapsed = now - synced_at
    old = short_age(elapsed) if elapsed >= 60 else "under 1m"
    return SyncState(trouble, f"data {old} old", True)


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


def skipped_by_pull(warnings: Sequence[str], total: int) -> str | None:
    """The notice about what a pull newly reports (a cause, a limit reached, items skipped),
    with how many items are skipped or repaired in all (``L`` lists those, and ``stats``
    counts the same); None when it reports nothing new."""
    if not warnings:
        return None
    first = one_line(warnings[0], 120)
    if total <= 0:
        return f"Sync: {first}"
    items = "1 item" if total == 1 else f"{total:,} items"
    return f"Sync: {first} · {items} skipped or repaired in all; L lists them"


def rules_acted(runs: Sequence[RuleRun], undo_key: str) -> str:
    """What the rules just did: ``Rule refunds: 12 conversations · u undoes each rule's``."""
    done = ", ".join(
        f"{one_line(run.rule.name, 30)}: {run.changed:,} conversation"
        + ("" if run.changed == 1 else "s")
        for run in runs
    )
    label = "Rule" if len(runs) == 1 else "Rules"
    each = "it" if len(runs) == 1 else "the latest rule's"
    return f"{label} {done} · {undo_key} undoes {each}"
