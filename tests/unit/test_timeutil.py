"""Tests for commdash.timeutil: reading times, the clock, and short ages."""

from __future__ import annotations

import math
import time
from datetime import UTC, datetime

import pytest

from commdash.timeutil import Clock, duration, iso, parse_now, parse_timestamp, short_age

T = datetime(2026, 11, 25, 9, 0, tzinfo=UTC).timestamp()
MINUTE, HOUR, DAY = 60.0, 3600.0, 86400.0
MAX_TS = datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC).timestamp()


# --- parse_timestamp -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "2026-11-25T09:00:00Z",
        "2026-11-25T09:00:00+00:00",
        "2026-11-25T09:00:00+0000",
        "2026-11-25T10:30:00+0130",
        "2026-11-25T04:00:00-05:00",
        "2026-11-25T09:00:00",
        "2026-11-25 09:00:00Z",
        "2026-11-25T09:00:00.000Z",
        " 2026-11-25T09:00:00Z\n",
        T,
        int(T),
    ],
)
def test_parse_timestamp_reads_the_same_moment(value: object) -> None:
    assert parse_timestamp(value) == T


def test_parse_timestamp_keeps_fractions() -> None:
    assert parse_timestamp("2026-11-25T09:00:00.250Z") == T + 0.25
    assert parse_timestamp(T + 0.5) == T + 0.5


def test_parse_timestamp_returns_float() -> None:
    assert type(parse_timestamp(1_700_000_000)) is float
    assert type(parse_timestamp("2026-11-25T09:00:00Z")) is float


@pytest.mark.parametrize("value", [True, False])
def test_booleans_are_not_times(value: bool) -> None:
    assert parse_timestamp(value) is None


@pytest.mark.parametrize(
    "value",
    [math.nan, math.inf, -math.inf, 1e30, -1, -0.5, MAX_TS + 1, 10**30, 10**400],
    ids=["nan", "inf", "-inf", "1e30", "-1", "-0.5", "max+1", "10**30", "10**400"],
)
def test_unusable_numbers_are_not_times(value: float) -> None:
    assert parse_timestamp(value) is None


def test_range_ends_are_times() -> None:
    assert parse_timestamp(0) == 0.0
    assert parse_timestamp(MAX_TS) == MAX_TS
    assert parse_timestamp("1970-01-01T00:00:00Z") == 0.0
    assert parse_timestamp("9999-12-31T23:59:59Z") == MAX_TS


@pytest.mark.parametrize(
    "value",
    [
        "",
        "abc",
        "now",
        "yesterday",
        "1700000000",  # Unix seconds only as a number
        "2026-13-01T00:00:00Z",
        "2026-02-30T00:00:00Z",
        "2026-11-25T25:00:00Z",
        "2026-11-25T09:00:00+25:00",
        "25/11/2026",
        "2026-11-25T09:00:00Z" + " " * 60,  # too long to be a time
        "\uff12\uff10\uff12\uff16-11-25",  # fullwidth digits
        "2026-11-25T09:00:00\ud800",
        "1969-12-31T23:59:59Z",
        "0001-01-01T00:00:00Z",
        "0001-01-01T00:00:00+14:00",
        "9999-12-31T23:59:59-14:00",
    ],
)
def test_bad_or_out_of_range_strings_are_not_times(value: str) -> None:
    assert parse_timestamp(value) is None


@pytest.mark.parametrize("value", [None, [T], {"t": T}, b"2026-11-25T09:00:00Z", object()])
def test_other_types_are_not_times(value: object) -> None:
    assert parse_timestamp(value) is None


def test_every_accepted_time_can_be_written_back() -> None:
    for value in ("1970-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "9999-12-31T23:59:59+14:00"):
        seconds = parse_timestamp(value)
        assert seconds is not None
        assert parse_timestamp(iso(seconds)) == seconds


# --- parse_now and iso ---------------------------------------------------------------------


def test_parse_now_reads_iso() -> None:
    assert parse_now("2026-11-25T09:00:00Z") == T
    assert parse_now("2026-11-25T10:00:00+0100") == T


@pytest.mark.parametrize(
    "value", ["", "tomorrow", "2026-11-31T00:00:00Z", "0001-01-01T00:00:00+14:00"]
)
def test_parse_now_rejects_with_a_readable_message(value: str) -> None:
    with pytest.raises(ValueError) as info:
        parse_now(value)
    message = str(info.value)
    assert repr(value) in message
    assert "not a time" in message
    assert "\n" not in message


def test_iso_writes_utc_with_z() -> None:
    assert iso(T) == "2026-11-25T09:00:00Z"
    assert iso(0) == "1970-01-01T00:00:00Z"
    assert iso(T + 0.5) == "2026-11-25T09:00:00.500000Z"


# --- Clock ---------------------------------------------------------------------------------


def test_pinned_clock_stays_put() -> None:
    clock = Clock(T)
    assert clock.now() == T
    time.sleep(0.01)
    assert clock.now() == T


def test_clock_pinned_at_zero_is_still_pinned() -> None:
    assert Clock(0.0).now() == 0.0


def test_real_clock_follows_time() -> None:
    clock = Clock()
    assert clock.pinned is None
    before = time.time()
    now = clock.now()
    after = time.time()
    assert before <= now <= after
    time.sleep(0.01)
    assert clock.now() > now


def test_clock_can_be_repinned() -> None:
    clock = Clock()
    clock.pinned = T
    assert clock.now() == T


# --- short_age -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("seconds", "expected"),
    [
        (0, "now"),
        (59.9, "now"),
        (60, "1m"),
        (119, "1m"),
        (59 * MINUTE + 59, "59m"),
        (HOUR, "1h00"),
        (HOUR + 5 * MINUTE, "1h05"),
        (3 * HOUR + 12 * MINUTE, "3h12"),
        (DAY - 1, "23h59"),
        (DAY, "1d"),
        (DAY + HOUR - 1, "1d"),
        (DAY + HOUR, "1d1h"),
        (2 * DAY + 4 * HOUR, "2d4h"),
        (14 * DAY - 1, "13d23h"),
        (14 * DAY, "2w"),
        (21 * DAY - 1, "2w"),
        (21 * DAY, "3w"),
        (364 * DAY, "52w"),
        (365 * DAY, "1y"),
        (3 * 365 * DAY, "3y"),
    ],
)
def test_short_age(seconds: float, expected: str) -> None:
    assert short_age(seconds) == expected


@pytest.mark.parametrize(
    ("seconds", "expected"),
    [(-5 * MINUTE, "in 5m"), (-(2 * HOUR + 3 * MINUTE), "in 2h03"), (-DAY, "in 1d")],
)
def test_short_age_in_the_future(seconds: float, expected: str) -> None:
    assert short_age(seconds) == expected


@pytest.mark.parametrize("seconds", [-0.5, -30, -59.9])
def test_short_age_just_ahead_is_now(seconds: float) -> None:
    assert short_age(seconds) == "now"


# --- duration ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("seconds", "expected"),
    [
        (-10, "0 s"),
        (0, "0 s"),
        (0.9, "0 s"),
        (45, "45 s"),
        (59.99, "59 s"),
        (60, "1 min"),
        (48 * MINUTE + 59, "48 min"),
        (HOUR - 1, "59 min"),
        (HOUR, "1 h"),
        (HOUR + MINUTE, "1 h 1 min"),
        (3 * HOUR + 5 * MINUTE, "3 h 5 min"),
        (DAY - 1, "23 h 59 min"),
        (DAY, "1 d"),
        (DAY + HOUR - 1, "1 d"),
        (2 * DAY + 4 * HOUR, "2 d 4 h"),
        (400 * DAY, "400 d"),
    ],
)
def test_duration(seconds: float, expected: str) -> None:
    assert duration(seconds) == expected


def test_parse_now_takes_unix_seconds_too() -> None:
    assert parse_now("1764061200") == 1764061200.0
    assert parse_now("1764061200.5") == 1764061200.5
