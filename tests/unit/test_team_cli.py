"""commdash with a [team] section, as a manager runs it: the CLI commands and the sessions
open the team database; ``commdash team check`` and ``commdash team push``."""

from __future__ import annotations

from pathlib import Path

import psycopg
from _cli import run_commdash
from psycopg.conninfo import conninfo_to_dict

from commdash.outbox import Reply
from commdash.store import Store
from commdash.triage import edit_tags

CONFIG = """
[team]
database = "postgresql://{user}@{host}:{port}/{dbname}"
sslmode = "disable"
name = "ana"
"""


def team_config(tmp_path: Path, conninfo: str) -> dict[str, str]:
    """The environment of a commdash whose config names the test's database."""
    parts = conninfo_to_dict(conninfo)
    config = tmp_path / "config.toml"
    config.write_text(CONFIG.format(**{k: parts[k] for k in ("user", "host", "port", "dbname")}))
    return {"COMMDASH_CONFIG": str(config), "COMMDASH_STATE_DIR": str(tmp_path / "state")}


def test_check_reaches_the_database_and_makes_its_tables(
    tmp_path: Path, team_database: str
) -> None:
    done = run_commdash("team", "check", env=team_config(tmp_path, team_database))
    assert done.returncode == 0, done.stderr
    assert "reached; tables at version 1" in done.stdout
    assert "sslmode=disable" in done.stdout  # what was reached, without any password
    with psycopg.connect(team_database) as connection:
        assert connection.execute("SELECT max(version) FROM commdash_schema").fetchone() == (1,)


def test_without_a_team_section_team_commands_say_what_to_add(tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text("")
    done = run_commdash("team", "check", env={"COMMDASH_CONFIG": str(tmp_path / "config.toml")})
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    assert "no [team] section" in done.stderr and "Working as a team" in done.stderr


def test_an_unreachable_database_is_one_line_and_exit_2(tmp_path: Path) -> None:
    env = team_config(tmp_path, "host=127.0.0.1 port=1 user=ana dbname=team")
    done = run_commdash("stats", env=env)
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    assert "postgresql://ana@127.0.0.1:1/team" in done.stderr and "cannot connect" in done.stderr


def test_push_copies_local_work_once_and_the_team_sees_it(
    tmp_path: Path, team_database: str
) -> None:
    env = team_config(tmp_path, team_database)
    state = tmp_path / "state"
    # Work done alone first, in the files (no [team] yet).
    alone = {"COMMDASH_STATE_DIR": str(state), "COMMDASH_CONFIG": str(tmp_path / "none.toml")}
    assert run_commdash("stats", env=alone).returncode == 0  # makes the demo's directory
    (directory,) = [path for path in state.iterdir() if path.is_dir()]
    local = Store(directory)
    local.apply("c-demo", "tag", lambda s: edit_tags(s, ["vip"], []), 1.0)
    local.save_draft("c-demo", "half written")

    first = run_commdash("team", "push", env=env)
    assert first.returncode == 0, first.stderr
    assert "1 conversation states, 1 journal entries" in first.stdout
    again = run_commdash("team", "push", env=env)
    assert again.returncode == 0, again.stderr
    assert "0 conversation states, 0 journal entries, 0 outbox items, 0 drafts" in again.stdout

    with psycopg.connect(team_database) as connection:
        rows = connection.execute(
            "SELECT conversation_id, state->'tags' FROM commdash_states"
        ).fetchall()
    assert rows == [("c-demo", ["vip"])]
    stats = run_commdash("stats", "--json", env=env)
    assert stats.returncode == 0, stats.stderr


def test_saved_replies_of_a_team_live_in_its_database(tmp_path: Path, team_database: str) -> None:
    env = team_config(tmp_path, team_database)
    library = tmp_path / "replies.toml"
    library.write_text('[[replies]]\nname = "Thanks"\ntext = "Thanks, {first_name}!"\n')
    imported = run_commdash("replies", "import", str(library), env=env)
    assert imported.returncode == 0
    assert "1 added, 0 updated (postgresql://" in imported.stdout  # the database, named whole
    listed = run_commdash("replies", "list", env=env)
    assert "Thanks, {first_name}!" in listed.stdout
    (tmp_path / "elsewhere").mkdir()
    other = team_config(tmp_path / "elsewhere", team_database)  # another machine's state
    assert "Thanks, {first_name}!" in run_commdash("replies", "list", env=other).stdout


def test_push_brings_the_demos_times_and_nothing_the_team_took_back(
    tmp_path: Path, team_database: str
) -> None:
    env = team_config(tmp_path, team_database)
    state = tmp_path / "state"
    alone = {"COMMDASH_STATE_DIR": str(state), "COMMDASH_CONFIG": str(tmp_path / "none.toml")}
    assert run_commdash("stats", "--now", "2026-11-20T09:00:00Z", env=alone).returncode == 0
    (directory,) = [path for path in state.iterdir() if path.is_dir()]
    local = Store(directory)
    local.apply("c-demo", "tag", lambda s: edit_tags(s, ["vip"], []), 1.0)
    local_anchor = local.anchor(0.0)
    reply = local.as_queued(Reply.new("c-demo", "m1", "Queued alone", 1.0))
    local.queue_reply(reply)
    assert run_commdash("stats", env=env).returncode == 0  # the team opened it already

    assert run_commdash("team", "push", env=env).returncode == 0
    with psycopg.connect(team_database) as connection:
        row = connection.execute("SELECT anchor FROM commdash_sources").fetchone()
        assert row == (local_anchor,)  # the done marks meet the times they were made at
        connection.execute("DELETE FROM commdash_outbox")  # the team discarded it
        connection.commit()
    again = run_commdash("team", "push", env=env)
    assert "0 outbox items" in again.stdout, again.stderr
    with psycopg.connect(team_database) as connection:
        assert connection.execute("SELECT count(*) FROM commdash_outbox").fetchone() == (0,)
