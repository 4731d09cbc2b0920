"""Reading timestamps, the clock, and short human ages."""

from __future__ import annotations

import math
import time
from datetime import UTC, datetime
from typing import Annotated

import msgspec

_MIN_TS = 0.0
_MAX_TS = 253402300799.0  # 9999-12-31T23:59:59Z

ClockTime = Annotated[float, msgspec.Meta(ge=_MIN_TS, le=_MAX_TS)]
"""A saved time in Unix seconds that a clock can show: outside this range, writing it as a
date (``iso``, ``fromtimestamp``) fails. (A record read from disk with any other is
refused, see :mod:`commdash.records`.)"""


def parse_timestamp(value: object) -> float | None:
    """Read an ISO 8601 string (``Z``, ``+00:00`` or ``+0000``) or Unix seconds.

    Returns Unix seconds, or None when the value is not a usable time. A time with no
    offset is read as UTC.
    """
    if type(value) is str and 20 <= len(value) <= 32 and value[-1] == "Z":
        try:  # the usual case, "2026-11-25T09:00:00Z", at C speed
            seconds = datetime.fromisoformat(value).timestamp()
            if _MIN_TS <= seconds <= _MAX_TS:
                return seconds
        except ValueError:
            pass  # the general way below says what it is
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        try:
            seconds = float(value)
        except OverflowError:  # an int too large for a float (the json module reads any size)
            return None
        if math.isfinite(seconds) and _MIN_TS <= seconds <= _MAX_TS:
            return seconds
        return None
    if not isinstance(value, str) or not 4 <= len(value) <= 64:
        return None
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    seconds = moment.timestamp()
    # The same range as for numbers: outside it, iso() and fromtimestamp() fail.
    return seconds if _MIN_TS <= seconds <= _MAX_TS else None


def parse_now(value: str) -> float:
    """Read the ``--now`` option (ISO 8601 or Unix seconds); ValueError when it is neither."""
    try:
        seconds = parse_timestamp(float(value))
    except ValueError:
        seconds = parse_timestamp(value)
    if seconds is None:
        raise ValueError(f"not a time: {value!r} (try 2026-11-25T09:00:00Z)")
    return seconds


def iso(seconds: float) -> str:
    """Unix seconds as an ISO 8601 UTC string, for JSON output."""
    return datetime.fromtimestamp(seconds, UTC).isoformat().replace("+00:00", "Z")


class Clock:
    """The current time, or a pinned one for reproducible runs."""

    def __init__(self, pinned: float | None = None) -> None:
        self.pinned = pinned

    def now(self) -> float:
        return self.pinned if self.pinned is not None else time.time()


def short_age(seconds: float) -> str:
    """A compact age: ``now``, ``5m``, ``3h12``, ``2d4h``, ``3w``; negative means future."""
    if seconds < 0:
        ahead = short_age(-seconds)
        return ahead if ahead == "now" else "in " + ahead
    minutes = int(seconds // 60)
    if minutes < 1:
        return "now"
    if minutes < 60:
        return f"{minutes}m"
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return f"{hours}h{minutes:02d}"
    days, hours = divmod(hours, 24)
    if days < 14:
        return f"{days}d{hours}h" if hours else f"{days}d"
    if days < 365:
        return f"{days // 7}w"
    return f"{days // 365}y"


def ago(seconds: float) -> str:
    """``just now``, ``5m ago``, ``3h12 ago``; a time in the future reads ``in 5m``."""
    if -60 < seconds < 60:
        return "just now"
    return short_age(seconds) if seconds < 0 else f"{short_age(seconds)} ago"


def duration(seconds: float) -> str:
    """A readable duration for gauges: ``45 s``, ``48 min``, ``3 h 5 min``, ``2 d 4 h``."""
    seconds = max(0.0, seconds)
    if seconds < 60:
        return f"{int(seconds)} s"
    minutes = int(seconds // 60)
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    days, hours = divmod(hours, 24)
    return f"{days} d {hours} h" if hours else f"{days} d"
