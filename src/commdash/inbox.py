"""The manager's inbox: a snapshot seen through the local triage state.

It answers what the screens ask (which conversations a view holds and in what order, how
posts rank, the figures of a selection). Everything derived is kept up to date one
conversation at a time as actions are applied, and as the clock moves (conversations
passing their SLA, snoozes ending): nothing is recounted over the whole source, so a key
costs the same with a hundred conversations or a million.
"""

from __future__ import annotations

import heapq
import threading
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Literal, overload

from commdash import figures
from commdash.figures import DAY, HOUR, Figures
from commdash.model import Conversation, Facts, Message, Post, Snapshot
from commdash.ordered import OrderedIds, SortedTimes
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


class SearchStopped(Exception):
    """A search given up because its result was no longer wanted."""


def _never() -> bool:
    return False


class PostRanking(Sequence[PostSummary]):
    """Posts in order of how much they need attention; summaries are made when read, so a
    hundred thousand posts cost nothing until they are on screen."""

    def __init__(self, inbox: Inbox, entries: list[tuple[Any, str]]) -> None:
        self._inbox = inbox
        self._entries = entries
        self._order = [pid for _, pid in entries]

    def __len__(self) -> int:
        return len(self._order)

    @overload
    def __getitem__(self, index: int) -> PostSummary: ...
    @overload
    def __getitem__(self, index: slice) -> list[PostSummary]: ...
    def __getitem__(self, index: int | slice) -> PostSummary | list[PostSummary]:
        if isinstance(index, slice):
            return [self._inbox.summary(pid) for pid in self._order[index]]
        return self._inbox.summary(self._order[index])

    def __iter__(self) -> Iterator[PostSummary]:
        return (self._inbox.summary(pid) for pid in self._order)

    def post_id(self, index: int) -> str:
        return self._order[index]

    def position(self, post_id: str) -> int | None:
        key = self._inbox.rank_key(post_id)
        if key is None:
            return None
        at = bisect_left(self._entries, (key, post_id))
        if at < len(self._entries) and self._entries[at][1] == post_id:
            return at
        return self._order.index(post_id) if post_id in self._order else None


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
        self._by_post: dict[str, list[str]] = defaultdict(list)
        found = snapshot.conversations
        self._shelf = None if isinstance(found, tuple) else found
        self.conversations: Mapping[str, Conversation]
        if isinstance(found, tuple):
            self.conversations = {c.id: c for c in found}
            for conversation in found:
                self._by_post[conversation.post_id].append(conversation.id)
        else:
            self.conversations = found
            for cid in found:
                self._by_post[found.post_id(cid)].append(cid)
        self._states: dict[str, TriageState] = {
            cid: state for cid, state in states.items() if cid in self.conversations
        }
        self._replies: dict[str, list[Reply]] = defaultdict(list)
        for reply in replies:
            if self._shows(reply):
                self._replies[reply.conversation_id].append(reply)
        self._haystacks: dict[str, str] = {}
        self._advancing = threading.Lock()
        self._found: tuple[str, set[str]] | None = None
        """The latest needle searched for in a shelf, and the conversations it is in."""
        self._post_of = {cid: pid for pid, cids in self._by_post.items() for cid in cids}
        self._build()

    # Starting from a saved count -------------------------------------------------------------

    def base(self) -> dict[str, Any]:
        """What a later inbox on the same snapshot can start from instead of counting again
        (:meth:`restore`): the fields named in :data:`_COUNTED`. Only for an inbox made with
        no triage state and no reply."""
        return {name: getattr(self, name) for name in _COUNTED}

    @classmethod
    def restore(
        cls,
        base: Mapping[str, Any],
        snapshot: Snapshot,
        states: Mapping[str, TriageState],
        replies: Iterable[Reply],
        clock: Clock,
        sla_seconds: float,
    ) -> Inbox:
        """The inbox that ``Inbox(snapshot, states, replies, clock, sla_seconds)`` makes, from
        a :meth:`base` of the same snapshot: only the conversations with state or replies and
        those that passed their SLA since are counted again. A base of another SLA, of a
        later time, or that does not name exactly the counted fields (saved by another
        build) is not used: everything is counted afresh."""
        if (
            base.keys() != _COUNTED_NAMES
            or base["sla_seconds"] != sla_seconds
            or not clock.now() >= base["_now"]
        ):
            return cls(snapshot, states, replies, clock, sla_seconds)
        inbox = cls.__new__(cls)
        for name in _COUNTED:
            setattr(inbox, name, base[name])
        inbox.snapshot, inbox.clock = snapshot, clock
        found = snapshot.conversations
        inbox._shelf = None if isinstance(found, tuple) else found
        inbox.conversations = {c.id: c for c in found} if isinstance(found, tuple) else found
        inbox._haystacks, inbox._rank_copy, inbox._found = {}, None, None
        inbox._advancing = threading.Lock()
        inbox._states, inbox._replies = {}, defaultdict(list)
        inbox.reload(states, replies)
        return inbox

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
        with self._changing(cid):
            if state.is_blank:
                self._states.pop(cid, None)
            else:
                self._states[cid] = state

    def add_reply(self, reply: Reply) -> None:
        with self._changing(reply.conversation_id):
            self._replies[reply.conversation_id].append(reply)

    def remove_reply(self, reply_id: str) -> str | None:
        """Forget a reply; returns its conversation's id when it was known."""
        for cid, replies in self._replies.items():
            for reply in replies:
                if reply.id == reply_id:
                    with self._changing(cid):
                        replies.remove(reply)
                    return cid
        return None

    def reload(self, states: Mapping[str, TriageState], replies: Iterable[Reply]) -> None:
        """Take another process's changes: recompute only what differs."""
        fresh_replies: dict[str, list[Reply]] = defaultdict(list)
        for reply in replies:
            if self._shows(reply):
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
        for cid in changed:
            with self._changing(cid):
                self._states.pop(cid, None)
                if cid in states:
                    self._states[cid] = states[cid]
                self._replies.pop(cid, None)
                if cid in fresh_replies:
                    self._replies[cid] = fresh_replies[cid]

    def _shows(self, reply: Reply) -> bool:
        """Whether a reply is shown in its thread (and counts as ours): until it was sent and
        the source delivered the message it became."""
        if reply.kind != "reply" or reply.conversation_id not in self.conversations:
            return False
        if reply.status != "sent":
            return True
        messages = self.conversations[reply.conversation_id].messages
        return reply.remote_id is not None and all(m.id != reply.remote_id for m in messages)

    def replace_snapshot(
        self, snapshot: Snapshot, states: Mapping[str, TriageState], replies: Iterable[Reply]
    ) -> None:
        """A live source brought new data: count everything again over it, with the state
        and replies as they are on disk now."""
        fresh = Inbox(snapshot, states, replies, self.clock, self.sla_seconds)
        # Every field at once, in one step: a search in a worker thread reads the old inbox
        # or the new one, never half of each.
        self.__dict__ = fresh.__dict__

    # Keeping the derived figures ----------------------------------------------------------

    def _build(self) -> None:
        """Derive everything from scratch (once, at load)."""
        now = self.clock.now()
        self._now = now
        self._cutoff = now - self.sla_seconds
        self._facts: dict[str, Facts] = {}
        self._counted: dict[str, Status] = {}
        self._status_counts = {"open": 0, "done": 0, "snoozed": 0}
        self._with_member = 0
        self._queued = 0
        self._post_waiting: dict[str, int] = defaultdict(int)
        self._post_over: dict[str, int] = defaultdict(int)
        self._post_visible: dict[str, int] = defaultdict(int)
        self._snoozes: list[tuple[float, str]] = []
        waiting_at: list[float] = []
        waiting: list[str] = []
        latest_keys: list[float] = []
        response_times: list[float] = []
        member_times: list[float] = []
        needs, blank, facts_for = figures.needs_reply, BLANK, self._facts_for
        post_of = self._post_of
        for cid in self.conversations:
            state = self._states.get(cid, blank)
            replies = self._replies.get(cid, ())
            facts = self._facts[cid] = facts_for(cid, state, replies)
            status = state.status(facts.latest_member_at, now)
            self._counted[cid] = status
            self._status_counts[status] += 1
            self._queued += _undelivered(replies)
            pid = post_of[cid]
            self._post_visible[pid] += facts.visible_count
            latest_keys.append(-(facts.latest_at or 0.0))
            if needs(facts, status):
                assert facts.latest_at is not None
                waiting_at.append(facts.latest_at)
                waiting.append(cid)
                self._post_waiting[pid] += 1
                if facts.latest_at < self._cutoff:
                    self._post_over[pid] += 1
            if status == "snoozed" and state.snoozed_until is not None:
                self._snoozes.append((state.snoozed_until, cid))
            if facts.first_member_at is not None:
                self._with_member += 1
                if facts.first_response_at is not None:
                    response_times.append(facts.first_response_at - facts.first_member_at)
            member_times.extend(facts.member_times)
        heapq.heapify(self._snoozes)
        self._waiting = OrderedIds(waiting_at, waiting)
        self._latest = OrderedIds(latest_keys, list(self.conversations))
        self._response_times = SortedTimes(response_times)
        self._member_times = SortedTimes(member_times)
        self._post_engagement = {pid: self._engagement(post) for pid, post in self.posts.items()}
        self._engagement_total = sum(total for total, _ in self._post_engagement.values())
        self._rates = SortedTimes(
            rate for _, rate in self._post_engagement.values() if rate is not None
        )
        self._by_engagement = OrderedIds(
            [-total for total, _ in self._post_engagement.values()], list(self._post_engagement)
        )
        self._post_keys = {pid: self._rank_key(pid) for pid in self.posts}
        self._ranking = OrderedIds(list(self._post_keys.values()), list(self._post_keys))
        self._rank_copy: PostRanking | None = None

    def _facts_for(self, cid: str, state: TriageState, replies: Sequence[Reply]) -> Facts:
        if self._shelf is not None and not replies and not state.hidden:
            return self._shelf.base_facts(cid)  # the same, without reading the messages
        return figures.facts_of(self.conversations[cid], state, replies)

    def _rank_key(self, pid: str) -> tuple[int, int, bool, int]:
        return (
            -self._post_over.get(pid, 0),
            -self._post_waiting.get(pid, 0),
            self.posts[pid].status != "pending",
            -self._post_engagement[pid][0],
        )

    @contextmanager
    def _changing(self, cid: str) -> Iterator[None]:
        """Around a change of one conversation's state or replies: its part in every figure
        is taken out before and put back, recomputed, after."""
        self._haystacks.pop(cid, None)
        self._advance()
        self._count(cid, -1)
        try:
            yield
        finally:
            state, replies = self.state(cid), self.replies(cid)
            facts = self._facts[cid] = self._facts_for(cid, state, replies)
            status = self._counted[cid] = state.status(facts.latest_member_at, self._now)
            if status == "snoozed" and state.snoozed_until is not None:
                heapq.heappush(self._snoozes, (state.snoozed_until, cid))
            self._count(cid, +1)

    def _count(self, cid: str, sign: int) -> None:
        """Add (+1) or take away (-1) a conversation's part in every figure and ranking."""
        facts, status = self._facts[cid], self._counted[cid]
        pid = self._post_of[cid]
        self._status_counts[status] += sign
        self._queued += sign * _undelivered(self.replies(cid))
        before = self._post_keys[pid]
        latest_key = -(facts.latest_at or 0.0)
        if sign > 0:
            self._latest.add(latest_key, cid)
        else:
            self._latest.discard(latest_key, cid)
        if figures.needs_reply(facts, status):
            assert facts.latest_at is not None
            if sign > 0:
                self._waiting.add(facts.latest_at, cid)
            else:
                self._waiting.discard(facts.latest_at, cid)
            self._post_waiting[pid] += sign
            if facts.latest_at < self._cutoff:
                self._post_over[pid] += sign
        if facts.first_member_at is not None:
            self._with_member += sign
            if facts.first_response_at is not None:
                delay = facts.first_response_at - facts.first_member_at
                if sign > 0:
                    self._response_times.add(delay)
                else:
                    self._response_times.remove(delay)
        for moment in facts.member_times:
            if sign > 0:
                self._member_times.add(moment)
            else:
                self._member_times.remove(moment)
        if facts.visible_count:
            self._post_visible[pid] += sign * facts.visible_count
            self._change_engagement(pid)
        self._rerank(pid, before)

    def _change_engagement(self, pid: str) -> None:
        old_total, old_rate = self._post_engagement[pid]
        new_total, new_rate = self._post_engagement[pid] = self._engagement(self.posts[pid])
        self._engagement_total += new_total - old_total
        if old_rate is not None:
            self._rates.remove(old_rate)
        if new_rate is not None:
            self._rates.add(new_rate)
        self._by_engagement.discard(-old_total, pid)
        self._by_engagement.add(-new_total, pid)

    def _rerank(self, pid: str, before: tuple[int, int, bool, int]) -> None:
        after = self._rank_key(pid)
        if after != before:
            self._post_keys[pid] = after
            self._ranking.discard(before, pid)
            self._ranking.add(after, pid)
            self._rank_copy = None

    def _advance(self) -> None:
        """Bring the time-dependent figures to the clock's time: conversations that passed
        their SLA since, snoozes that ended. (A search in a worker thread asks too: one
        thread at a time.)"""
        if self.clock.now() == self._now:
            return
        with self._advancing:
            self._advance_to(self.clock.now())

    def _advance_to(self, now: float) -> None:
        if now == self._now:
            return
        if now < self._now:  # the clock went back (a pinned clock was moved): start over
            self._build()
            return
        self._now = now
        cutoff = now - self.sla_seconds
        for cid in self._waiting.between(self._cutoff, cutoff):
            pid = self._post_of[cid]
            before = self._post_keys[pid]
            self._post_over[pid] += 1
            self._rerank(pid, before)
        self._cutoff = cutoff
        while self._snoozes and self._snoozes[0][0] <= now:
            _, cid = heapq.heappop(self._snoozes)
            if self._counted[cid] == "snoozed":
                self._count(cid, -1)
                self._counted[cid] = self.state(cid).status(self._facts[cid].latest_member_at, now)
                self._count(cid, +1)

    # Lists --------------------------------------------------------------------------------

    def conversation_ids(
        self,
        view: View = "needs-reply",
        post_id: str | None = None,
        query: str = "",
        stop: Callable[[], bool] | None = None,
    ) -> list[str]:
        """The conversations of a view, in the order the manager works through them.

        Searching a large source for ``query`` takes a while; it gives up, raising
        :class:`SearchStopped`, as soon as ``stop()`` says so. A search from another thread
        passes ``stop``: it then leaves bringing the figures to the clock's time to the UI
        thread, the only one that changes the inbox."""
        if stop is None:
            self._advance()
        needle = query.casefold().strip()
        matches = self._matcher(needle, stop or _never)
        if post_id is None and view in ("needs-reply", "all"):
            ordered = (self._waiting if view == "needs-reply" else self._latest).ids()
            return [cid for cid in ordered if matches(cid)] if needle else ordered
        if post_id is not None:
            pool: Iterable[str] = self._by_post.get(post_id, [])
        elif view in ("done", "snoozed"):
            pool = self._states  # only a conversation with state can be done or snoozed
        else:
            pool = self.conversations
        counted = self._counted
        chosen = []
        for cid in pool:
            status = counted[cid]
            if view == "needs-reply":
                keep = status == "open" and figures.needs_reply(self._facts[cid], status)
            elif view == "all":
                keep = True
            else:
                keep = status == view
            if keep and (not needle or matches(cid)):
                chosen.append(cid)
        chosen.sort(key=self._order_key(view))
        return chosen

    def known_tags(self) -> list[str]:
        """Every tag in use, sorted: what the tag prompt completes from. Only conversations
        with triage state can have one, so a million without are never looked at."""
        return sorted({tag for state in self._states.values() for tag in state.tags})

    def known_assignees(self) -> list[str]:
        """Everyone a conversation is assigned to, sorted: what the assign prompt completes
        from."""
        return sorted({state.assignee for state in self._states.values() if state.assignee})

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
                if figures.needs_reply(self._facts[cid], self._counted[cid])
                else (1, -(self._facts[cid].latest_at or 0.0)),
                cid,
            )
        return lambda cid: (-(self._facts[cid].latest_at or 0.0), cid)

    def _matcher(self, needle: str, stop: Callable[[], bool]) -> Callable[[str], bool]:
        """Whether a conversation matches the filter: its tags, assignee, authors or texts."""
        if self._shelf is None or not needle:
            return lambda cid: needle in self._haystack(cid)
        # A large source is searched post by post, in file order, once per needle.
        if self._found is not None and self._found[0] == needle:
            found = self._found[1]
        else:
            searched = self._shelf.matching(needle, stop)
            if searched is None:
                raise SearchStopped(needle)
            found = searched
            self._found = (needle, found)

        def matches(cid: str) -> bool:
            if cid in found:
                return True
            state = self._states.get(cid)
            return state is not None and needle in _state_haystack(state)

        return matches

    def _haystack(self, cid: str) -> str:
        found = self._haystacks.get(cid)
        if found is None:
            parts = [_state_haystack(self.state(cid))]
            for message in self.conversations[cid].messages:
                parts.append(message.author.name)
                parts.append(message.text[:2000])
            found = self._haystacks[cid] = "\n".join(parts).casefold()
        return found

    def post_summaries(self) -> PostRanking:
        """Posts ranked by how much they need attention."""
        self._advance()
        if self._rank_copy is None:
            self._rank_copy = PostRanking(self, self._ranking.entries())
        return self._rank_copy

    def rank_key(self, post_id: str) -> tuple[int, int, bool, int] | None:
        return self._post_keys.get(post_id)

    def summary(self, post_id: str) -> PostSummary:
        post = self.posts[post_id]
        engagement, rate = self._post_engagement[post_id]
        return PostSummary(
            post=post,
            conversations=len(self._by_post.get(post_id, ())),
            needs_reply=self._post_waiting.get(post_id, 0),
            over_sla=self._post_over.get(post_id, 0),
            engagement=engagement,
            engagement_rate=rate,
        )

    def _engagement(self, post: Post) -> tuple[int, float | None]:
        """A post's engagement and engagement rate."""
        visible = self._post_visible.get(post.id, 0)
        return figures.engagement(post, visible), figures.engagement_rate(post, visible)

    # Figures ------------------------------------------------------------------------------

    def figures(self, post_id: str | None = None) -> SourceFigures:
        self._advance()
        if post_id is not None:
            return self._post_figures(post_id)
        now = self._now
        hourly = tuple(
            self._member_times.count_in(now - (24 - i) * HOUR, now - (23 - i) * HOUR)
            for i in range(24)
        )
        daily = tuple(
            self._member_times.count_in(now - (14 - i) * DAY, now - (13 - i) * DAY)
            for i in range(14)
        )
        responded = len(self._response_times)
        conversation = Figures(
            conversations=len(self.conversations),
            open=self._status_counts["open"],
            done=self._status_counts["done"],
            snoozed=self._status_counts["snoozed"],
            needs_reply=len(self._waiting),
            sla_breached=self._waiting.count_below(self._cutoff),
            response_rate=responded / self._with_member if self._with_member else None,
            median_first_response_seconds=self._response_times.median(),
            volume_24h=hourly,
            volume_14d=daily,
        )
        top = [self._by_engagement.id_at(i) for i in range(min(5, len(self._by_engagement)))]
        return SourceFigures(
            posts=len(self.posts),
            replies_queued=self._queued,
            conversation=conversation,
            engagement_total=self._engagement_total,
            engagement_rate_median=self._rates.median(),
            top_posts=tuple(self.summary(pid) for pid in top),
        )

    def _post_figures(self, post_id: str) -> SourceFigures:
        """One post's figures, counted afresh: a post has few conversations."""
        now = self._now
        cids = self._by_post.get(post_id, [])
        conversation_figures = figures.compute(
            ((self._facts[cid], self._counted[cid]) for cid in cids), now, self.sla_seconds
        )
        post = self.posts.get(post_id)
        engagement, rate = self._post_engagement[post_id] if post else (0, None)
        return SourceFigures(
            posts=1 if post else 0,
            replies_queued=sum(_undelivered(self.replies(cid)) for cid in cids),
            conversation=conversation_figures,
            engagement_total=engagement,
            engagement_rate_median=rate,
            top_posts=(self.summary(post_id),) if post else (),
        )


_COUNTED = (
    "sla_seconds",
    "posts",
    "_by_post",
    "_post_of",
    "_now",
    "_cutoff",
    "_facts",
    "_counted",
    "_status_counts",
    "_with_member",
    "_queued",
    "_post_waiting",
    "_post_over",
    "_post_visible",
    "_snoozes",
    "_waiting",
    "_latest",
    "_response_times",
    "_member_times",
    "_post_engagement",
    "_engagement_total",
    "_rates",
    "_by_engagement",
    "_post_keys",
    "_ranking",
)
"""What an inbox counts from its snapshot and SLA alone: what :meth:`Inbox.base` saves. The
rest is the session's own (the data, the clock, the state and replies, caches), set by
:meth:`Inbox.restore`."""
_COUNTED_NAMES = frozenset(_COUNTED)


def _undelivered(replies: Iterable[Reply]) -> int:
    """How many replies still wait to be delivered (not sent, not refused)."""
    return sum(reply.status in ("queued", "sending") for reply in replies)


def _state_haystack(state: TriageState) -> str:
    parts = [f"@{state.assignee}" if state.assignee else "", *(f"#{t}" for t in state.tags)]
    return "\n".join(parts).casefold()
