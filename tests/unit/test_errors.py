"""An error's message is shown as it is (CLI, notices): it is one clean line."""

from __future__ import annotations

from commdash.errors import CommdashError, StateError
from commdash.sources.http import RemoteError


def test_an_error_quoting_hostile_text_reads_as_one_clean_line() -> None:
    name = "/srv/st\x1b]0;pwned\x07ate\x9b2J\u202e/triage.json"
    for error in (
        StateError(f"{name}: cannot write: Permission denied"),
        RemoteError(f"HTTP 500: {name}\r\nsecond line", transient=True),
        CommdashError("plain"),
    ):
        text = str(error)
        assert "\n" not in text and "\r" not in text
        assert not any(char in text for char in "\x1b\x07\x9b\u202e"), repr(text)
    assert str(StateError(f"{name}: x")) == "/srv/state/triage.json: x"
    assert str(RemoteError("a\r\nb")) == "a b"
    assert str(CommdashError("plain")) == "plain"
