"""Mastodon's HTML status content as plain text.

Mastodon sends a status as a small HTML fragment: ``<p>`` paragraphs, ``<br>`` line breaks,
mentions and hashtags as links, long links shortened with ``<span class="invisible">``
parts. The text commdash shows is what a reader of the web page would see, with two
differences that keep meaning: a mention becomes the full ``@user@host`` (from the
status's ``mentions`` list, since the link text is only ``@user``), and a shortened link
keeps its full URL.

The result is data, not markup: entities are unescaped, every tag is dropped, and nothing
is interpreted or sanitised here (the native reader removes control characters later).
Any input, broken or huge, gives a string and never an exception.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

MAX_HTML_CHARS = 1_000_000
"""Content beyond this is cut before parsing: a status is at most some thousand characters,
so only a hostile server sends more, and parsing it all would only cost time."""

PARAGRAPH_TAGS = frozenset(
    {"p", "div", "blockquote", "pre", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6"}
)
"""Tags whose content stands apart from what is around it, by a blank line."""
LINE_TAGS = frozenset({"li", "tr"})
"""Tags whose content starts on a line of its own."""
HIDDEN_TAGS = frozenset({"script", "style", "template"})
"""Tags whose content is never shown on a web page, so is not text."""

_WHITESPACE = re.compile(r"[ \t\n\r\f]+")
_TAG = re.compile(r"<[^>]*>?")
_WELL_FORMED_TAG = re.compile(
    r"""</?[A-Za-z][^\s/<>]*"""
    r"""(?:\s+[^\s"'<>/=]+(?:\s*=\s*(?:"[^"<]*"|'[^'<]*'|[^\s"'=<>`]+))?)*\s*/?>"""
)
"""A start or end tag as Mastodon writes them. No part may hold a ``<``, so a failed match
costs no more than the text up to the next ``<``."""


def html_to_text(content: object, mentions: object = None) -> str:
    """The plain text of a status's ``content``; ``mentions`` is the status's ``mentions``
    list (each ``{url, acct, username}``), used to write mentions as ``@acct``.

    Both are taken as raw JSON values: anything that is not a string gives ``""``, and
    malformed mentions are ignored."""
    if not isinstance(content, str) or not content:
        return ""
    content = content[:MAX_HTML_CHARS]
    known = Mentions.read(mentions)
    parser = _TextParser(known)
    try:
        parser.feed(_only_whole_tags(content))
        parser.close()
    except Exception:  # html.parser has raised on odd input in some versions; never fail
        return _stripped(content)
    return parser.text()


@dataclass(frozen=True, slots=True)
class Mentions:
    """The accounts a status mentions: by profile URL, and by user name when only one
    mentioned account has it (for links whose href is not the profile URL)."""

    by_url: Mapping[str, str] = field(default_factory=dict)
    by_username: Mapping[str, str] = field(default_factory=dict)
    accts: frozenset[str] = frozenset()

    @classmethod
    def read(cls, raw: object) -> Mentions:
        if not isinstance(raw, list):
            return cls()
        by_url: dict[str, str] = {}
        usernames: dict[str, set[str]] = {}
        for item in raw:
            if not isinstance(item, dict):
                continue
            acct = item.get("acct")
            if not isinstance(acct, str) or not acct:
                continue
            url = item.get("url")
            if isinstance(url, str) and url:
                by_url[url] = acct
            username = item.get("username")
            name = username if isinstance(username, str) and username else acct.split("@")[0]
            usernames.setdefault(name.casefold(), set()).add(acct)
        by_username = {n: next(iter(a)) for n, a in usernames.items() if len(a) == 1}
        accts = frozenset(a for same_name in usernames.values() for a in same_name)
        return cls(by_url, by_username, accts)

    def acct(self, href: str | None, shown: str) -> str | None:
        """The full acct a mention link stands for, or None when it is not known."""
        if href is not None and href in self.by_url:
            return self.by_url[href]
        name = shown.strip().removeprefix("@")
        if not name:
            return None
        if name in self.accts:
            return name
        return self.by_username.get(name.split("@")[0].casefold())


@dataclass(slots=True)
class _Link:
    """An ``<a>`` being read: its text is collected until it closes."""

    href: str | None
    mention: bool
    parts: list[str] = field(default_factory=list)


class _TextParser(HTMLParser):
    """Collects text with line breaks where the blocks and ``<br>`` put them. Keeps no
    recursion and no unbounded state besides the text and open links, so any nesting
    depth is fine."""

    def __init__(self, mentions: Mentions) -> None:
        super().__init__(convert_charrefs=True)
        self._mentions = mentions
        self._out: list[str] = []
        self._links: list[_Link] = []
        self._hidden = 0
        self._pre = 0
        self._breaks = 0
        """Newlines owed before the next text (the most any pending block asked for)."""
        self._at_line_start = True

    def set_cdata_mode(self, *args: Any, **kwargs: Any) -> None:
        """No raw-text elements: ``<script>`` content is read as any other (and dropped),
        so an unclosed one cannot make the parser scan for its end again and again."""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in HIDDEN_TAGS:
            self._hidden += 1
        elif tag == "br":
            self._newline()
        elif tag in PARAGRAPH_TAGS:
            self._owe(2)
            self._pre += tag == "pre"
        elif tag in LINE_TAGS:
            self._owe(1)
        elif tag == "a":
            self._links.append(_open_link(attrs))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self._newline()
        elif tag in PARAGRAPH_TAGS or tag in LINE_TAGS:
            self._owe(2 if tag in PARAGRAPH_TAGS else 1)

    def handle_endtag(self, tag: str) -> None:
        if tag in HIDDEN_TAGS:
            self._hidden = max(0, self._hidden - 1)
        elif tag in PARAGRAPH_TAGS:
            self._owe(2)
            if tag == "pre":
                self._pre = max(0, self._pre - 1)
        elif tag in LINE_TAGS:
            self._owe(1)
        elif tag == "a" and self._links:
            self._close_link(self._links.pop())

    def handle_data(self, data: str) -> None:
        if self._hidden:
            return
        if not self._pre:
            data = _WHITESPACE.sub(" ", data)
            if self._at_line_start or self._breaks:
                data = data.lstrip(" ")
        if not data:
            return
        if self._links:
            self._links[-1].parts.append(data)
        else:
            self._emit(data)

    def close(self) -> None:
        super().close()
        while self._links:
            self._close_link(self._links.pop())

    def text(self) -> str:
        self._trim_trailing_spaces()
        return "".join(self._out).strip("\n")

    def _close_link(self, link: _Link) -> None:
        shown = "".join(link.parts)
        if link.mention:
            acct = self._mentions.acct(link.href, shown)
            if acct is not None:
                shown = "@" + acct
        if not shown:
            return
        if self._links:
            self._links[-1].parts.append(shown)
        else:
            self._emit(shown)

    def _owe(self, newlines: int) -> None:
        if self._out:
            self._breaks = max(self._breaks, newlines)

    def _newline(self) -> None:
        if self._links:
            self._links[-1].parts.append("\n")
            return
        self._flush_breaks()
        self._trim_trailing_spaces()
        self._out.append("\n")
        self._at_line_start = True

    def _emit(self, text: str) -> None:
        self._flush_breaks()
        self._out.append(text)
        self._at_line_start = text.endswith("\n")

    def _flush_breaks(self) -> None:
        if not self._breaks:
            return
        self._trim_trailing_spaces()
        have = _trailing_newlines(self._out)
        self._out.append("\n" * max(0, self._breaks - have))
        self._breaks = 0
        self._at_line_start = True

    def _trim_trailing_spaces(self) -> None:
        while self._out and self._out[-1].endswith(" ") and not self._pre:
            self._out[-1] = self._out[-1].rstrip(" ")
            if not self._out[-1]:
                self._out.pop()
            else:
                break


def _open_link(attrs: Iterable[tuple[str, str | None]]) -> _Link:
    """A link being opened: a mention when its class says so and it is not a hashtag."""
    values = dict(attrs)
    classes = (values.get("class") or "").split()
    mention = "mention" in classes and "hashtag" not in classes
    return _Link(values.get("href"), mention)


def _trailing_newlines(parts: list[str]) -> int:
    count = 0
    for part in reversed(parts):
        stripped = part.rstrip("\n")
        count += len(part) - len(stripped)
        if stripped:
            break
    return count


def _only_whole_tags(content: str) -> str:
    """``content`` with every ``<`` that does not open a well-formed tag escaped.

    html.parser waits for the end of an unfinished construct (``<!--``, ``<a``, ``</``)
    and scans again from its start with every new piece, which takes hours for a megabyte
    of them. Comments, declarations and processing instructions become text as well:
    Mastodon's sanitised HTML has none, so whatever arrives that way is data."""
    pieces: list[str] = []
    at = 0
    for tag in _WELL_FORMED_TAG.finditer(content):
        pieces.append(content[at : tag.start()].replace("<", "&lt;"))
        pieces.append(tag.group())
        at = tag.end()
    pieces.append(content[at:].replace("<", "&lt;"))
    return "".join(pieces)


def _stripped(content: str) -> str:
    """The last resort when the parser failed: tags cut out, entities unescaped."""
    return html.unescape(_TAG.sub(" ", content)).strip()
