"""Shared fixtures: every test gets its own state and config directories."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest_plugins = ["postgres_fixtures"]


@pytest.fixture(autouse=True)
def isolated_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point commdash's state at a fresh directory so no test sees another's (or the user's)."""
    state = tmp_path / "state"
    monkeypatch.setenv("COMMDASH_STATE_DIR", str(state))
    monkeypatch.setenv("COMMDASH_CONFIG", str(tmp_path / "config.toml"))
    monkeypatch.setenv("COMMDASH_CACHE_DIR", str(tmp_path / "cache"))
    return state
