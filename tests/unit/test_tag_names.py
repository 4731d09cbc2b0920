"""Typed tags keep their letters: only a leading '#' goes, whatever the tag starts with."""

from __future__ import annotations

from commdash.triage import normalise_tags


def test_tags_starting_with_x_keep_it() -> None:
    assert normalise_tags(["#Xmas", "XL", "##x"]) == ("xmas", "xl", "x")
