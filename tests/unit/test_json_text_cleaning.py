"""The cleaning of JSON read from or written to the terminal's side: a lone string is
sanitised too, a raw DEL (which JSON allows unescaped) is never taken for clean text, and
every C1 control is written as an escape, the last (APC) as well as the first."""

from __future__ import annotations

import json

import orjson

from commdash.text import escape_json_controls, json_is_clean, sanitize_tree


def test_a_lone_string_is_returned_sanitised() -> None:
    assert sanitize_tree("a\x1b[31mb\u202e") == "ab"


def test_a_raw_del_in_a_string_is_not_clean() -> None:
    raw = b'{"text": "x\x7fy"}'
    assert json.loads(raw) == {"text": "x\x7fy"}  # valid JSON: DEL needs no escape
    assert not json_is_clean(raw)
    assert sanitize_tree(json.loads(raw)) == {"text": "xy"}


def test_every_c1_control_is_written_as_an_escape() -> None:
    controls = "".join(map(chr, range(0x7F, 0xA0)))
    escaped = escape_json_controls(orjson.dumps({"text": controls}))
    assert escaped.isascii()
    assert b"\\u009f" in escaped and b"\\u007f" in escaped
    assert json.loads(escaped) == {"text": controls}
