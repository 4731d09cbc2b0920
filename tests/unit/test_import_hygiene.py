"""The domain never imports Textual: ``commdash stats`` and the tests run without the TUI."""

from __future__ import annotations

import json
import subprocess
import sys

DOMAIN = [
    "commdash.model",
    "commdash.text",
    "commdash.threads",
    "commdash.triage",
    "commdash.figures",
    "commdash.inbox",
    "commdash.store",
    "commdash.outbox",
    "commdash.session",
    "commdash.sources",
    "commdash.cli",
]

SCRIPT = """
import importlib, json, sys
names = json.loads(sys.argv[1])
for name in names:
    importlib.import_module(name)
print(json.dumps({
    "imported": [name for name in names if name in sys.modules],
    "ui": sorted(m for m in sys.modules if m.split(".")[0] == "textual"
                 or m.startswith(("commdash.app", "commdash.screens", "commdash.widgets"))),
}))
"""


def test_domain_modules_do_not_import_textual() -> None:
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, json.dumps(DOMAIN)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["imported"] == DOMAIN
    assert result["ui"] == [], f"the domain pulled in the UI: {result['ui'][:10]}"


def test_the_check_itself_sees_textual_when_it_is_imported() -> None:
    # Guards against a vacuous pass: the same probe notices Textual once it is loaded.
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, json.dumps(["commdash.model", "textual.app"])],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "textual" in json.loads(done.stdout)["ui"]
