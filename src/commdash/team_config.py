"""``[team]`` of the config: the PostgreSQL database a team shares, and how to reach it safely.

```toml
[team]
database = "postgresql://ana@db.example.org/commdash"
password_command = "pass show commdash/db"   # or password_env = "COMMDASH_DB_PASSWORD"
# sslmode = "verify-full"                    # the default: TLS, the server's name verified
# sslrootcert = "~/.config/commdash/team-ca.pem"
# name = "Ana"                               # how the others see you (default: login name)
```

The password is never in the file, the URL or an argv: it is read when connecting, from an
environment variable or a command, and kept apart from the connection string so that
nothing shown or logged can hold it. TLS is verified unless the server is this machine or
the config says ``allow_plain = true``. Every mistake of the table is a line of its own.
"""

from __future__ import annotations

import getpass
import ipaddress
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from commdash.errors import ConfigError
from commdash.host import is_loopback
from commdash.secret_command import command_line, run_secret_command
from commdash.text import one_line, sanitize

VERIFIED_SSLMODES = ("require", "verify-ca", "verify-full")
PLAIN_SSLMODES = ("disable", "allow", "prefer")
"""libpq's modes that may send everything unencrypted: only to this machine, or when
``allow_plain = true``."""
DEFAULT_SSLMODE = "verify-full"
CONNECT_TIMEOUT_SECONDS = 5
MAX_NAME_CHARACTERS = 32
_KEYS = (
    "database",
    "password_env",
    "password_command",
    "sslmode",
    "sslrootcert",
    "allow_plain",
    "name",
)
_SCHEMES = ("postgresql://", "postgres://")
_SECRET_PARAMETERS = ("password", "sslpassword")
_OWN_PARAMETERS = ("sslmode", "sslrootcert")
"""Parameters [team] has keys for: refused in the URL, so each is said in one place, the
place the checks read."""
_VARIABLE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_EXAMPLE = '"postgresql://USER@HOST/DATABASE"'


@dataclass(frozen=True, slots=True, repr=False)
class TeamConnection:
    """What connecting takes: ``psycopg.connect(conninfo, password=password)``."""

    conninfo: str
    """libpq's connection string, without the password."""
    password: str | None
    """None: libpq finds one itself (``~/.pgpass``), or the server asks for none."""
    redacted: str
    """What may be shown or logged: user, host, database and sslmode, as a URL."""

    def __repr__(self) -> str:
        password = "None" if self.password is None else "<hidden>"
        return f"TeamConnection(redacted={self.redacted!r}, password={password})"


@dataclass(frozen=True, slots=True)
class TeamConfig:
    path: Path
    """The config file, named in every error."""
    database: str
    """The URL as the config gives it: it holds no password (refused when read)."""
    name: str
    """How the other managers see this one: one line, at most 32 characters."""
    sslmode: str = DEFAULT_SSLMODE
    sslrootcert: str | None = None
    password_env: str | None = None
    password_command: tuple[str, ...] | None = None
    allow_plain: bool = False

    def connection(self, may_prompt: bool) -> TeamConnection:
        """The connection string and the password, read now. ``may_prompt``: the password
        command may read the terminal (not while the TUI owns it). ConfigError (one line,
        never the password) when the password cannot be had."""
        from psycopg.conninfo import make_conninfo  # see _parameters

        settings: dict[str, str | int] = {"sslmode": self.sslmode}
        if self.sslrootcert is not None:
            settings["sslrootcert"] = self.sslrootcert
        if "connect_timeout" not in _known_parameters(self.database):
            settings["connect_timeout"] = CONNECT_TIMEOUT_SECONDS
        return TeamConnection(
            conninfo=make_conninfo(self.database, **settings),
            password=self._password(may_prompt),
            redacted=self.redacted,
        )

    @property
    def redacted(self) -> str:
        return _redacted(_known_parameters(self.database), self.sslmode)

    def _password(self, may_prompt: bool) -> str | None:
        if self.password_env is not None:
            where = f"{self.path}: team.password_env"
            value = os.environ.get(self.password_env, "")
            if not value:
                state = "is empty" if self.password_env in os.environ else "is not set"
                raise ConfigError(f"{where}: the environment variable {self.password_env} {state}")
            return _checked_password(value, f"{where}: ${self.password_env}")
        if self.password_command is not None:
            shown = f"{self.path}: team.password_command"
            value = run_secret_command(self.password_command, may_prompt, shown, "password")
            return _checked_password(value, f"{shown}: its output")
        return None


def read_team(path: Path, data: dict[str, Any]) -> tuple[TeamConfig | None, list[str]]:
    """``[team]`` of a config's ``data`` (None when there is none), and every mistake in it,
    one line each naming the file and the key."""
    if "team" not in data:
        return None, []
    raw = data["team"]
    if not isinstance(raw, dict):
        return None, [f"{path}: team: expected a table: [team], then database = {_EXAMPLE}"]
    reader = _TeamReader(path, raw)
    team = reader.team()
    return (None if reader.problems else team), reader.problems


class _TeamReader:
    """Reads every key, noting each mistake instead of stopping at the first."""

    def __init__(self, path: Path, raw: dict[str, Any]) -> None:
        self.path = path
        self.raw = raw
        self.problems: list[str] = []

    def note(self, key: str, problem: str) -> None:
        self.problems.append(f"{self.path}: team{'.' if key else ''}{key}: {problem}")

    def team(self) -> TeamConfig:
        for key in sorted(set(self.raw) - set(_KEYS)):
            self.note(one_line(key, 40), "unknown setting")
        database = self.database()
        password_env = self.password_env()
        password_command = self.password_command()
        if password_env is not None and password_command is not None:
            self.note("", "give password_env or password_command, not both")
        sslmode = self.sslmode()
        allow_plain = self.allow_plain()
        if database is not None and sslmode in PLAIN_SSLMODES and not allow_plain:
            self.refuse_plain_to_another_machine(database, sslmode)
        return TeamConfig(
            path=self.path,
            database=database or "",  # the team is dropped when anything is wrong
            name=self.name(),
            sslmode=sslmode,
            sslrootcert=self.sslrootcert(),
            password_env=password_env,
            password_command=password_command,
            allow_plain=allow_plain,
        )

    def database(self) -> str | None:
        """The URL, when it is one libpq reads, holding no password and no parameter that
        [team] has a key for. No message quotes it: it may hold a password."""
        url = self.raw.get("database")
        if url is None:
            self.note("database", f"missing: the team's database, like {_EXAMPLE}")
            return None
        if not isinstance(url, str) or not url.startswith(_SCHEMES):
            self.note("database", f"expected a PostgreSQL URL, like {_EXAMPLE}")
            return None
        if _has_password_before_host(url):
            self.note("database", _NO_PASSWORD_HERE)
            return None
        parameters = _parameters(url)
        if parameters is None:
            self.note("database", f"not a URL libpq can read; expected one like {_EXAMPLE}")
            return None
        if any(secret in parameters for secret in _SECRET_PARAMETERS):
            self.note("database", _NO_PASSWORD_HERE)
            return None
        own = [parameter for parameter in _OWN_PARAMETERS if parameter in parameters]
        for parameter in own:
            self.note("database", f"sets {parameter}; give it as team.{parameter} instead")
        return None if own else url

    def password_env(self) -> str | None:
        name = self.raw.get("password_env")
        if name is not None and not (isinstance(name, str) and _VARIABLE_NAME.fullmatch(name)):
            self.note("password_env", "expected the name of an environment variable")
            return None
        return name

    def password_command(self) -> tuple[str, ...] | None:
        value = self.raw.get("password_command")
        if value is None:
            return None
        try:
            return command_line(value)
        except ValueError as exc:
            self.note("password_command", str(exc))
            return None

    def sslmode(self) -> str:
        sslmode = self.raw.get("sslmode", DEFAULT_SSLMODE)
        if sslmode not in VERIFIED_SSLMODES + PLAIN_SSLMODES:
            self.note(
                "sslmode",
                f"expected one of {', '.join(VERIFIED_SSLMODES)} (or, only to this machine or "
                f"with allow_plain = true, {', '.join(PLAIN_SSLMODES)})",
            )
            return DEFAULT_SSLMODE
        return str(sslmode)

    def allow_plain(self) -> bool:
        allow_plain = self.raw.get("allow_plain", False)
        if not isinstance(allow_plain, bool):
            self.note("allow_plain", "expected true or false")
            return False
        return allow_plain

    def refuse_plain_to_another_machine(self, database: str, sslmode: str) -> None:
        parameters = _known_parameters(database)
        if _only_this_machine(parameters, os.environ):
            return
        server = parameters.get("hostaddr") or parameters.get("host") or "the server PG* names"
        self.note(
            "sslmode",
            f"{sslmode!r} may send the password and the team's data unencrypted to "
            f"{_shown_hosts(server)}; plain connections go only to this machine (localhost, "
            "127.0.0.1, ::1, a unix socket) unless [team] says allow_plain = true",
        )

    def sslrootcert(self) -> str | None:
        value = self.raw.get("sslrootcert")
        if value is None:
            return None
        if not isinstance(value, str) or not value.strip():
            self.note("sslrootcert", "expected the path of a CA certificate file")
            return None
        return str(Path(value).expanduser())

    def name(self) -> str:
        value = self.raw.get("name")
        if value is None:
            return _one_line_name(_login_name())[:MAX_NAME_CHARACTERS]
        name = _one_line_name(value) if isinstance(value, str) else ""
        if not name:
            self.note("name", "expected a name (how the other managers see you)")
        elif len(name) > MAX_NAME_CHARACTERS:
            self.note("name", f"at most {MAX_NAME_CHARACTERS} characters")
        return name


_NO_PASSWORD_HERE = (
    "holds a password; a config file is no place for it: give password_env (an environment "
    "variable) or password_command (a command that prints it) instead"
)


def _parameters(url: str) -> dict[str, str] | None:
    """The connection parameters ``url`` sets, as libpq reads it; None if it cannot (its
    message is left out: it may quote the URL, and so a password in it)."""
    # Imported here: psycopg takes 0.1 s to import, which only a config with [team] pays.
    import psycopg
    from psycopg.conninfo import conninfo_to_dict

    try:
        parameters = conninfo_to_dict(url)
    except psycopg.Error:
        return None
    return {key: str(value) for key, value in parameters.items() if value is not None}


def _known_parameters(url: str) -> dict[str, str]:
    """Those of a URL checked when the config was read."""
    parameters = _parameters(url)
    assert parameters is not None, "a [team] database is read by libpq before it is kept"
    return parameters


def _has_password_before_host(url: str) -> bool:
    """Whether ``url`` has ``user:password@`` (or anything with a colon before an ``@``).

    Wider than libpq's reading, on purpose: in ``user:pa/ss@host`` libpq sees the host
    ``user`` and the port ``pa``, and its error would then show part of the password."""
    before_query = url.partition("://")[2].partition("?")[0]
    userinfo, at, _ = before_query.rpartition("@")
    return bool(at) and ":" in userinfo


def _only_this_machine(parameters: Mapping[str, str], environ: Mapping[str, str]) -> bool:
    """Whether every address libpq may connect to with ``parameters`` is this machine.

    What the URL does not set, libpq takes from ``PGHOST`` and ``PGHOSTADDR`` (then a unix
    socket); a service file may name any server, so with one nothing is known to be local.
    ``hostaddr``, when set, is where libpq connects: every one must be loopback too."""
    if parameters.get("service") or environ.get("PGSERVICE"):
        return False
    hosts = parameters.get("host") or environ.get("PGHOST", "")
    addresses = parameters.get("hostaddr") or environ.get("PGHOSTADDR", "")
    return all(_is_local(host) for host in hosts.split(",")) and all(
        is_loopback(address) for address in addresses.split(",") if address
    )


def _is_local(host: str) -> bool:
    """An empty host is libpq's default unix socket; a path (or Linux's abstract ``@name``)
    is a socket too."""
    return host == "" or host.startswith(("/", "@")) or is_loopback(host)


def _redacted(parameters: Mapping[str, str], sslmode: str) -> str:
    """The URL with what may be shown: user, hosts and ports, database, sslmode; every part
    percent-encoded, so it is one printable line whatever the config holds."""
    user = parameters.get("user", "")
    hosts = parameters.get("host", "").split(",")
    ports = parameters.get("port", "").split(",")
    if len(ports) != len(hosts):  # one port for every host, as libpq takes it
        ports = ports[:1] * len(hosts)
    servers = ",".join(
        _url_host(host) + (f":{quote(port, safe='')}" if port else "")
        for host, port in zip(hosts, ports, strict=True)
    )
    login = f"{quote(user, safe='')}@" if user else ""
    database = quote(parameters.get("dbname", ""), safe="")
    return f"postgresql://{login}{servers}/{database}?sslmode={sslmode}"


def _url_host(host: str) -> str:
    try:
        if ipaddress.ip_address(host).version == 6:
            return f"[{host}]"
    except ValueError:
        pass
    return quote(host, safe="")


def _shown_hosts(hosts: str) -> str:
    return ",".join(_url_host(host) for host in hosts.split(","))


def _one_line_name(value: str) -> str:
    return " ".join(sanitize(value).split())


def _login_name() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return str(os.getuid()) if hasattr(os, "getuid") else "manager"


def _checked_password(password: str, origin: str) -> str:
    """A password libpq can send: UTF-8 text with no NUL. The error never shows it."""
    if "\x00" in password or "\ufffd" in password or not _encodes(password):
        raise ConfigError(
            f"{origin} is not a password libpq can send (it must be UTF-8 text with no NUL "
            "character)"
        )
    return password


def _encodes(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
