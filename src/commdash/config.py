"""The config file: named live sources, their tokens and polling, keys and theme.

TOML at ``$COMMDASH_CONFIG``, else ``config.toml`` in the platform's config directory. A
missing file is an empty config. Every mistake is one line naming the file and the key.
Tokens are never in the file: each source names an environment variable (``token_env``) or a
command that prints the token (``token_command``, e.g. a password manager).

A mistake in the sources or the settings stops commdash; one in ``[keys]`` or ``theme`` only
leaves that line out (the screen says so): nobody should be locked out of their inbox by a
key binding. ``commdash config --check`` lists them all.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import platformdirs

# Re-exported: callers have always found ConfigError here.
from commdash.errors import ConfigError as ConfigError
from commdash.keymap import check_keymap
from commdash.rules import RuleSet, read_rules
from commdash.secret_command import command_line, run_secret_command
from commdash.team_config import TeamConfig, read_team
from commdash.text import one_line
from commdash.theme import ThemeMemory, theme_problem
from commdash.views import OwnViews, read_views

APP_NAME = "commdash"
KINDS = ("facebook", "mastodon", "commdash")
DEFAULT_POLL_SECONDS = 120.0
MIN_POLL_SECONDS = 10.0
TOKEN_VARIABLE = "COMMDASH_TOKEN"
"""The token for a URL given on the command line that the config does not name."""


@dataclass(frozen=True, slots=True)
class SourceConfig:
    name: str
    kind: str
    url: str
    """The API or export URL (for facebook: the Graph base URL)."""
    page_id: str | None = None
    reply_url: str | None = None
    hide_url: str | None = None
    token_env: str | None = None
    token_command: tuple[str, ...] | None = None
    poll_seconds: float = DEFAULT_POLL_SECONDS
    allow_http: bool = False
    days: int = 30
    max_mentions: int | None = None
    """Mastodon: at most this many mentions read per sync (None: all of them)."""

    def token(self, may_prompt: bool = True) -> str | None:
        """The token, read now from the environment or the command; None when none is
        configured. ``may_prompt``: the command may read the terminal (not while the TUI
        owns it: its input is then empty)."""
        if self.token_env is not None:
            value = os.environ.get(self.token_env, "").strip()
            if not value:
                state = "is empty" if self.token_env in os.environ else "is not set"
                raise ConfigError(
                    f"source {self.name!r}: the environment variable {self.token_env} "
                    f"(token_env) {state}"
                )
            return _checked_token(self.name, value, f"${self.token_env}")
        if self.token_command is not None:
            shown = f"source {self.name!r}: token_command"
            token = run_secret_command(self.token_command, may_prompt, shown, "token")
            return _checked_token(self.name, token.strip(), "the token_command's output")
        return None


@dataclass(frozen=True, slots=True)
class Config:
    path: Path
    sources: dict[str, SourceConfig]
    poll_seconds: float = DEFAULT_POLL_SECONDS
    keymap: dict[str, str] = field(default_factory=dict)
    """``[keys]``, checked: binding id → keys, for ``App.set_keymap``."""
    theme: str | None = None
    notes: tuple[str, ...] = ()
    """What is wrong in ``[keys]``, ``theme`` and ``[[views]]``, one line each: left out,
    not fatal."""
    views: OwnViews = field(default_factory=OwnViews)
    """``[[views]]`` and ``views_replace`` (:mod:`commdash.views`)."""
    rules: RuleSet = field(default_factory=RuleSet)
    """``[[rules]]`` (:mod:`commdash.rules`); a wrong rule is left out, in ``notes`` too."""
    team: TeamConfig | None = None
    """``[team]`` (:mod:`commdash.team_config`): the database a team shares; None without."""

    @property
    def theme_memory(self) -> ThemeMemory:
        return ThemeMemory.beside(self.path, self.theme)


def config_path() -> Path:
    chosen = os.environ.get("COMMDASH_CONFIG")
    if chosen:
        return Path(chosen).expanduser()
    return platformdirs.user_config_path(APP_NAME) / "config.toml"


def load_config(path: Path | None = None) -> Config:
    """The config; ConfigError for the first mistake that is not in ``[keys]`` or
    ``theme`` (those are in :attr:`Config.notes`)."""
    path = config_path() if path is None else path
    config, mistakes = _read(path, _parsed(path))
    if mistakes:
        raise ConfigError(mistakes[0])
    return config


def check_config(path: Path | None = None) -> list[str]:
    """Every mistake of the config file, one line each naming the file and the key."""
    path = config_path() if path is None else path
    try:
        data = _parsed(path)
    except ConfigError as exc:
        return [str(exc)]
    config, mistakes = _read(path, data)
    return [*mistakes, *config.notes]


def _parsed(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: {one_line(str(exc), 200)}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not UTF-8 text") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror or exc}") from None


_SETTINGS = {
    "poll_seconds",
    "sources",
    "keys",
    "theme",
    "views",
    "views_replace",
    "rules",
    "team",
}


def _read(path: Path, data: dict[str, Any]) -> tuple[Config, list[str]]:
    """The config, with every mistake that stops commdash (one line each)."""
    check = _Checker(path)
    mistakes = [
        f"{path}: {one_line(key, 40)}: unknown setting" for key in data if key not in _SETTINGS
    ]
    try:
        poll = check.seconds(data, "poll_seconds", DEFAULT_POLL_SECONDS, "poll_seconds")
    except ConfigError as exc:
        mistakes.append(str(exc))
        poll = DEFAULT_POLL_SECONDS
    sources: dict[str, SourceConfig] = {}
    table = data.get("sources", {})
    if not isinstance(table, dict):
        mistakes.append(f"{path}: sources: expected a table of [sources.NAME] sections")
        table = {}
    for name, raw in table.items():
        try:
            sources[name] = check.source(name, raw, poll)
        except ConfigError as exc:  # each source's first mistake
            mistakes.append(str(exc))
    team, team_mistakes = read_team(path, data)
    mistakes += team_mistakes
    theme, theme_notes = _theme(data)
    keymap, key_notes = _keymap(data)
    views, view_notes = read_views(path, data)
    rules = read_rules(path, data)
    notes = (
        *(f"{path}: {note}" for note in (*theme_notes, *key_notes)),
        *view_notes,
        *rules.problems,
    )
    return Config(path, sources, poll, keymap, theme, notes, views, rules, team), mistakes


def _theme(data: dict[str, Any]) -> tuple[str | None, list[str]]:
    """The config's theme, or None with what is wrong with it."""
    if "theme" not in data:
        return None, []
    problem = theme_problem(data["theme"])
    if problem is not None:
        return None, [f"theme: {problem}; the default theme is used"]
    return str(data["theme"]), []


def _keymap(data: dict[str, Any]) -> tuple[dict[str, str], list[str]]:
    """``[keys]`` checked: the keymap, and what was left out of it."""
    table = data.get("keys", {})
    if not isinstance(table, dict):
        return {}, ['keys: expected a table: [keys], then lines like "triage.done" = "d"']
    checked = check_keymap(table)
    return checked.keymap, checked.problems


_SOURCE_KEYS = {
    "kind",
    "url",
    "page_id",
    "reply_url",
    "hide_url",
    "token_env",
    "token_command",
    "poll_seconds",
    "allow_http",
    "days",
    "max_mentions",
}


class _Checker:
    def __init__(self, path: Path) -> None:
        self.path = path

    def fail(self, key: str, problem: str) -> None:
        raise ConfigError(f"{self.path}: {key}: {problem}")

    def source(self, name: str, raw: object, poll: float) -> SourceConfig:
        where = f"sources.{name}"
        if not isinstance(raw, dict):
            self.fail(where, "expected a table")
        assert isinstance(raw, dict)
        unknown = set(raw) - _SOURCE_KEYS
        if unknown:
            self.fail(f"{where}.{sorted(unknown)[0]}", "unknown setting")
        kind = self.text(raw, "kind", where)
        if kind not in KINDS:
            self.fail(f"{where}.kind", f"expected one of {', '.join(KINDS)}")
        url = self.optional_text(raw, "url", where)
        if kind == "facebook":
            url = url or "https://graph.facebook.com/v19.0"
            page_id = self.text(raw, "page_id", where)
        else:
            page_id = None
            if url is None:
                self.fail(f"{where}.url", "missing: the instance or export URL")
        if "token_env" in raw and "token_command" in raw:
            self.fail(where, "give token_env or token_command, not both")
        days = raw.get("days", 30)
        if not isinstance(days, int) or isinstance(days, bool) or not 1 <= days <= 3650:
            self.fail(f"{where}.days", "expected a whole number of days from 1 to 3650")
        allow_http = raw.get("allow_http", False)
        if not isinstance(allow_http, bool):
            self.fail(f"{where}.allow_http", "expected true or false")
        max_mentions = raw.get("max_mentions")
        if max_mentions is not None and kind != "mastodon":
            self.fail(f"{where}.max_mentions", "only for a mastodon source")
        if max_mentions is not None and (
            not isinstance(max_mentions, int) or isinstance(max_mentions, bool) or max_mentions < 1
        ):
            self.fail(f"{where}.max_mentions", "expected a whole number of mentions, at least 1")
        return SourceConfig(
            name=name,
            kind=kind,
            url=str(url),
            page_id=page_id,
            reply_url=self.optional_text(raw, "reply_url", where),
            hide_url=self.optional_text(raw, "hide_url", where),
            token_env=self.optional_text(raw, "token_env", where),
            token_command=self.command(raw, where),
            poll_seconds=self.seconds(raw, "poll_seconds", poll, f"{where}.poll_seconds"),
            allow_http=allow_http,
            days=days,
            max_mentions=max_mentions,
        )

    def text(self, raw: dict[str, Any], key: str, where: str) -> str:
        value = self.optional_text(raw, key, where)
        if value is None:
            self.fail(f"{where}.{key}", "missing")
        return str(value)

    def optional_text(self, raw: dict[str, Any], key: str, where: str) -> str | None:
        value = raw.get(key)
        if value is not None and (not isinstance(value, str) or not value.strip()):
            self.fail(f"{where}.{key}", "expected a non-empty string")
        return value

    def command(self, raw: dict[str, Any], where: str) -> tuple[str, ...] | None:
        value = raw.get("token_command")
        if value is None:
            return None
        try:
            return command_line(value)
        except ValueError as exc:
            raise ConfigError(f"{self.path}: {where}.token_command: {exc}") from None

    def seconds(self, raw: dict[str, Any], key: str, default: float, where: str) -> float:
        value = raw.get(key, default)
        if (
            not isinstance(value, int | float)
            or isinstance(value, bool)
            or not MIN_POLL_SECONDS <= value <= 86_400
        ):
            self.fail(where, f"expected seconds from {MIN_POLL_SECONDS:g} to 86400")
        return float(value)


def _checked_token(name: str, token: str, origin: str) -> str:
    """A token goes into an HTTP header: printable ASCII with no spaces, or a clear error
    (which never shows it)."""
    if not all("!" <= character <= "~" for character in token):
        raise ConfigError(
            f"source {name!r}: {origin} is not a token (it must be printable ASCII with no "
            "spaces; check what it holds)"
        )
    return token


def unknown_name(spec: str, config: Config) -> str:
    """Why ``spec``, neither a file nor a URL, opens nothing: no file, and no source of the
    config has that name (or there is no config file, or it names no source)."""
    shown = f"{one_line(spec, 120)}: no such file, nor a source of that name"
    if config.sources:
        return f"{shown} in {config.path}"
    if not config.path.exists():
        return f"{shown}: there is no config file ({config.path}; see README, Live sources)"
    return f"{shown}: {config.path} names no source"


def is_url(spec: str) -> bool:
    return spec.lower().startswith(("http://", "https://"))


def live_config(spec: str, config: Config) -> SourceConfig | None:
    """The live source ``spec`` names (a config name, or a URL), or None for a file."""
    if spec in config.sources:
        return config.sources[spec]
    if not is_url(spec):
        return None
    for named in config.sources.values():
        if named.kind == "commdash" and named.url == spec:
            return named
    token_env = TOKEN_VARIABLE if os.environ.get(TOKEN_VARIABLE, "").strip() else None
    try:
        parts = urlsplit(spec)
        shown = one_line(f"{parts.scheme}://{parts.netloc.rpartition('@')[2]}{parts.path}", 120)
    except ValueError:
        shown = "(an invalid URL)"
    return SourceConfig(name=shown, kind="commdash", url=spec, token_env=token_env)
