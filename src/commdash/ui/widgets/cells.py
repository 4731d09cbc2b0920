"""Fitting text into terminal cells.

Textual lays a line out by Rich's count of the cells each character takes; the terminal
draws it by its own. Where the two counts differ, the line is drawn wider or narrower than
it was laid out, and whatever follows it on the screen (a pane's border, the next pane)
moves. :func:`terminal_text` is where text from a source becomes text both count alike,
and every source text a widget shows goes through it.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from rich.cells import cell_len, get_character_cell_size, set_cell_size

from commdash.text import cell_width, one_line

TAB = "    "
REPLACEMENT = "\ufffd"
_WORD = re.compile(r"\S+\s*|\s+")
_TERMINALS_DISAGREE = re.compile("[\ufe0e\ufe0f\u200d\U0001f3fb-\U0001f3ff]")
"""Emoji presentation selectors, the zero-width joiner and skin tones: a terminal draws
"👩\u200d🔧" or "👍🏽" as one glyph of two cells, or as its parts side by side, and "🌧\ufe0f"
in one cell or two, as it was made to."""


def terminal_text(text: str) -> str:
    """``text`` as the terminal and Rich count it alike:

    - tabs become spaces (a raw tab would move the cursor);
    - presentation selectors, joiners and skin tones go (``👩‍🔧`` shows as ``👩🔧``);
    - a spacing vowel sign of an Indic script (``ि`` in ``प्रिया``), which takes a cell in
      every ``wcwidth`` terminal and none by Rich's count, becomes its vowel letter
      (``प्रइयआ``): every vowel is still read, and nothing overflows its pane;
    - any other character the two count differently (another spacing mark; one added to
      Unicode after this Python's tables) becomes U+FFFD.
    """
    if "\t" in text:
        text = text.replace("\t", TAB)
    if text.isascii():
        return text
    text = _TERMINALS_DISAGREE.sub("", text)
    for char in set(text):
        shown = _shown_as(char)
        if shown != char:
            text = text.replace(char, shown)
    return text


@lru_cache(maxsize=8192)
def _shown_as(char: str) -> str:
    """``char``, or what stands for it when Rich does not count its cells as the terminal
    (:func:`commdash.text.cell_width`) does."""
    if char == "\n" or get_character_cell_size(char) == cell_width(char):
        return char
    name = unicodedata.name(char, "")
    if " VOWEL SIGN " in name:
        try:
            letter = unicodedata.lookup(name.replace(" VOWEL SIGN ", " LETTER "))
        except KeyError:
            return REPLACEMENT
        return letter if get_character_cell_size(letter) == cell_width(letter) else REPLACEMENT
    return REPLACEMENT


def fit(text: str, width: int) -> str:
    """``text`` on one line, cut with an ellipsis or padded to exactly ``width`` cells."""
    if width <= 0:
        return ""
    # one_line reads a bounded prefix (4 characters a cell, and some): so does this.
    return set_cell_size(one_line(terminal_text(text[: 4 * width + 65]), width), width)


def right(text: str, width: int) -> str:
    """``text`` right-aligned in ``width`` cells (cut on the left side if too long)."""
    if width <= 0:
        return ""
    shown = terminal_text(text)
    length = cell_len(shown)
    return " " * (width - length) + shown if length <= width else fit(text, width)


def wrap(text: str, width: int) -> list[tuple[int, int]]:
    """Greedy word wrap by terminal cells: the ``(start, end)`` offsets of each line.

    Newlines end lines; a word wider than ``width`` is split; trailing spaces stay on their
    line (they are not drawn past the edge). Linear in the length of ``text``.
    """
    width = max(1, width)
    lines: list[tuple[int, int]] = []
    offset = 0
    for paragraph in text.split("\n"):
        end_of_paragraph = offset + len(paragraph)
        if cell_len(paragraph) <= width:
            lines.append((offset, end_of_paragraph))
        else:
            _wrap_paragraph(paragraph, offset, width, lines)
        offset = end_of_paragraph + 1
    return lines


def _wrap_paragraph(paragraph: str, offset: int, width: int, lines: list[tuple[int, int]]) -> None:
    start = offset
    used = 0
    for match in _WORD.finditer(paragraph):
        word = match.group()
        word_start = offset + match.start()
        size = cell_len(word.rstrip())
        if used and used + size > width:
            lines.append((start, word_start))
            start, used = word_start, 0
        if size > width:
            # Split an over-long word character by character.
            for i, char in enumerate(word):
                char_size = cell_len(char)
                if used + char_size > width and used:
                    lines.append((start, word_start + i))
                    start, used = word_start + i, 0
                used += char_size
        else:
            used += cell_len(word)
    lines.append((start, offset + len(paragraph)))
