"""Ids kept in the order of a key, changed one at a time without sorting again."""

from __future__ import annotations

from bisect import bisect_left, bisect_right, insort
from collections.abc import Iterable
from typing import Any


class OrderedIds:
    """Ids ordered by ``(key, id)``.

    Adding or removing one id costs a binary search and a move of pointers (fast even for
    a million), so a list that changes one item at a time never needs a full sort.
    """

    def __init__(self, items: Iterable[tuple[Any, str]] = ()) -> None:
        self._entries: list[tuple[Any, str]] = sorted(items)
        self._ids: list[str] = [cid for _, cid in self._entries]

    def __len__(self) -> int:
        return len(self._ids)

    def add(self, key: Any, cid: str) -> None:
        entry = (key, cid)
        at = bisect_left(self._entries, entry)
        if at < len(self._entries) and self._entries[at] == entry:
            return
        self._entries.insert(at, entry)
        self._ids.insert(at, cid)

    def discard(self, key: Any, cid: str) -> None:
        entry = (key, cid)
        at = bisect_left(self._entries, entry)
        if at < len(self._entries) and self._entries[at] == entry:
            del self._entries[at]
            del self._ids[at]

    def ids(self) -> list[str]:
        """A copy of the ids in order."""
        return self._ids.copy()

    def entries(self) -> list[tuple[Any, str]]:
        """A copy of the (key, id) pairs in order."""
        return self._entries.copy()

    def id_at(self, index: int) -> str:
        return self._ids[index]

    def index(self, key: Any, cid: str) -> int | None:
        entry = (key, cid)
        at = bisect_left(self._entries, entry)
        return at if at < len(self._entries) and self._entries[at] == entry else None

    def count_below(self, key: Any) -> int:
        """How many entries have a key below ``key``."""
        return bisect_left(self._entries, (key,))

    def between(self, low: Any, high: Any) -> list[str]:
        """The ids whose key is at least ``low`` and below ``high``."""
        return self._ids[bisect_left(self._entries, (low,)) : bisect_left(self._entries, (high,))]


class SortedTimes:
    """A multiset of numbers in order, for medians and counts in ranges."""

    def __init__(self, values: Iterable[float] = ()) -> None:
        self._values = sorted(values)

    def __len__(self) -> int:
        return len(self._values)

    def add(self, value: float) -> None:
        insort(self._values, value)

    def remove(self, value: float) -> None:
        at = bisect_left(self._values, value)
        if at < len(self._values) and self._values[at] == value:
            del self._values[at]

    def count_in(self, low: float, high: float) -> int:
        """How many values are above ``low`` and at most ``high``."""
        return bisect_right(self._values, high) - bisect_right(self._values, low)

    def median(self) -> float | None:
        values, n = self._values, len(self._values)
        if not n:
            return None
        middle = n // 2
        return values[middle] if n % 2 else (values[middle - 1] + values[middle]) / 2
