"""Reading a JSON document from bytes, with errors that name the line and column; and the
check every document passes first, so that no decoder after it can fail on it (UTF-8, depth)."""

from __future__ import annotations

import codecs
import json
import mmap
import re
from itertools import accumulate

import orjson

from commdash.errors import SourceError

BOM = b"\xef\xbb\xbf"

Bytes = bytes | bytearray | mmap.mmap
"""A document in memory: read whole, or (a large one) in memory it can give back."""
Buffer = Bytes | memoryview

MAX_DEPTH = 200
"""How deeply arrays and objects may nest in any document (the top level is level 1).

Every later step has a limit of its own, and a document read once must pass them all:
orjson writes 254 levels (the offline copy of a live source puts the document one level
down); msgspec, ``json`` and pickle recurse, within Python's 1,000 frames of which the caller
already uses some. A commdash/v1 export needs 6."""

_CHUNK = 1 << 14
"""Checked 16 KiB at a time: what the UTF-8 decoder makes of it stays in the CPU's cache (at
256 KiB, the check of a large export takes twice as long)."""
_BACKSLASH = 0x5C
_HIDING_ESCAPE = re.compile(rb'\\[\\"]')
"""An escaped backslash or quote: the only escapes that can hide where a string ends."""
_NOT_MARK = bytes(set(range(256)) - set(b'"[]{}'))
_AS_SQUARE = bytes.maketrans(b"{}", b"[]")
_STEP = {ord("["): 1, ord("]"): -1}
_TOKEN = re.compile(rb'[\\"\[\]{}]')


def _position(data: Buffer, offset: int) -> tuple[int, int]:
    """Line and column (in characters, as the json module counts) of byte ``offset``.

    Everything before ``offset`` must be valid UTF-8.
    """
    with memoryview(data) as view:
        before = bytes(view[:offset])
    start = before.rfind(b"\n") + 1
    return before.count(b"\n") + 1, len(before[start:].decode("utf-8")) + 1


def check_document(data: Buffer, location: str) -> None:
    """Raise :class:`SourceError`, naming ``location``, the line and the column, at the first
    byte that is not UTF-8 or the first array or object nested deeper than :data:`MAX_DEPTH`.

    Done before any decoder sees the document, :data:`_CHUNK` bytes at a time (a large
    export is never copied whole): the decoders recurse, and skip some texts unchecked.
    """
    decoder = codecs.getincrementaldecoder("utf-8")()
    depth, in_string = 0, False
    with memoryview(data) as view:
        start = 0
        while start < len(view):
            end = _chunk_end(view, start)
            chunk = bytes(view[start:end])
            pending = len(decoder.getstate()[0])
            try:
                if pending or not chunk.isascii():
                    decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                _not_utf8(data, start - pending + exc.start, location)
            marks, in_string_after = _marks(chunk, in_string)
            opens = marks.count(b"[")
            if depth + opens > MAX_DEPTH and max(_depths(marks, depth)) > MAX_DEPTH:
                _too_deep(data, start + _deepening(chunk, depth, in_string), location)
            depth += 2 * opens - len(marks)
            in_string = in_string_after
            start = end
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError as exc:
        _not_utf8(data, len(data) - len(exc.object) + exc.start, location)


def _chunk_end(view: memoryview, start: int) -> int:
    """Where the chunk from ``start`` ends: :data:`_CHUNK` bytes on, never inside an escape."""
    end = min(len(view), start + _CHUNK)
    run = end
    while run > start and view[run - 1] == _BACKSLASH:
        run -= 1
    return min(len(view), end + (end - run) % 2)


def _marks(chunk: bytes, in_string: bool) -> tuple[bytes, bool]:
    """The brackets of ``chunk`` outside strings, as ``[`` and ``]``; and whether the chunk
    ends inside a string. Only C loops over the chunk itself (it is mostly texts)."""
    if b"\\" in chunk:
        chunk = _HIDING_ESCAPE.sub(b"", chunk)
    marks = chunk.translate(_AS_SQUARE, _NOT_MARK)
    if in_string:
        marks = b'"' + marks
    # Two quotes side by side hold no bracket between them (most strings hold none):
    # dropping them keeps whether each bracket is inside or outside a string.
    marks = marks.replace(b'""', b"")
    ends_inside = marks.count(b'"') % 2 == 1
    if b'"' in marks:
        marks = b"".join(marks.split(b'"')[::2])
    return marks, ends_inside


def _depths(marks: bytes, depth: int) -> accumulate[int]:
    return accumulate(map(_STEP.__getitem__, marks), initial=depth)


def _deepening(chunk: bytes, depth: int, in_string: bool) -> int:
    """The offset in ``chunk`` of the bracket that goes deeper than :data:`MAX_DEPTH` (a
    Python loop: only for a document that is refused)."""
    escaped_until = 0
    for token in _TOKEN.finditer(chunk):
        at = token.start()
        if at < escaped_until:
            continue
        char = chunk[at]
        if char == _BACKSLASH:
            if chunk[at + 1 : at + 2] in (b"\\", b'"'):
                escaped_until = at + 2
        elif char == ord('"'):
            in_string = not in_string
        elif in_string:
            continue
        elif char in b"[{":
            depth += 1
            if depth > MAX_DEPTH:
                return at
        else:
            depth -= 1
    raise AssertionError("the chunk was found too deep")


def _not_utf8(data: Buffer, offset: int, location: str) -> None:
    line, column = _position(data, offset)
    raise SourceError(
        f"{location}: line {line} column {column}: not UTF-8 text "
        f"(byte 0x{data[offset]:02x}); save the export as UTF-8"
    )


def _too_deep(data: Buffer, offset: int, location: str) -> None:
    line, column = _position(data, offset)
    raise SourceError(
        f"{location}: line {line} column {column}: arrays and objects nested deeper than "
        f"{MAX_DEPTH} levels; a commdash/v1 export needs 6"
    )


def _parse_int(digits: str) -> int | float:
    """An integer literal; past Python's digit limit it is read as a float, as orjson does."""
    try:
        return int(digits)
    except ValueError:  # "Exceeds the limit (4300 digits) for integer string conversion"
        return float(digits)


def parse_json(data: bytes, location: str) -> object:
    """Parse ``data``; raise :class:`SourceError` naming ``location``, line and column."""
    if data.startswith(BOM):
        data = data[len(BOM) :]
    check_document(data, location)
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError:
        pass
    # orjson refuses lone surrogates that JSON allows, and its positions are rough: find the
    # exact cause with the standard library.
    text = data.decode("utf-8")
    if not text.strip():
        raise SourceError(f"{location}: line 1 column 1: the file is empty, expected JSON")
    try:
        return _mended(json.loads(text, parse_int=_parse_int))
    except json.JSONDecodeError as exc:
        raise SourceError(
            f"{location}: line {exc.lineno} column {exc.colno}: not valid JSON: {exc.msg}"
        ) from None


def _mended(value: object) -> object:
    """``value`` with every lone surrogate (``"\\ud800"``, valid JSON but not Unicode) as
    U+FFFD, so the document can be written again as UTF-8 (the offline copy of a sync)."""
    if isinstance(value, str):
        return value.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    if isinstance(value, list):
        return [_mended(item) for item in value]
    if isinstance(value, dict):
        return {_mended(key): _mended(item) for key, item in value.items()}
    return value
