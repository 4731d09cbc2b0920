"""The bookkeeping of one pull, shared by the live sources that page through a platform.

A pull reads a source in parts (the page, the feed, one post's comments on Graph; our
statuses, the mentions, one thread on Mastodon). What a part skipped or repaired is kept
with the part, at most :data:`MAX_PART_WARNINGS` lines and the rest counted, and written
into the cursor: a later pull that reuses a part instead of reading it again says again
what the part lacks, so that what the manager is shown as skipped is true of the data as
it stands, not only of what the last pull happened to read.

The bookkeeping also counts the responses and items for the progress line, and holds the
number of bytes one pull may read (:func:`pulling`).
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from commdash.sources.http import HttpClient
from commdash.sources.live import Cursor, Document, Progress, ProgressFn, Pulled
from commdash.text import one_line

PULL_MAX_BYTES = 200_000_000
"""What one pull may read in all: a server that pages for ever stops there."""
MAX_WARNINGS = 500
"""Warning lines one pull gives; the rest are counted (``Pulled.unlisted``)."""
MAX_PART_WARNINGS = 100
"""Warning lines kept per part of a pull (the latest), in the cursor too; the earlier ones
are counted."""
MAX_LINE = 300
"""Cells a warning line may take."""
CURSOR_KEY = "warnings"
"""The cursor's entry for the warnings by part: ``{part: {"lines", "more", "causes"}}``."""


@dataclass
class Notes:
    """The warnings of one part of a pull."""

    lines: list[str] = field(default_factory=list)
    more: int = 0
    """Warnings beyond the lines kept, counted."""
    causes: list[str] = field(default_factory=list)
    """Keys of the causes the source recognised (see :class:`Bookkeeping`)."""

    def add(self, line: str, cause: str | None) -> None:
        if cause is not None and cause not in self.causes:
            self.causes.append(cause)
        self.lines.append(line)
        if len(self.lines) > MAX_PART_WARNINGS:
            # A part that grows from pull to pull (Mastodon's mentions) lists its newest.
            del self.lines[0]
            self.more += 1

    def copy(self) -> Notes:
        return Notes(list(self.lines), self.more, list(self.causes))

    def to_json(self) -> dict[str, Any]:
        return {"lines": self.lines, "more": self.more, "causes": self.causes}

    @classmethod
    def from_json(cls, raw: object, causes: Collection[str]) -> Notes | None:
        """As kept in the cursor (a file: not trusted), keeping only the ``causes`` known;
        None when malformed."""
        if not isinstance(raw, dict):
            return None
        lines, more, kept = raw.get("lines"), raw.get("more"), raw.get("causes")
        if not (isinstance(lines, list) and isinstance(kept, list) and type(more) is int):
            return None
        texts = [one_line(line, MAX_LINE) for line in lines if isinstance(line, str)]
        return cls(
            texts[-MAX_PART_WARNINGS:],
            max(0, more),
            [cause for cause in kept if isinstance(cause, str) and cause in causes],
        )


def notes_in(cursor: Cursor, causes: Collection[str]) -> dict[str, Notes]:
    """The previous pull's warnings by part; a malformed part is forgotten (it is only said
    again if read again)."""
    raw = cursor.get(CURSOR_KEY) if isinstance(cursor, dict) else None
    if not isinstance(raw, dict):
        return {}
    kept = {part: Notes.from_json(value, causes) for part, value in raw.items()}
    return {part: notes for part, notes in kept.items() if notes is not None}


@dataclass
class Bookkeeping:
    """One pull's bookkeeping: the responses and items so far, the progress report, and
    the warnings by part. A look-up outside a pull (finding a reply) uses one too, for
    its warnings."""

    progress: ProgressFn
    secret: str = ""
    """The token: cut out of every warning."""
    causes: Mapping[str, str] = field(default_factory=dict)
    """The causes of warnings the source recognises, by key, each with what to do: said
    once per pull, however many warnings they explain."""
    previous: Mapping[str, Notes] = field(default_factory=dict)
    """The previous pull's warnings by part, from the cursor."""
    pages: int = 0
    """Responses read so far (errors that were coped with included)."""
    items: int = 0
    """Posts and comments received so far."""
    doing: str = ""
    part: str = ""
    """The part warnings now go to."""
    parts: dict[str, Notes] = field(default_factory=dict)
    _reported: int = 0
    """``pages`` at the last progress report."""
    _cut_off: bool = False

    def answered(self, items: int = 0) -> None:
        """A response was read, holding ``items`` posts or comments."""
        self.pages += 1
        self.items += items

    def report(self) -> None:
        """Tell the progress, once per response read since the last report: a source may
        count what a response held before it reports."""
        if self.pages != self._reported:
            self._reported = self.pages
            self.progress(Progress(self.pages, self.items, self.doing))

    def warn(self, text: str, cause: str | None = None, *, part: str | None = None) -> None:
        """One item or response skipped or repaired, in the current part unless another
        ``part`` is given; ``cause``, a key of :attr:`causes`, when the source knows why."""
        if self.secret:
            text = text.replace(self.secret, "[token]")
        notes = self.parts.setdefault(self.part if part is None else part, Notes())
        notes.add(one_line(text, MAX_LINE), cause)

    def reuse(self, part: str) -> None:
        """The part is not read again (its data is the previous pull's): so are its
        warnings, unless this pull already said something of the part. Warnings given
        to the part afterwards add to them."""
        notes = self.previous.get(part)
        if notes is not None and part not in self.parts:
            self.parts[part] = notes.copy()

    def cut_off(self, most: int, what: str) -> bool:
        """Whether this pull has read ``most`` responses, so that reading ``what`` stops
        here. The first list stopped says so; the others are simply incomplete."""
        if self.pages < most:
            return False
        if not self._cut_off:
            self._cut_off = True
            self.warn(f"{what}: stopped after {most:,} requests in one pull")
        return True

    @property
    def warnings(self) -> list[str]:
        return [line for notes in self.parts.values() for line in notes.lines]

    def pulled(self, document: Document | None, cursor: Cursor) -> Pulled:
        """The pull's outcome: ``cursor`` with the warnings by part, at most
        :data:`MAX_WARNINGS` lines, how many more there were, and each cause recognised
        once."""
        lines = self.warnings
        more = sum(notes.more for notes in self.parts.values())
        causes = dict.fromkeys(cause for notes in self.parts.values() for cause in notes.causes)
        kept = {part: notes.to_json() for part, notes in self.parts.items()}
        return Pulled(
            document,
            {**cursor, CURSOR_KEY: kept},
            tuple(lines[:MAX_WARNINGS]),
            more + max(0, len(lines) - MAX_WARNINGS),
            tuple(self.causes[cause] for cause in causes),
        )


@contextmanager
def pulling(
    client: HttpClient,
    progress: ProgressFn,
    cursor: Cursor,
    too_much: str,
    causes: Mapping[str, str] | None = None,
) -> Iterator[Bookkeeping]:
    """The bookkeeping of a pull that goes on from ``cursor`` (its warnings by part), with
    the answers it reads coming to at most :data:`PULL_MAX_BYTES`; past that, a
    :class:`~commdash.sources.http.RemoteError` that ends in ``too_much`` (what to do)."""
    causes = causes or {}
    exceeded = f"this sync read over {PULL_MAX_BYTES / 1e6:g} MB; {too_much}"
    with client.budget(PULL_MAX_BYTES, exceeded):
        yield Bookkeeping(progress, client.secret or "", causes, notes_in(cursor, causes))
