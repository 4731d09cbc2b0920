"""Telling the manager: notifications that never read source text as markup, and triage
actions whose refusal (the disk's error, a read-only message) is told instead of raised."""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal, TypeVar

from textual.widget import Widget

from commdash.actions import ReadOnlyError
from commdash.errors import StateError

Severity = Literal["information", "warning", "error"]
T = TypeVar("T")


def say(node: Widget, message: str, severity: Severity = "information", timeout: float = 2) -> None:
    """A notification; source text in it is never read as markup."""
    node.notify(message, severity=severity, timeout=timeout, markup=False)


def attempt(node: Widget, action: Callable[[], T]) -> tuple[bool, T | None]:
    """Run a triage action: (True, its result), or (False, None) after telling why not (the
    disk's error, or a read-only message); then nothing changed, on disk or on screen."""
    try:
        return True, action()
    except ReadOnlyError as exc:
        say(node, str(exc), "warning", 8)
        return False, None
    except StateError as exc:
        say(node, str(exc), "error", 8)
        return False, None
