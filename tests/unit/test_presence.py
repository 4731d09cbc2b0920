"""Presence on the TinyDB side: two Store objects on one directory are two managers'
sessions; each writes only its own ``presence/<session>.json`` (no lock), and sees the
other's typing until it stops, expires, or its process is gone."""

from __future__ import annotations

import json
import os
import re
import stat
import subprocess
import sys
import time
import uuid
from pathlib import Path

import orjson
import pytest
from filelock import FileLock

from commdash.host import hostname
from commdash.presence import PRESENCE_TTL, Presence, display_name, marker, writing
from commdash.presence import Typist as T
from commdash.store import Store

NOW = 1_764_061_200.0


def two(tmp_path: Path) -> tuple[Store, Store]:
    return (
        Store(tmp_path, session="s-ana", manager="ana@desk"),
        Store(tmp_path, session="s-bo", manager="bo@laptop"),
    )


def dead_pid() -> int:
    child = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        check=True,
        capture_output=True,
        text=True,
    )
    return int(child.stdout)


def plant(folder: Path, file_name: str, **fields: object) -> Path:
    """A presence file as another session (or something else) left it."""
    record: dict[str, object] = {
        "manager": "kari@desk",
        "name": "kari",
        "conversation_id": "c9",
        "at": NOW,
        "host": hostname(),
        "pid": os.getpid(),
    }
    record.update(fields)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / file_name
    path.write_text(json.dumps(record), encoding="utf-8")
    return path


def test_each_sees_the_other_typing_never_itself(tmp_path: Path) -> None:
    ana, bo = two(tmp_path)
    presence: Presence = ana.presence  # the interface both stores implement
    presence.announce("c1", NOW)
    assert bo.presence.others(NOW + 1) == {"c1": ("ana",)}
    assert ana.presence.others(NOW + 1) == {}
    bo.presence.announce("c1", NOW + 1)
    assert ana.presence.others(NOW + 1) == {"c1": ("bo",)}
    bo.presence.announce("c2", NOW + 2)  # moved on to another conversation
    assert ana.presence.others(NOW + 2) == {"c2": ("bo",)}


def test_stopping_takes_it_back_at_once(tmp_path: Path) -> None:
    ana, bo = two(tmp_path)
    ana.presence.announce("c1", NOW)
    ana.presence.announce(None, NOW + 1)
    assert bo.presence.others(NOW + 1) == {}
    assert os.listdir(tmp_path / "presence") == []
    ana.presence.announce(None, NOW + 2)  # stopping twice is no error


def test_one_private_file_per_session_in_the_presence_folder(tmp_path: Path) -> None:
    ana, _ = two(tmp_path)
    ana.presence.announce("c1", NOW)
    path = tmp_path / "presence" / "s-ana.json"
    assert os.listdir(tmp_path / "presence") == ["s-ana.json"]
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "presence").stat().st_mode) == 0o700
    assert orjson.loads(path.read_bytes())["conversation_id"] == "c1"


def test_a_session_that_is_no_safe_file_name_gets_one(tmp_path: Path) -> None:
    odd = Store(tmp_path, session="../../etc/passwd", manager="ana@desk")
    odd.presence.announce("c1", NOW)
    (name,) = os.listdir(tmp_path / "presence")
    assert len(name) == len("0123456789abcdef0123456789abcdef.json")
    assert Store(tmp_path).presence.others(NOW) == {"c1": ("ana",)}


def test_no_lock_is_taken_while_another_commdash_holds_it(tmp_path: Path) -> None:
    ana, bo = two(tmp_path)
    with FileLock(str(tmp_path / ".lock")):  # another commdash, busy writing
        started = time.monotonic()
        ana.presence.announce("c1", NOW)
        assert bo.presence.others(NOW) == {"c1": ("ana",)}
        ana.presence.announce(None, NOW)
        assert time.monotonic() - started < 1.0  # the lock would have made it wait 3 s


def test_an_announcement_expires_and_its_file_goes(tmp_path: Path) -> None:
    ana, bo = two(tmp_path)
    ana.presence.announce("c1", NOW)
    assert bo.presence.others(NOW + PRESENCE_TTL) == {"c1": ("ana",)}
    assert bo.presence.others(NOW + PRESENCE_TTL + 0.5) == {}
    assert os.listdir(tmp_path / "presence") == []


def test_a_session_whose_process_is_gone_drops_at_once(tmp_path: Path) -> None:
    folder = tmp_path / "presence"
    gone = plant(folder, "s-gone.json", pid=dead_pid())
    impossible = plant(folder, "s-odd.json", pid=2**80)  # no system has that pid
    _, bo = two(tmp_path)
    assert bo.presence.others(NOW) == {}
    assert not gone.exists()
    assert not impossible.exists()


def test_another_machines_session_is_trusted_until_it_expires(tmp_path: Path) -> None:
    folder = tmp_path / "presence"
    theirs = plant(folder, "s-far.json", host="elsewhere", pid=dead_pid())
    _, bo = two(tmp_path)
    assert bo.presence.others(NOW + 1) == {"c9": ("kari",)}  # its pid means nothing here
    assert theirs.exists()
    assert bo.presence.others(NOW + PRESENCE_TTL + 1) == {}
    assert not theirs.exists()


def test_a_killed_writers_temporary_file_is_removed_with_the_others(tmp_path: Path) -> None:
    folder = tmp_path / "presence"
    folder.mkdir()
    host = re.sub(r"[^A-Za-z0-9-]", "_", hostname())
    stale = folder / f".s-x.json.{host}.{dead_pid()}.{uuid.uuid4().hex}"
    stale.write_text("{")
    Store(tmp_path).states()  # the first use of the directory tidies it
    assert not stale.exists()


def test_names_are_shown_once_each_in_order(tmp_path: Path) -> None:
    folder = tmp_path / "presence"
    plant(folder, "a.json", name="zoe", conversation_id="c1")
    plant(folder, "b.json", name="ana", conversation_id="c1")
    plant(folder, "c.json", name="ana", conversation_id="c1")  # ana in two terminals
    plant(folder, "d.json", name="bo", conversation_id="c2")
    assert Store(tmp_path).presence.others(NOW) == {"c1": ("ana", "zoe"), "c2": ("bo",)}


def test_a_name_given_is_shown_else_the_login(tmp_path: Path) -> None:
    named = Store(tmp_path, session="s1", manager="root@box", name="Ana Lima")
    plain = Store(tmp_path, session="s2", manager="root@box")
    named.presence.announce("c1", NOW)
    plain.presence.announce("c2", NOW)
    assert Store(tmp_path).presence.others(NOW) == {"c1": ("Ana Lima",), "c2": ("root",)}


def test_hostile_files_are_ignored_left_alone_and_never_block(tmp_path: Path) -> None:
    folder = tmp_path / "presence"
    folder.mkdir()
    os.mkfifo(folder / "fifo.json")  # opening it for reading would wait for a writer
    (folder / "dir.json").mkdir()
    (folder / "link.json").symlink_to(plant(folder, "target.txt"))
    (folder / "bad.json").write_bytes(b"{not json")
    (folder / "binary.json").write_bytes(b"\xff\xfe\x00")
    (folder / "list.json").write_bytes(b"[1, 2]")
    plant(folder, "types.json", at="yesterday")
    plant(folder, "huge.json", name="x" * 5000)
    plant(folder, ".s-x.json.host.1.tmp")  # a writer's temporary file
    before = sorted(os.listdir(folder))
    assert Store(tmp_path).presence.others(NOW) == {}
    assert sorted(os.listdir(folder)) == before


def test_names_and_ids_from_the_files_are_made_safe(tmp_path: Path) -> None:
    plant(
        tmp_path / "presence",
        "evil.json",
        name="\x1b]52;c;cHduZWQ=\x07[b]Eve\x1b[31m\nthe\tgreat and terrible",
        conversation_id="c1\x1b[2J",
    )
    others = Store(tmp_path).presence.others(NOW)
    assert others == {"c1": ("[b]Eve the grea…",)}


def test_an_unwritable_folder_is_a_state_error(tmp_path: Path) -> None:
    (tmp_path / "presence").write_text("a file where the folder goes")
    from commdash.errors import StateError

    with pytest.raises(StateError):
        Store(tmp_path).presence.announce("c1", NOW)
    assert Store(tmp_path).presence.others(NOW) == {}


def test_display_names() -> None:
    assert display_name("ana@desk") == "ana"
    assert display_name("ana@desk", "Ana Lima") == "Ana Lima"
    assert display_name("ana@desk", "  ") == "ana"
    assert display_name("@desk") == "someone"
    assert display_name("x", "A very long name indeed, too long") == "A very long nam…"
    assert marker(("ana", "bo")) == "✎ ana, bo"
    assert marker(()) == ""


def test_only_fresh_announcements_count() -> None:
    typists = [
        T("s1", "a@h", "ana", "c1", NOW - PRESENCE_TTL - 0.1),
        T("s2", "b@h", "bo", "c1", NOW - PRESENCE_TTL),
        T("s3", "c@h", "cy", "c2", NOW + 2 * PRESENCE_TTL),  # a clock far ahead
    ]
    assert writing(typists, NOW) == {"c1": ("bo",)}
