"""Where commdash keeps its files."""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

import platformdirs

from commdash.model import SourceInfo

APP_NAME = "commdash"


def state_root(option: str | None) -> Path:
    """``--state-dir``, else ``COMMDASH_STATE_DIR``, else the platform's user data dir."""
    chosen = option or os.environ.get("COMMDASH_STATE_DIR")
    if chosen:
        return Path(chosen).expanduser()
    return platformdirs.user_data_path(APP_NAME)


def source_key(source: SourceInfo) -> str:
    """A stable, file-name-safe key: the same account keeps its state, whatever the file name."""
    identity = f"{source.platform}\x00{source.account.id}"
    digest = hashlib.sha256(identity.encode("utf-8", "surrogatepass")).hexdigest()[:10]
    readable = re.sub(r"[^a-z0-9]+", "-", f"{source.platform}-{source.account.id}".lower())
    return f"{readable.strip('-')[:40]}-{digest}"


def cache_root() -> Path:
    """``COMMDASH_CACHE_DIR``, else the platform's user cache dir."""
    chosen = os.environ.get("COMMDASH_CACHE_DIR")
    return Path(chosen).expanduser() if chosen else platformdirs.user_cache_path(APP_NAME)
