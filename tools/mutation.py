"""How many deliberate bugs in the core modules the tests catch: a mutation score per module.

    python tools/mutation.py                      # every row of TARGETS
    python tools/mutation.py --modules text,triage
    python tools/mutation.py --jobs 1             # one core

A row is a module, or several: ``triage`` with ``records.py``, which reads and writes its
records (and the outbox's), and ``store``, the package ``commdash/store/`` with the files and
lock under it (``statefiles.py``). ``outbox`` is the outbox item's steps (claim, pause, retry,
requeue, a claim's lease), which ``delivery``'s courier takes. For each row, two kinds of
mutants, each run only against the test files that import one of its modules (``pytest -x
-p no:randomly``, no xdist inside a mutant):

- function bodies: mutmut (``[tool.mutmut]`` in pyproject.toml), run in
  ``build/mutation/<row>/`` with the row's files as ``only_mutate`` and those test files as
  its test selection (mutmut runs each mutant against the tests among them that reach the
  function);
- module-level constants and regular expressions, which mutmut leaves alone: line mutants
  from ``constant_mutants.py``, each a module with one statement rewritten, put ahead of
  the installed package on ``sys.path`` in a forked pytest.

Either way, a process a test starts (a second commdash) imports the mutant too.

In a row of several modules, a mutant's place is named with its module
(``store.outbox._prune_sent``, ``statefiles._UNHOSTED``, ``records._hints``).

Mutants listed in ``mutation_equivalents.toml`` (beside this file, each with why it cannot be
caught) are not run and are left out of the score; an entry that matches no mutant any more
is reported as stale.
Prints a table module → killed / survived / equivalent / timeout / score / wall and CPU
seconds, then every survivor, then the whole run's wall and CPU time (the CPU time of every
process it waited for: unlike the wall time, it does not grow when others use the cores).
Exit status: 0 when every module reaches its threshold, 1 when one does not, 2 when
the run itself failed (the tests fail on the unmutated code, mutmut failed).
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import importlib.metadata
import importlib.util
import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import time
import tomllib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from constant_mutants import constant_mutants

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PACKAGE = ROOT / "src" / "commdash"
BUILD = ROOT / "build" / "mutation"
EQUIVALENTS = HERE / "mutation_equivalents.toml"


@dataclass(frozen=True, slots=True)
class Target:
    """One row of the table."""

    files: tuple[str, ...]
    """Its modules' files, relative to ``src/commdash``."""
    threshold: float
    """The score it must reach, leaving out equivalent mutants (issue 14)."""

    @property
    def modules(self) -> list[str]:
        """Its modules' dotted names under ``commdash`` (a package's ``__init__`` as the
        package)."""
        return [_dotted(file) for file in self.files]

    def place(self, module: str, where: str) -> str:
        """How a mutant in ``where`` (a function or a constant) of ``module`` is named: with
        its module when the row has several."""
        return f"{module}.{where}" if len(self.files) > 1 else where


def _dotted(file: str) -> str:
    return file.removesuffix(".py").removesuffix("/__init__").replace("/", ".")


def _package(folder: str) -> tuple[str, ...]:
    """Every module of a package, so that a module added to it is counted too."""
    return tuple(sorted(p.relative_to(PACKAGE).as_posix() for p in (PACKAGE / folder).glob("*.py")))


TARGETS = {
    "text": Target(("text.py",), 95.0),
    "triage": Target(("triage.py", "records.py"), 95.0),
    "figures": Target(("figures.py",), 95.0),
    "inbox": Target(("inbox.py",), 90.0),
    "store": Target((*_package("store"), "statefiles.py"), 90.0),
    "delivery": Target(("delivery.py",), 90.0),
    "outbox": Target(("outbox.py",), 90.0),
}

PYTEST = ["-x", "-q", "-p", "no:randomly", "-p", "no:cacheprovider", "-n", "0"]
LINE_TIMEOUT_FACTOR = 5.0
"""A line mutant whose tests take this many times as long as on the unmutated code (plus
30 s) is stopped and counted as a timeout."""


class RunFailed(Exception):
    """The run could not measure anything (its message says why)."""


@dataclass(frozen=True, slots=True)
class Outcome:
    module: str
    where: str
    """The function (``Store.apply``) or the module-level constant (``_ESCAPE_SEQUENCE``)."""
    was: str
    now: str
    status: str
    """killed, survived, timeout or equivalent (a survivor listed as one)."""
    name: str
    """mutmut's name of the mutant, or ``module.py:line`` for a line mutant."""


# Equivalent mutants -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Equivalent:
    module: str
    where: str
    was: str
    now: str

    @classmethod
    def of(cls, outcome: Outcome) -> Equivalent:
        return cls(outcome.module, outcome.where, _squash(outcome.was), _squash(outcome.now))


def _squash(code: str) -> str:
    return " ".join(code.split())


def load_equivalents(path: Path = EQUIVALENTS) -> set[Equivalent]:
    """The mutants judged equivalent, each entry with a ``why``; a bad entry stops the run."""
    try:
        tables = tomllib.loads(path.read_text("utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise RunFailed(f"{path}: {error}") from None
    found = set()
    for module, entries in tables.items():
        for number, entry in enumerate(entries, start=1):
            if not str(entry.get("why", "")).strip():
                raise RunFailed(f"{path}: [[{module}]] entry {number} does not say why")
            found.add(
                Equivalent(module, entry["where"], _squash(entry["was"]), _squash(entry["now"]))
            )
    return found


# Which tests ----------------------------------------------------------------------------------


def tests_importing(modules: list[str], tests: Path = ROOT / "tests") -> list[str]:
    """The test files (relative to the repository) that import one of ``commdash.<module>``,
    unit tests first: a mutant's run stops at the first failure, and they fail fastest."""
    wanted = {f"commdash.{module}" for module in modules}
    found = [
        path.relative_to(ROOT).as_posix()
        for path in sorted(tests.rglob("test_*.py"))
        if wanted & _imported(ast.parse(path.read_text("utf-8")))
    ]
    return sorted(found, key=lambda name: ("/ui/" in name, name))


def _imported(tree: ast.AST) -> set[str]:
    """Every module a file imports, and every name it imports from a module, dotted."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


# Function bodies: mutmut ------------------------------------------------------------------


def run_mutmut(
    row: str, target: Target, tests: list[str], jobs: int, equivalents: set[Equivalent]
) -> list[Outcome]:
    """mutmut on the function bodies of the row's modules, in a directory of its own. The
    mutants are made first, so that those listed as equivalent are left out of the run."""
    work = BUILD / row
    shutil.rmtree(work, ignore_errors=True)
    skip = shutil.ignore_patterns("__pycache__", "__snapshots__", "*.pyc")
    shutil.copytree(ROOT / "src", work / "src", ignore=skip)
    shutil.copytree(ROOT / "tests", work / "tests", ignore=skip)
    (work / "pyproject.toml").write_text(
        _with_selection((ROOT / "pyproject.toml").read_text("utf-8"), target.files, tests),
        "utf-8",
    )
    _mutmut(work, [sys.executable, "-c", _MAKE_MUTANTS, str(jobs)])
    files = {name: file for file in target.files for name in _exit_codes(work, file)}
    listed = {e.where for e in equivalents if e.module == row}
    skipped = {}
    for name, file in files.items():
        where = _where(target, name)
        if where in listed:
            was, now = _diff(work, file, name)
            outcome = Outcome(row, where, was, now, "equivalent", name)
            if Equivalent.of(outcome) in equivalents:
                skipped[name] = outcome
    to_run = [name for name in files if name not in skipped]
    if to_run:
        _mutmut(work, [sys.executable, "-c", _RUN_MUTANTS, str(jobs), *to_run])
    codes = {name: code for file in target.files for name, code in _exit_codes(work, file).items()}
    return [
        skipped.get(name) or _mutmut_outcome(row, target, work, file, name, codes[name])
        for name, file in files.items()
    ]


_MAKE_MUTANTS = """
import os, sys
import mutmut.__main__ as steps
os.makedirs("mutants", exist_ok=True)
steps.copy_src_dir()
steps.copy_also_copy_files()
steps.setup_source_paths()
steps.create_mutants(int(sys.argv[1]))
"""
"""The first steps of ``mutmut run``: the mutants, without running them."""

_RUN_MUTANTS = """
import os, sys
import mutmut.__main__ as steps

made = steps.get_mutant_runner
def runner(max_children):
    found = made(max_children)
    found.run_clean_tests = lambda tests: 0
    return found
steps.get_mutant_runner = runner

collect = steps.collect_or_load_stats
def stats_first(*args, **kwargs):
    collect(*args, **kwargs)
    os.environ["PYTHONPATH"] = os.path.abspath("mutants/src")
steps.collect_or_load_stats = stats_first

steps._run(sys.argv[2:], int(sys.argv[1]))
"""
"""``mutmut run`` on the mutants named, with two changes. Its run of the tests on the
unmutated code is left out: the stats run just before ran them already, and stops mutmut
when one fails. Once the stats are taken, a process a test starts (a second commdash, a
process with a full disk) imports the mutated package too, and runs the mutant mutmut
names in its environment; before, it would record its calls nowhere."""


def _mutmut(work: Path, command: list[str]) -> None:
    log = work / "mutmut.log"
    with log.open("a") as output:
        done = subprocess.run(
            command, cwd=work, stdout=output, stderr=subprocess.STDOUT, check=False
        )
    if done.returncode != 0:
        tail = log.read_text("utf-8", "replace").replace("\r", "\n").strip().splitlines()[-5:]
        raise RunFailed(f"mutmut failed in {work} (see {log}): " + " | ".join(tail))


def _exit_codes(work: Path, file: str) -> dict[str, int | None]:
    meta = work / "mutants" / "src" / "commdash" / f"{file}.meta"
    if not meta.exists() and "def " not in (PACKAGE / file).read_text("utf-8"):
        return {}  # no function: nothing for mutmut to mutate
    try:
        codes: dict[str, int | None] = json.loads(meta.read_text("utf-8"))["exit_code_by_key"]
    except (OSError, ValueError, KeyError) as error:
        raise RunFailed(f"mutmut left no results in {meta}: {error}") from None
    return codes


def _with_selection(pyproject: str, files: tuple[str, ...], tests: list[str]) -> str:
    """pyproject.toml with this run's modules and tests added to its ``[tool.mutmut]``."""
    header = "[tool.mutmut]\n"
    if header not in pyproject:
        raise RunFailed("pyproject.toml has no [tool.mutmut] table")
    selection = (
        f"only_mutate = {json.dumps([f'src/commdash/{file}' for file in files])}\n"
        f"pytest_add_cli_args_test_selection = {json.dumps(tests)}\n"
    )
    return pyproject.replace(header, header + selection, 1)


def _where(target: Target, name: str) -> str:
    """``Courier._failed`` or ``revert`` (``store.outbox.OutboxStore.add`` in a row of
    several modules): the function a mutmut mutant is in."""
    from mutmut.utils.format_utils import (
        get_module_from_key,
        orig_function_and_class_names_from_key,
    )

    function, class_name = orig_function_and_class_names_from_key(name)
    module = get_module_from_key(name).removeprefix("commdash.")
    return target.place(module, f"{class_name}.{function}" if class_name else function)


def _diff(work: Path, file: str, name: str) -> tuple[str, str]:
    """The lines the mutant changed, before and after (`` / `` between lines)."""
    from mutmut.mutation.diff_apply import get_diff_for_mutant

    with contextlib.chdir(work):
        diff = get_diff_for_mutant(name, path=f"src/commdash/{file}")
    changed = [line for line in diff.splitlines() if not line.startswith(("---", "+++"))]
    was = " / ".join(line[1:].strip() for line in changed if line.startswith("-"))
    now = " / ".join(line[1:].strip() for line in changed if line.startswith("+"))
    return was, now


def _mutmut_outcome(
    row: str, target: Target, work: Path, file: str, name: str, code: int | None
) -> Outcome:
    from mutmut.stats import status_by_exit_code

    status = status_by_exit_code[code]
    if status in ("not checked", "check was interrupted by user"):
        raise RunFailed(f"mutmut did not finish {name}: {status}")
    was, now = ("", "") if status == "killed" else _diff(work, file, name)
    kind = {"killed": "killed", "timeout": "timeout", "segfault": "timeout"}.get(status)
    return Outcome(row, _where(target, name), was, now, kind or "survived", name)


# Module-level constants: line mutants -----------------------------------------------------


def run_line_mutants(
    row: str, target: Target, tests: list[str], jobs: int, equivalents: set[Equivalent]
) -> list[Outcome]:
    """Each line mutant of the row's constants against the tests, ``jobs`` at a time;
    those listed as equivalent are not run."""
    sources = {file: (PACKAGE / file).read_text("utf-8") for file in target.files}
    mutants = [(file, m) for file in target.files for m in constant_mutants(sources[file])]
    outcomes = [
        Outcome(
            row,
            target.place(_dotted(file), m.where),
            m.was,
            m.now,
            "equivalent",
            f"{file}:{m.line}",
        )
        for file, m in mutants
    ]
    to_run = [
        (file, m.source)
        for (file, m), o in zip(mutants, outcomes, strict=True)
        if Equivalent.of(o) not in equivalents
    ]
    if not to_run:
        return outcomes
    pool = _ForkPool(row, sources, tests, jobs)
    started = time.monotonic()
    if pool.statuses([None], timeout=None, record=True) != ["survived"]:
        raise RunFailed(f"the tests importing {row} fail on the unmutated code: {tests}")
    timeout = (time.monotonic() - started) * LINE_TIMEOUT_FACTOR + 30.0
    sentinel = "\nraise RuntimeError('a mutant that every test run must catch')\n"
    sentinels = [(file, source + sentinel) for file, source in sources.items()]
    caught = pool.statuses(list(sentinels), timeout=timeout)
    missed = [
        file for (file, _), status in zip(sentinels, caught, strict=True) if status != "killed"
    ]
    if missed:
        raise RunFailed(f"line mutants of {', '.join(missed)} do not reach the tests of {row}")
    statuses = iter(pool.statuses(list(to_run), timeout=timeout))
    return [
        o if Equivalent.of(o) in equivalents else replace(o, status=next(statuses))
        for o in outcomes
    ]


Version = tuple[str, str] | None
"""A version of a row's modules: one file (relative to ``src/commdash``) and its mutated
source, the others as they are; None for all as they are."""


class _ForkPool:
    """Runs the tests on versions of a row's modules in forked children, ``jobs`` at a time.

    pytest and its plugins are imported once, here; each child writes its version into a
    copy of the package of its own (a slot), puts that first on ``sys.path`` and runs pytest,
    so commdash is imported afresh from the slot (this process never imports it). Tests run
    fastest first, by the durations of the unmutated run, so a mutant is caught soonest."""

    def __init__(self, row: str, sources: dict[str, str], tests: list[str], jobs: int) -> None:
        import pytest

        for plugin in importlib.metadata.entry_points(group="pytest11"):
            plugin.load()
        self.pytest_main = pytest.main
        self.sources, self.tests = sources, tests
        self.durations: dict[str, float] = {}
        self.slots = []
        for number in range(jobs):
            slot = BUILD / row / "lines" / str(number)
            shutil.rmtree(slot, ignore_errors=True)
            shutil.copytree(
                PACKAGE, slot / "commdash", ignore=shutil.ignore_patterns("__pycache__")
            )
            self.slots.append(slot)

    def statuses(
        self, versions: list[Version], timeout: float | None, record: bool = False
    ) -> list[str]:
        """killed, survived or timeout, for the tests run on each version."""
        results = [""] * len(versions)
        free = list(self.slots)
        running: dict[int, tuple[int, Path, float]] = {}
        waiting = iter(enumerate(versions))
        while True:
            while free and (job := next(waiting, None)) is not None:
                slot = free.pop()
                deadline = time.monotonic() + timeout if timeout else float("inf")
                running[self._start(slot, job[1], record)] = (job[0], slot, deadline)
            if not running:
                break
            pid, status = os.waitpid(-1, os.WNOHANG)
            if pid == 0:
                for child, (index, _, deadline) in running.items():
                    if time.monotonic() > deadline and not results[index]:
                        os.kill(child, signal.SIGKILL)
                        results[index] = "timeout"
                time.sleep(0.02)
                continue
            index, slot, _ = running.pop(pid)
            free.append(slot)
            if not results[index]:
                results[index] = self._status(os.waitstatus_to_exitcode(status), slot, record)
        return results

    def _start(self, slot: Path, version: Version, record: bool) -> int:
        pid = os.fork()
        if pid:
            return pid
        code = 99
        try:
            # Bytecode is cached (pytest's rewritten tests too, PYTHONDONTWRITEBYTECODE or
            # not) except the row's modules': versions of the same size written within a
            # second would pass for one another. The slot's last child may have mutated
            # another of them: each is written as this version has it.
            sys.dont_write_bytecode = False
            written = dict(self.sources)
            if version is not None:
                written[version[0]] = version[1]
            for file, source in written.items():
                path = slot / "commdash" / file
                Path(importlib.util.cache_from_source(str(path))).unlink(missing_ok=True)
                path.write_text(source, "utf-8")
            sys.path.insert(0, str(slot))
            # A process a test starts (a second commdash) imports this version too.
            os.environ["PYTHONPATH"] = os.pathsep.join(
                [str(slot), *filter(None, [os.environ.get("PYTHONPATH")])]
            )
            os.chdir(ROOT)
            quiet = os.open(os.devnull, os.O_WRONLY)
            os.dup2(quiet, 1)
            os.dup2(quiet, 2)
            timing = _Timing(self.durations)
            code = int(self.pytest_main([*PYTEST, *self.tests], plugins=[timing]))
            if record:
                (slot / "durations.json").write_text(json.dumps(timing.durations))
        finally:
            os._exit(code)

    def _status(self, code: int, slot: Path, record: bool) -> str:
        # A usage error or no test on the unmutated module is the run's fault; on a mutant,
        # it is the mutant breaking a conftest's import: caught.
        if code == 99 or (record and code in (4, 5)):
            raise RunFailed(f"pytest could not run {self.tests} (exit status {code})")
        if record and code == 0:
            self.durations = json.loads((slot / "durations.json").read_text())
        return "survived" if code == 0 else "killed"


class _Timing:
    """A pytest plugin: runs the tests fastest first, and notes how long each took."""

    def __init__(self, known: dict[str, float]) -> None:
        self.known = known
        self.durations: dict[str, float] = {}

    def pytest_collection_modifyitems(self, items: list[Any]) -> None:
        items.sort(key=lambda item: self.known.get(item.nodeid, 0.0))

    def pytest_runtest_logreport(self, report: Any) -> None:
        self.durations[report.nodeid] = self.durations.get(report.nodeid, 0.0) + report.duration


# Report ---------------------------------------------------------------------------------------


def score(outcomes: list[Outcome]) -> float:
    counts = Counter(outcome.status for outcome in outcomes)
    caught = counts["killed"] + counts["timeout"]
    judged = caught + counts["survived"]
    return 100.0 * caught / judged if judged else 100.0


def cpu_seconds() -> float:
    """CPU time (user and system) of this process and of every process it has waited for:
    mutmut, the mutant runs it forks, the forked line-mutant runs and any process a test
    starts. Unlike the wall time, it does not grow when others use the cores too."""
    return sum(
        usage.ru_utime + usage.ru_stime
        for usage in map(resource.getrusage, (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
    )


@dataclass(frozen=True, slots=True)
class Spent:
    """The time a row took."""

    wall: float
    cpu: float


def report(
    by_module: dict[str, list[Outcome]], spent: dict[str, Spent], stale: list[Equivalent]
) -> Iterator[str]:
    yield (
        f"{'module':<10}{'killed':>8}{'survived':>10}{'equivalent':>12}{'timeout':>9}"
        f"{'score':>9}{'needs':>7}{'wall s':>8}{'CPU s':>7}"
    )
    for module, outcomes in by_module.items():
        counts = Counter(outcome.status for outcome in outcomes)
        yield (
            f"{module:<10}{counts['killed']:>8}{counts['survived']:>10}"
            f"{counts['equivalent']:>12}{counts['timeout']:>9}"
            f"{score(outcomes):>8.1f}%{TARGETS[module].threshold:>6.0f}%"
            f"{spent[module].wall:>8.0f}{spent[module].cpu:>7.0f}"
        )
    survivors = [o for outcomes in by_module.values() for o in outcomes if o.status == "survived"]
    yield ""
    yield f"survivors: {len(survivors)}"
    for outcome in survivors:
        yield f"{outcome.module}  {outcome.where}  ({outcome.name})"
        yield f"  - {outcome.was}"
        yield f"  + {outcome.now}"
    for entry in stale:
        yield f"stale equivalent (matches no mutant): {entry.module} {entry.where}"
        yield f"  - {entry.was}"
        yield f"  + {entry.now}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--modules", default=",".join(TARGETS), help="rows, comma-separated")
    parser.add_argument("--jobs", type=int, default=2, help="mutants run at once (default 2)")
    args = parser.parse_args(argv)
    modules = [name.strip() for name in args.modules.split(",") if name.strip()]
    unknown = sorted(set(modules) - set(TARGETS))
    if unknown:
        parser.error(f"unknown module {unknown[0]!r}; choose from {', '.join(TARGETS)}")

    started, cpu_started = time.monotonic(), cpu_seconds()
    by_module: dict[str, list[Outcome]] = {}
    spent: dict[str, Spent] = {}
    try:
        equivalents = load_equivalents()
        for module in modules:
            row_started, row_cpu = time.monotonic(), cpu_seconds()
            target = TARGETS[module]
            tests = tests_importing(target.modules)
            print(f"{module}: {len(tests)} test files", file=sys.stderr, flush=True)
            phase = time.monotonic()
            outcomes = run_mutmut(module, target, tests, args.jobs, equivalents)
            print(
                f"{module}: {len(outcomes)} function-body mutants in "
                f"{time.monotonic() - phase:.0f} s",
                file=sys.stderr,
                flush=True,
            )
            phase = time.monotonic()
            lines = run_line_mutants(module, target, tests, args.jobs, equivalents)
            print(
                f"{module}: {len(lines)} constant mutants in {time.monotonic() - phase:.0f} s",
                file=sys.stderr,
                flush=True,
            )
            by_module[module] = outcomes + lines
            spent[module] = Spent(time.monotonic() - row_started, cpu_seconds() - row_cpu)
    except RunFailed as failure:
        print(f"mutation run failed: {failure}", file=sys.stderr)
        return 2
    matched = {
        Equivalent.of(o)
        for outcomes in by_module.values()
        for o in outcomes
        if o.status == "equivalent"
    }
    stale = sorted(
        (e for e in equivalents if e.module in by_module and e not in matched),
        key=lambda e: (e.module, e.where),
    )
    for line in report(by_module, spent, stale):
        print(line)
    wall, cpu = time.monotonic() - started, cpu_seconds() - cpu_started
    print(
        f"\nwall time {wall:.0f} s with {args.jobs} jobs; CPU time {cpu:.0f} s "
        f"(about {cpu / args.jobs:.0f} s of wall time on {args.jobs} cores no one else uses)"
    )
    below = [m for m, outcomes in by_module.items() if score(outcomes) < TARGETS[m].threshold]
    return 1 if below else 0


if __name__ == "__main__":
    sys.exit(main())
