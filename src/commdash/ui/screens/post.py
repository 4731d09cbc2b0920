"""A post in full: its text, channel, status, metrics and link, over the inbox; a post
pending approval or scheduled, which no conversation leads to, is opened from the posts."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from textual.binding import Binding, BindingType

from commdash.inbox import SourceFigures
from commdash.model import Post
from commdash.text import clip, one_line
from commdash.timeutil import ago, short_age
from commdash.ui.screens.page import PageScreen, Part
from commdash.ui.widgets import sharing
from commdash.ui.widgets.cells import terminal_text

TEXT_LIMIT = 20_000
"""Characters of the post shown at most: a page of text holds it all at once."""
LABEL_WIDTH = 15
HINT = "escape closes · y copies the link, Y the text · o opens the link"


def when(seconds: float) -> str:
    """A local date and time, as a manager reads it: ``Thu 27 Nov 2026 10:00``."""
    return f"{datetime.fromtimestamp(seconds).astimezone():%a %d %b %Y %H:%M}"


def status_words(post: Post, now: float) -> str:
    """Where the post stands, with its time."""
    if post.status == "published":
        return f"published {ago(now - post.created_at)}"
    if post.status == "scheduled":
        at = post.scheduled_at
        return "scheduled" if at is None else f"scheduled for {when(at)} ({short_age(now - at)})"
    if post.status == "pending":
        return "pending: waiting for a moderator's approval"
    return post.status


class PostScreen(PageScreen):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,p", "close", "Close", id="post.close"),
        Binding(
            "y",
            "copy_link",
            "Copy link",
            show=False,
            tooltip="Copy the post's link (else its text) to your clipboard, through the terminal",
            id="inbox.copy-link",
        ),
        Binding(
            "Y",
            "copy_text",
            "Copy text",
            show=False,
            tooltip="Copy the post's text to your clipboard, through the terminal",
            id="inbox.copy-text",
        ),
        Binding(
            "o",
            "open_link",
            "Open link",
            show=False,
            tooltip="Open the post's link in your browser, or show it",
            id="inbox.open-link",
        ),
    ]

    def __init__(self, post: Post, figures: SourceFigures, sla_minutes: float, now: float) -> None:
        super().__init__()
        self.post = post
        self.figures = figures
        self.sla_minutes = sla_minutes
        self.now = now

    @property
    def shared(self) -> sharing.Shared:
        return sharing.Shared("post", self.post.text, self.post.permalink)

    def action_copy_link(self) -> None:
        sharing.copy_link(self, self.shared)

    def action_copy_text(self) -> None:
        sharing.copy_text(self, self.shared)

    def action_open_link(self) -> None:
        sharing.open_link(self, self.shared)

    def parts(self) -> list[Part]:
        post, figures = self.post, self.figures
        c = figures.conversation
        channel = one_line(terminal_text(post.channel), 80) or "Post"
        author = one_line(terminal_text(post.author.name), 80)
        parts: list[Part] = [
            (channel, "bold $accent"),
            f" · {status_words(post, self.now)} · by {author}\n",
            (f"{HINT}\n\n", "$text-muted"),
        ]

        def row(label: str, value: str) -> None:
            parts.extend([(f"{label:<{LABEL_WIDTH}}", "$text-muted"), f"{value}\n"])

        reactions = " · ".join(f"{kind} {count:,}" for kind, count in post.reactions.items())
        row("Reactions", reactions or "none")
        row("Shares", _known(post.shares))
        row("Reach", _known(post.reach))
        row("Impressions", _known(post.impressions))
        rate = figures.engagement_rate_median
        of_reach = "" if rate is None else f" ({rate:.1%} of the reach)"
        row("Engagement", f"{figures.engagement_total:,}{of_reach}")
        row(
            "Conversations",
            f"{c.open + c.done + c.snoozed:,} · {c.needs_reply:,} need a reply · "
            f"{c.sla_breached:,} over the {self.sla_minutes:g} min SLA",
        )
        link = post.permalink
        row("Link", "none" if link is None else one_line(terminal_text(link), 2000))
        text, cut = clip(post.text, TEXT_LIMIT)
        parts.append("\n")
        parts.append(terminal_text(text) if text else ("(no text)", "$text-muted"))
        if cut:
            parts.append(
                (f"\n… {cut:,} more characters not shown (Y copies the text)", "$text-muted")
            )
        return parts


def _known(count: int | None) -> str:
    return "unknown" if count is None else f"{count:,}"
