"""The parse cache: an unchanged export is not parsed again; any change, or a damaged
entry, means a fresh parse."""

from __future__ import annotations

import fcntl
import os
import stat
from pathlib import Path

import pytest

from commdash.sources import files, open_file, parse_cache

DOC = b"""{"format": "commdash/v1", "source": {"account": {"id": "me"}},
 "posts": [{"id": "p1", "created_at": 1, "text": "%s",
            "comments": [{"id": "c1", "created_at": 2, "author": "ann", "text": "hi"}]}]}"""


def export(path: Path, text: str) -> Path:
    path.write_bytes(DOC % text.encode())
    return path


def wait_for_saves() -> None:
    parse_cache.wait_for_saves()


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The locations actually parsed (not taken from the cache)."""
    seen: list[str] = []
    real = files.read_native_bytes

    def counting(data: bytes, location: str, *args: object, **kwargs: object) -> object:
        seen.append(location)
        return real(data, location, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(files, "read_native_bytes", counting)
    return seen


def test_an_unchanged_file_is_read_from_the_cache(tmp_path: Path, parses: list[str]) -> None:
    path = export(tmp_path / "a.json", "first")
    first = open_file(str(path))
    wait_for_saves()
    again = open_file(str(path))
    assert parses == [str(path)]
    assert again == first
    # The same file named another way keeps its own name in messages.
    os.chdir(tmp_path)
    assert open_file("a.json").source.location == "a.json"
    assert parses == [str(path)]


def test_a_changed_file_is_parsed_again(tmp_path: Path, parses: list[str]) -> None:
    path = export(tmp_path / "a.json", "first")
    open_file(str(path))
    wait_for_saves()
    export(path, "other")  # same size, new content and time
    assert open_file(str(path)).posts[0].text == "other"
    assert len(parses) == 2


def test_a_damaged_entry_is_ignored(tmp_path: Path, parses: list[str]) -> None:
    path = export(tmp_path / "a.json", "first")
    open_file(str(path))
    wait_for_saves()
    for entry in parse_cache.folder().glob("*.pickle"):
        entry.write_bytes(b"not a pickle")
    assert open_file(str(path)).posts[0].text == "first"
    assert len(parses) == 2


def test_only_the_newest_entries_are_kept(tmp_path: Path) -> None:
    for i in range(parse_cache.KEPT + 3):
        open_file(str(export(tmp_path / f"{i}.json", "x")))
        wait_for_saves()
    assert len(list(parse_cache.folder().glob("*.pickle"))) == parse_cache.KEPT


def test_an_unwritable_cache_is_no_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    monkeypatch.setenv("COMMDASH_CACHE_DIR", str(blocker / "cache"))
    path = export(tmp_path / "a.json", "first")
    open_file(str(path))
    wait_for_saves()
    assert open_file(str(path)).posts[0].text == "first"


def entries() -> list[Path]:
    """The cache's entries, wherever in the cache directory they are."""
    return sorted(parse_cache.cache_root().rglob("*.pickle"))


@pytest.mark.parametrize("umask", [0o002, 0o022, 0o077, 0o000])
def test_entries_are_private_and_used_whatever_the_umask(
    tmp_path: Path, parses: list[str], umask: int
) -> None:
    path = export(tmp_path / "a.json", "first")
    previous = os.umask(umask)  # 002: the default on Ubuntu and Fedora
    try:
        open_file(str(path))
        wait_for_saves()
    finally:
        os.umask(previous)
    (entry,) = entries()
    assert stat.S_IMODE(entry.stat().st_mode) == 0o600
    assert stat.S_IMODE(entry.parent.stat().st_mode) == 0o700
    assert open_file(str(path)).posts[0].text == "first"
    assert parses == [str(path)]  # the re-open took the entry


def test_only_its_own_entries_are_ever_deleted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "somewhere"  # COMMDASH_CACHE_DIR=~/somewhere, with the user's files
    home.mkdir()
    monkeypatch.setenv("COMMDASH_CACHE_DIR", str(home))
    theirs = [home / f"model-{i}.pickle" for i in range(3)] + [home / f"{'a' * 40}.pickle"]
    parse_cache.folder().mkdir(mode=0o700)
    theirs.append(parse_cache.folder() / f"{'b' * 40}.pickle")  # named like one, not one
    for path in theirs:
        path.write_bytes(b"the user's")
        os.utime(path, (1, 1))  # older than any entry
    for i in range(parse_cache.KEPT + 2):
        open_file(str(export(tmp_path / f"{i}.json", "x")))
        wait_for_saves()
    assert all(path.read_bytes() == b"the user's" for path in theirs)
    assert len(set(entries()) - set(theirs)) == parse_cache.KEPT


def key_of(path: Path) -> str:
    with open(path, "rb") as handle:
        key = parse_cache.cache_key(path, handle.fileno(), os.fstat(handle.fileno()))
    assert key is not None
    return key


def test_a_reopen_while_an_entry_is_written_parses_and_leaves_the_writing_alone(
    tmp_path: Path, parses: list[str]
) -> None:
    path = export(tmp_path / "a.json", "first")
    parse_cache.folder().mkdir(parents=True, mode=0o700)
    part = parse_cache.folder() / f".{key_of(path)}.part"
    part.write_bytes(parse_cache.MAGIC + b"half written")
    with open(part, "rb") as writing:
        fcntl.flock(writing, fcntl.LOCK_EX)  # as the writer of an earlier open holds it
        open_file(str(path))
        wait_for_saves()
        open_file(str(path))
        wait_for_saves()
        assert len(parses) == 2  # parsed each time: never waiting, never reading the part
        assert entries() == []  # nor writing the same entry twice at once
        assert part.read_bytes() == parse_cache.MAGIC + b"half written"
    open_file(str(path))  # that writer is gone: its part is taken over
    wait_for_saves()
    assert not part.exists()
    assert open_file(str(path)).posts[0].text == "first"
    assert len(parses) == 3


def test_a_part_left_by_a_killed_writer_is_deleted(tmp_path: Path) -> None:
    parse_cache.folder().mkdir(parents=True, mode=0o700)
    left = parse_cache.folder() / f".{'c' * 40}.part"
    left.write_bytes(parse_cache.MAGIC + b"cut off")
    open_file(str(export(tmp_path / "a.json", "x")))
    wait_for_saves()
    assert not left.exists()
    assert len(entries()) == 1


def test_the_writer_gives_way_to_the_manager(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    niceness = tmp_path / "niceness"

    def recording(key: str, snapshot: object, derived: object) -> None:  # in the copy
        niceness.write_text(str(os.nice(0)))

    monkeypatch.setattr(parse_cache, "save", recording)
    open_file(str(export(tmp_path / "a.json", "x")))
    wait_for_saves()
    assert int(niceness.read_text()) >= min(19, os.nice(0) + 10)
