"""Reading a JSON document from bytes, with errors that name the line and column."""

from __future__ import annotations

import json

import orjson

from commdash.errors import SourceError

BOM = b"\xef\xbb\xbf"


def _position(data: bytes, offset: int) -> tuple[int, int]:
    """Line and column (in characters, as the json module counts) of byte ``offset``.

    Everything before ``offset`` must be valid UTF-8.
    """
    line = data.count(b"\n", 0, offset) + 1
    start = data.rfind(b"\n", 0, offset) + 1
    column = len(data[start:offset].decode("utf-8")) + 1
    return line, column


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
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError:
        pass
    # orjson refuses lone surrogates that JSON allows, and its UTF-8 positions are rough:
    # find the exact cause with the standard library.
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, column = _position(data, exc.start)
        raise SourceError(
            f"{location}: line {line} column {column}: not UTF-8 text "
            f"(byte 0x{data[exc.start]:02x}); save the export as UTF-8"
        ) from None
    if not text.strip():
        raise SourceError(f"{location}: line 1 column 1: the file is empty, expected JSON")
    try:
        return _mended(json.loads(text, parse_int=_parse_int))
    except json.JSONDecodeError as exc:
        raise SourceError(
            f"{location}: line {exc.lineno} column {exc.colno}: not valid JSON: {exc.msg}"
        ) from None
    except RecursionError:
        raise SourceError(f"{location}: line 1 column 1: JSON nested too deeply") from None


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
