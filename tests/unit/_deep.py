"""Exports nested exactly as deep as a test needs, in a field no reader knows."""

from __future__ import annotations

from commdash.sources.jsondoc import MAX_DEPTH

DEPTHS = (6, MAX_DEPTH, MAX_DEPTH + 1, 254, 255, 1023, 1024, 1100, 100_000)
"""Around each limit: ours; orjson's for writing (254) and reading (1024); Python's recursion
limit (1000, as msgspec and json count it); and far beyond."""

_HEAD = b'{"format": "commdash/v1", "source": {"account": {"id": "brand"}}, "posts": ['
_COMMENTS = b'"comments": [{"id": "c1", "created_at": 2, "author": "ann", "text": "hi"}]'


def nested_export(depth: int, posts: int = 1, filler: int = 0) -> bytes:
    """An export whose deepest point is ``depth`` levels down (the top level is level 1),
    in the unknown field ``"x"`` of its last post: the document, the posts array, the post,
    then arrays. ``filler`` bytes of text in each post make the file as large as wanted."""
    arrays = depth - 3
    made = [_post(p, b"[]", filler) for p in range(posts - 1)]
    made.append(_post(posts - 1, b"[" * arrays + b"]" * arrays, filler))
    return _HEAD + b",\n".join(made) + b"]}"


def _post(index: int, x: bytes, filler: int) -> bytes:
    return (
        b'{"id": "p%d", "created_at": 1, "text": "%s", "x": %s, ' % (index, b"f" * filler, x)
        + _COMMENTS.replace(b'"c1"', b'"p%dc1"' % index)
        + b"}"
    )


def too_deep_at(data: bytes) -> tuple[int, int]:
    """Line and column of the bracket that opens level ``MAX_DEPTH + 1``."""
    start = data.rindex(b'"x": ') + len(b'"x": ')
    offset = start + MAX_DEPTH - 3
    return data.count(b"\n", 0, offset) + 1, offset - data.rfind(b"\n", 0, offset)
