"""Saved replies in a file to share: TOML or JSON, the same shape in both.

```toml
[[replies]]
name = "Opening hours"
text = "Hi {first_name}, we open at 9."
tags = ["hours"]          # optional
language = "en"           # optional
```

JSON: ``{"replies": [{"name": ..., "text": ..., "tags": [...], "language": ...}]}``.
A file read is checked whole before anything is imported: its first mistake is one
:class:`~commdash.errors.CommdashError` line naming the file and the place
(``replies[3].text: unknown variable {frist_name} ...``).
"""

from __future__ import annotations

import os
import stat
import tomllib
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

import orjson

from commdash.errors import CommdashError
from commdash.saved_replies import SavedReply, checked
from commdash.text import one_line

Format = Literal["toml", "json"]
MAX_FILE_BYTES = 16 * 1024 * 1024
_FIELDS = ("name", "text", "tags", "language")


class RepliesFileError(CommdashError):
    """A file of saved replies that cannot be imported; the message names file and place."""


def read_replies(path: Path) -> list[SavedReply]:
    """The replies of a TOML or JSON file (by its suffix, else by its first character)."""
    try:
        # Opening does not wait: a FIFO would wait for a writer for ever.
        with open(os.open(path, os.O_RDONLY | os.O_NONBLOCK), "rb") as handle:
            if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                raise RepliesFileError(f"{path}: not a file; save the saved replies to a file")
            raw = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise RepliesFileError(f"{path}: cannot read: {exc.strerror or exc}") from None
    if len(raw) > MAX_FILE_BYTES:
        raise RepliesFileError(f"{path}: larger than {MAX_FILE_BYTES // 2**20} MiB")
    return _replies(path, _parsed(path, raw))


def _parsed(path: Path, raw: bytes) -> object:
    looks_json = raw.lstrip()[:1] in (b"{", b"[")
    if path.suffix.lower() == ".json" or (path.suffix.lower() != ".toml" and looks_json):
        try:
            return orjson.loads(raw)
        except orjson.JSONDecodeError as exc:
            raise RepliesFileError(
                f"{path}: line {exc.lineno} column {exc.colno}: not valid JSON"
            ) from None
    try:
        return tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise RepliesFileError(f"{path}: not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise RepliesFileError(f"{path}: {one_line(str(exc), 120)}") from None


def _replies(path: Path, document: object) -> list[SavedReply]:
    items = document.get("replies") if isinstance(document, dict) else None
    if not isinstance(items, list):
        raise RepliesFileError(
            f"{path}: expected a list of replies ([[replies]] in TOML, "
            '{"replies": [...]} in JSON)'
        )
    found: dict[str, int] = {}
    replies = []
    for number, item in enumerate(items, 1):
        where = f"{path}: replies[{number}]"
        reply = _reply(where, item)
        if reply.key in found:
            raise RepliesFileError(
                f"{where}.name: {one_line(reply.name, 40)!r} again "
                f"(also replies[{found[reply.key]}])"
            )
        found[reply.key] = number
        replies.append(reply)
    return replies


def _reply(where: str, item: object) -> SavedReply:
    if not isinstance(item, dict):
        raise RepliesFileError(f"{where}: expected a table with name and text")
    unknown = [key for key in item if key not in _FIELDS]
    if unknown:
        raise RepliesFileError(f"{where}.{one_line(str(unknown[0]), 40)}: unknown field")
    for key, kind in (("name", str), ("text", str), ("language", str), ("tags", list)):
        if key in item and not isinstance(item[key], kind):
            raise RepliesFileError(f"{where}.{key}: expected {_described(kind)}")
    tags = item.get("tags", [])
    if not all(isinstance(tag, str) for tag in tags):
        raise RepliesFileError(f"{where}.tags: expected a list of strings")
    try:
        return checked(item.get("name", ""), item.get("text", ""), tags, item.get("language", ""))
    except ValueError as exc:
        raise RepliesFileError(f"{where}.{exc}") from None


def _described(kind: type) -> str:
    return "a list of strings" if kind is list else "a string"


def written(replies: Sequence[SavedReply], format: Format) -> str:
    """The replies as a file's text in ``format``: what :func:`read_replies` reads back."""
    if format == "json":
        items = [_fields(reply) for reply in replies]
        return orjson.dumps({"replies": items}, option=orjson.OPT_INDENT_2).decode() + "\n"
    blocks = ["# commdash saved replies: commdash replies import FILE"]
    for reply in replies:
        lines = ["[[replies]]"]
        for key, value in _fields(reply).items():
            shown = (
                "[" + ", ".join(map(toml_string, value)) + "]"
                if isinstance(value, list)
                else toml_string(value)
            )
            lines.append(f"{key} = {shown}")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n"


def _fields(reply: SavedReply) -> dict[str, Any]:
    fields: dict[str, Any] = {"name": reply.name, "text": reply.text}
    if reply.tags:
        fields["tags"] = list(reply.tags)
    if reply.language:
        fields["language"] = reply.language
    return fields


_TOML_ESCAPES = {"\\": "\\\\", '"': '\\"', "\b": "\\b", "\t": "\\t", "\f": "\\f", "\r": "\\r"}


def toml_string(value: str) -> str:
    """``value`` as a TOML basic string; one with line breaks as a multi-line one, so a
    reply reads as it is written. Backslashes, quotes and every control are escaped."""
    multiline = "\n" in value
    out = []
    for character in value:
        if character == "\n":
            out.append("\n" if multiline else "\\n")
        elif character in _TOML_ESCAPES:
            out.append(_TOML_ESCAPES[character])
        elif ord(character) < 0x20 or ord(character) == 0x7F:
            out.append(f"\\u{ord(character):04X}")
        else:
            out.append(character)
    body = "".join(out)
    # A line break right after the opening quotes is dropped by TOML: one is added for it.
    return f'"""\n{body}"""' if multiline else f'"{body}"'
