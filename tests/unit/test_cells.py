"""Fitting text into terminal cells, word wrap, and the text charts."""

from __future__ import annotations

import random

import pytest
from rich.cells import cell_len

from commdash.ui.widgets.cells import fit, right, terminal_text, wrap
from commdash.ui.widgets.sparkline import meter, sparkline


def lines_of(text: str, width: int) -> list[str]:
    return [text[a:b] for a, b in wrap(text, width)]


def test_wrap_breaks_between_words() -> None:
    assert lines_of("the quick brown fox jumps", 10) == ["the quick ", "brown fox ", "jumps"]


def test_wrap_keeps_newlines_and_empty_lines() -> None:
    assert lines_of("one\n\ntwo", 10) == ["one", "", "two"]


def test_wrap_splits_a_word_wider_than_the_line() -> None:
    assert lines_of("abcdefghijkl", 5) == ["abcde", "fghij", "kl"]


def test_wrap_counts_wide_characters_as_two_cells() -> None:
    assert lines_of("日本語のテキスト", 6) == ["日本語", "のテキ", "スト"]


def test_wrap_offsets_cover_the_text_and_respect_the_width() -> None:
    rng = random.Random(7)
    alphabet = ["a", "bb", " ", "  ", "\n", "日", "é", "🙂", "word "]
    for _ in range(300):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 80)))
        width = rng.randint(1, 20)
        spans = wrap(text, width)
        rebuilt = "".join(text[a:b] for a, b in spans)
        assert rebuilt == text.replace("\n", "")
        for a, b in spans:
            assert cell_len(text[a:b].rstrip()) <= max(width, 2)


def test_fit_pads_and_cuts_to_exact_cells() -> None:
    assert fit("abc", 6) == "abc   "
    assert fit("abcdefgh", 6) == "abcde…"
    assert cell_len(fit("日本語のテキスト", 7)) == 7
    assert fit("anything", 0) == ""


def test_fit_collapses_newlines_so_a_row_stays_one_line() -> None:
    assert "\n" not in fit("line one\nline two", 30)


def test_right_aligns() -> None:
    assert right("42", 5) == "   42"
    assert right("123456", 3) == "12…"


@pytest.mark.parametrize(
    ("raw", "shown"),
    [("a\tb", "a    b"), ("🌧\ufe0f rain", "🌧 rain"), ("plain", "plain")],
)
def test_terminal_text(raw: str, shown: str) -> None:
    assert terminal_text(raw) == shown


def test_sparkline_scales_to_the_largest_value() -> None:
    assert sparkline([0, 1, 2, 4]) == "▁▂▄█"
    assert sparkline([0, 0]) == "▁▁"
    assert sparkline([]) == ""


def test_meter_fills_by_eighths() -> None:
    assert meter(0.0, 4) == "░░░░"
    assert meter(1.0, 4) == "████"
    assert meter(0.5, 4) == "██░░"
    assert meter(0.25, 2) == "▌░"
    assert meter(0.0625, 2) == "▏░"
    assert meter(7.0, 3) == "███"
