"""The one boundary that makes untrusted text safe to show in a terminal.

Everything that comes from a social platform (names, posts, comments, URLs) is hostile until
it has passed through :func:`sanitize`. The result contains no terminal control of any kind:
no C0/C1 control except ``\\n`` and ``\\t``, no escape sequence (not even a fragment of
one), no bidi control that could reorder what is shown, no surrogate and no noncharacter.

Square brackets are deliberately left alone: the UI never enables markup on data, so
``[bold]`` is shown literally.

Text read back from the state directory is as untrusted (colleagues share it, files get
damaged): :func:`sanitize_tree` cleans a parsed JSON document, :func:`json_is_clean` tells
in one scan when there is nothing to clean. JSON written to a terminal goes through
:func:`escape_json_controls`.

:func:`cell_width` counts the terminal cells text takes as terminals count them, and
:func:`one_line` cuts a preview to a number of those cells.

Everything here is linear in the length of its input; :func:`one_line` only ever looks at a
bounded prefix. Domain code: stdlib only (no Textual, no Rich).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable
from typing import Any

__all__ = [
    "cell_width",
    "clip",
    "escape_json_controls",
    "json_is_clean",
    "one_line",
    "sanitize",
    "sanitize_tree",
]

ELLIPSIS = "…"

# The BMP noncharacters. (The astral ones, U+1FFFE and so on, only show as an unknown glyph;
# matching them would make every scan several times slower.)
_NONCHARS = "\ufdd0-\ufdef\ufffe\uffff"
# Bidi controls that can make text display in an order other than the stored one.
_BIDI = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
# Characters that are dropped one by one once escape sequences are gone: every C0 control
# except \t and \n (this includes \r and ESC), DEL, every C1 control, bidi, noncharacters.
_DROP = f"\x00-\x08\x0b-\x1f\x7f-\x9f{_BIDI}{_NONCHARS}"

# Any character that needs work. If none is present the text is returned as is, so
# sanitizing is idempotent and nearly free for ordinary text.
_NEEDS_WORK = re.compile(f"[{_DROP}\u2028\u2029\ud800-\udfff]")
_SURROGATE = re.compile("[\ud800-\udfff]")
_LONE_SURROGATE = re.compile(
    "[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]"
)
_DROP_RE = re.compile(f"[{_DROP}]+")

# In a run of sequence introducers only the last counts: a terminal abandons a sequence when
# ESC or a C1 introducer arrives. Collapsing runs first keeps the match count down.
_INTRODUCERS = "\x1b\x90\x98\x9b\x9d\x9e\x9f"
_INTRODUCER_RUN = re.compile(f"[{_INTRODUCERS}]+(?=[{_INTRODUCERS}])")

# Whole escape sequences, 7-bit (ESC-introduced) and 8-bit (C1-introduced).
#
# Every alternative is a fixed introducer followed by greedy runs over disjoint character
# classes and an *optional* terminator, so a match never backtracks: each is linear, and an
# unterminated or garbled sequence is removed up to where it stops being well formed (for
# the string sequences: up to the next ESC, which starts a new sequence, or the end).
_ESCAPE_SEQUENCE = re.compile(
    # OSC (window title, clipboard, hyperlinks...): ends at BEL or ST.
    "(?:\x1b\\]|\x9d)[^\x07\x1b\x9c]*(?:\x07|\x9c|\x1b\\\\)?"
    # DCS, SOS, PM, APC: end at ST.
    "|(?:\x1b[PX^_]|[\x90\x98\x9e\x9f])[^\x1b\x9c]*(?:\x9c|\x1b\\\\)?"
    # CSI: parameter bytes, intermediate bytes, final byte.
    "|(?:\x1b\\[|\x9b)[\x30-\x3f]*[\x20-\x2f]*[\x40-\x7e]?"
    # Any other ESC: intermediate bytes and a final byte (covers the two-byte forms).
    "|\x1b[\x20-\x2f]*[\x30-\x7e]?"
)

_WHITESPACE = re.compile(r"\s+")

# JSON escapes that decode to a character sanitize removes or changes (\b, \f, \r and any
# \u). An escaped backslash followed by one of these letters is a false alarm, which only
# costs a walk of the document.
_UNSAFE_JSON_ESCAPE = re.compile(rb"\\[bfru]")
# The bytes that are always clean: printable ASCII, \t and \n.
_CLEAN_ASCII = bytes(range(0x20, 0x7F)) + b"\t\n"
# What orjson writes as is but a terminal must not get: DEL, C1 controls, bidi controls,
# line and paragraph separators, noncharacters. (It escapes C0 itself, and refuses lone
# surrogates.)
_RAW_IN_JSON = re.compile(f"[\x7f-\x9f{_BIDI}\u2028\u2029{_NONCHARS}]")


def sanitize(text: object) -> str:
    """Return ``text`` as a string that is safe to write to a terminal.

    ``None`` becomes ``""``, bytes are decoded as UTF-8 (invalid bytes become U+FFFD) and
    anything else that is not a string goes through ``str()``. Line endings become ``\\n``
    (U+2028 and U+2029 too); ``\\n`` and ``\\t`` are kept. Escape sequences are removed
    whole, then every remaining control character, bidi control and noncharacter is
    removed. Surrogate pairs are joined and lone surrogates become U+FFFD.

    ``sanitize(sanitize(x)) == sanitize(x)`` for every ``x``.
    """
    if type(text) is str and text.isprintable():
        return text  # nothing to do, found at C speed: no control, format or line separator
    s = _as_str(text)
    if _NEEDS_WORK.search(s) is None:
        return s
    if _SURROGATE.search(s) is not None:
        s = _LONE_SURROGATE.sub("\ufffd", s)
        if _SURROGATE.search(s) is not None:  # only well-formed pairs are left: join them
            s = s.encode("utf-16-le", "surrogatepass").decode("utf-16-le")
    if "\r" in s:
        s = s.replace("\r\n", "\n").replace("\r", "\n")
    s = _ESCAPE_SEQUENCE.sub("", _INTRODUCER_RUN.sub("", s))
    s = s.replace("\u2028", "\n").replace("\u2029", "\n")
    return _DROP_RE.sub("", s)


def _is_clean(text: str) -> bool:
    """Whether :func:`sanitize` would return ``text`` unchanged."""
    return text.isprintable() or _NEEDS_WORK.search(text) is None


def sanitize_tree(tree: Any) -> Any:
    """Pass every string of a parsed JSON document (object keys too) through :func:`sanitize`.

    The document is changed in place and returned (a lone string is returned sanitized).
    Iterative, so any nesting depth the parser accepted is fine.
    """
    if isinstance(tree, str):
        return sanitize(tree)
    pending: list[Any] = [tree]
    while pending:
        node = pending.pop()
        if isinstance(node, dict):
            if not all(map(_is_clean, node)):
                items = list(node.items())
                node.clear()
                node.update((sanitize(key), value) for key, value in items)
            children: Iterable[tuple[Any, Any]] = node.items()
        elif isinstance(node, list):
            children = enumerate(node)
        else:
            continue
        for place, value in children:
            if type(value) is str:
                if not _is_clean(value):
                    node[place] = sanitize(value)
            elif isinstance(value, dict | list):
                pending.append(value)
    return tree


def json_is_clean(document: bytes) -> bool:
    """Whether every string of the JSON text ``document`` (keys too) is clean already, so
    :func:`sanitize_tree` would change nothing. One scan, no parse: a string's characters
    are either in the text as they are or written as escapes, and the escapes that could
    yield something unclean are looked for as such."""
    if _UNSAFE_JSON_ESCAPE.search(document) is not None:
        return False
    # Only what is not plain ASCII needs a look: dropping the ASCII bytes never splits a
    # UTF-8 sequence (its bytes are all >= 0x80), so the rest decodes to the same characters.
    rest = document.translate(None, _CLEAN_ASCII)
    return not rest or _is_clean(rest.decode("utf-8", "replace"))


def escape_json_controls(document: bytes) -> bytes:
    """orjson's output with every character a terminal must not get written as ``\\uXXXX``:
    still valid JSON, and it parses to the same value."""
    if document.isascii():
        return document
    text = document.decode("utf-8")
    escaped = _RAW_IN_JSON.sub(lambda found: f"\\u{ord(found.group()):04x}", text)
    return escaped.encode("utf-8")


def _as_str(text: object) -> str:
    if text is None:
        return ""
    if isinstance(text, str):
        return str.__str__(text)  # a plain str, even for a subclass
    if isinstance(text, bytes | bytearray | memoryview):
        return bytes(text).decode("utf-8", "replace")
    try:
        return str(text)
    except Exception:  # a hostile or broken __str__ must not take the UI down
        return ""


_ZERO_WIDTH_CATEGORIES = frozenset({"Mn", "Me", "Cf"})


@functools.lru_cache(maxsize=8192)
def _cells(char: str) -> int:
    """How many terminal cells ``char`` takes, as terminals count them (the ``wcwidth``
    of xterm, VTE, tmux, glibc and xterm.js): combining and format marks none (the soft
    hyphen one), Hangul's medial vowels and final consonants none (they join the syllable's
    first cell), East Asian wide and fullwidth two, everything else one. So a spacing
    mark (``ि`` in ``प्रिया``) takes one cell, although Rich counts none."""
    if char == "\u00ad":
        return 1
    code = ord(char)
    if unicodedata.category(char) in _ZERO_WIDTH_CATEGORIES:
        return 0
    if 0x1160 <= code <= 0x11FF or 0xD7B0 <= code <= 0xD7FF:
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def cell_width(text: str) -> int:
    """How many terminal cells ``text`` (one line, no control characters) takes."""
    if text.isascii():
        return len(text)
    return sum(map(_cells, text))


def one_line(text: str, width: int) -> str:
    """Return a one-line preview of ``text`` at most ``width`` terminal cells wide.

    Whitespace runs (newlines and tabs included) become one space and the ends are
    stripped. Cells are counted as :func:`cell_width` counts them: wide East Asian
    characters and most emoji take 2, combining marks and the zero-width joiner none.
    When something is cut, ``…`` (1 cell) is appended.

    Only a bounded prefix of ``text`` is looked at, so a huge text costs nothing; if the
    text goes on past that prefix, the preview ends in ``…`` even when the prefix fits.
    The result is sanitized, so it is terminal-safe even if ``text`` was not.
    """
    if width <= 0:
        return ""
    if len(text) < width and text.isascii() and text.isprintable() and text == text.strip():
        return " ".join(text.split()) if "  " in text else text  # every character one cell
    limit = 4 * width + 64
    more = len(text) > limit
    line = _WHITESPACE.sub(" ", sanitize(text[:limit])).strip()

    used = 0
    cut = -1  # where to cut to leave room for the ellipsis; -1 while everything fits
    for index, char in enumerate(line):
        used += _cells(char)
        if cut < 0 and used > width - 1:
            cut = index
        if used > width:
            break
    else:
        if not more:
            return line
        if cut < 0:
            cut = len(line)
    return line[:cut].rstrip(" \u200d") + ELLIPSIS


def clip(text: str, limit: int) -> tuple[str, int]:
    """Return ``text`` cut to at most ``limit`` characters, and how many were cut."""
    limit = max(limit, 0)
    if len(text) <= limit:
        return text, 0
    return text[:limit], len(text) - limit
