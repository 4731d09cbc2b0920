"""OrderedIds and SortedTimes against plain sorting, with many equal keys."""

from __future__ import annotations

import random

from commdash.ordered import OrderedIds, SortedTimes


def test_ordered_ids_stay_sorted_by_key_then_id_through_changes() -> None:
    rng = random.Random(3)
    pairs = {(float(rng.randrange(5)), f"c{i}") for i in range(60)}
    keys, ids = zip(*pairs, strict=True)
    ordered = OrderedIds(list(keys), list(ids))
    for _ in range(300):
        key, cid = float(rng.randrange(5)), f"c{rng.randrange(80)}"
        if rng.random() < 0.5:
            ordered.add(key, cid)
            pairs.add((key, cid))
        else:
            ordered.discard(key, cid)
            pairs.discard((key, cid))
        expected = sorted(pairs)
        assert ordered.entries() == expected
        assert ordered.ids() == [cid for _, cid in expected]
    assert ordered.count_below(2.0) == sum(1 for key, _ in pairs if key < 2.0)
    assert ordered.between(1.0, 3.0) == [c for k, c in sorted(pairs) if 1.0 <= k < 3.0]


def test_sorted_times_median_and_ranges() -> None:
    times = SortedTimes([5.0, 1.0, 3.0])
    assert times.median() == 3.0
    times.add(7.0)
    assert times.median() == 4.0
    times.remove(1.0)
    times.remove(42.0)  # not there: nothing happens
    assert len(times) == 3
    assert times.count_in(3.0, 7.0) == 2  # above 3, at most 7
    assert SortedTimes().median() is None
