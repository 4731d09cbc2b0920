"""The layers hold: import-linter's contracts (pyproject.toml) pass, and break when a
forbidden import is added. Nothing outside ``commdash.ui`` imports Textual or the UI; the
sources know neither the store nor triage actions nor the session wiring."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
UI_CONTRACT = "Only commdash.ui imports Textual or commdash.ui"
SOURCES_CONTRACT = "Sources know neither the store, triage actions nor session wiring"


def lint_imports(root: Path, package_parent: Path) -> subprocess.CompletedProcess[str]:
    """Run ``lint-imports`` with the contracts of ``root``/pyproject.toml on the commdash
    package found in ``package_parent``."""
    env = {**os.environ, "PYTHONPATH": str(package_parent)}
    lint = Path(sys.executable).with_name("lint-imports")
    return subprocess.run(
        [str(lint), "--config", str(root / "pyproject.toml"), "--no-cache"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_every_contract_is_kept() -> None:
    done = lint_imports(ROOT, ROOT / "src")
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"{UI_CONTRACT} KEPT" in done.stdout
    assert f"{SOURCES_CONTRACT} KEPT" in done.stdout


@pytest.mark.parametrize(
    ("module", "line", "contract"),
    [
        ("model.py", "import textual", UI_CONTRACT),
        ("inbox.py", "from commdash.ui.widgets import styles", UI_CONTRACT),
        ("sources/shelf.py", "from textual.app import App", UI_CONTRACT),
        ("sources/graph.py", "from commdash.store import Store", SOURCES_CONTRACT),
        ("sources/native.py", "import commdash.actions", SOURCES_CONTRACT),
        ("sources/mastodon.py", "from commdash.outbox import Reply", SOURCES_CONTRACT),
    ],
)
def test_a_forbidden_import_breaks_its_contract(
    tmp_path: Path, module: str, line: str, contract: str
) -> None:
    copy = tmp_path / "src"
    shutil.copytree(
        ROOT / "src" / "commdash", copy / "commdash", ignore=shutil.ignore_patterns("__pycache__")
    )
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    target = copy / "commdash" / module
    target.write_text(f"{line}\n{target.read_text()}")
    done = lint_imports(tmp_path, copy)
    assert done.returncode != 0
    assert f"{contract} BROKEN" in done.stdout
