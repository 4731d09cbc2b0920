"""Plain records (frozen dataclasses) to and from the JSON values of the state files.

Written with msgspec, field by field in the order the class declares them, tuples as lists:
the files look as they always have. Read with ``msgspec.convert``, strictly, when the
document is well formed (the usual case, at C speed). A document a person edited, or an
older commdash wrote, is then read field by field instead, so that one odd value never costs
the rest:

- a field that is missing, or holds a value of another type, takes its default; in a list,
  the items of another type are left out and the others kept;
- a record inside a record is read the same way;
- the record is not read at all (None) when a field without a default is missing or of
  another type, or when a value of the right type breaks the field's constraint (a
  :data:`~commdash.timeutil.ClockTime` that no clock shows): such an item is skipped, never
  half read.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from typing import Any, TypeVar

import msgspec

R = TypeVar("R")

_DEFAULT = object()
"""A field's value cannot be read: the field takes its default."""
_REFUSED = object()
"""A field's value breaks its constraint: the record is not read."""


def to_json(record: object) -> dict[str, Any]:
    """``record`` as the JSON values a state file holds (lists, never tuples)."""
    values: dict[str, Any] = msgspec.json.decode(msgspec.json.encode(record))
    return values


def from_json(cls: type[R], raw: object) -> R | None:
    """``raw`` (JSON values read from a state file) as a ``cls``; None when it cannot be one
    (see the module's rules)."""
    try:
        return msgspec.convert(raw, cls)
    except msgspec.ValidationError:
        return _leniently(cls, raw)


def _leniently(cls: type[R], raw: object) -> R | None:
    if not isinstance(raw, dict):
        return None
    strict, loose = _hints(cls)
    values: dict[str, Any] = {}
    for name, hint in strict.items():
        if name in raw:
            found = _field(raw[name], hint, loose[name])
            if found is _REFUSED:
                return None
            if found is not _DEFAULT:
                values[name] = found
    try:
        return cls(**values)
    except TypeError:  # a field without a default was missing or unreadable
        return None


def _field(value: object, hint: Any, loose: Any) -> object:
    """One field's value read as ``hint`` (``loose``: the same without constraints)."""
    try:
        return msgspec.convert(value, hint)
    except msgspec.ValidationError:
        pass
    record = _record_in(hint)
    if record is not None:
        found = from_json(record, value)
        return _DEFAULT if found is None else found
    item = _tuple_item_in(hint)
    if item is not None and isinstance(value, list | tuple):
        return tuple(read for x in value if (read := _item(x, item)) is not _DEFAULT)
    try:
        msgspec.convert(value, loose)
    except msgspec.ValidationError:
        return _DEFAULT
    return _REFUSED


def _item(value: object, hint: Any) -> object:
    try:
        return msgspec.convert(value, hint)
    except msgspec.ValidationError:
        return _DEFAULT


_Hints = tuple[dict[str, Any], dict[str, Any]]
_hints_of: dict[type, _Hints] = {}


def _hints(cls: type) -> _Hints:
    """The types of the record's fields, with their constraints and without."""
    found = _hints_of.get(cls)
    if found is None:
        names = [field.name for field in dataclasses.fields(cls)]
        strict = typing.get_type_hints(cls, include_extras=True)
        loose = typing.get_type_hints(cls)
        found = _hints_of[cls] = (
            {name: strict[name] for name in names},
            {name: loose[name] for name in names},
        )
    return found


def _choices(hint: Any) -> tuple[Any, ...]:
    """The types a hint allows besides None (``X | None`` allows X)."""
    if typing.get_origin(hint) in (types.UnionType, typing.Union):
        return tuple(arg for arg in typing.get_args(hint) if arg is not type(None))
    return (hint,)


def _record_in(hint: Any) -> type | None:
    found = [choice for choice in _choices(hint) if dataclasses.is_dataclass(choice)]
    return found[0] if len(found) == 1 and isinstance(found[0], type) else None


def _tuple_item_in(hint: Any) -> Any:
    """X for a field of type ``tuple[X, ...]`` (or that or None), else None."""
    for choice in _choices(hint):
        arguments = typing.get_args(choice)
        if typing.get_origin(choice) is tuple and len(arguments) == 2 and arguments[1] is ...:
            return arguments[0]
    return None
