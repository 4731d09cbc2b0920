"""Bad input files: one clear line naming the file and the place, and exit code 2; never a
traceback, a hang or a crash. Nesting deeper than the readers allow, text that is not UTF-8,
what is not a regular file, a file too large to hold, a file that changes while it is read."""

from __future__ import annotations

import os
import resource
import socket
import subprocess
import sys
from pathlib import Path

import orjson
import pytest
from _deep import DEPTHS, nested_export, too_deep_at

from commdash.errors import SourceError
from commdash.sources import files, parse_cache
from commdash.sources.files import open_file
from commdash.sources.jsondoc import MAX_DEPTH
from commdash.sources.native import SHELF_MIN_POSTS
from commdash.sources.shelf import CHANGED, FileShelf

TOO_DEEP = f"arrays and objects nested deeper than {MAX_DEPTH} levels; a commdash/v1 export needs 6"


def error_for(path: Path | str) -> str:
    with pytest.raises(SourceError) as info:
        open_file(str(path), cached=False)
    message = str(info.value)
    assert "\n" not in message and "\r" not in message
    assert message.startswith(f"{path}: ")
    return message


def _limited() -> None:
    """In the child: memory capped, so a reader that would read for ever fails at once."""
    resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))


def stats(*args: str, code: str | None = None) -> subprocess.CompletedProcess[str]:
    """``commdash stats`` in a fresh process (or ``code``, given ``args`` as its argv)."""
    command = ["-c", code, *args] if code else ["-m", "commdash", "stats", *args]
    return subprocess.run(
        [sys.executable, *command],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=60,
        preexec_fn=_limited,
        check=False,
    )


def one_line_error(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    (line,) = done.stderr.strip().splitlines()
    assert line.startswith("commdash: error: ")
    return line.removeprefix("commdash: error: ")


# --- nesting -------------------------------------------------------------------------------


@pytest.mark.parametrize("large", [False, True], ids=["small", "large"])
@pytest.mark.parametrize("depth", DEPTHS)
def test_nesting_deeper_than_the_readers_allow_names_the_place(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, depth: int, large: bool
) -> None:
    if large:  # read as a large export is (into memory given back as it goes, on a shelf)
        monkeypatch.setattr(files, "SHELF_ABOVE_BYTES", 0)
    posts = SHELF_MIN_POSTS if large else 1
    data = nested_export(depth, posts)
    path = tmp_path / "deep.json"
    path.write_bytes(data)
    if depth > MAX_DEPTH:
        line, column = too_deep_at(data)
        assert error_for(path) == f"{path}: line {line} column {column}: {TOO_DEEP}"
        return
    snapshot = open_file(str(path), cached=False)
    assert len(snapshot.posts) == posts
    assert isinstance(snapshot.conversations, FileShelf) == large
    last = f"p{posts - 1}c1"
    conversations = snapshot.conversations
    found = conversations[last] if isinstance(conversations, FileShelf) else conversations[-1]
    assert found.messages[0].text == "hi"


DEEP = b"[" * 1100 + b"]" * 1100


@pytest.mark.parametrize(
    "document",
    [
        b'{"format": "commdash/v1", "unknown": %s, "source": {"account": {"id": "b"}}}',
        b'{"format": "commdash/v1", "source": {"account": {"id": "b"}, "x": %s}}',
        b'{"format": "commdash/v1", "source": {"account": {"id": "b"}}, "posts": '
        b'[{"id": "p", "created_at": 1, "comments": [{"id": "c", "text": %s}]}]}',
        b'{"format": "commdash/v1", "source": {"account": {"id": "b"}}, "posts": %s}',
    ],
    ids=["unknown field", "source", "comment text", "posts"],
)
def test_nesting_is_refused_in_any_field(tmp_path: Path, document: bytes) -> None:
    path = tmp_path / "deep.json"
    path.write_bytes(document % DEEP)
    assert error_for(path).endswith(TOO_DEEP)


def test_a_deep_file_is_one_line_and_exit_2(tmp_path: Path) -> None:
    path = tmp_path / "deep.json"
    data = nested_export(100_000)
    path.write_bytes(data)
    line, column = too_deep_at(data)
    assert one_line_error(stats(str(path))) == f"{path}: line {line} column {column}: {TOO_DEEP}"


# --- UTF-8 ---------------------------------------------------------------------------------


@pytest.mark.parametrize("large", [False, True], ids=["small", "large"])
def test_a_comment_not_utf8_is_named_by_its_place_in_the_file(tmp_path: Path, large: bool) -> None:
    filler = "é" * (40_000 if large else 10)  # large: over SHELF_ABOVE_BYTES, a real shelf
    posts = [
        {
            "id": f"p{p}",
            "created_at": 1,
            "text": filler,
            "comments": [
                {"id": f"p{p}c{c}", "created_at": 2, "author": "ann", "text": f"€ hello {p} {c}"}
                for c in range(3)
            ],
        }
        for p in range(150)
    ]
    document = {"format": "commdash/v1", "source": {"account": {"id": "b"}}, "posts": posts}
    data = orjson.dumps(document, option=orjson.OPT_INDENT_2)
    bad = data.index("€ hello 120 1".encode()) + len("€ hel".encode())
    data = data[:bad] + b"\xff" + data[bad + 1 :]  # the second "l" of the comment
    path = tmp_path / "export.json"
    path.write_bytes(data)
    assert (path.stat().st_size > files.SHELF_ABOVE_BYTES) == large
    line = data.count(b"\n", 0, bad) + 1
    column = len(data[data.rfind(b"\n", 0, bad) + 1 : bad].decode()) + 1
    message = error_for(path)
    assert message == (
        f"{path}: line {line} column {column}: not UTF-8 text (byte 0xff); save the export as UTF-8"
    )


# --- what is not a regular file ------------------------------------------------------------


def test_a_directory_is_refused(tmp_path: Path) -> None:
    assert error_for(tmp_path) == f"{tmp_path}: is a directory, expected a commdash/v1 JSON file"


def test_a_character_device_is_refused() -> None:
    assert error_for("/dev/null") == (
        "/dev/null: is a character device, not a file; save the export to a file"
    )


def test_a_socket_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "s"
    with socket.socket(socket.AF_UNIX) as listening:
        listening.bind(str(path))
        assert error_for(path) == (f"{path}: is a socket, not a file; save the export to a file")


def test_a_fifo_is_refused_at_once(tmp_path: Path) -> None:
    path = tmp_path / "fifo"
    os.mkfifo(path)  # nobody writes: opening it to read would wait for ever
    assert one_line_error(stats(str(path))) == (
        f"{path}: is a FIFO (named pipe), not a file; save the export to a file"
    )


def test_an_endless_device_is_refused_at_once() -> None:
    assert one_line_error(stats("/dev/zero")) == (
        "/dev/zero: is a character device, not a file; save the export to a file"
    )


def test_a_file_larger_than_commdash_can_hold_says_so(tmp_path: Path) -> None:
    path = tmp_path / "huge.json"
    with open(path, "wb") as handle:
        handle.truncate(files.MAX_BYTES + 1)  # sparse: takes no room on the disk
    assert one_line_error(stats(str(path))) == (
        f"{path}: 4.0 GiB is more than commdash can hold (at most 4 GiB); "
        "export fewer posts or a shorter period"
    )


# --- a file that changes while it is read --------------------------------------------------


def large_export(path: Path) -> None:
    data = nested_export(6, posts=200, filler=45_000)
    path.write_bytes(data)
    assert path.stat().st_size > files.SHELF_ABOVE_BYTES


TRUNCATED_WHILE_PARSED = """
import os, sys
from commdash.sources import files, parse_cache

path = sys.argv[1]
parse = files.read_native_bytes

def truncated_first(*args, **kwargs):
    os.truncate(path, 1000)  # someone rewrites the export while commdash parses it
    return parse(*args, **kwargs)

files.read_native_bytes = truncated_first
snapshot = files.open_file(path, cached=False)
conversations = snapshot.conversations
print(len(snapshot.posts), conversations[next(iter(conversations))].messages[0].text)
"""


def test_a_large_export_truncated_while_parsed_is_no_crash(tmp_path: Path) -> None:
    path = tmp_path / "export.json"
    large_export(path)
    done = stats(str(path), code=TRUNCATED_WHILE_PARSED)
    assert done.returncode == 0, (done.returncode, done.stderr)  # not -7: SIGBUS
    # Parsed as it was read; what is read back later is never garbage from the new file.
    assert done.stdout.strip() == f"200 {CHANGED}"


TRUNCATED_WHILE_READ = """
import os, sys
from commdash import cli
from commdash.sources import files, parse_cache

path = sys.argv[1]
fill = files._fill

def truncated_first(*args, **kwargs):
    os.truncate(path, 1000)  # someone rewrites the export while commdash reads it
    return fill(*args, **kwargs)

files._fill = truncated_first
sys.exit(cli.main(["stats", path]))
"""


@pytest.mark.parametrize("large", [False, True], ids=["small", "large"])
def test_an_export_that_changes_while_read_is_a_clear_error(tmp_path: Path, large: bool) -> None:
    path = tmp_path / "export.json"
    if large:
        large_export(path)
    else:
        path.write_bytes(nested_export(6, posts=50, filler=100))
    assert one_line_error(stats(str(path), code=TRUNCATED_WHILE_READ)) == (
        f"{path}: the file changed while commdash read it; open it again once whatever "
        "writes it has finished"
    )


def test_an_export_replaced_after_loading_is_still_read_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(files, "SHELF_ABOVE_BYTES", 0)
    path = tmp_path / "export.json"
    path.write_bytes(nested_export(6, posts=SHELF_MIN_POSTS))
    open_file(str(path))
    parse_cache.wait_for_saves()
    parsed = files.open_export(str(path), cached=False)
    cached = files.open_export(str(path))
    assert cached.derived is not None  # taken from the parse cache
    newer = tmp_path / "newer.json"  # what export tools do: write aside, rename over
    newer.write_bytes(nested_export(6, posts=SHELF_MIN_POSTS).replace(b'"hi"', b'"yo"'))
    newer.replace(path)
    for opened in (parsed, cached):
        assert isinstance(opened.snapshot.conversations, FileShelf)
        assert opened.snapshot.conversations["p0c1"].messages[0].text == "hi"
