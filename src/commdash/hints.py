"""Messages that name keys: the domain names the action, whoever shows the message writes
the key that runs it.

The config's ``[keys]`` can move any binding, so "not sent: R retries" is wrong for a
manager who moved retry elsewhere. The domain knows actions, not keys: it writes
``Hint("not sent: ", Press("outbox.retry"), " retries")``, and the screen spells it with the
keys in effect (``commdash.ui.widgets.notices``); anything else (the command line, a log)
with the default keys (``str(hint)``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from commdash.keymap import SCOPES

DEFAULT_KEYS: Mapping[str, str] = {
    binding_id: keys
    for scope in reversed(list(SCOPES.values()))
    for binding_id, keys in scope.bindings.items()
}
"""Binding id → its default keys, as the first scope that lists it has them (``dialog.cancel``
is ``escape,q`` in the snooze choices, ``escape`` in the prompts)."""


@dataclass(frozen=True, slots=True)
class Press:
    """In a message, the key that runs the binding ``binding_id``."""

    binding_id: str

    def __post_init__(self) -> None:
        if self.binding_id not in DEFAULT_KEYS:
            raise ValueError(f"no binding has the id {self.binding_id!r}")


@dataclass(frozen=True, slots=True, init=False)
class Hint:
    """A message of text and keys; ``+`` with text (or another hint) gives a hint."""

    parts: tuple[str | Press, ...]

    def __init__(self, *parts: str | Press) -> None:
        object.__setattr__(self, "parts", parts)

    def spelled(self, key_of: Callable[[str], str]) -> str:
        """The message, each key written by ``key_of(binding_id)``."""
        return "".join(p if isinstance(p, str) else key_of(p.binding_id) for p in self.parts)

    def __str__(self) -> str:
        return self.spelled(default_key)

    def __add__(self, other: str | Hint) -> Hint:
        return Hint(*self.parts, *(other.parts if isinstance(other, Hint) else (other,)))

    def __radd__(self, other: str) -> Hint:
        return Hint(other, *self.parts)


def keys_in_effect(binding_id: str, keymap: Mapping[str, str]) -> list[str]:
    """The keys that run the binding: the config's (``keymap``, as Textual has it), else its
    default ones."""
    keys = keymap.get(binding_id) or DEFAULT_KEYS[binding_id]
    return [key.strip() for key in keys.split(",") if key.strip()]


def default_key(binding_id: str) -> str:
    """The first default key of the binding, as Textual names it (``R``, ``ctrl+s``)."""
    return keys_in_effect(binding_id, {})[0]
