"""Ids kept in the order of a key, changed one at a time without sorting again."""

from __future__ import annotations

from bisect import bisect_left, bisect_right, insort
from collections.abc import Iterable
from typing import Any


class OrderedIds:
    """Ids ordered by ``(key, id)``.

    Adding or removing one id costs a binary search and a move of pointers (fast even for
    a million), so a list that changes one item at a time never needs a full sort. Keys and
    ids are kept in two lists, not as pairs: a million pairs would cost 60 MB more.
    """

    def __init__(self, keys: list[Any] | None = None, ids: list[str] | None = None) -> None:
        keys, ids = keys or [], ids or []
        order = sorted(range(len(ids)), key=ids.__getitem__)
        order.sort(key=keys.__getitem__)  # stable: by key, then by id
        self._keys: list[Any] = [keys[i] for i in order]
        self._ids: list[str] = [ids[i] for i in order]

    def __len__(self) -> int:
        return len(self._ids)

    def _find(self, key: Any, cid: str) -> tuple[int, bool]:
        """Where ``(key, cid)`` is or would go, and whether it is there."""
        low = bisect_left(self._keys, key)
        high = bisect_right(self._keys, key, low)
        at = bisect_left(self._ids, cid, low, high)
        return at, at < high and self._ids[at] == cid

    def add(self, key: Any, cid: str) -> None:
        at, found = self._find(key, cid)
        if not found:
            self._keys.insert(at, key)
            self._ids.insert(at, cid)

    def discard(self, key: Any, cid: str) -> None:
        at, found = self._find(key, cid)
        if found:
            del self._keys[at]
            del self._ids[at]

    def ids(self) -> list[str]:
        """A copy of the ids in order."""
        return self._ids.copy()

    def entries(self) -> list[tuple[Any, str]]:
        """The (key, id) pairs in order."""
        return list(zip(self._keys, self._ids, strict=True))

    def id_at(self, index: int) -> str:
        return self._ids[index]

    def count_below(self, key: Any) -> int:
        """How many entries have a key below ``key``."""
        return bisect_left(self._keys, key)

    def between(self, low: Any, high: Any) -> list[str]:
        """The ids whose key is at least ``low`` and below ``high``."""
        return self._ids[bisect_left(self._keys, low) : bisect_left(self._keys, high)]


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
