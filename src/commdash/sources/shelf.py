"""Conversations of a large export, kept in the file and read back one post at a time.

Loading a large export keeps, of each conversation, only its post and its facts (what the
figures, rankings and lists need); the messages are read again from the file when a thread or
a row is shown. Posts read recently stay in memory. A post whose bytes are no longer what they
were (the file was rewritten in place) is shown as one notice instead of its comments.
"""

from __future__ import annotations

import os
from collections import OrderedDict
from collections.abc import Iterator
from typing import Any

from commdash.errors import SourceError
from commdash.model import Author, Conversation, ConversationShelf, Facts, Message
from commdash.threads import build_conversations

POSTS_KEPT = 512
"""How many posts, read back, stay in memory."""

CHANGED = "(This post changed on disk since commdash opened the file: open it again.)"


def _ignore(_line: str) -> None:
    pass


class FileShelf(ConversationShelf):
    def __init__(self, path: str, location: str, spans: list[tuple[int, int]]) -> None:
        self.path = path
        self.location = location
        self.account_id = ""
        self._spans = spans
        """Offset and length of each post of the file, by its position in ``posts``."""
        self._post_of: dict[str, int] = {}
        self._facts: dict[str, Facts] = {}
        self._post_ids: dict[int, str] = {}
        self._ids_of: dict[int, tuple[str, ...]] = {}
        self._dropped: dict[int, frozenset[int]] = {}
        self._recent: OrderedDict[int, dict[str, Conversation]] = OrderedDict()
        self._fd: int | None = None

    def add(
        self, position: int, post_id: str, threads: list[tuple[str, Facts]], dropped: list[int]
    ) -> None:
        """Shelve a post's conversations (their ids and facts) as the file is first read."""
        self._post_ids[position] = post_id
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

    def matching(self, needle: str) -> set[str]:
        found: set[str] = set()
        quick = needle.encode() if needle.isascii() else None
        for position in sorted(self._post_ids):
            raw = self._bytes(position)
            # Most posts can be ruled out from their bytes (no escapes that could hide the
            # needle); the rest are read and searched as the screen would show them.
            if quick is not None and b"\\" not in raw and quick not in raw.lower():
                continue
            for cid, conversation in self._read(position).items():
                for message in conversation.messages:
                    if needle in message.author.name.casefold() or (
                        needle in message.text[:2000].casefold()
                    ):
                        found.add(cid)
                        break
        return found

    # Reading back -------------------------------------------------------------------------

    def _bytes(self, position: int) -> bytes:
        if self._fd is None:
            self._fd = os.open(self.path, os.O_RDONLY)
        offset, length = self._spans[position]
        try:
            return os.pread(self._fd, length, offset)
        except OSError:
            return b""

    def _read(self, position: int) -> dict[str, Conversation]:
        found = self._recent.get(position)
        if found is not None:
            self._recent.move_to_end(position)
            return found
        from commdash.sources import native  # native builds shelves: import it when used

        post_id = self._post_ids[position]
        data = self._bytes(position)
        try:
            raw = native.decode_post(data) if data else None
        except SourceError:
            raw = None
        if not isinstance(raw, native.RawPost) or native.identifier(raw.id) != post_id:
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
        post_id = self._post_ids[position]
        nobody = Author("commdash", "commdash")
        return {
            cid: Conversation(cid, post_id, (Message(cid, post_id, None, nobody, 0.0, CHANGED),))
            for cid in self._ids_of[position]
        }

    # Pickling (the parse cache) -----------------------------------------------------------

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state["_recent"] = OrderedDict()
        state["_fd"] = None
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)

    def __del__(self) -> None:
        if getattr(self, "_fd", None) is not None:
            os.close(self._fd)  # type: ignore[arg-type]
