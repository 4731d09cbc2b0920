"""The commdash/v1 export (FORMATS.md §1): every default and tolerance of the contract.

Hostile input is normal input: anything malformed inside a post or comment is skipped or
repaired and reported, and the rest of the document loads. Only a document that is not a
commdash/v1 export at all is an error.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from typing import Any

from commdash.errors import SourceError
from commdash.model import Author, Conversation, Post, Snapshot, SourceInfo
from commdash.text import one_line, sanitize
from commdash.threads import RawComment, build_conversations, show_id
from commdash.timeutil import parse_timestamp

FORMAT = "commdash/v1"


def read_native(
    document: object, location: str, default_name: str, default_exported_at: float
) -> Snapshot:
    """Map a parsed commdash/v1 document into a :class:`Snapshot`."""
    if not isinstance(document, dict):
        kind = json_kind(document)
        raise SourceError(f"{location}: not a commdash/v1 export (the top level is {kind})")
    declared = document.get("format")
    if declared != FORMAT:
        said = "missing" if declared is None else repr(one_line(sanitize(declared), 40))
        raise SourceError(
            f'{location}: not a commdash/v1 export ("format" is {said}, expected "{FORMAT}")'
        )
    skipped: list[str] = []
    source = _read_source(document.get("source"), location, default_name, default_exported_at)
    if "exported_at" in document:
        exported_at = parse_timestamp(document["exported_at"])
        if exported_at is None:
            skipped.append("exported_at: not a time; using the file's modification time")
        else:
            source = _with_exported_at(source, exported_at)
    raw_posts = document.get("posts")
    if raw_posts is None:
        raw_posts = []
    if not isinstance(raw_posts, list):
        raise SourceError(f'{location}: "posts" must be an array, not {json_kind(raw_posts)}')
    posts, conversations = _read_posts(raw_posts, source.account, skipped.append)
    return Snapshot(source, tuple(posts), tuple(conversations), tuple(skipped))


def json_kind(value: object) -> str:
    """What a parsed JSON value is, in JSON's words."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    return "an array" if isinstance(value, list) else "an object"


def _with_exported_at(source: SourceInfo, exported_at: float) -> SourceInfo:
    return SourceInfo(source.name, source.platform, source.account, exported_at, source.location)


def _read_source(raw: object, location: str, default_name: str, exported_at: float) -> SourceInfo:
    if not isinstance(raw, dict):
        raise SourceError(f'{location}: "source" is missing; it must name the brand\'s account')
    account = _read_author(raw.get("account"))
    if account is None:
        raise SourceError(
            f'{location}: "source.account" needs an "id": it tells the brand\'s own messages'
        )
    name = _text(raw.get("name")) or default_name
    platform = one_line(_text(raw.get("platform")), 30).lower() or "generic"
    return SourceInfo(one_line(name, 80), platform, account, exported_at, location)


def _read_posts(
    raw_posts: list[Any], account: Author, report: Callable[[str], None]
) -> tuple[list[Post], list[Conversation]]:
    posts: list[Post] = []
    conversations: list[Conversation] = []
    post_ids: set[str] = set()
    comment_ids: set[str] = set()
    for p, raw in enumerate(raw_posts):
        where = f"posts[{p}]"
        found = _identified(raw, where, "post", post_ids, report)
        if found is None:
            continue
        raw, post_id, created_at = found
        post_ids.add(post_id)
        posts.append(_read_post(raw, post_id, created_at, account))
        comments = _read_comments(raw.get("comments"), where, comment_ids, report)
        conversations.extend(build_conversations(post_id, comments, account.id, report))
    return posts, conversations


def _read_post(raw: dict[str, Any], post_id: str, created_at: float, account: Author) -> Post:
    metrics = raw.get("metrics")
    if not isinstance(metrics, dict):
        metrics = {}
    status = one_line(_text(raw.get("status")), 20).lower() or "published"
    return Post(
        id=post_id,
        channel=one_line(_text(raw.get("channel")), 80),
        author=_read_author(raw.get("author")) or account,
        created_at=created_at,
        status=status,
        text=_text(raw.get("text")),
        scheduled_at=parse_timestamp(raw.get("scheduled_at")),
        permalink=one_line(_text(raw.get("permalink")), 2000) or None,
        reactions=_read_reactions(metrics.get("reactions")),
        shares=_count(metrics.get("shares")),
        reach=_count(metrics.get("reach")),
        impressions=_count(metrics.get("impressions")),
    )


def _read_comments(
    raw_comments: object, where: str, seen: set[str], report: Callable[[str], None]
) -> list[RawComment]:
    if raw_comments is None:
        return []
    if not isinstance(raw_comments, list):
        report(f"{where}.comments: not a list; no comments read")
        return []
    comments: list[RawComment] = []
    for c, raw in enumerate(raw_comments):
        here = f"{where}.comments[{c}]"
        found = _identified(raw, here, "comment", seen, report)
        if found is None:
            continue
        raw, comment_id, created_at = found
        author = _read_author(raw.get("author"))
        if author is None:
            report(f"{here} ({show_id(comment_id)}): no author; skipped")
            continue
        seen.add(comment_id)
        parent_id = _identifier(raw.get("parent_id"))
        comments.append(
            RawComment(
                id=comment_id,
                parent_id=parent_id,
                author=author,
                created_at=created_at,
                text=_text(raw.get("text")),
                likes=_count(raw.get("likes")) or 0,
                hidden=raw.get("hidden") is True,
            )
        )
    return comments


def _identified(
    raw: object, where: str, kind: str, seen: set[str], report: Callable[[str], None]
) -> tuple[dict[str, Any], str, float] | None:
    """A post or comment with the fields every item needs: an object, an id not seen before,
    and a creation time. None, reported, when one of them is missing."""
    skipped = "skipped with its comments" if kind == "post" else "skipped"
    if not isinstance(raw, dict):
        report(f"{where}: not an object; {skipped}")
        return None
    identifier = _identifier(raw.get("id"))
    if identifier is None:
        report(f"{where}: no id; {skipped}")
        return None
    if identifier in seen:
        report(f"{where}: duplicate {kind} id {show_id(identifier)}; {skipped}")
        return None
    created_at = parse_timestamp(raw.get("created_at"))
    if created_at is None:
        report(f"{where} ({show_id(identifier)}): created_at is not a time; {skipped}")
        return None
    return raw, identifier, created_at


def _identifier(value: object) -> str | None:
    """Ids are strings; whole numbers are accepted (some tools write them so)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str) and value:
        return sanitize(value) or None
    return None


def _read_author(raw: object) -> Author | None:
    """``{id, name}``; a bare string is taken as both. None when there is no id."""
    if isinstance(raw, str):
        name = one_line(sanitize(raw), 80)
        return Author(name, name) if name else None
    if not isinstance(raw, dict):
        return None
    author_id = _identifier(raw.get("id"))
    if author_id is None:
        return None
    name = one_line(_text(raw.get("name")), 80)
    return Author(author_id, name if _visible(name) else author_id)


def _visible(text: str) -> bool:
    """Whether ``text`` shows anything: not empty, nor only spaces and invisible marks."""
    return any(unicodedata.category(char)[0] not in "CZ" for char in text)


def _text(value: object) -> str:
    if isinstance(value, str):
        return sanitize(value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return ""


def _count(value: object) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if value != value or value < 0 or value > 1e15:
        return None
    return int(value)


def _read_reactions(raw: object) -> dict[str, int]:
    if not isinstance(raw, dict):
        return {}
    reactions: dict[str, int] = {}
    for kind, count in raw.items():
        number = _count(count)
        if number is not None and isinstance(kind, str):
            reactions[one_line(sanitize(kind), 20)] = number
    return reactions
