"""The manager's inbox: a snapshot seen through the local triage state.

It answers what the screens ask (which conversations a view holds and in what order, how
posts rank, the figures of a selection) and keeps its derived facts up to date as actions
are applied, one conversation at a time.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from commdash import figures
from commdash.figures import Facts, Figures
from commdash.model import Conversation, Message, Post, Snapshot
from commdash.outbox import Reply
from commdash.timeutil import Clock
from commdash.triage import BLANK, Status, TriageState

View = Literal["needs-reply", "open", "snoozed", "done", "all"]
_OrderKey = Callable[[str], Any]

VIEWS: dict[View, str] = {
    "needs-reply": "needs reply",
    "open": "all open",
    "snoozed": "snoozed",
    "done": "done",
    "all": "everything",
}


@dataclass(frozen=True, slots=True)
class PostSummary:
    post: Post
    conversations: int
    needs_reply: int
    over_sla: int
    engagement: int
    engagement_rate: float | None


@dataclass(frozen=True, slots=True)
class SourceFigures:
    """Figures of a selection, with the post-level ones of FORMATS.md §2."""

    posts: int
    replies_queued: int
    conversation: Figures
    engagement_total: int
    engagement_rate_median: float | None
    top_posts: tuple[PostSummary, ...]


class Inbox:
    def __init__(
        self,
        snapshot: Snapshot,
        states: Mapping[str, TriageState],
        replies: Iterable[Reply],
        clock: Clock,
        sla_seconds: float,
    ) -> None:
        self.snapshot = snapshot
        self.clock = clock
        self.sla_seconds = sla_seconds
        self.posts: dict[str, Post] = {post.id: post for post in snapshot.posts}
        self.conversations: dict[str, Conversation] = {c.id: c for c in snapshot.conversations}
        self._by_post: dict[str, list[str]] = defaultdict(list)
        for conversation in snapshot.conversations:
            self._by_post[conversation.post_id].append(conversation.id)
        self._states: dict[str, TriageState] = {
            cid: state for cid, state in states.items() if cid in self.conversations
        }
        self._replies: dict[str, list[Reply]] = defaultdict(list)
        for reply in replies:
            if reply.conversation_id in self.conversations and reply.pending:
                self._replies[reply.conversation_id].append(reply)
        self._facts: dict[str, Facts] = {}
        self._haystacks: dict[str, str] = {}
        for cid in self.conversations:
            self._refresh(cid)

    # One conversation ---------------------------------------------------------------------

    def state(self, cid: str) -> TriageState:
        return self._states.get(cid, BLANK)

    def facts(self, cid: str) -> Facts:
        return self._facts[cid]

    def replies(self, cid: str) -> list[Reply]:
        return self._replies.get(cid, [])

    def status(self, cid: str) -> Status:
        return self.state(cid).status(self._facts[cid].latest_member_at, self.clock.now())

    def needs_reply(self, cid: str) -> bool:
        return figures.needs_reply(self._facts[cid], self.status(cid))

    def over_sla(self, cid: str) -> bool:
        facts = self._facts[cid]
        return figures.over_sla(facts, self.status(cid), self.clock.now(), self.sla_seconds)

    def is_visible(self, cid: str, message: Message) -> bool:
        return figures.is_visible(message.id, message.hidden, self.state(cid))

    # Changes ------------------------------------------------------------------------------

    def set_state(self, cid: str, state: TriageState) -> None:
        if state.is_blank:
            self._states.pop(cid, None)
        else:
            self._states[cid] = state
        self._refresh(cid)

    def add_reply(self, reply: Reply) -> None:
        self._replies[reply.conversation_id].append(reply)
        self._refresh(reply.conversation_id)

    def remove_reply(self, reply_id: str) -> str | None:
        """Forget a reply; returns its conversation's id when it was known."""
        for cid, replies in self._replies.items():
            for reply in replies:
                if reply.id == reply_id:
                    replies.remove(reply)
                    self._refresh(cid)
                    return cid
        return None

    def reload(self, states: Mapping[str, TriageState], replies: Iterable[Reply]) -> None:
        """Take another process's changes: recompute only what differs."""
        fresh_replies: dict[str, list[Reply]] = defaultdict(list)
        for reply in replies:
            if reply.conversation_id in self.conversations and reply.pending:
                fresh_replies[reply.conversation_id].append(reply)
        changed = {
            cid
            for cid in set(states) | set(self._states) | set(fresh_replies) | set(self._replies)
            if cid in self.conversations
            and (
                states.get(cid, BLANK) != self._states.get(cid, BLANK)
                or fresh_replies.get(cid, []) != self._replies.get(cid, [])
            )
        }
        self._states = {cid: s for cid, s in states.items() if cid in self.conversations}
        self._replies = fresh_replies
        for cid in changed:
            self._refresh(cid)

    def _refresh(self, cid: str) -> None:
        conversation = self.conversations[cid]
        self._facts[cid] = figures.facts_of(conversation, self.state(cid), self.replies(cid))
        self._haystacks.pop(cid, None)

    # Lists --------------------------------------------------------------------------------

    def conversation_ids(
        self,
        view: View = "needs-reply",
        post_id: str | None = None,
        query: str = "",
    ) -> list[str]:
        """The conversations of a view, in the order the manager works through them."""
        pool = self._by_post.get(post_id, []) if post_id is not None else self.conversations
        now = self.clock.now()
        needle = query.casefold().strip()
        chosen = []
        for cid in pool:
            facts = self._facts[cid]
            status = self.state(cid).status(facts.latest_member_at, now)
            if view == "needs-reply":
                keep = figures.needs_reply(facts, status)
            elif view == "all":
                keep = True
            else:
                keep = status == view
            if keep and (not needle or needle in self._haystack(cid)):
                chosen.append(cid)
        chosen.sort(key=self._order_key(view))
        return chosen

    def _order_key(self, view: View) -> _OrderKey:
        if view == "needs-reply":
            # Longest-waiting first.
            return lambda cid: (self._facts[cid].latest_at or 0.0, cid)
        if view == "snoozed":
            return lambda cid: (self.state(cid).snoozed_until or 0.0, cid)
        if view == "done":
            return lambda cid: (-(self.state(cid).done_at or 0.0), cid)
        if view == "open":
            # What waits for us first (longest-waiting first), then the rest, latest first.
            return lambda cid: (
                (0, self._facts[cid].latest_at or 0.0)
                if self.needs_reply(cid)
                else (1, -(self._facts[cid].latest_at or 0.0)),
                cid,
            )
        return lambda cid: (-(self._facts[cid].latest_at or 0.0), cid)

    def _haystack(self, cid: str) -> str:
        found = self._haystacks.get(cid)
        if found is None:
            state = self.state(cid)
            parts = [f"@{state.assignee}" if state.assignee else "", *(f"#{t}" for t in state.tags)]
            for message in self.conversations[cid].messages:
                parts.append(message.author.name)
                parts.append(message.text[:2000])
            found = self._haystacks[cid] = "\n".join(parts).casefold()
        return found

    def post_summaries(self) -> list[PostSummary]:
        """Posts ranked by how much they need attention."""
        summaries = [self._summarise(post) for post in self.snapshot.posts]
        summaries.sort(
            key=lambda s: (
                -s.over_sla,
                -s.needs_reply,
                s.post.status != "pending",
                -s.engagement,
                s.post.id,
            )
        )
        return summaries

    def _summarise(self, post: Post) -> PostSummary:
        cids = self._by_post.get(post.id, [])
        engagement, rate = self._engagement(post)
        return PostSummary(
            post=post,
            conversations=len(cids),
            needs_reply=sum(1 for cid in cids if self.needs_reply(cid)),
            over_sla=sum(1 for cid in cids if self.over_sla(cid)),
            engagement=engagement,
            engagement_rate=rate,
        )

    def _engagement(self, post: Post) -> tuple[int, float | None]:
        """A post's engagement and engagement rate (without the waiting counts)."""
        visible = sum(self._facts[cid].visible_count for cid in self._by_post.get(post.id, []))
        return figures.engagement(post, visible), figures.engagement_rate(post, visible)

    # Figures ------------------------------------------------------------------------------

    def figures(self, post_id: str | None = None) -> SourceFigures:
        now = self.clock.now()
        pool = self.conversations if post_id is None else self._by_post.get(post_id, [])
        cids = list(pool)
        conversation_figures = figures.compute(
            (
                (self._facts[cid], self.state(cid).status(self._facts[cid].latest_member_at, now))
                for cid in cids
            ),
            now,
            self.sla_seconds,
        )
        if post_id is None:
            posts = list(self.snapshot.posts)
        else:
            posts = [self.posts[post_id]] if post_id in self.posts else []
        engagement = {post.id: self._engagement(post) for post in posts}
        rates = [rate for _, rate in engagement.values() if rate is not None]
        top = sorted(posts, key=lambda post: (-engagement[post.id][0], post.id))[:5]
        return SourceFigures(
            posts=len(posts),
            replies_queued=sum(len(self.replies(cid)) for cid in cids),
            conversation=conversation_figures,
            engagement_total=sum(total for total, _ in engagement.values()),
            engagement_rate_median=figures.median_or_none(rates),
            top_posts=tuple(self._summarise(post) for post in top),
        )
