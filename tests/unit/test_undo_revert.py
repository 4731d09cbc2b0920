"""Undo brings back exactly what one's own action took away, and never wipes what a colleague
did since: on the pure transition and through the state files."""

from __future__ import annotations

from pathlib import Path

from commdash.store import Store
from commdash.triage import BLANK, TriageState, edit_tags, revert, set_hidden

NOW = 1_764_061_200.0


def test_undoing_a_tag_removal_brings_the_tag_back() -> None:
    before = TriageState(tags=("vip", "billing"))
    after = edit_tags(before, added=[], removed=["vip"])
    assert revert(after, before, after).tags == ("billing", "vip")


def test_undoing_a_tag_removal_keeps_a_tag_a_colleague_added_since() -> None:
    before = TriageState(tags=("vip",))
    after = edit_tags(before, added=["billing"], removed=["vip"])
    since = edit_tags(after, added=["urgent"], removed=[])
    assert revert(since, before, after).tags == ("urgent", "vip")


def test_undoing_a_hide_keeps_a_colleagues_later_unhide() -> None:
    hidden = set_hidden(BLANK, "m1", True)
    shown_by_colleague = set_hidden(hidden, "m1", False)
    assert revert(shown_by_colleague, BLANK, hidden) == shown_by_colleague


def test_undoing_a_hide_leaves_the_other_messages_overrides_alone() -> None:
    before = set_hidden(BLANK, "m2", True)
    after = set_hidden(before, "m1", True)
    assert revert(after, before, after) == before


def test_undo_through_the_files_brings_a_removed_tag_back(tmp_path: Path) -> None:
    kari = Store(tmp_path, manager="kari@desk")
    kari.apply("c1", "tag", lambda s: edit_tags(s, ["vip", "billing"], []), NOW)
    kari.apply("c1", "untag", lambda s: edit_tags(s, [], ["vip"]), NOW + 1)
    kari.undo()
    assert Store(tmp_path).state("c1").tags == ("billing", "vip")


def test_undo_of_my_hide_through_the_files_keeps_a_colleagues_unhide(tmp_path: Path) -> None:
    kari = Store(tmp_path, manager="kari@desk")
    ola = Store(tmp_path, manager="ola@laptop")
    kari.apply("c1", "hide", lambda s: set_hidden(s, "m1", True), NOW)
    ola.apply("c1", "unhide", lambda s: set_hidden(s, "m1", False), NOW + 1)
    kari.undo()
    assert Store(tmp_path).state("c1").hidden_override("m1") is False
