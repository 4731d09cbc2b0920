"""one_line() at its edges: widths of one and two cells, enclosing marks, double spaces in
short text, and the bounded prefix it reads."""

from __future__ import annotations

import pytest

from commdash.text import one_line


def test_double_spaces_in_a_short_plain_text_become_one() -> None:
    assert one_line("a  b   c", 20) == "a b c"


@pytest.mark.parametrize(
    ("text", "width", "expected"),
    [
        ("1\u20e32\u20e33\u20e3", 3, "1\u20e32\u20e33\u20e3"),  # keycaps: marks take no cell
        ("a\u20ddb\u20dd", 2, "a\u20ddb\u20dd"),
        ("1\u20e32\u20e33\u20e3", 2, "1\u20e3…"),
    ],
)
def test_enclosing_marks_take_no_cell(text: str, width: int, expected: str) -> None:
    assert one_line(text, width) == expected


@pytest.mark.parametrize(
    ("text", "width", "expected"),
    [
        ("ab", 1, "…"),
        ("日", 1, "…"),
        ("日", 2, "日"),
        ("日本", 2, "…"),
        ("a日", 2, "a…"),
        ("1\u20e32\u20e3", 1, "…"),
        ("a", 1, "a"),
    ],
)
def test_one_and_two_cells(text: str, width: int, expected: str) -> None:
    assert one_line(text, width) == expected


def test_a_text_that_goes_on_past_the_prefix_at_one_cell_is_only_an_ellipsis() -> None:
    # "a" fits, but the ellipsis that says more follows has to replace it.
    assert one_line("a" + " " * 200 + "b", 1) == "…"


def test_only_x_and_spaces_are_never_stripped_as_padding() -> None:
    assert one_line("XXXXXXXX", 5) == "XXXX…"
    assert one_line("XX XXXXXX", 4) == "XX…"


@pytest.mark.parametrize("width", [1, 10, 40])
def test_the_prefix_read_is_four_cells_a_column_and_64(width: int) -> None:
    # one_line reads 4 * width + 64 characters: a text of exactly that length is read whole,
    # one character more and it is marked as going on, even when all that is read fits.
    prefix = 4 * width + 64
    assert one_line("a" + " " * (prefix - 1), width) == "a"
    assert one_line("a" + " " * prefix, width) == ("…" if width == 1 else "a…")
