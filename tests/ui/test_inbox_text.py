"""The inbox screen's words, from the inbox and the screen's state alone (no app running)."""

from __future__ import annotations

from commdash.inbox import Inbox
from commdash.model import Author, Conversation, Message, Post, Snapshot, SourceInfo
from commdash.sources.live import Progress
from commdash.timeutil import Clock
from commdash.triage import TriageState
from commdash.ui.screens import inbox_text

NOW = 1_795_600_000.0
HOUR = 3600.0
PAGE = Author("page", "Page")


def one_conversation(text: str, waited: float, state: TriageState | None = None) -> Inbox:
    """A source with one post (its text ``text``) and one comment ``waited`` seconds old."""
    comment = Message("c1", "p1", None, Author("u1", "Dana"), NOW - waited, "Hello?")
    post = Post("p1", "Page", PAGE, NOW - 9 * HOUR, "published", text)
    snapshot = Snapshot(
        SourceInfo("Page", "facebook", PAGE, NOW, "/nowhere.json"),
        (post,),
        (Conversation("c1", "p1", (comment,)),),
    )
    states = {} if state is None else {"c1": state}
    return Inbox(snapshot, states, [], Clock(NOW), HOUR)


def test_the_list_title_names_the_view_count_post_and_filter() -> None:
    inbox = one_conversation("Opening\n[b]hours[/b]", 10.0)
    assert inbox_text.list_title(inbox, "needs-reply", None, "", 1_234) == (
        "Conversations · needs reply (1,234)"
    )
    assert inbox_text.list_title(inbox, "done", "p1", "refund", 0) == (
        "Conversations · done (0) · Opening [b]hours[/b] · filter: refund"
    )
    assert inbox_text.list_title(inbox, "all", None, "", None).endswith("(no data yet)")


def test_the_thread_title_says_where_the_conversation_stands() -> None:
    assert inbox_text.thread_title(one_conversation("", 10.0), None, False) == "Thread"
    assert inbox_text.thread_title(one_conversation("", 10.0), "c1", False) == (
        "Thread · needs a reply"
    )
    late = one_conversation("", 2 * HOUR, TriageState(tags=("vip", "bike"), assignee="kari"))
    assert inbox_text.thread_title(late, "c1", True) == (
        "Thread · over SLA · @kari · #vip #bike · draft"
    )
    snoozed = one_conversation("", 10.0, TriageState(snoozed_until=NOW + 3 * HOUR))
    assert inbox_text.thread_title(snoozed, "c1", False) == "Thread · snoozed, back 3h00"
    done = one_conversation("", 10.0, TriageState(done_at=NOW, done_through=NOW))
    assert inbox_text.thread_title(done, "c1", False) == "Thread · done"


def test_the_sync_state_says_what_the_sync_does_and_how_old_the_data_is() -> None:
    syncing = Progress(pages=1, items=1_500)
    assert inbox_text.sync_state(None, syncing, None, False, NOW) == (
        "syncing · 1 page · 1,500 items",
        "",
        False,
    )
    assert inbox_text.sync_state(None, None, None, False, NOW) == ("connecting…", "", False)
    assert inbox_text.sync_state(None, None, "HTTP 401", True, NOW) == (
        "sync failed",
        "never synced",
        True,
    )
    assert inbox_text.sync_state(NOW - 30, None, None, False, NOW) == (
        "",
        "synced just now",
        False,
    )
    assert inbox_text.sync_state(NOW - 30, None, "timed out", False, NOW) == (
        "offline",
        "data under 1m old",
        True,
    )
    assert inbox_text.sync_state(NOW - 3 * HOUR, syncing, None, False, NOW).age == (
        "synced 3h00 ago"
    )


def test_what_was_skipped_is_told_in_one_line() -> None:
    assert inbox_text.skipped_on_load((), 0) is None
    assert inbox_text.skipped_on_load(("comment c9: no author\nat all",), 1) == (
        "comment c9: no author at all; L lists them all",
        "1 items skipped or repaired while loading",
    )
    message, _ = inbox_text.skipped_on_load(("post p1: no id",), 1_001) or ("", "")
    assert message == "post p1: no id (and 1,000 more); L lists them all"
    assert inbox_text.skipped_by_pull([], 3) is None
    assert inbox_text.skipped_by_pull(["why", "b", "c"], 16) == (
        "Sync: why · 16 items skipped or repaired in all; L lists them"
    )
    assert inbox_text.skipped_by_pull(["limit reached"], 1) == (
        "Sync: limit reached · 1 item skipped or repaired in all; L lists them"
    )
    assert inbox_text.skipped_by_pull(["the offline copy was not saved"], 0) == (
        "Sync: the offline copy was not saved"
    )
