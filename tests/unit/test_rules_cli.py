"""``commdash rules``: what each rule would do now, without acting; a bad rule told in one line."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from _cli import run_commdash

NOW = "2026-11-25T09:00:00Z"
RULE = '[[rules]]\nname = "refunds"\nwhen = "refund"\nthen = { tag = "refund", assign = "ana" }\n'


def comment(i: int, who: str, text: str) -> dict[str, object]:
    return {
        "id": f"c{i}",
        "author": {"id": f"m{i}", "name": who},
        "created_at": f"2026-11-25T0{i}:00:00Z",
        "text": text,
    }


@pytest.fixture
def export(tmp_path: Path) -> Path:
    comments = [
        *(comment(i, f"M{i}", f"refund {i}") for i in range(1, 7)),
        comment(7, "Lee", "Thanks!"),
        comment(8, "Dana\x1b[31m Ruiz", "My refund\nnever came \x1b]8;;x\x07"),  # the latest
    ]
    document = {
        "format": "commdash/v1",
        "exported_at": NOW,
        "source": {"name": "Tiny Shop", "account": {"id": "shop", "name": "Tiny Shop"}},
        "posts": [{"id": "p1", "created_at": "2026-11-24T08:00:00Z", "comments": comments}],
    }
    path = tmp_path / "shop.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def rules(tmp_path: Path, config: str, *args: str) -> subprocess.CompletedProcess[str]:
    """``commdash rules ARGS`` with ``config`` as the config file."""
    path = tmp_path / "config.toml"
    path.write_text(config, encoding="utf-8")
    env = {
        "COMMDASH_CONFIG": str(path),
        "COMMDASH_STATE_DIR": str(tmp_path / "state"),
        "COMMDASH_CACHE_DIR": str(tmp_path / "cache"),
    }
    return run_commdash("rules", *args, env=env)


def test_dry_run_prints_counts_and_the_first_few_safely_without_acting(
    export: Path, tmp_path: Path
) -> None:
    done = rules(tmp_path, RULE, str(export), "--dry-run", "--now", NOW)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "rule refunds: #refund @ana · when refund"
    assert lines[1] == "  would act on 7 conversations"
    assert len(lines) == 2 + 5 + 1 and lines[-1] == "  · … and 2 more"
    dana = next(line for line in lines if "Dana" in line)
    assert "\x1b" not in dana and "\x07" not in dana
    assert "My refund never came" in dana
    assert list((tmp_path / "state").rglob("*.json")) == []  # nothing acted, nor recorded


def test_without_dry_run_it_says_when_rules_act(export: Path, tmp_path: Path) -> None:
    done = rules(tmp_path, RULE, str(export))
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "rule refunds: #refund @ana" in out
    assert "Rules act when the TUI opens the source" in out


def test_a_bad_rule_is_one_line_and_exit_2(export: Path, tmp_path: Path) -> None:
    bad = '[[rules]]\nname = "late"\nwhen = "waiting:>2x"\nthen = { done = true }\n'
    done = rules(tmp_path, bad, str(export), "--dry-run")
    assert done.returncode == 2
    assert done.stdout == ""
    [line] = done.stderr.splitlines()
    assert "rule 'late': when: waiting:>2x: unknown unit" in line
    assert line.startswith("commdash: error: ")
