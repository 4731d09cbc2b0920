"""The theme: named in the config file, or picked in the palette and remembered.

A theme picked in the palette is kept in ``theme.json`` beside the config file, never in the
config file itself (rewriting it would lose the user's comments and layout). The latest
choice wins: the remembered theme, until the config's ``theme`` line is changed after it was
picked. The remembered file notes the config's theme of that moment to tell.
"""

from __future__ import annotations

import difflib
import os
import stat
from dataclasses import dataclass
from pathlib import Path

import orjson

from commdash.statefiles import write_atomically
from commdash.text import one_line

THEMES = (
    "ansi-dark",
    "ansi-light",
    "atom-one-dark",
    "atom-one-light",
    "catppuccin-frappe",
    "catppuccin-latte",
    "catppuccin-macchiato",
    "catppuccin-mocha",
    "dracula",
    "flexoki",
    "gruvbox",
    "monokai",
    "nord",
    "rose-pine",
    "rose-pine-dawn",
    "rose-pine-moon",
    "solarized-dark",
    "solarized-light",
    "textual-dark",
    "textual-light",
    "tokyo-night",
)
"""Textual's built-in themes (a test checks them against Textual's), so that a config is
checked without loading Textual."""

MEMORY_NAME = "theme.json"
MEMORY_LIMIT = 4096
"""More than this in the remembered file is not ours."""


def theme_problem(value: object) -> str | None:
    """What is wrong with a config's ``theme`` value, or None."""
    if not isinstance(value, str):
        return 'expected the name of a theme, e.g. "nord"'
    if value in THEMES:
        return None
    close = difflib.get_close_matches(value, THEMES, n=1)
    hint = f'did you mean "{close[0]}"?' if close else f"one of {', '.join(THEMES)}"
    return f'"{one_line(value, 40)}" is not a theme ({hint})'


@dataclass(frozen=True, slots=True)
class ThemeMemory:
    """The theme picked in the palette, kept beside the config file."""

    path: Path
    configured: str | None
    """The config file's ``theme`` (None: none, or not a theme)."""

    @classmethod
    def beside(cls, config_path: Path, configured: str | None) -> ThemeMemory:
        return cls(config_path.with_name(MEMORY_NAME), configured)

    def start_theme(self) -> tuple[str | None, str | None]:
        """(the theme to start with, None for Textual's default; a problem with the
        remembered file, or None)."""
        try:
            remembered = self._read()
        except ValueError:
            return self.configured, f"{self.path}: not a theme commdash remembered; ignored"
        if remembered is not None and remembered[1] == self.configured:
            return remembered[0], None
        return self.configured, None  # nothing picked, or the config changed since

    def remember(self, theme: str) -> None:
        """Keep ``theme``, picked now over the config's; raises StateError."""
        payload = {"theme": theme, "config_theme": self.configured}
        write_atomically(self.path, orjson.dumps(payload, option=orjson.OPT_INDENT_2) + b"\n")

    def _read(self) -> tuple[str, str | None] | None:
        """(the theme picked, the config's theme then), or None when nothing was picked;
        ValueError for a file that is not ours (it is only ever read, never shown)."""
        try:
            # Without waiting: a FIFO put there must not hang the start.
            descriptor = os.open(self.path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise ValueError(exc) from None
        try:
            if not stat.S_ISREG(os.fstat(descriptor).st_mode):
                raise ValueError("not a regular file")
            raw = os.read(descriptor, MEMORY_LIMIT + 1)
        except OSError as exc:
            raise ValueError(exc) from None
        finally:
            os.close(descriptor)
        try:
            found = orjson.loads(raw) if len(raw) <= MEMORY_LIMIT else None
        except orjson.JSONDecodeError:
            found = None
        theme = found.get("theme") if isinstance(found, dict) else None
        configured = found.get("config_theme") if isinstance(found, dict) else None
        if theme not in THEMES or not (configured is None or isinstance(configured, str)):
            raise ValueError("not a remembered theme")
        assert isinstance(theme, str)
        return theme, configured
