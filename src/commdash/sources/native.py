"""The commdash/v1 export (FORMATS.md §1): every default and tolerance of the contract.

Hostile input is normal input: anything malformed inside a post or comment is skipped or
repaired and reported, and the rest of the document loads. Only a document that is not a
commdash/v1 export at all is an error.
"""

from __future__ import annotations

import mmap
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from typing import Any, Generic, TypeVar, cast

import msgspec

from commdash.errors import SourceError
from commdash.model import Author, Conversation, Post, Snapshot, SourceInfo
from commdash.sources.jsondoc import BOM, Bytes, check_document, parse_json
from commdash.sources.shelf import FileShelf, OnDisk
from commdash.text import one_line, sanitize
from commdash.threads import RawComment, build_conversations, show_id, thread_facts
from commdash.timeutil import parse_timestamp

FORMAT = "commdash/v1"


class _RawAuthor(msgspec.Struct, gc=False):
    id: Any = None
    name: Any = None


class _CommentOutline(msgspec.Struct, gc=False):
    """What placing a comment in its thread needs: decoding only this skips the texts."""

    id: Any = None
    parent_id: Any = None
    created_at: Any = None
    author: _RawAuthor | str | None = None
    hidden: Any = None


class _RawComment(_CommentOutline, gc=False):
    """A comment as it stands in the file: every field may be missing or of any type."""

    text: Any = None
    likes: Any = None
    read_only: Any = None
    permalink: Any = None


C = TypeVar("C", _RawComment, _CommentOutline)


class RawPost(msgspec.Struct, Generic[C], gc=False):
    id: Any = None
    channel: Any = None
    author: Any = None
    created_at: Any = None
    status: Any = None
    text: Any = None
    scheduled_at: Any = None
    permalink: Any = None
    metrics: Any = None
    comments: list[C] | None = None


class _RawExport(msgspec.Struct):
    format: Any = None
    exported_at: Any = None
    source: Any = None
    posts: list[msgspec.Raw] | None = None


MAX_REPLY_LIMIT = 1_000_000_000
SHELF_MIN_POSTS = 100
"""A shelf reads a post back at a time: worth it for many posts, not for a few huge ones."""

_EXPORT = msgspec.json.Decoder(_RawExport)
_POST = msgspec.json.Decoder(RawPost[_RawComment])
_POST_OUTLINE = msgspec.json.Decoder(RawPost[_CommentOutline])


def read_native_bytes(
    data: Bytes,
    location: str,
    default_name: str,
    default_exported_at: float,
    shelve_as: OnDisk | None = None,
) -> Snapshot:
    """Read a commdash/v1 export from its bytes.

    The fast way decodes the top level and then one post at a time into typed structures,
    so that the whole document never exists as Python objects at once. Anything unusual (a
    syntax error to report, a lone surrogate, a field of an odd type) falls back to the
    tolerant reading of plain JSON values, for that post or for the whole document. Text
    that is not UTF-8, or nesting too deep for the decoders, is refused first, wherever it
    is (the fast way skips what it does not need).

    With ``shelve_as`` (the file that was read), the conversations are not kept in memory
    but put on a :class:`FileShelf` that reads them back from that file when asked for.
    ``data`` may be memory the reader can give back: its pages are, as the posts are read.
    """
    start = len(BOM) if data[: len(BOM)] == BOM else 0
    check_document(memoryview(data)[start:], location)
    view = memoryview(data)[start:]
    try:
        export = _EXPORT.decode(view)
    except (msgspec.DecodeError, ValueError, OverflowError):
        document = parse_json(bytes(view), location)  # raises with the line and column
        return read_native(document, location, default_name, default_exported_at)
    header = {"format": export.format, "source": export.source}
    if export.exported_at is not None:
        header["exported_at"] = export.exported_at
    posts: Iterable[RawPost[Any] | object] = ()
    shelf = None
    if export.posts is not None:
        if shelve_as is not None and len(export.posts) >= SHELF_MIN_POSTS:
            spans = _spans(data, export.posts, start)
            shelf = FileShelf(shelve_as, location, spans)
            posts = _decoded(export.posts, data, spans)
        else:
            posts = (decode_post(raw) for raw in export.posts)
    return _read_document(header, posts, location, default_name, default_exported_at, shelf)


def _spans(data: Bytes, raws: list[msgspec.Raw], start: int) -> list[tuple[int, int]]:
    """Where each post lies in the file: (offset, length)."""
    spans = []
    cursor = start
    for raw in raws:
        head = bytes(memoryview(raw)[:64])
        at = data.find(head, cursor)
        spans.append((at, len(raw)))
        cursor = at + len(raw)
    return spans


_GIVE_BACK_EVERY = 32 << 20


def _decoded(
    raws: list[msgspec.Raw], data: Bytes, spans: list[tuple[int, int]]
) -> Iterator[RawPost[Any] | object]:
    """Posts for a shelf: only what places comments in threads (texts are read back when
    shown). Memory the reader can give back (a large file's) is given back behind it as it
    goes, so that the file and what is made of it are never both whole in memory."""
    memory = data if isinstance(data, mmap.mmap) and hasattr(mmap, "MADV_DONTNEED") else None
    given_back = 0
    for raw, (offset, _) in zip(raws, spans, strict=True):
        yield decode_post(raw, outline=True)
        if memory is not None and offset - given_back > _GIVE_BACK_EVERY:
            # Given back, anonymous memory reads as zeros: only posts already decoded.
            upto = offset - offset % mmap.PAGESIZE
            memory.madvise(mmap.MADV_DONTNEED, 0, upto)
            given_back = upto


def decode_post(raw: msgspec.Raw | bytes, outline: bool = False) -> RawPost[Any] | object:
    """A post, or (``outline``) a post with only what places its comments in threads."""
    try:
        return (_POST_OUTLINE if outline else _POST).decode(raw)
    except (msgspec.DecodeError, ValueError, OverflowError):
        pass
    # Valid JSON (the whole document decoded), yet not for msgspec: a lone surrogate, a huge
    # number. The general reader takes it.
    return _as_raw_post(parse_json(bytes(raw), "a post"))


def _as_raw_post(value: object) -> RawPost[Any] | object:
    """A post read as plain JSON values, in the shape of the fast way's structures."""
    if not isinstance(value, dict):
        return value
    comments = value.get("comments")
    return RawPost(
        id=value.get("id"),
        channel=value.get("channel"),
        author=value.get("author"),
        created_at=value.get("created_at"),
        status=value.get("status"),
        text=value.get("text"),
        scheduled_at=value.get("scheduled_at"),
        permalink=value.get("permalink"),
        metrics=value.get("metrics"),
        # Items that are not objects, or comments that are not a list, stay as they are for
        # the reader to report.
        comments=cast(
            Any, [_as_raw_comment(c) for c in comments] if isinstance(comments, list) else comments
        ),
    )


def _as_raw_comment(value: object) -> _RawComment | object:
    if not isinstance(value, dict):
        return value
    author = value.get("author")
    if isinstance(author, dict):
        author = _RawAuthor(author.get("id"), author.get("name"))
    return _RawComment(
        id=value.get("id"),
        parent_id=value.get("parent_id"),
        created_at=value.get("created_at"),
        author=author,
        text=value.get("text"),
        likes=value.get("likes"),
        hidden=value.get("hidden"),
        read_only=value.get("read_only"),
        permalink=value.get("permalink"),
    )


def read_native(
    document: object, location: str, default_name: str, default_exported_at: float
) -> Snapshot:
    """Map a parsed commdash/v1 document (plain JSON values) into a :class:`Snapshot`."""
    if not isinstance(document, dict):
        kind = json_kind(document)
        raise SourceError(f"{location}: not a commdash/v1 export (the top level is {kind})")
    raw_posts = document.get("posts")
    if raw_posts is not None and not isinstance(raw_posts, list):
        _check_header(document, location)
        raise SourceError(f'{location}: "posts" must be an array, not {json_kind(raw_posts)}')
    posts = (_as_raw_post(raw) for raw in raw_posts or ())
    return _read_document(document, posts, location, default_name, default_exported_at)


def _check_header(header: dict[str, Any], location: str) -> None:
    declared = header.get("format")
    if declared != FORMAT:
        said = "missing" if declared is None else repr(one_line(sanitize(declared), 40))
        raise SourceError(
            f'{location}: not a commdash/v1 export ("format" is {said}, expected "{FORMAT}")'
        )


def _read_document(
    header: dict[str, Any],
    raw_posts: Iterable[RawPost[Any] | object],
    location: str,
    default_name: str,
    default_exported_at: float,
    shelf: FileShelf | None = None,
) -> Snapshot:
    _check_header(header, location)
    skipped: list[str] = []
    source = _read_source(
        header.get("source"), location, default_name, default_exported_at, skipped.append
    )
    if "exported_at" in header:
        exported_at = parse_timestamp(header["exported_at"])
        if exported_at is None:
            skipped.append("exported_at: not a time; using the file's modification time")
        else:
            source = _with_exported_at(source, exported_at)
    posts, conversations = _read_posts(raw_posts, source.account, skipped.append, shelf)
    if shelf is not None:
        shelf.account_id = source.account.id
        return Snapshot(source, tuple(posts), shelf, tuple(skipped))
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
    return replace(source, exported_at=exported_at)


def _read_source(
    raw: object,
    location: str,
    default_name: str,
    exported_at: float,
    report: Callable[[str], None],
) -> SourceInfo:
    if not isinstance(raw, dict):
        raise SourceError(f'{location}: "source" is missing; it must name the brand\'s account')
    account = Authors().read(raw.get("account"))
    if account is None:
        raise SourceError(
            f'{location}: "source.account" needs an "id": it tells the brand\'s own messages'
        )
    name = text_value(raw.get("name")) or default_name
    platform = one_line(text_value(raw.get("platform")), 30).lower() or "generic"
    limit = _reply_limit(raw.get("reply_limit"), report)
    return SourceInfo(one_line(name, 80), platform, account, exported_at, location, limit)


def _reply_limit(raw: object, report: Callable[[str], None]) -> int | None:
    """``source.reply_limit``: the longest reply the source takes (optional)."""
    if raw is None:
        return None
    if type(raw) is int and 1 <= raw <= MAX_REPLY_LIMIT:
        return raw
    report(
        f"source.reply_limit: not a whole number of characters from 1 to {MAX_REPLY_LIMIT:,}; "
        "the platform's limit, if any, applies"
    )
    return None


def _read_posts(
    raw_posts: Iterable[RawPost[Any] | object],
    account: Author,
    report: Callable[[str], None],
    shelf: FileShelf | None,
) -> tuple[list[Post], list[Conversation]]:
    posts: list[Post] = []
    conversations: list[Conversation] = []
    post_ids: set[str] = set()
    comment_ids: set[str] = set()
    authors = Authors()
    for p, raw in enumerate(raw_posts):
        where = f"posts[{p}]"
        if not isinstance(raw, RawPost):
            report(f"{where}: not an object; skipped with its comments")
            continue
        found = _identified(raw.id, raw.created_at, where, "post", post_ids, report)
        if found is None:
            continue
        post_id, created_at = found
        post_ids.add(post_id)
        posts.append(_read_post(raw, post_id, created_at, account, authors))
        comments, dropped = read_comments(raw.comments, where, comment_ids, authors, report)
        if shelf is None:
            conversations.extend(build_conversations(post_id, comments, account.id, report))
        else:
            threads, roots = thread_facts(post_id, comments, account.id, report)
            shelf.add(p, post_id, threads, roots, dropped)
    return posts, conversations


def _read_post(
    raw: RawPost[Any], post_id: str, created_at: float, account: Author, authors: Authors
) -> Post:
    metrics = raw.metrics
    if not isinstance(metrics, dict):
        metrics = {}
    status = one_line(text_value(raw.status), 20).lower() or "published"
    return Post(
        id=post_id,
        channel=one_line(text_value(raw.channel), 80),
        author=authors.read(raw.author) or account,
        created_at=created_at,
        status=status,
        text=text_value(raw.text),
        scheduled_at=parse_timestamp(raw.scheduled_at),
        permalink=_link(raw.permalink),
        reactions=_read_reactions(metrics.get("reactions")),
        shares=_count(metrics.get("shares")),
        reach=_count(metrics.get("reach")),
        impressions=_count(metrics.get("impressions")),
    )


def read_comments(
    raw_comments: object,
    where: str,
    seen: set[str],
    authors: Authors,
    report: Callable[[str], None],
    dropped_before: frozenset[int] = frozenset(),
) -> tuple[list[RawComment], list[int]]:
    """The post's comments that can be placed, and the positions of those that cannot.

    ``dropped_before``: positions to leave out without a word (read again, a post leaves
    out what it left out the first time, e.g. an id already seen in an earlier post)."""
    if raw_comments is None:
        return [], []
    if not isinstance(raw_comments, list):
        report(f"{where}.comments: not a list; no comments read")
        return [], []
    comments: list[RawComment] = []
    dropped: list[int] = []
    for c, raw in enumerate(raw_comments):
        if c in dropped_before:
            continue
        if not isinstance(raw, _CommentOutline):
            report(f"{where}.comments[{c}]: not an object; skipped")
            dropped.append(c)
            continue
        raw_id = raw.id
        created_at = None
        if type(raw_id) is str and raw_id and raw_id.isprintable() and raw_id not in seen:
            created_at = parse_timestamp(raw.created_at)  # the usual case, without detours
        if created_at is not None:
            comment_id = raw_id
        else:
            here = f"{where}.comments[{c}]"
            found = _identified(raw_id, raw.created_at, here, "comment", seen, report)
            if found is None:
                dropped.append(c)
                continue
            comment_id, created_at = found
        author = authors.read(raw.author)
        if author is None:
            report(f"{where}.comments[{c}] ({show_id(comment_id)}): no author; skipped")
            dropped.append(c)
            continue
        seen.add(comment_id)
        text, likes, read_only, permalink = (
            (raw.text, raw.likes, raw.read_only is True, raw.permalink)
            if isinstance(raw, _RawComment)
            else ("", 0, False, None)
        )
        comments.append(
            RawComment(
                id=comment_id,
                parent_id=parent
                if type(parent := raw.parent_id) is str and parent.isprintable() and parent
                else identifier(parent),
                author=author,
                created_at=created_at,
                text=text_value(text),
                likes=likes if type(likes) is int and 0 <= likes <= 10**15 else _count(likes) or 0,
                hidden=raw.hidden is True,
                read_only=read_only,
                permalink=None if permalink is None else _link(permalink),
            )
        )
    return comments, dropped


def _identified(
    raw_id: object,
    raw_created_at: object,
    where: str,
    kind: str,
    seen: set[str],
    report: Callable[[str], None],
) -> tuple[str, float] | None:
    """The id (not seen before) and creation time every item needs; None, reported, when
    one of them is missing."""
    skipped = "skipped with its comments" if kind == "post" else "skipped"
    found_id = identifier(raw_id)
    if found_id is None:
        report(f"{where}: no id; {skipped}")
        return None
    if found_id in seen:
        report(f"{where}: duplicate {kind} id {show_id(found_id)}; {skipped}")
        return None
    created_at = parse_timestamp(raw_created_at)
    if created_at is None:
        report(f"{where} ({show_id(found_id)}): created_at is not a time; {skipped}")
        return None
    return found_id, created_at


def identifier(value: object) -> str | None:
    """Ids are strings; whole numbers are accepted (some tools write them so)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str) and value:
        return sanitize(value) or None
    return None


class Authors:
    """Reads authors, sharing one :class:`Author` among all the messages of a person."""

    def __init__(self) -> None:
        self._known: dict[tuple[str, str | None, bool], Author | None] = {}

    def read(self, raw: object) -> Author | None:
        if isinstance(raw, _RawAuthor):
            raw_id, raw_name, bare = raw.id, raw.name, False
        elif isinstance(raw, dict):
            raw_id, raw_name, bare = raw.get("id"), raw.get("name"), False
        elif isinstance(raw, str):
            raw_id, raw_name, bare = raw, None, True
        else:
            return None
        if type(raw_id) is not str or not (raw_name is None or type(raw_name) is str):
            return _read_author(raw_id, raw_name, bare)
        key = (raw_id, raw_name, bare)
        try:
            return self._known[key]
        except KeyError:
            found = self._known[key] = _read_author(raw_id, raw_name, bare)
            return found


def _read_author(raw_id: object, raw_name: object, bare: bool) -> Author | None:
    """``{id, name}``; a bare string is taken as both. None when there is no id."""
    if bare:
        name = one_line(sanitize(raw_id), 80)
        return Author(name, name) if name else None
    author_id = identifier(raw_id)
    if author_id is None:
        return None
    name = one_line(text_value(raw_name), 80)
    return Author(author_id, name if _visible(name) else author_id)


def _visible(text: str) -> bool:
    """Whether ``text`` shows anything: not empty, nor only spaces and invisible marks."""
    return any(unicodedata.category(char)[0] not in "CZ" for char in text)


def _link(value: object) -> str | None:
    """A permalink: one line of text, or None."""
    return one_line(text_value(value), 2000) or None


def text_value(value: object) -> str:
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
