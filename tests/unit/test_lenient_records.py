"""A record read field by field (a hand-edited or older state file) is read the same the first
time its class is read as every time after: a mistyped field takes its default (a pair of
fixed shape too, never the items that happen to fit), a list keeps the items of its type,
and a time no clock shows refuses the whole record.

Each test reads a class made afresh, as a newer commdash's first read of a record would:
the field types are worked out on that read, not taken from an earlier one."""

from __future__ import annotations

from dataclasses import dataclass

from commdash.records import from_json
from commdash.timeutil import ClockTime


def fresh_record() -> type:
    @dataclass(frozen=True, slots=True)
    class Entry:
        id: str
        at: ClockTime = 0.0
        pair: tuple[str, int] = ("", 0)
        names: tuple[str, ...] = ()

    return Entry


def test_a_mistyped_field_takes_its_default_and_the_rest_is_kept() -> None:
    entry = fresh_record()
    raw = {"id": "r1", "at": "noon", "pair": ["x", "y"], "names": ["a", 3, "b"]}
    for _ in range(2):  # the first read of the class, and the next
        assert from_json(entry, raw) == entry(id="r1", names=("a", "b"))


def test_a_pair_of_the_right_shape_is_read() -> None:
    entry = fresh_record()
    raw = {"id": "r1", "pair": ["x", 2], "names": "ab"}
    assert from_json(entry, raw) == entry(id="r1", pair=("x", 2))


def test_a_time_no_clock_shows_refuses_the_record() -> None:
    entry = fresh_record()
    assert from_json(entry, {"id": "r1", "at": 1e300, "names": [3]}) is None
    assert from_json(entry, {"id": "r1", "at": 1_764_061_200, "names": [3]}) == entry(
        id="r1", at=1_764_061_200.0
    )


def test_a_record_without_a_field_it_needs_is_not_read() -> None:
    assert from_json(fresh_record(), {"at": 5.0, "names": [3]}) is None
