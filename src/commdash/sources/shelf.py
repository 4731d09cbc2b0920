"""Conversations of a large export, kept in the file and read back one post at a time.

Loading a large export keeps, of each conversation, only its post and its facts (what the
figures, rankings and lists need); the messages are read again from the file when a thread or
a row is shown, through the descriptor the file was read from (a file renamed over it changes
nothing). Posts read recently stay in memory. Once the file is not the version that was read
(written or truncated in place: its size or time differ), its posts are shown as one notice
instead of their comments.
"""

from __future__ import annotations

import os
from array import array
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from commdash.errors import SourceError
from commdash.model import Author, Conversation, ConversationShelf, Facts, Message
from commdash.sources.jsondoc import check_document
from commdash.threads import build_conversations

if TYPE_CHECKING:
    from commdash.sources.native import Authors, RawPost

POSTS_KEPT = 512
"""How many posts, read back, stay in memory."""

CHANGED = "(This post changed on disk since commdash opened the file: open it again.)"


def _ignore(_line: str) -> None:
    pass


@dataclass(frozen=True, slots=True)
class FileVersion:
    """What tells one version of a file from another: writing, truncating or replacing the
    file changes at least one of these."""

    device: int
    inode: int
    size: int
    modified_ns: int

    @classmethod
    def of(cls, stat: os.stat_result) -> FileVersion:
        return cls(stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns)


@dataclass(frozen=True, slots=True)
class OnDisk:
    """The file a shelf reads its posts back from, and the version of it that was read."""

    path: str
    version: FileVersion


OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
"""Opening for reading never waits: a FIFO put in the file's place is refused, not read."""


def _decode(data: bytes) -> RawPost[Any] | None:
    """A post read back; None when its bytes are not a post (the file changed). Checked
    as the whole file was, since nothing guarantees they are still what was checked."""
    from commdash.sources import native  # native builds shelves: import it when used

    try:
        check_document(data, "a post")
        raw = native.decode_post(data)
    except SourceError:
        return None
    return raw if isinstance(raw, native.RawPost) else None


class FileShelf(ConversationShelf):
    def __init__(self, on_disk: OnDisk, location: str, spans: list[tuple[int, int]]) -> None:
        self.path = on_disk.path
        self.version = on_disk.version
        self.location = location
        self.account_id = ""
        self._spans = spans
        """Offset and length of each post of the file, by its position in ``posts``."""
        self._post_of: dict[str, int] = {}
        self._facts: dict[str, Facts] = {}
        self._post_ids: dict[int, str] = {}
        self._ids_of: dict[int, tuple[str, ...]] = {}
        self._dropped: dict[int, frozenset[int]] = {}
        self._roots: dict[int, array[int]] = {}
        self._last_search: tuple[str, list[int]] | None = None
        """The latest needle and the posts where it was found: a longer needle that
        contains it is only looked for there (typing narrows the search)."""
        self._recent: OrderedDict[int, dict[str, Conversation]] = OrderedDict()
        self._fd: int | None = None

    def add(
        self,
        position: int,
        post_id: str,
        threads: list[tuple[str, Facts]],
        roots: list[int],
        dropped: list[int],
    ) -> None:
        """Shelve a post's conversations (their ids and facts) as the file is first read,
        with the conversation of each comment (``roots``, for searching)."""
        self._post_ids[position] = post_id
        self._roots[position] = array("I", roots)
        self._ids_of[position] = tuple(cid for cid, _ in threads)
        if dropped:
            self._dropped[position] = frozenset(dropped)
        for cid, facts in threads:
            self._post_of[cid] = position
            self._facts[cid] = facts

    # Mapping ------------------------------------------------------------------------------

    def __getitem__(self, conversation_id: str) -> Conversation:
        return self._read(self._post_of[conversation_id])[conversation_id]

    def __iter__(self) -> Iterator[str]:
        return iter(self._post_of)

    def __len__(self) -> int:
        return len(self._post_of)

    def __contains__(self, conversation_id: object) -> bool:
        return conversation_id in self._post_of

    # ConversationShelf --------------------------------------------------------------------

    def post_id(self, conversation_id: str) -> str:
        return self._post_ids[self._post_of[conversation_id]]

    def base_facts(self, conversation_id: str) -> Facts:
        return self._facts[conversation_id]

    def matching(self, needle: str, stop: Callable[[], bool]) -> set[str] | None:
        from commdash.sources import native  # native builds shelves: import it when used

        positions: Iterable[int] = self._post_ids
        last = self._last_search
        if last is not None and last[0] in needle:
            positions = last[1]
        quick = needle.encode() if needle.isascii() else None
        authors = native.Authors()
        found: set[str] = set()
        where: list[int] = []
        for count, position in enumerate(positions):
            if count % 64 == 0 and stop():
                return None
            data = self._bytes(position)
            # Most posts are ruled out by their bytes (when no escape could hide the needle).
            if quick is not None and b"\\" not in data and quick not in data.lower():
                continue
            hits = self._search(position, data, needle, authors)
            if hits:
                found |= hits
                where.append(position)
        self._last_search = (needle, where)
        return found

    def _search(self, position: int, data: bytes, needle: str, authors: Authors) -> set[str]:
        """The conversations of one post with a comment whose author or text (as shown)
        contains ``needle``."""
        from commdash.sources import native

        raw = _decode(data)
        if raw is None or not isinstance(raw.comments, list):
            return set()
        dropped = self._dropped.get(position, frozenset())
        kept = [c for i, c in enumerate(raw.comments) if i not in dropped]
        roots = self._roots[position]
        if len(kept) != len(roots):
            return set()  # the file changed: nothing to find here any more
        hits = set()
        for comment, root in zip(kept, roots, strict=True):
            author = authors.read(comment.author)
            text = native.text_value(getattr(comment, "text", None))[:2000]
            if (author is not None and needle in author.name.casefold()) or needle in (
                text.casefold()
            ):
                hits.add(native.identifier(kept[root].id) or "")
        return hits

    # Reading back -------------------------------------------------------------------------

    def hold(self, descriptor: int) -> None:
        """Read back through ``descriptor``, the file as it was opened and read: replacing
        the file (a new one renamed in its place) then changes nothing here."""
        self._close()
        self._fd = descriptor

    def _bytes(self, position: int) -> bytes:
        """The post's bytes; empty when the file is not the version that was read."""
        offset, length = self._spans[position]
        try:
            if self._fd is None:
                self._fd = os.open(self.path, OPEN_FLAGS)
            if FileVersion.of(os.fstat(self._fd)) != self.version:
                return b""
            data = os.pread(self._fd, length, offset)
        except OSError:
            return b""
        return data if len(data) == length else b""

    def _read(self, position: int) -> dict[str, Conversation]:
        found = self._recent.get(position)
        if found is not None:
            self._recent.move_to_end(position)
            return found
        from commdash.sources import native  # native builds shelves: import it when used

        post_id = self._post_ids[position]
        raw = _decode(self._bytes(position))
        if raw is None or native.identifier(raw.id) != post_id:
            found = self._changed(position)
        else:
            comments, _ = native.read_comments(
                raw.comments,
                "",
                set(),
                native.Authors(),
                _ignore,
                self._dropped.get(position, frozenset()),
            )
            threads = build_conversations(post_id, comments, self.account_id, _ignore)
            found = {conversation.id: conversation for conversation in threads}
            if tuple(found) != self._ids_of[position]:
                found = self._changed(position)
        self._recent[position] = found
        if len(self._recent) > POSTS_KEPT:
            self._recent.popitem(last=False)
        return found

    def _changed(self, position: int) -> dict[str, Conversation]:
        """In place of each conversation of a post that changed on disk: one message saying
        so, dated like the conversation's latest message (not 1970), by nobody in particular."""
        post_id = self._post_ids[position]
        nobody = Author("commdash", "(changed on disk)")
        found = {}
        for cid in self._ids_of[position]:
            at = self._facts[cid].latest_at if cid in self._facts else None
            message = Message(cid, post_id, None, nobody, at or 0.0, CHANGED)
            found[cid] = Conversation(cid, post_id, (message,))
        return found

    # Pickling (the parse cache) -----------------------------------------------------------

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state["_recent"] = OrderedDict()
        state["_fd"] = None
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)

    def __del__(self) -> None:
        self._close()

    def _close(self) -> None:
        if getattr(self, "_fd", None) is not None:
            os.close(self._fd)  # type: ignore[arg-type]
            self._fd = None
