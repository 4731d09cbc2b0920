"""sanitize() removes real escape sequences whole, whatever their bytes, and every surrogate
and noncharacter: no printable piece of a sequence is left on screen."""

from __future__ import annotations

import pytest

from commdash.text import sanitize


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        # Final bytes at both ends of 0x40-0x7e.
        ("\x1b[2@X", "X"),  # ICH, final byte "@"
        ("\x1b[200~pasted\x1b[201~", "pasted"),  # bracketed paste, final byte "~"
        ("\x1b[200~X", "X"),
        # Intermediate bytes at both ends of 0x20-0x2f.
        ("\x1b[1 qX", "X"),
        ("\x1b[1/mX", "X"),
        # Parameter bytes at both ends of 0x30-0x3f.
        ("\x1b[0mX", "X"),
        ("\x1b[?25lX", "X"),
        ("\x9b?25lX", "X"),
    ],
)
def test_csi_with_edge_bytes_is_removed_whole(raw: str, expected: str) -> None:
    assert sanitize(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("\x1b FX", "X"),  # S7C1T: intermediate byte " " (0x20)
        ("\x1b/AX", "X"),  # G3 charset: intermediate byte "/" (0x2f)
        ("\x1b0X", "X"),  # final byte "0" (0x30)
        ("\x1b~X", "X"),  # LS1R: final byte "~" (0x7e)
    ],
)
def test_other_escape_sequences_with_edge_bytes_are_removed_whole(raw: str, expected: str) -> None:
    assert sanitize(raw) == expected


def test_an_unfinished_escape_takes_its_intermediate_bytes_with_it() -> None:
    # The space is already part of the sequence when the non-ASCII character cuts it off.
    assert sanitize("\x1b é") == "é"


SEQUENCE_AFTER = {
    "\x1b": "[31m",  # CSI
    "\x9b": "31m",  # 8-bit CSI
    "\x9d": "0;title\x07",  # 8-bit OSC
    "\x90": "q#0~~\x9c",  # 8-bit DCS
    "\x98": "sos\x9c",  # 8-bit SOS
    "\x9e": "pm\x9c",  # 8-bit PM
    "\x9f": "apc\x9c",  # 8-bit APC
}


@pytest.mark.parametrize("first", list(SEQUENCE_AFTER))
@pytest.mark.parametrize("second", list(SEQUENCE_AFTER))
def test_an_introducer_cut_short_by_another_takes_no_text(first: str, second: str) -> None:
    # A terminal abandons a sequence when another introducer arrives: the string sequences
    # (DCS, SOS, PM, APC, OSC) must not run on over the second sequence into the text.
    raw = f"a{first}{second}{SEQUENCE_AFTER[second]}b"
    assert sanitize(raw) == "ab"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("\ud800\udc00", "\U00010000"),
        ("\ud800\udfff", "\U000103ff"),
        ("\udbff\udc00", "\U0010fc00"),
        ("\udbff\udfff", "\U0010ffff"),
        ("a\ud800b", "a\ufffdb"),
        ("a\udbffb", "a\ufffdb"),
        ("a\udc00b", "a\ufffdb"),
        ("a\udfffb", "a\ufffdb"),
    ],
)
def test_surrogates_at_the_ends_of_their_ranges(raw: str, expected: str) -> None:
    assert sanitize(raw) == expected


@pytest.mark.parametrize(
    "noncharacter", [chr(code) for code in range(0xFDD0, 0xFDF0)] + ["\ufffe", "\uffff"]
)
def test_every_bmp_noncharacter_is_removed(noncharacter: str) -> None:
    assert sanitize(f"a{noncharacter}b") == "ab"
