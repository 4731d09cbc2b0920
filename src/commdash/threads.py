"""Turning a post's flat comment list into conversations.

Parents may be missing, point at themselves, or form cycles; threads may be thousands deep.
Everything here is iterative so no input can exhaust the stack, and linear in the number of
comments.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import NamedTuple

from commdash.figures import facts_from
from commdash.model import Author, Conversation, Facts, Message
from commdash.text import one_line


class RawComment(NamedTuple):
    """A comment as read, before it is placed in a thread (a tuple: a million are made)."""

    id: str
    parent_id: str | None
    author: Author
    created_at: float
    text: str
    likes: int
    hidden: bool
    read_only: bool = False
    permalink: str | None = None


def build_conversations(
    post_id: str,
    comments: Sequence[RawComment],
    account_id: str,
    report: Callable[[str], None],
) -> list[Conversation]:
    """Group comments (ids already unique) into conversations in thread order."""
    parent = _parents(post_id, comments, report)
    children: list[list[int]] = [[] for _ in comments]
    roots: list[int] = []
    for i, p in enumerate(parent):
        (roots if p == -1 else children[p]).append(i)

    def by_time(i: int) -> tuple[float, int]:
        return (comments[i].created_at, i)

    roots.sort(key=by_time)
    conversations = []
    for root in roots:
        messages: list[Message] = []
        stack = [(root, 0, -1)]
        while stack:
            i, depth, p = stack.pop()
            c = comments[i]
            messages.append(
                Message(
                    id=c.id,
                    post_id=post_id,
                    parent_id=comments[p].id if p != -1 else None,
                    author=c.author,
                    created_at=c.created_at,
                    text=c.text,
                    likes=c.likes,
                    hidden=c.hidden,
                    ours=c.author.id == account_id,
                    depth=depth,
                    read_only=c.read_only,
                    permalink=c.permalink,
                )
            )
            kids = sorted(children[i], key=by_time, reverse=True)
            stack.extend((k, depth + 1, i) for k in kids)
        conversations.append(
            Conversation(id=comments[root].id, post_id=post_id, messages=tuple(messages))
        )
    return conversations


def thread_facts(
    post_id: str,
    comments: Sequence[RawComment],
    account_id: str,
    report: Callable[[str], None],
) -> tuple[list[tuple[str, Facts]], list[int]]:
    """The conversations :func:`build_conversations` makes, as (id, facts with no triage
    state) in the same order, without making their messages; and for each comment, the
    index of the comment that starts its conversation."""
    parent = _parents(post_id, comments, report)
    root = list(range(len(comments)))
    if all(p < i for i, p in enumerate(parent)):
        for i, p in enumerate(parent):  # parents come first (the usual order): one pass
            if p != -1:
                root[i] = root[p]
    else:
        for i in range(len(comments)):  # acyclic now; follow the parents, remembering
            path = []
            node = i
            while parent[node] != -1 and root[node] == node:
                path.append(node)
                node = parent[node]
            for n in path:
                root[n] = root[node]
    members: list[list[float]] = [[] for _ in comments]
    ours: list[list[float]] = [[] for _ in comments]
    visible = [0] * len(comments)
    for comment, top in zip(comments, root, strict=True):
        if not comment.hidden:
            visible[top] += 1
            (ours if comment.author.id == account_id else members)[top].append(comment.created_at)
    tops = sorted(
        (i for i, p in enumerate(parent) if p == -1), key=lambda i: (comments[i].created_at, i)
    )
    member_depth, our_depth = _tie_depths(comments, parent, root, tops, members, ours, account_id)
    facts = [
        (
            comments[i].id,
            facts_from(
                members[i], ours[i], visible[i], member_depth.get(i, 0), our_depth.get(i, 0)
            ),
        )
        for i in tops
    ]
    return facts, root


def _tie_depths(
    comments: Sequence[RawComment],
    parent: list[int],
    root: list[int],
    tops: list[int],
    members: list[list[float]],
    ours: list[list[float]],
    account_id: str,
) -> tuple[dict[int, int], dict[int, int]]:
    """For the conversations whose latest member message and latest of ours share a time
    (by their top comment): how deep the deepest of each is, as :func:`facts_from` needs to
    tell which came later. Depths are worked out only when there is such a tie (seldom)."""
    tied = {
        top: latest
        for top in tops
        if members[top] and ours[top] and (latest := max(members[top])) == max(ours[top])
    }
    member_depth: dict[int, int] = {}
    our_depth: dict[int, int] = {}
    if not tied:
        return member_depth, our_depth
    depth = _depths(parent)
    for i, (comment, top) in enumerate(zip(comments, root, strict=True)):
        if not comment.hidden and tied.get(top) == comment.created_at:
            side = our_depth if comment.author.id == account_id else member_depth
            side[top] = max(side.get(top, 0), depth[i])
    return member_depth, our_depth


def _depths(parent: list[int]) -> list[int]:
    """Each comment's depth in its thread (``parent`` acyclic; -1 for a top comment)."""
    depth = [-1] * len(parent)
    for i in range(len(parent)):
        path = []
        node = i
        while depth[node] == -1 and parent[node] != -1:
            path.append(node)
            node = parent[node]
        if depth[node] == -1:
            depth[node] = 0  # a top comment
        for n in reversed(path):  # from the top down: each parent's depth is known
            depth[n] = depth[parent[n]] + 1
    return depth


def _parents(
    post_id: str, comments: Sequence[RawComment], report: Callable[[str], None]
) -> list[int]:
    """Each comment's parent (its index, -1 for none), with self-replies and cycles cut."""
    index = {comment.id: i for i, comment in enumerate(comments)}
    parent = [index.get(c.parent_id, -1) if c.parent_id is not None else -1 for c in comments]
    for i, comment in enumerate(comments):
        if parent[i] == i:
            parent[i] = -1
            report(f"post {show_id(post_id)}: comment {show_id(comment.id)} replies to itself")
    _break_cycles(post_id, comments, parent, report)
    return parent


def show_id(identifier: str) -> str:
    """An id as it appears in a report line: quoted, one line, at most 40 cells."""
    return repr(one_line(identifier, 40))


def _break_cycles(
    post_id: str,
    comments: Sequence[RawComment],
    parent: list[int],
    report: Callable[[str], None],
) -> None:
    """Cut every parent cycle at its earliest comment, which becomes top level."""
    unseen, walking, settled = 0, 1, 2
    mark = [unseen] * len(comments)
    for start in range(len(comments)):
        path: list[int] = []
        node = start
        while node != -1 and mark[node] == unseen:
            mark[node] = walking
            path.append(node)
            node = parent[node]
        if node != -1 and mark[node] == walking:
            cycle = path[path.index(node) :]
            first = min(cycle, key=lambda i: (comments[i].created_at, i))
            parent[first] = -1
            ids = ", ".join(show_id(comments[i].id) for i in cycle[:5])
            report(
                f"post {show_id(post_id)}: reply cycle among {ids}; "
                f"{show_id(comments[first].id)} shown top level"
            )
        for i in path:
            mark[i] = settled
