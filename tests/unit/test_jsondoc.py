"""``check_document`` works through a document in chunks, with C loops only: it must agree,
at every chunk boundary, with a plain reading one byte at a time."""

from __future__ import annotations

import random

import pytest

from commdash.errors import SourceError
from commdash.sources import jsondoc


def deeper_than(data: bytes, limit: int) -> int | None:
    """The offset of the first bracket opening level ``limit + 1``, read byte by byte."""
    depth, inside, at = 0, False, 0
    while at < len(data):
        char = data[at : at + 1]
        if char == b"\\" and data[at + 1 : at + 2] in (b"\\", b'"'):
            at += 2
            continue
        if char == b'"':
            inside = not inside
        elif not inside and char in b"[{":
            depth += 1
            if depth > limit:
                return at
        elif not inside and char in b"]}":
            depth -= 1
        at += 1
    return None


def outcome(data: bytes) -> str | None:
    try:
        jsondoc.check_document(data, "doc")
    except SourceError as error:
        return str(error)
    return None


@pytest.mark.parametrize("chunk", [1, 2, 3, 5, 64, 1 << 14])
def test_nesting_agrees_with_a_byte_by_byte_reading(
    monkeypatch: pytest.MonkeyPatch, chunk: int
) -> None:
    monkeypatch.setattr(jsondoc, "_CHUNK", chunk)
    rng = random.Random(chunk)
    for limit in (1, 2, 4):
        monkeypatch.setattr(jsondoc, "MAX_DEPTH", limit)
        for _ in range(2000):  # brackets, strings, escapes of quotes and backslashes
            data = bytes(rng.choice(b'[[{{]}""\\\\ab') for _ in range(rng.randint(0, 24)))
            expected = deeper_than(data, limit)
            found = outcome(data)
            if expected is None:
                assert found is None, data
            else:
                assert found is not None and f"line 1 column {expected + 1}: " in found, data


@pytest.mark.parametrize("chunk", [1, 2, 3, 4, 7, 1 << 14])
def test_text_not_utf8_is_found_at_every_chunk_boundary(
    monkeypatch: pytest.MonkeyPatch, chunk: int
) -> None:
    monkeypatch.setattr(jsondoc, "_CHUNK", chunk)
    rng = random.Random(chunk)
    for _ in range(2000):
        data = bytearray("".join(rng.choice("a\né€😀") for _ in range(rng.randint(0, 10))).encode())
        if rng.random() < 0.7:  # a byte that starts nothing, or a sequence cut short
            at = rng.randint(0, len(data))
            data[at:at] = rng.choice([b"\xff", b"\x80", b"\xc3", b"\xe2\x82", b"\xf0\x9f\x98"])
        try:
            bytes(data).decode()
        except UnicodeDecodeError as exc:
            line = data.count(b"\n", 0, exc.start) + 1
            column = len(data[data.rfind(b"\n", 0, exc.start) + 1 : exc.start].decode()) + 1
            assert f"doc: line {line} column {column}: not UTF-8" in (outcome(bytes(data)) or "")
        else:
            assert outcome(bytes(data)) is None
