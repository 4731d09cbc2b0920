"""Fitting text into terminal cells."""

from __future__ import annotations

from rich.cells import cell_len, set_cell_size

from commdash.text import one_line

EMOJI_PRESENTATION = "\ufe0f"


def terminal_text(text: str) -> str:
    """Text as terminals measure it: without the emoji presentation selector (U+FE0F), which
    makes terminals draw some symbols two cells wide while width tables count one."""
    return text.replace(EMOJI_PRESENTATION, "")


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
