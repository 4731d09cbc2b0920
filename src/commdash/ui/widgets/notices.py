"""Telling the manager: notifications that never read source text as markup, name the keys
in effect, and triage actions whose refusal (the disk's error, a read-only message, a reply
too long) is told instead of raised."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Literal, Protocol, TypeVar, runtime_checkable

from textual.binding import Binding
from textual.dom import DOMNode
from textual.widget import Widget

from commdash.actions import Refused
from commdash.errors import StateError
from commdash.hints import Hint, keys_in_effect

Severity = Literal["information", "warning", "error"]
WARNING_SECONDS = 8
"""How long a warning stays: long enough to read two lines, short enough not to keep
covering the thread, the help or a dialog on a small screen."""
T = TypeVar("T")


@runtime_checkable
class _Remapped(Protocol):
    """An app that knows the config's remapped keys (``CommdashApp``)."""

    @property
    def keymap(self) -> Mapping[str, str]: ...


def key_name(node: DOMNode, binding_id: str) -> str:
    """The key that runs the binding now (the config's first, else the default), written as
    the key bar and the help write it."""
    app = node.app
    keymap = app.keymap if isinstance(app, _Remapped) else {}
    return app.get_key_display(Binding(keys_in_effect(binding_id, keymap)[0], ""))


def key_namer(node: DOMNode) -> Callable[[str], str]:
    """:func:`key_name` for ``node``, to spell a :class:`Hint` with."""
    return lambda binding_id: key_name(node, binding_id)


def spell(node: DOMNode, message: str | Hint) -> str:
    """The message with the keys in effect."""
    return message.spelled(key_namer(node)) if isinstance(message, Hint) else message


def say(
    node: Widget, message: str | Hint, severity: Severity = "information", timeout: float = 2
) -> None:
    """A notification, with the keys in effect; source text in it is never read as markup."""
    node.notify(spell(node, message), severity=severity, timeout=timeout, markup=False)


def attempt(node: Widget, action: Callable[[], T]) -> tuple[bool, T | None]:
    """Run a triage action: (True, its result), or (False, None) after telling why not (the
    disk's error, or what the action refused); then nothing changed, on disk or on screen."""
    try:
        return True, action()
    except Refused as exc:
        say(node, exc.hint, "warning", WARNING_SECONDS)
        return False, None
    except StateError as exc:
        say(node, str(exc), "error", WARNING_SECONDS)
        return False, None
