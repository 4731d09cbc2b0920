"""tools/constant_mutants.py makes the line mutants mutmut does not (module-level regexes and
constants), and tools/mutation_equivalents.toml says why each listed mutant cannot be caught."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[2]


def tool(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, ROOT / "tools" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


constant_mutants = tool("constant_mutants")

SOURCE = """import re
from typing import Literal

__all__ = ["x"]
Kind = Literal["a", "b"]
LIMIT = 1 << 4
NAME = "box"
PARTS = frozenset(["one", "two"])
_RANGE = "\\x20-\\x2f"
_PATTERN = re.compile(f"(?:\\x1b\\\\[|\\x9b)[{_RANGE}]*[\\x40-\\x7e]?|a")
"""


def mutations(source: str) -> set[tuple[str, str, str]]:
    return {(m.where, m.was, m.now) for m in constant_mutants.constant_mutants(source)}


def test_each_kind_of_constant_gets_its_mutants() -> None:
    assert mutations(SOURCE) == {
        ("LIMIT", "1 << 4", "2 << 4"),
        ("LIMIT", "1 << 4", "0 << 4"),
        ("LIMIT", "1 << 4", "1 << 5"),
        ("LIMIT", "1 << 4", "1 << 3"),
        ("NAME", "'box'", "'XXboxXX'"),
        ("PARTS", "'one'", ""),
        ("PARTS", "'two'", ""),
        ("_RANGE", "\\x20-\\x2f", "\\x21-\\x2f"),
        ("_RANGE", "\\x20-\\x2f", "\\x20-\\x2e"),
        ("_PATTERN", "\\x40-\\x7e", "\\x41-\\x7e"),
        ("_PATTERN", "\\x40-\\x7e", "\\x40-\\x7d"),
        ("_PATTERN", "(?:\\x1b\\[|\\x9b)", "(?:\\x9b)"),
        ("_PATTERN", "(?:\\x1b\\[|\\x9b)", "(?:\\x1b\\[)"),
        ("_PATTERN", "(?:\\x1b\\[|\\x9b)[{_RANGE}]*[@-~]?|", ""),
        ("_PATTERN", "|a", ""),
        ("_PATTERN", "[@-~]?", "[@-~]"),
    }


def test_every_mutant_is_the_module_with_one_line_changed_and_compiles() -> None:
    lines = SOURCE.splitlines()
    for mutant in constant_mutants.constant_mutants(SOURCE):
        changed = mutant.source.splitlines()
        assert len(changed) == len(lines)
        assert [i for i, (a, b) in enumerate(zip(lines, changed, strict=True)) if a != b] == [
            mutant.line - 1
        ]
        compile(mutant.source, "mutant", "exec")


def test_the_sanitisers_ranges_named_in_issue_14_are_mutated() -> None:
    text = (ROOT / "src" / "commdash" / "text.py").read_text("utf-8")
    found = mutations(text)
    assert ("_ESCAPE_SEQUENCE", "\\x40-\\x7e", "\\x40-\\x7d") in found  # \x1b[200~X -> ~X
    assert ("_ESCAPE_SEQUENCE", "\\x20-\\x2f", "\\x20-\\x2e") in found  # \x1b[1/mX
    assert ("_ESCAPE_SEQUENCE #2", "\\x20-\\x2f", "\\x21-\\x2f") in found  # \x1b FX
    assert ("_ESCAPE_SEQUENCE", "\\x30-\\x7e", "\\x30-\\x7d") in found  # \x1b~X
    assert ("_NONCHARS", "\\ufdd0-\\ufdef", "\\ufdd0-\\ufdee") in found  # U+FDEF


def test_every_listed_equivalent_says_why_and_names_a_module() -> None:
    mutation = tool("mutation")
    listed = mutation.load_equivalents()  # refuses an entry that does not say why
    assert listed
    assert {entry.module for entry in listed} <= set(mutation.TARGETS)
    text = (ROOT / "tools" / "mutation_equivalents.toml").read_text("utf-8")
    assert text.count("[[") == len(listed)  # no entry listed twice
