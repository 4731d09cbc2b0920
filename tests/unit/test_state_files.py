"""The state directory's files as commdash finds them: written by colleagues, damaged, left
half-written. What comes back from them is clean; what cannot be read is one clear error."""

from __future__ import annotations

import contextlib
import dataclasses
import os
import re
import socket
import stat
import subprocess
import sys
import unicodedata
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest
from _modes import another_group, mode_of

from commdash.errors import StateError
from commdash.outbox import Reply
from commdash.statefiles import temporary_name, write_atomically
from commdash.store import SHARDS, Store
from commdash.text import sanitize
from commdash.triage import JournalEntry

NOW = 1_764_061_200.0
MANAGER = "me@host"

# Every kind of terminal control a colleague's (or an attacker's) file could carry.
HOSTILE = (
    "\x1b]52;c;ZWNobyBwd25lZA==\x07"  # OSC 52: sets the clipboard
    "\x1b]0;pwned\x07"  # OSC 0: sets the window title
    "\x1b[2J\x1b[31m"  # CSI: clears the screen, turns red
    "\x9b6n\x9d0;t\x9c"  # 8-bit CSI and OSC (C1)
    "\x85\u202e"  # C1 NEL, bidi override
)


def bad(text: str) -> str:
    """``text`` with hostile controls on both sides."""
    return f"{HOSTILE}{text}{HOSTILE}"


def shard_path(directory: Path, conversation_id: str) -> Path:
    number = zlib.crc32(conversation_id.encode("utf-8", "surrogatepass")) % SHARDS
    return directory / "states" / f"{number:02x}.json"


def write_json(path: Path, document: object) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(orjson.dumps(document))


def assert_clean(value: Any, where: str = "value") -> None:
    """Every string inside ``value`` (dataclasses, dicts, lists, tuples) is terminal-safe."""
    if isinstance(value, str):
        assert sanitize(value) == value, f"{where}: {value!r}"
        for char in value:
            assert char in "\n\t" or unicodedata.category(char) not in ("Cc", "Cf"), where
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for field in dataclasses.fields(value):
            assert_clean(getattr(value, field.name), f"{where}.{field.name}")
    elif isinstance(value, dict):
        for key, item in value.items():
            assert_clean(key, f"{where} key")
            assert_clean(item, f"{where}[{key!r}]")
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            assert_clean(item, f"{where}[{index}]")


def hostile_state() -> dict[str, Any]:
    return {
        "done_at": NOW,
        "tags": [bad("vip"), bad("billing")],
        "assignee": bad("Kari"),
        "hidden": [[bad("m1"), True]],
    }


def write_hostile_directory(directory: Path) -> None:
    """Every table of every file, each string field with controls in it."""
    write_json(
        shard_path(directory, "c1"),
        {"conversations": {"1": {"id": bad("c1"), "state": hostile_state()}}},
    )
    entry = {
        "action": bad("tag"),
        "conversation_id": bad("c1"),
        "before": {"tags": [bad("old")], "assignee": bad("Ola")},
        "after": hostile_state(),
        "at": NOW,
        "session": bad("s1"),
        "reply_id": None,
        "manager": bad(MANAGER),
        "pid": 0,
    }
    write_json(
        directory / "triage.json",
        {
            "journal": {"1": entry},
            "drafts": {"1": {"id": bad("c1"), "manager": bad(MANAGER), "text": bad("Hello")}},
            "meta": {"1": {"id": "anchor", "at": NOW, bad("note"): bad("x")}},
            bad("later-feature"): {"1": {bad("k"): [bad("v"), {bad("k2"): bad("v2")}]}},
        },
    )
    reply = {
        "id": bad("r1"),
        "conversation_id": bad("c1"),
        "in_reply_to": bad("m1"),
        "text": bad("Thanks, it ships today"),
        "queued_at": NOW,
        "status": bad("failed"),
        "error": bad("HTTP 500: try again later"),
        "kind": bad("reply"),
        "attempts": 1,
        "next_attempt_at": NOW,
        "remote_id": bad("p9"),
        "sending_by": bad("host:1:x"),
        "sent_at": None,
        "claimed_at": None,
    }
    write_json(directory / "outbox.json", {"replies": {"1": reply}})


def test_everything_read_back_from_a_hostile_directory_is_clean(tmp_path: Path) -> None:
    assert sanitize(HOSTILE) == ""  # every sequence goes whole, none leaves a fragment
    write_hostile_directory(tmp_path)
    store = Store(tmp_path, manager=MANAGER)

    states = store.states()
    assert_clean(states, "states")
    assert set(states) == {"c1"}
    state = next(iter(states.values()))
    assert state.assignee == "Kari"
    assert state.tags == ("vip", "billing")

    replies = store.replies()
    assert_clean(replies, "replies")
    assert [reply.text for reply in replies] == ["Thanks, it ships today"]
    assert replies[0].error == "HTTP 500: try again later"

    # The draft and the journal entry are this manager's once the controls are gone.
    drafts = store.drafts()
    assert_clean(drafts, "drafts")
    assert list(drafts.values()) == ["Hello"]
    undone = store.undo()
    assert undone is not None
    assert_clean(undone, "journal entry")
    assert undone.after.assignee == "Kari"


def test_a_clean_conversation_id_finds_its_state_in_a_hostile_shard(tmp_path: Path) -> None:
    """A shard is read through the same door as everything else (``Store.state``)."""
    write_json(
        shard_path(tmp_path, "c1"),
        {"conversations": {"1": {"id": "c1\u202e", "state": hostile_state()}}},
    )
    state = Store(tmp_path).state("c1")
    assert_clean(state, "state")
    assert state.done_at == NOW


def test_what_a_write_builds_on_is_the_clean_state(tmp_path: Path) -> None:
    """A write reads the file through the same door: what goes back to disk is clean too."""
    write_hostile_directory(tmp_path)
    store = Store(tmp_path, manager=MANAGER)
    store.save_draft("c2", "mine")
    store.apply("c3", "tag", lambda s: dataclasses.replace(s, tags=("x",)), NOW)
    store.queue_reply(Reply.new("c3", "m3", "ok", NOW))
    for name in ("triage.json", "outbox.json"):
        assert_clean(orjson.loads((tmp_path / name).read_bytes()), name)
    assert "\x1b" not in (tmp_path / "triage.json").read_text(encoding="utf-8")
    entries = [
        JournalEntry.from_dict(doc)
        for doc in orjson.loads((tmp_path / "triage.json").read_bytes())["journal"].values()
    ]
    assert_clean(entries, "journal")


def test_an_outbox_item_with_a_time_no_clock_shows_is_not_read(tmp_path: Path) -> None:
    """1e20 s is valid JSON, but writing it as a date (outbox --json, a delivery) fails."""
    good = Reply.new("c1", "m1", "fine", NOW).to_dict()
    items = {"1": good}
    for n, (field, value) in enumerate(
        [("queued_at", 1e20), ("sent_at", -5.0), ("claimed_at", 1e300), ("next_attempt_at", 1e19)]
    ):
        items[str(n + 2)] = {**good, "id": f"bad{n}", field: value}
    write_json(tmp_path / "outbox.json", {"replies": items})
    assert [reply.id for reply in Store(tmp_path).replies()] == [good["id"]]


# Files of the wrong shape ------------------------------------------------------------------

WRONG_SHAPES = {
    "a list": b"[]",
    "a string": b'"text"',
    "a number": b"5",
    "null": b"null",
    "a table that is a list": b'{"journal": [], "replies": [], "conversations": []}',
    "a table that is a string": b'{"drafts": "x", "replies": "x", "conversations": "x"}',
    "a document that is a string": b'{"replies": {"1": "x"}, "journal": {"1": "x"},'
    b' "drafts": {"1": "x"}, "conversations": {"1": "x"}, "meta": {"1": "x"}}',
    "a document that is a number": b'{"conversations": {"1": 5}, "replies": {"1": 5},'
    b' "journal": {"1": 5}, "drafts": {"1": 5}}',
    "a document that is a list": b'{"conversations": {"1": []}, "replies": {"1": [1]},'
    b' "journal": {"1": [1]}, "drafts": {"1": []}}',
    "a document id that is not a number": b'{"conversations": {"c1": {"id": "c1"}},'
    b' "replies": {"x": {}}, "journal": {"x": {}}, "drafts": {"\\u00b2": {}}}',
    "another table of the wrong shape": b'{"journal": {}, "later-feature": [1, 2]}',
}

Operation = Callable[[Store], object]

# What reads each file: every read and every write path of the store.
READS: dict[str, dict[str, Operation]] = {
    "states/shard": {
        "states": lambda s: s.states(),
        "state": lambda s: s.state("c1"),
        "apply": lambda s: s.apply(
            "c1", "done", lambda st: dataclasses.replace(st, done_at=NOW), NOW
        ),
        "anchor": lambda s: s.anchor(NOW),
    },
    "triage.json": {
        "states": lambda s: s.states(),
        "drafts": lambda s: s.drafts(),
        "save_draft": lambda s: s.save_draft("c1", "hi"),
        "apply": lambda s: s.apply(
            "c1", "done", lambda st: dataclasses.replace(st, done_at=NOW), NOW
        ),
        "undo": lambda s: s.undo(),
        "anchor": lambda s: s.anchor(NOW),
        "queue_reply": lambda s: s.queue_reply(Reply.new("c1", "m1", "hi", NOW)),
    },
    "outbox.json": {
        "replies": lambda s: s.replies(),
        "queue_reply": lambda s: s.queue_reply(Reply.new("c1", "m1", "hi", NOW)),
        "queue_moderation": lambda s: s.queue_moderation(Reply.moderation("c1", "m1", True, NOW)),
        "claim_due": lambda s: s.claim_due(NOW, "me"),
        "update_reply": lambda s: s.update_reply("r1", lambda r: r),
        "discard_reply": lambda s: s.discard_reply("r1"),
    },
}


def damaged_path(directory: Path, which: str) -> Path:
    return shard_path(directory, "c1") if which == "states/shard" else directory / which


@pytest.mark.parametrize("shape", list(WRONG_SHAPES))
@pytest.mark.parametrize("which", list(READS))
def test_a_file_of_the_wrong_shape_is_one_clear_error_and_is_kept(
    tmp_path: Path, which: str, shape: str
) -> None:
    path = damaged_path(tmp_path, which)
    path.parent.mkdir(parents=True, exist_ok=True)
    content = WRONG_SHAPES[shape]
    path.write_bytes(content)
    for name, operation in READS[which].items():
        with pytest.raises(StateError) as caught:
            operation(Store(tmp_path))
        message = str(caught.value)
        assert message.startswith(f"{path}: "), (name, message)
        assert message.endswith("; move the file aside to start with empty state"), name
        assert "\n" not in message
        assert path.read_bytes() == content, name  # nothing overwritten


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"[]", "not a TinyDB file: a list, not an object of tables"),
        (b'{"journal": []}', 'table "journal" is a list, not an object of documents'),
        (b'{"replies": {"1": "x"}}', 'table "replies", document 1: a string, not an object'),
        (b'{"conversations": {"1": 5}}', 'table "conversations", document 1: a number, not'),
        (b'{"journal": {"first": {}}}', 'table "journal": document id "first" is not a number'),
        (b'{"drafts": {"1": {}, "": {}}}', 'table "drafts": document id "" is not a number'),
        (b'{"meta\\u001b[2J": {"1": null}}', 'table "meta", document 1: null, not an object'),
    ],
)
def test_the_error_says_what_is_wrong_and_where(
    tmp_path: Path, content: bytes, expected: str
) -> None:
    (tmp_path / "triage.json").write_bytes(content)
    with pytest.raises(StateError, match=re.escape(expected)):
        Store(tmp_path).drafts()


# Modes -------------------------------------------------------------------------------------


@pytest.fixture
def open_umask() -> Iterator[None]:
    """The most permissive umask: whatever is private is so because commdash made it so."""
    old = os.umask(0)
    try:
        yield
    finally:
        os.umask(old)


def use_every_file(store: Store) -> None:
    """Write every file of a source's directory: a shard, triage.json, outbox.json."""
    store.apply("c1", "tag", lambda s: dataclasses.replace(s, tags=(f"t{s.tags}",)), NOW)
    store.save_draft("c2", f"draft {os.urandom(4).hex()}")
    store.queue_moderation(Reply.moderation("c1", "m1", True, NOW))


def test_what_commdash_creates_is_private(tmp_path: Path, open_umask: None) -> None:
    root = tmp_path / "made" / "state"  # neither exists: commdash makes both
    directory = root / "facebook-brand"
    use_every_file(Store(directory))
    shard = shard_path(directory, "c1")
    for made in (tmp_path / "made", root, directory, shard.parent):
        assert mode_of(made) == 0o700, made
    for made in (directory / ".lock", directory / "triage.json", directory / "outbox.json", shard):
        assert mode_of(made) == 0o600, made


def test_a_rewrite_keeps_the_mode_and_group_set_by_hand(tmp_path: Path) -> None:
    group = another_group()
    store = Store(tmp_path)
    use_every_file(store)
    files = [tmp_path / "triage.json", tmp_path / "outbox.json", shard_path(tmp_path, "c1")]
    before = {}
    with contextlib.ExitStack() as held:
        for path in files:
            os.chown(path, -1, group)
            os.chmod(path, 0o640)
            before[path] = path.stat().st_ino
            # Kept open, the old file's inode cannot be given to its replacement.
            held.enter_context(path.open("rb"))
        use_every_file(store)
        for path in files:
            found = path.stat()
            assert found.st_ino != before[path], path  # replaced, not written in place
            assert stat.S_IMODE(found.st_mode) == 0o640, path
            assert found.st_gid == group, path


def test_a_rewrite_keeps_no_special_bit(tmp_path: Path) -> None:
    store = Store(tmp_path)
    use_every_file(store)
    os.chmod(tmp_path / "triage.json", 0o6640)  # setuid and setgid on a data file: never
    use_every_file(store)
    assert mode_of(tmp_path / "triage.json") == 0o640


def test_a_shared_directory_stays_shared(tmp_path: Path) -> None:
    """A team's directory: setgid, group rwx. What commdash adds to it is the group's too."""
    group = another_group()
    root = tmp_path / "team"
    root.mkdir()
    os.chown(root, -1, group)
    os.chmod(root, 0o2770)
    directory = root / "facebook-brand"
    use_every_file(Store(directory))
    for made in (directory, shard_path(directory, "c1").parent):
        assert mode_of(made) == 0o2770, made
        assert made.stat().st_gid == group
    for made in (
        directory / ".lock",
        directory / "triage.json",
        directory / "outbox.json",
        shard_path(directory, "c1"),
    ):
        assert mode_of(made) == 0o660, made
        assert made.stat().st_gid == group


# Temporary files left by a killed writer ---------------------------------------------------


def leftover_of_a_killed_writer(folder: Path, name: str) -> Path:
    """What a writer killed between creating its temporary file and renaming it leaves: made
    by a real process (with this host's name and its pid in the name) that has ended."""
    script = (
        "import sys; from pathlib import Path; from commdash.statefiles import temporary_name;"
        "folder = Path(sys.argv[1]); path = folder / temporary_name(sys.argv[2]);"
        "path.write_bytes(b'{\"half'); print(path)"
    )
    folder.mkdir(parents=True, exist_ok=True)
    made = subprocess.run(
        [sys.executable, "-c", script, str(folder), name],
        check=True,
        capture_output=True,
        text=True,
    )
    return Path(made.stdout.strip())


def test_the_next_start_removes_what_killed_writers_left(tmp_path: Path) -> None:
    store = Store(tmp_path)
    use_every_file(store)
    shard = shard_path(tmp_path, "c1")
    left = [
        leftover_of_a_killed_writer(tmp_path, "triage.json"),
        leftover_of_a_killed_writer(tmp_path, "outbox.json"),
        leftover_of_a_killed_writer(shard.parent, shard.name),
    ]
    dead = int(left[0].name.split(".")[-2])
    old_style = tmp_path / f".triage.json.{dead}.{'a' * 32}"  # before names carried the host
    old_style.write_bytes(b"{")
    host = left[0].name.split(".")[-3]
    kept = [
        tmp_path / f".triage.json.{host}.{os.getppid()}.{'b' * 32}",  # its writer is alive
        tmp_path / f".triage.json.otherhost.{dead}.{'c' * 32}",  # another host's: unknowable
        tmp_path / f".outbox.json.{os.getppid()}.{'d' * 32}",
        tmp_path / ".notes",
        tmp_path / f".triage.json.{host}.{dead}.not-hex",
    ]
    for path in kept:
        path.write_bytes(b"x")
    before = store.states()

    assert Store(tmp_path).states() == before  # a start
    for path in [*left, old_style]:
        assert not path.exists(), path
    for path in kept:
        assert path.exists(), path


def test_a_write_removes_them_too(tmp_path: Path) -> None:
    """A process that only writes (the courier) tidies up as well, at its first write."""
    left = leftover_of_a_killed_writer(tmp_path, "outbox.json")
    Store(tmp_path).queue_moderation(Reply.moderation("c1", "m1", True, NOW))
    assert not left.exists()


def test_a_temporary_file_names_its_host_and_process() -> None:
    name = temporary_name("triage.json")
    assert re.fullmatch(rf"\.triage\.json\.[A-Za-z0-9_-]+\.{os.getpid()}\.[0-9a-f]{{32}}", name)
    assert socket.gethostname().split(".")[0] in name


# The 0.1 migration's backup ---------------------------------------------------------------


def v1_triage(count: int = 400) -> bytes:
    """A 0.1 triage.json: every conversation in it (some 40 KB for 400)."""
    conversations = {
        str(i + 1): {"id": f"c{i}", "state": {"done_at": NOW, "tags": ["vip"]}}
        for i in range(count)
    }
    return orjson.dumps({"conversations": conversations, "drafts": {}})


FULL_DISK = """
import resource, signal, sys
from pathlib import Path
from commdash.errors import StateError
from commdash.store import Store

signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG
limit = int(sys.argv[2])
resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
try:
    Store(Path(sys.argv[1])).states()
except StateError as error:
    print(error)
    sys.exit(2)
"""


def test_a_backup_the_disk_refuses_leaves_the_0_1_state_as_it_was(tmp_path: Path) -> None:
    original = v1_triage()
    (tmp_path / "triage.json").write_bytes(original)
    run = subprocess.run(
        [sys.executable, "-c", FULL_DISK, str(tmp_path), str(len(original) // 2)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert run.returncode == 2, run.stderr
    assert run.stderr == ""
    backup = tmp_path / "triage.json.v1-backup"
    assert run.stdout == f"{backup}: cannot write: File too large; triage.json is left as it was\n"
    assert (tmp_path / "triage.json").read_bytes() == original
    assert not backup.exists()
    assert not (tmp_path / "states").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == [".lock", "triage.json"]

    # With room on the disk again, the move happens, after a whole backup.
    assert len(Store(tmp_path).states()) == 400
    assert backup.read_bytes() == original


def test_a_half_written_backup_is_not_taken_for_one(tmp_path: Path) -> None:
    """What an older commdash left when the disk filled up during its copy."""
    original = v1_triage()
    (tmp_path / "triage.json").write_bytes(original)
    backup = tmp_path / "triage.json.v1-backup"
    backup.write_bytes(original[: len(original) // 2])
    assert len(Store(tmp_path).states()) == 400
    assert backup.read_bytes() == original


def test_a_whole_backup_is_kept_as_it_is(tmp_path: Path) -> None:
    original = v1_triage()
    (tmp_path / "triage.json").write_bytes(original)
    backup = tmp_path / "triage.json.v1-backup"
    backup.write_bytes(original)
    made = backup.stat()
    assert len(Store(tmp_path).states()) == 400
    assert backup.stat().st_ino == made.st_ino
    assert backup.read_bytes() == original


@pytest.mark.parametrize("where", ["below a file", "a name too long"])
def test_a_write_that_cannot_even_start_is_one_state_error(tmp_path: Path, where: str) -> None:
    (tmp_path / "plain").write_text("x")
    path = tmp_path / "plain" / "db.json" if where == "below a file" else tmp_path / ("n" * 250)
    with pytest.raises(StateError, match="cannot write"):
        write_atomically(path, b"{}")
