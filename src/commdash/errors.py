"""Errors that reach the user as one clear line."""

from __future__ import annotations


class CommdashError(Exception):
    """A failure the user can act on; its message is printed as one line, no traceback."""


class SourceError(CommdashError):
    """A source could not be read at all."""


class StateError(CommdashError):
    """The state directory could not be read or written."""
