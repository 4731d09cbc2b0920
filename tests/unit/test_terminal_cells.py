"""Text from a source takes as many cells by Rich's count (which Textual lays lines out by)
as the terminal draws, so no row is wider on screen than laid out and no pane border moves."""

from __future__ import annotations

import random

import pytest
from rich.cells import cell_len

from commdash.text import cell_width
from commdash.ui.widgets.cells import REPLACEMENT, fit, right, terminal_text

HOSTILE = [
    "प्रिया शर्मा",  # Devanagari: spacing vowel signs (Mc), a virama (Mn)
    "অনন্যা তৃতীয়",  # Bengali
    "தமிழ் நாடு",  # Tamil
    "👩\u200d🔧 and 👨\u200d👩\u200d👧",  # joined emoji
    "👍🏽 thanks",  # a skin tone
    "🌧\ufe0f🚴 Thursday ☕\ufe0e",  # presentation selectors
    "#\ufe0f\u20e3 keycap, 🇳🇴 flag",
    "\u3164 Hangul filler",
    "tab\there",
    "日本語のテキスト and é\u0301",
]


@pytest.mark.parametrize(
    ("text", "cells"),
    [
        ("कि", 2),  # a spacing mark takes a cell (glibc, xterm, VTE, tmux, xterm.js)
        ("क्ष", 2),  # a virama none
        ("e\u0301", 1),
        ("🏽", 2),
        ("日本", 4),
        ("\u200b\u200d", 0),
        ("\u00ad", 1),
        ("\u1100\u1161", 2),  # a Hangul syllable in jamo: the vowel joins the first cell
    ],
)
def test_cell_width_counts_as_terminals_do(text: str, cells: int) -> None:
    # The widths tmux 3.3 gives these, asked with a cursor position report.
    assert cell_width(text) == cells


@pytest.mark.parametrize("text", HOSTILE)
def test_terminal_text_is_counted_alike_by_rich_and_the_terminal(text: str) -> None:
    shown = terminal_text(text)
    assert cell_len(shown) == cell_width(shown), repr(shown)


def test_every_character_is_counted_alike_once_made_terminal_text() -> None:
    rng = random.Random(10)
    points = [*range(0x80, 0x3400), *rng.sample(range(0x3400, 0x30000), 4000)]
    for point in points:
        char = chr(point)
        if char.isprintable() or char in "\u200d\ufe0e\ufe0f":
            shown = terminal_text(f"a{char}b")
            assert cell_len(shown) == cell_width(shown), (hex(point), shown)


@pytest.mark.parametrize("text", HOSTILE)
@pytest.mark.parametrize("width", [1, 5, 16, 40])
def test_fit_and_right_take_exactly_the_width_both_ways(text: str, width: int) -> None:
    for fitted in (fit(text, width), right(text, width)):
        assert cell_len(fitted) == cell_width(fitted) == width, repr(fitted)


def test_spacing_vowel_signs_show_as_their_vowel_letters() -> None:
    assert terminal_text("प्रिया शर्मा") == "प्रइयआ शर्मआ"


def test_what_terminals_draw_differently_goes() -> None:
    assert terminal_text("👩\u200d🔧👍🏽🌧\ufe0f") == "👩🔧👍🌧"
    assert terminal_text("\u3164x") == f"{REPLACEMENT}x"


def test_plain_and_wide_text_stay_as_they_are() -> None:
    text = "Crème brûlée — 日本語 😀 مرحبا\nend [ok]"
    assert terminal_text(text) == text
