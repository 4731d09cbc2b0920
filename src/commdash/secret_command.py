"""A command the config names to print a secret: a source's ``token_command``, the team's
``password_command`` (a password manager, say).

It runs without a shell; its first line that is not blank is the secret. Its output never
reaches an error message: a failure says the exit status and the first line of what the
command wrote on stderr (where tools explain themselves), nothing else.
"""

from __future__ import annotations

import os
import shlex
import subprocess

from commdash.errors import ConfigError
from commdash.text import one_line

TIMEOUT_SECONDS = 60.0


def command_line(value: object) -> tuple[str, ...]:
    """The command a config value names: a list of strings, or one string split as a shell
    would split it (no shell runs it). ValueError saying what is wrong otherwise."""
    if isinstance(value, str):
        try:
            value = shlex.split(value)
        except ValueError as exc:
            raise ValueError(f"cannot split: {exc}") from None
    if not (isinstance(value, list) and value and all(isinstance(part, str) for part in value)):
        raise ValueError("expected a command line or a list of strings")
    return tuple(value)


def run_secret_command(command: tuple[str, ...], may_prompt: bool, shown: str, what: str) -> str:
    """The first line that is not blank of what ``command`` prints, without its line ending.

    ``shown`` starts each error (it names the config's place and the command), ``what`` is
    the secret's name in them ("token"). ``may_prompt``: the command may read the terminal
    (not while the TUI owns it: its input is then empty)."""
    shown = f"{shown} {one_line(command[0], 60)!r}"
    try:
        done = subprocess.run(
            command,
            # It may ask at the terminal (a passphrase) only when there is one: under
            # `commdash serve` stdin is the browser's channel, not to be read by it.
            stdin=None if may_prompt and _stdin_is_a_terminal() else subprocess.DEVNULL,
            capture_output=True,
            timeout=TIMEOUT_SECONDS,
            check=False,
        )
    except FileNotFoundError:
        raise ConfigError(f"{shown}: no such command") from None
    except PermissionError:
        raise ConfigError(f"{shown}: permission denied") from None
    except subprocess.TimeoutExpired:
        raise ConfigError(f"{shown}: gave no {what} within {TIMEOUT_SECONDS:g} s") from None
    except OSError as exc:
        raise ConfigError(f"{shown}: cannot run: {exc.strerror or exc}") from None
    if done.returncode != 0:
        said = _first_line(done.stderr)
        raise ConfigError(
            f"{shown}: failed with exit status {done.returncode}"
            + (f": {one_line(said, 200)}" if said else "")
        )
    secret = _first_line(done.stdout)
    if not secret:
        raise ConfigError(f"{shown}: printed no {what}")
    return secret


def _first_line(output: bytes) -> str:
    text = output.decode("utf-8", "replace")
    return next((line for line in text.splitlines() if line.strip()), "")


def _stdin_is_a_terminal() -> bool:
    try:
        return os.isatty(0)
    except OSError:
        return False
