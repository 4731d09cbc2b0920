"""Fitting text into terminal cells."""

from __future__ import annotations

import re

from rich.cells import cell_len, set_cell_size

from commdash.text import one_line

EMOJI_PRESENTATION = "\ufe0f"
TAB = "    "
_WORD = re.compile(r"\S+\s*|\s+")


def terminal_text(text: str) -> str:
    """Text as terminals measure it: tabs as spaces (a raw tab would move the cursor), and no
    emoji presentation selector (U+FE0F), which makes terminals draw some symbols two cells
    wide while width tables count one."""
    return text.replace(EMOJI_PRESENTATION, "").replace("\t", TAB)


def fit(text: str, width: int) -> str:
    """``text`` on one line, cut with an ellipsis or padded to exactly ``width`` cells."""
    if width <= 0:
        return ""
    return set_cell_size(one_line(terminal_text(text), width), width)


def right(text: str, width: int) -> str:
    """``text`` right-aligned in ``width`` cells (cut on the left side if too long)."""
    if width <= 0:
        return ""
    length = cell_len(text)
    return " " * (width - length) + text if length <= width else fit(text, width)


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
