"""``[team]`` of the config: the shared PostgreSQL database, its password and its TLS."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from _cli import run_commdash
from psycopg.conninfo import conninfo_to_dict

from commdash.config import Config, ConfigError, check_config, load_config
from commdash.team_config import TeamConfig

SECRET = "hunter2-Zq9"
"""A password no message may ever show."""
URL = "postgresql://ana@db.example.org:5433/commdash"


@pytest.fixture(autouse=True)
def no_libpq_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """libpq reads these when the URL does not say; the tests that need one set it."""
    for name in ("PGHOST", "PGHOSTADDR", "PGSERVICE"):
        monkeypatch.delenv(name, raising=False)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def team_of(tmp_path: Path, text: str) -> TeamConfig:
    team = load_config(write(tmp_path, f"[team]\n{text}")).team
    assert team is not None
    return team


def mistakes_of(tmp_path: Path, text: str) -> list[str]:
    """Every line ``config --check`` would print, each checked to be one line naming the
    file and never showing the password."""
    path = write(tmp_path, f"[team]\n{text}")
    lines = check_config(path)
    assert all(line.startswith(f"{path}: team") for line in lines), lines
    assert all("\n" not in line and SECRET not in line for line in lines)
    return [line.removeprefix(f"{path}: ") for line in lines]


def script(tmp_path: Path, name: str, text: str) -> str:
    """``password_command`` running a Python script (as a TOML array)."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return f"password_command = [{sys.executable!r}, {str(path)!r}]\n"


def test_without_a_team_table_there_is_no_team(tmp_path: Path) -> None:
    assert load_config(write(tmp_path, 'theme = "nord"\n')).team is None
    assert Config(tmp_path / "config.toml", {}).team is None


def test_a_team_table_with_its_defaults(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOGNAME", "ana")
    team = team_of(tmp_path, f'database = "{URL}"\n')
    assert (team.database, team.name, team.sslmode, team.sslrootcert, team.allow_plain) == (
        URL,
        "ana",
        "verify-full",
        None,
        False,
    )
    assert (team.password_env, team.password_command) == (None, None)


def test_the_connection_verifies_tls_times_out_and_keeps_the_password_apart(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DB_PASSWORD", SECRET)
    connection = team_of(
        tmp_path, f'database = "{URL}"\npassword_env = "DB_PASSWORD"\n'
    ).connection(may_prompt=False)
    assert conninfo_to_dict(connection.conninfo) == {
        "user": "ana",
        "host": "db.example.org",
        "port": "5433",
        "dbname": "commdash",
        "sslmode": "verify-full",
        "connect_timeout": "5",
    }
    assert connection.password == SECRET
    assert connection.redacted == f"{URL}?sslmode=verify-full"


def test_a_connect_timeout_in_the_url_is_kept(tmp_path: Path) -> None:
    team = team_of(tmp_path, f'database = "{URL}?connect_timeout=12"\n')
    connection = team.connection(may_prompt=False)
    assert conninfo_to_dict(connection.conninfo)["connect_timeout"] == "12"
    assert connection.password is None  # no password configured: libpq's own ways (.pgpass)


def test_sslrootcert_is_given_to_libpq_with_the_home_expanded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    team = team_of(tmp_path, f'database = "{URL}"\nsslrootcert = "~/ca/team.pem"\n')
    assert team.sslrootcert == str(tmp_path / "ca" / "team.pem")
    conninfo = team.connection(may_prompt=False).conninfo
    assert conninfo_to_dict(conninfo)["sslrootcert"] == str(tmp_path / "ca" / "team.pem")


@pytest.mark.parametrize(
    "url",
    [
        f"postgresql://ana:{SECRET}@db.example.org/commdash",
        f"postgres://ana:{SECRET}@db.example.org/commdash",
        "postgresql://ana:@db.example.org/commdash",
        f"postgresql://db.example.org/commdash?password={SECRET}",
        f"postgresql://db.example.org/commdash?sslmode=require&password={SECRET}",
        f"postgresql://db.example.org/commdash?sslpassword={SECRET}",
        # libpq would read host "ana", port "hun", and say so, showing part of the password
        f"postgresql://ana:hun/{SECRET}@db.example.org/commdash",
    ],
)
def test_a_password_in_the_url_is_refused_and_never_shown(tmp_path: Path, url: str) -> None:
    assert mistakes_of(tmp_path, f'database = "{url}"\n') == [
        "team.database: holds a password; a config file is no place for it: give "
        "password_env (an environment variable) or password_command (a command that prints "
        "it) instead"
    ]
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path / "config.toml")
    assert SECRET not in str(caught.value) and "hun" not in str(caught.value)


def test_a_url_libpq_cannot_read_is_refused_without_its_message(tmp_path: Path) -> None:
    # libpq's message would quote the bad part: here the password.
    url = f"postgresql://db.example.org/commdash?password=%zz{SECRET}"
    assert mistakes_of(tmp_path, f'database = "{url}"\n') == [
        "team.database: not a URL libpq can read; expected one like "
        '"postgresql://USER@HOST/DATABASE"'
    ]


@pytest.mark.parametrize(
    ("text", "mistake"),
    [
        ("", "team.database: missing: the team's database"),
        ('database = "mysql://ana@db.example.org/commdash"\n', "team.database: expected a"),
        ("database = 5\n", "team.database: expected a PostgreSQL URL"),
        (f'database = "{URL}?sslmode=disable"\n', "team.database: sets sslmode; give it as"),
        (f'database = "{URL}?sslrootcert=ca.pem"\n', "team.database: sets sslrootcert; give"),
        (f'database = "{URL}"\nsslmode = "verify"\n', "team.sslmode: expected one of require"),
        (f'database = "{URL}"\nallow_plain = "yes"\n', "team.allow_plain: expected true or"),
        (f'database = "{URL}"\npassword_env = "DB PASSWORD"\n', "team.password_env: expected"),
        (f'database = "{URL}"\npassword_command = []\n', "team.password_command: expected a"),
        (f'database = "{URL}"\npassword_command = "pass \'x"\n', "team.password_command: cannot"),
        (f'database = "{URL}"\nsslrootcert = ""\n', "team.sslrootcert: expected the path"),
        (f'database = "{URL}"\napplication_name = "x"\n', "team.application_name: unknown"),
        (f'database = "{URL}"\nname = 3\n', "team.name: expected a name"),
        (f'database = "{URL}"\nname = " \\n "\n', "team.name: expected a name"),
        (f'database = "{URL}"\nname = "{"x" * 33}"\n', "team.name: at most 32 characters"),
    ],
)
def test_each_mistake_is_a_line_naming_the_key(tmp_path: Path, text: str, mistake: str) -> None:
    [line] = mistakes_of(tmp_path, text)
    assert line.startswith(mistake)


def test_a_team_that_is_not_a_table(tmp_path: Path) -> None:
    path = write(tmp_path, f'team = "{URL}"\n')
    assert check_config(path) == [
        f'{path}: team: expected a table: [team], then database = "postgresql://USER@HOST/DATABASE"'
    ]


def test_password_env_and_password_command_together_are_refused(tmp_path: Path) -> None:
    text = f'database = "{URL}"\npassword_env = "DB_PASSWORD"\npassword_command = "pass x"\n'
    assert mistakes_of(tmp_path, text) == ["team: give password_env or password_command, not both"]


@pytest.mark.parametrize("sslmode", ["disable", "allow", "prefer"])
@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("postgresql://ana@db.example.org/commdash", "db.example.org"),
        ("postgresql://ana@10.0.0.7/commdash", "10.0.0.7"),
        ("postgresql://ana@localhost,db.example.org/commdash", "localhost,db.example.org"),
        # hostaddr is where libpq connects; host is then only the name it checks
        ("postgresql://ana@localhost/commdash?hostaddr=10.0.0.7", "10.0.0.7"),
    ],
)
def test_plain_to_another_machine_is_refused(
    tmp_path: Path, sslmode: str, url: str, shown: str
) -> None:
    [line] = mistakes_of(tmp_path, f'database = "{url}"\nsslmode = "{sslmode}"\n')
    assert line == (
        f"team.sslmode: {sslmode!r} may send the password and the team's data unencrypted to "
        f"{shown}; plain connections go only to this machine (localhost, 127.0.0.1, ::1, a "
        "unix socket) unless [team] says allow_plain = true"
    )


@pytest.mark.parametrize(
    ("variable", "value"),
    [("PGHOST", "db.example.org"), ("PGHOSTADDR", "10.0.0.7"), ("PGSERVICE", "team")],
)
def test_plain_is_refused_where_the_environment_may_name_another_machine(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, variable: str, value: str
) -> None:
    # libpq takes PGHOST and PGHOSTADDR for what the URL leaves out; a service file can name
    # any server.
    monkeypatch.setenv(variable, value)
    [line] = mistakes_of(tmp_path, 'database = "postgresql:///commdash"\nsslmode = "disable"\n')
    assert line.startswith("team.sslmode: 'disable' may send the password")


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://ana@127.0.0.1/commdash",
        "postgresql://ana@127.8.9.10:5433/commdash",
        "postgresql://ana@[::1]/commdash",
        "postgresql://ana@localhost/commdash",
        "postgresql://ana@localhost/commdash?hostaddr=127.0.0.1",
        "postgresql:///commdash",
        "postgresql://%2Fvar%2Frun%2Fpostgresql/commdash",
        "postgresql:///commdash?host=/tmp",
    ],
)
def test_plain_to_this_machine_is_allowed(tmp_path: Path, url: str) -> None:
    team = team_of(tmp_path, f'database = "{url}"\nsslmode = "disable"\n')
    assert conninfo_to_dict(team.connection(may_prompt=False).conninfo)["sslmode"] == "disable"


def test_allow_plain_lets_plain_go_to_another_machine(tmp_path: Path) -> None:
    team = team_of(tmp_path, f'database = "{URL}"\nsslmode = "prefer"\nallow_plain = true\n')
    assert (team.sslmode, team.allow_plain) == ("prefer", True)


@pytest.mark.parametrize("sslmode", ["require", "verify-ca", "verify-full"])
def test_tls_modes_go_anywhere(tmp_path: Path, sslmode: str) -> None:
    team = team_of(tmp_path, f'database = "{URL}"\nsslmode = "{sslmode}"\n')
    connection = team.connection(may_prompt=False)
    assert conninfo_to_dict(connection.conninfo)["sslmode"] == sslmode
    assert connection.redacted.endswith(f"?sslmode={sslmode}")


def test_the_redacted_url_is_one_printable_line(tmp_path: Path) -> None:
    url = "postgresql://an%1Ba@[::1]:5433,%2Fvar%2Frun/the%20db?options=-cgeqo%3Doff"
    team = team_of(tmp_path, f'database = "{url}"\n')
    assert team.redacted == (
        "postgresql://an%1Ba@[::1]:5433,%2Fvar%2Frun/the%20db?sslmode=verify-full"
    )


def test_the_password_is_hidden_from_repr_and_str(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DB_PASSWORD", SECRET)
    team = team_of(tmp_path, f'database = "{URL}"\npassword_env = "DB_PASSWORD"\n')
    connection = team.connection(may_prompt=False)
    assert connection.password == SECRET
    for shown in (repr(connection), str(connection), f"{connection!r}", repr(team)):
        assert SECRET not in shown
    assert repr(connection) == (
        f"TeamConnection(redacted='{URL}?sslmode=verify-full', password=<hidden>)"
    )
    assert SECRET not in connection.conninfo


@pytest.mark.parametrize(("value", "state"), [(None, "is not set"), ("", "is empty")])
def test_a_missing_password_variable_names_it_and_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, value: str | None, state: str
) -> None:
    if value is None:
        monkeypatch.delenv("DB_PASSWORD", raising=False)
    else:
        monkeypatch.setenv("DB_PASSWORD", value)
    team = team_of(tmp_path, f'database = "{URL}"\npassword_env = "DB_PASSWORD"\n')
    with pytest.raises(ConfigError) as caught:
        team.connection(may_prompt=False)
    assert str(caught.value) == (
        f"{tmp_path / 'config.toml'}: team.password_env: the environment variable "
        f"DB_PASSWORD {state}"
    )


def test_the_password_command_output_is_the_password(tmp_path: Path) -> None:
    command = script(
        tmp_path, "pass.py", f"print()\nprint(' {SECRET} with spaces ')\nprint('second line')\n"
    )
    team = team_of(tmp_path, f'database = "{URL}"\n{command}')
    connection = team.connection(may_prompt=False)
    assert connection.password == f" {SECRET} with spaces "  # its first line that is not blank
    assert SECRET not in connection.conninfo


def test_a_password_command_written_as_a_line_is_split(tmp_path: Path) -> None:
    team = team_of(tmp_path, f"database = \"{URL}\"\npassword_command = \"printf '%s' 'a b'\"\n")
    assert team.password_command == ("printf", "%s", "a b")
    assert team.connection(may_prompt=False).password == "a b"


def test_a_failing_password_command_is_one_line_with_status_and_stderr(tmp_path: Path) -> None:
    command = script(
        tmp_path,
        "fail.py",
        f"import sys\nprint({SECRET!r})\n"
        "sys.stderr.write('\\ngpg: decryption failed: No secret key\\nmore detail\\n')\n"
        "sys.exit(3)\n",
    )
    team = team_of(tmp_path, f'database = "{URL}"\n{command}')
    with pytest.raises(ConfigError) as caught:
        team.connection(may_prompt=False)
    assert str(caught.value) == (
        f"{tmp_path / 'config.toml'}: team.password_command {sys.executable!r}: failed with "
        "exit status 3: gpg: decryption failed: No secret key"
    )


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ("print('')", "printed no password"),
        (f"import sys\nsys.stdout.buffer.write(b'{SECRET}\\x00x')", "not a password libpq can"),
        (f"import sys\nsys.stdout.buffer.write(b'{SECRET}\\xff')", "not a password libpq can"),
    ],
)
def test_a_password_command_that_prints_no_usable_password(
    tmp_path: Path, body: str, problem: str
) -> None:
    team = team_of(tmp_path, f'database = "{URL}"\n{script(tmp_path, "pass.py", body)}')
    with pytest.raises(ConfigError, match=problem) as caught:
        team.connection(may_prompt=False)
    assert SECRET not in str(caught.value)


def test_a_missing_password_command_says_so(tmp_path: Path) -> None:
    team = team_of(tmp_path, f'database = "{URL}"\npassword_command = "/nonexistent/pass x"\n')
    with pytest.raises(ConfigError, match=r"team\.password_command '/nonexistent/pass': no such"):
        team.connection(may_prompt=False)


def test_the_name_is_made_one_safe_line(tmp_path: Path) -> None:
    team = team_of(tmp_path, f'database = "{URL}"\nname = "  Ana\\u001b[31m\\n  Maria\\u0007 "\n')
    assert team.name == "Ana Maria"


def test_the_login_name_by_default_is_made_one_safe_line_of_32(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LOGNAME", "a\x1b[2Jb" + "c" * 40)
    assert team_of(tmp_path, f'database = "{URL}"\n').name == "ab" + "c" * 30


def test_check_lists_every_mistake_of_the_team_table(tmp_path: Path) -> None:
    text = (
        f'database = "postgresql://ana:{SECRET}@db.example.org/commdash"\n'
        'password_env = "DB_PASSWORD"\npassword_command = "pass show db"\n'
        'sslmode = "plain"\ncolour = "red"\nname = ""\n'
    )
    assert [line.split(":")[0] for line in mistakes_of(tmp_path, text)] == [
        "team.colour",
        "team.database",
        "team",
        "team.sslmode",
        "team.name",
    ]


def test_config_check_prints_every_team_mistake_and_exits_2(tmp_path: Path) -> None:
    config = write(
        tmp_path,
        '[team]\ndatabase = "postgresql://ana@db.example.org/commdash"\nsslmode = "disable"\n'
        f'password_env = "DB_PASSWORD"\npassword_command = ["pass", "{SECRET}"]\ncolour = 1\n',
    )
    done = run_commdash("config", "--check", env={"COMMDASH_CONFIG": str(config)})
    assert done.returncode == 2
    assert done.stderr == ""
    assert [
        line.removeprefix(f"{config}: ").split(":")[0] for line in done.stdout.splitlines()
    ] == [
        "team.colour",
        "team",
        "team.sslmode",
    ]


def test_a_wrong_team_stops_commdash_in_one_line_without_a_traceback(tmp_path: Path) -> None:
    config = write(
        tmp_path, f'[team]\ndatabase = "postgresql://ana:{SECRET}@db.example.org/commdash"\n'
    )
    done = run_commdash("stats", env={"COMMDASH_CONFIG": str(config)})
    assert done.returncode == 2
    assert done.stdout == ""
    [line] = done.stderr.splitlines()
    assert line.startswith(f"commdash: error: {config}: team.database: holds a password")
    assert SECRET not in done.stderr and "Traceback" not in done.stderr
