"""The post queue: "All posts", then every post ranked by how much it needs attention."""

from __future__ import annotations

from rich.segment import Segment

from commdash.inbox import Inbox, PostRanking
from commdash.ui.widgets.cells import fit, right
from commdash.ui.widgets.virtual_list import VirtualList

BADGES = {"scheduled": "SCHED", "pending": "PEND", "draft": "DRAFT"}
COUNT_WIDTH = 4


def compact_count(number: int) -> str:
    """A count in at most four cells: 7, 950, 1.2k, 13k, 250k, 1.5M."""
    if number < 1000:
        return str(number)
    if number < 10_000:
        return f"{number / 1000:.1f}k"
    if number < 1_000_000:
        return f"{number // 1000}k"
    return f"{number / 1_000_000:.1f}M"


class PostQueue(VirtualList):
    COMPONENT_CLASSES = VirtualList.COMPONENT_CLASSES | {
        "post-queue--badge",
        "post-queue--late",
        "post-queue--waiting",
        "post-queue--quiet",
    }

    DEFAULT_CSS = """
    PostQueue {
        & > .post-queue--badge { color: $secondary; text-style: bold; }
        & > .post-queue--late { color: $error; text-style: bold; }
        & > .post-queue--waiting { color: $warning; }
        & > .post-queue--quiet { color: $text-muted; }
    }
    """

    def __init__(self, inbox: Inbox, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.inbox = inbox
        self.summaries: PostRanking | None = None
        self.total_waiting = 0

    def show(self, summaries: PostRanking, total_waiting: int) -> None:
        """Replace the posts; the cursor stays on the same post when it is still listed."""
        keep = self.current
        self.summaries = summaries
        self.total_waiting = total_waiting
        position = summaries.position(keep) if keep is not None else None
        self.set_row_count(len(summaries) + 1, None if position is None else position + 1)

    @property
    def current(self) -> str | None:
        """The selected post's id; None for "All posts"."""
        if self.summaries is not None and 1 <= self.cursor <= len(self.summaries):
            return self.summaries.post_id(self.cursor - 1)
        return None

    def render_row(self, index: int, width: int) -> list[Segment]:
        text_width = width - 1 - COUNT_WIDTH
        if index == 0:
            count = compact_count(self.total_waiting) if self.total_waiting else ""
            return [
                Segment(
                    fit("All posts", text_width) + " ", self.component_style("post-queue--badge")
                ),
                Segment(right(count, COUNT_WIDTH), self.component_style("post-queue--waiting")),
            ]
        if self.summaries is None:
            return []
        summary = self.summaries[index - 1]
        post = summary.post
        badge = BADGES.get(post.status, "" if post.status == "published" else post.status.upper())
        segments = []
        if badge:
            badge = fit(badge, min(len(badge), max(0, text_width - 4))) + " "
            segments.append(Segment(badge, self.component_style("post-queue--badge")))
            text_width -= len(badge)
        title = post.text or post.channel or post.id
        segments.append(Segment(fit(title, max(0, text_width)) + " "))
        if summary.over_sla:
            style = self.component_style("post-queue--late")
        elif summary.needs_reply:
            style = self.component_style("post-queue--waiting")
        else:
            style = self.component_style("post-queue--quiet")
        count = compact_count(summary.needs_reply) if summary.needs_reply else "·"
        segments.append(Segment(right(count, COUNT_WIDTH), style))
        return segments
