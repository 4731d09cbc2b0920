"""Editing a reply in $EDITOR: run through sh like git, failures reported, never raised."""

from __future__ import annotations

from pathlib import Path

import pytest

from commdash import editor


def test_the_edited_text_comes_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    script = tmp_path / "ed.sh"
    script.write_text('#!/bin/sh\necho "second line" >> "$1"\n')
    script.chmod(0o755)
    monkeypatch.setenv("VISUAL", str(script))
    assert editor.edit("first line") == ("first line\nsecond line", None)


def test_editor_commands_with_arguments_run_through_the_shell(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", "sed -i -e s/draft/reply/")
    assert editor.edit("my draft") == ("my reply", None)


def test_a_missing_editor_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VISUAL", "no-such-editor-anywhere")
    text, error = editor.edit("keep me")
    assert text is None
    assert error is not None and "not found" in error


def test_an_editor_that_fails_leaves_the_reply_unchanged(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VISUAL", "false")
    text, error = editor.edit("keep me")
    assert text is None
    assert error is not None and "status 1" in error
