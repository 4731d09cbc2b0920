"""What a platform does with a reply: how long it may be, counted as the platform counts,
and where a reply to a reply appears.

========  ==========================================  ==========================================
platform  longest reply                               counted as
========  ==========================================  ==========================================
facebook  8,000 (a comment)                           UTF-16 code units, as JavaScript counts
                                                      (Facebook's web composer): an emoji
                                                      beyond U+FFFF counts 2. Graph does not
                                                      document its count; this is never less
                                                      than a count of code points
mastodon  the server's (``/api/v2/instance``,         as Mastodon's ``StatusLengthValidator``:
          ``configuration.statuses.max_characters``)  user-perceived characters (grapheme
          500 until it is read                        clusters), each http(s) URL 23, a
                                                      mention ``@user@domain`` as ``@user``
any       ``source.reply_limit`` of the document,     Unicode code points (facebook and
          when it gives one                           mastodon: as above)
========  ==========================================  ==========================================

The limit travels in the document (``source.reply_limit``), so a live source's offline copy
keeps it; a document without one takes the platform's default above, or has no limit.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

from commdash.model import Conversation, Message, SourceInfo
from commdash.text import sanitize

Counting = Literal["code points", "utf-16", "mastodon"]

FACEBOOK_COMMENT_LIMIT = 8000
MASTODON_DEFAULT_LIMIT = 500
MASTODON_URL_LENGTH = 23
"""Mastodon counts every URL as this many characters, whatever its length (its
``characters_reserved_per_url``, the same on every server)."""
TWO_LEVEL_PLATFORMS = frozenset({"facebook"})
"""Platforms whose threads are two levels deep: a reply to a reply goes under the top-level
comment."""

_DEFAULTS: dict[str, tuple[int, Counting, str]] = {
    "facebook": (FACEBOOK_COMMENT_LIMIT, "utf-16", "Facebook's"),
    "mastodon": (MASTODON_DEFAULT_LIMIT, "mastodon", "the Mastodon server's"),
}


@dataclass(frozen=True, slots=True)
class ReplyLimit:
    most: int
    """The longest reply the platform takes."""
    counting: Counting
    whose: str
    """Whose limit, for messages: "Facebook's"."""

    def count(self, text: str) -> int:
        """``text``'s length as the platform counts it."""
        if self.counting == "utf-16":
            return len(text.encode("utf-16-le", "surrogatepass")) // 2
        if self.counting == "mastodon":
            return grapheme_count(mastodon_countable(text))
        return len(text)


def reply_limit(source: SourceInfo) -> ReplyLimit | None:
    """How long a reply to ``source`` may be; None when nothing says."""
    most, counting, whose = _DEFAULTS.get(source.platform, (0, "code points", "the source's"))
    if source.reply_limit is not None:
        most = source.reply_limit
    return ReplyLimit(most, counting, whose) if most else None


def queued_text(text: str) -> str:
    """What is queued of what the manager typed: made safe, without the blank lines and
    spaces around it. It is what the limit counts."""
    return sanitize(text).strip()


def too_long(text: str, limit: ReplyLimit | None) -> str | None:
    """Why ``text`` (as queued) cannot be sent, by how much; None when it fits."""
    if limit is None:
        return None
    length = limit.count(text)
    if length <= limit.most:
        return None
    over = length - limit.most
    return (
        f"The reply is {over:,} character{'s' * (over != 1)} over {limit.whose} limit "
        f"({length:,} of {limit.most:,}): shorten it, then queue it."
    )


def lands_under(platform: str, conversation: Conversation, answered: Message) -> Message | None:
    """The comment a reply to ``answered`` appears under when that is not ``answered``
    itself (on Facebook, a reply to a reply goes under the top-level comment); else None."""
    if platform in TWO_LEVEL_PLATFORMS and answered.id != conversation.root.id:
        return conversation.root
    return None


# Mastodon's count ------------------------------------------------------------------------

_URL = re.compile(r"(?<![\w@/.])https?://[^\s<>\"]+", re.IGNORECASE)
_URL_TRAILER = ".,:;!?'\")]}"
"""Punctuation after a URL that is not part of it (Mastodon's extractor leaves it out)."""
_MENTION = re.compile(
    r"(?<![=/\w])@([a-z0-9_]+(?:[.-]+[a-z0-9_]+)*)(?:@\w+(?:[.-]+\w+)*)?", re.IGNORECASE
)
"""Mastodon's ``Account::MENTION_RE``: ``@user`` or ``@user@domain``."""


def mastodon_countable(text: str) -> str:
    """``text`` as Mastodon measures it: each URL as 23 characters, each mention by its
    local part."""

    def url(found: re.Match[str]) -> str:
        whole = found.group()
        kept = whole.rstrip(_URL_TRAILER)
        return "x" * MASTODON_URL_LENGTH + whole[len(kept) :]

    return _MENTION.sub(lambda found: "@" + found.group(1), _URL.sub(url, text))


# Grapheme clusters (Unicode's extended grapheme clusters, UAX #29, less the rare rules for
# prepended marks and Indic conjuncts) -------------------------------------------------------

_ZWJ = "\u200d"
_HANGUL_L = ((0x1100, 0x115F), (0xA960, 0xA97F))
_HANGUL_V = ((0x1160, 0x11A7), (0xD7B0, 0xD7C6))
_HANGUL_T = ((0x11A8, 0x11FF), (0xD7CB, 0xD7FB))
_EXTEND_RANGES = (
    (0x200C, 0x200D),  # zero-width non-joiner and joiner
    (0xFE00, 0xFE0F),  # variation selectors
    (0x1F3FB, 0x1F3FF),  # skin tones
    (0xE0020, 0xE007F),  # tags (subdivision flags)
    (0xE0100, 0xE01EF),  # variation selectors supplement
)


def _within(code: int, ranges: tuple[tuple[int, int], ...]) -> bool:
    return any(low <= code <= high for low, high in ranges)


def _kind(character: str) -> str:
    """The character's grapheme-break class, as far as these rules need it."""
    code = ord(character)
    if character in "\r\n":
        return character
    if _within(code, _EXTEND_RANGES):
        return "zwj" if character == _ZWJ else "extend"
    category = unicodedata.category(character)
    if category in ("Mn", "Me", "Mc"):
        return "extend"
    if category in ("Cc", "Cf", "Zl", "Zp"):
        return "control"
    if 0x1F1E6 <= code <= 0x1F1FF:
        return "regional"
    if 0xAC00 <= code <= 0xD7A3:
        return "lv" if (code - 0xAC00) % 28 == 0 else "lvt"
    for kind, ranges in (("l", _HANGUL_L), ("v", _HANGUL_V), ("t", _HANGUL_T)):
        if _within(code, ranges):
            return kind
    if category == "So" or code >= 0x1F000:
        return "pictographic"
    return "other"


_HANGUL_JOINS = {
    "l": {"l", "v", "lv", "lvt"},
    "lv": {"v", "t"},
    "v": {"v", "t"},
    "lvt": {"t"},
    "t": {"t"},
}


def grapheme_count(text: str) -> int:
    """How many user-perceived characters ``text`` holds: a letter with its accents, an
    emoji with its skin tone or its joined family, a flag, a Hangul syllable are one each."""
    count = 0
    before = ""
    regional_run = 0
    for character in text:
        kind = _kind(character)
        joins = bool(before) and (
            (before == "\r" and kind == "\n")
            or (
                before not in ("\r", "\n", "control")
                and (
                    kind in ("extend", "zwj")
                    or (before == "zwj" and kind == "pictographic")
                    or (kind == "regional" and before == "regional" and regional_run % 2 == 1)
                    or kind in _HANGUL_JOINS.get(before, ())
                )
            )
        )
        regional_run = regional_run + 1 if kind == "regional" else 0
        if not joins:
            count += 1
        before = kind
    return count
