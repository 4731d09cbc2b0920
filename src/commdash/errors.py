"""Errors that reach the user as one clear line."""

from __future__ import annotations

from commdash.text import sanitize


class CommdashError(Exception):
    """A failure the user can act on; its message is printed as one line, no traceback.

    Messages quote file names, server answers and what state files hold, so the text is
    made terminal-safe and one line here, for every place that shows it (the CLI, the
    screen's notices, the sync status)."""

    def __str__(self) -> str:
        return sanitize(super().__str__()).replace("\n", " ")


class SourceError(CommdashError):
    """A source could not be read at all."""


class StateError(CommdashError):
    """The state directory could not be read or written."""


class ConfigError(CommdashError):
    """The config file is wrong, or what it names fails; the message names the file and the
    key."""
