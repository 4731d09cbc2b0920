"""Rules of the config: what to do to each conversation matching a query when it first appears.

```toml
[[rules]]
name = "refunds"
when = "refund -is:done"       # the filter language (commdash.query)
then = { tag = ["refund"], assign = "ana", note = "Check the order first" }
# then also takes done = true, or snooze = "2h" (a whole number of s, m, h, d or w)
```

A rule acts once on each conversation: the first time commdash sees the conversation with
that rule in the config (:mod:`commdash.rule_runner`). A rule whose ``when`` does not parse,
or whose ``then`` is wrong, is left out with a note (``commdash config --check`` lists them).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from commdash import triage
from commdash.query import UNITS, And, Node, Not, Or, QueryError, Term, parse
from commdash.text import one_line, sanitize
from commdash.triage import RuleMark, TriageState

ACTIONS = ("tag", "assign", "done", "snooze", "note")
"""What ``then`` takes."""
_DURATION = re.compile(r"\s*(\d{1,6})\s*([a-zA-Z]+)\s*")
_IS_MARKED = re.compile(r"(?<![\w:])is:marked\b", re.IGNORECASE)


class RuleProblem(ValueError):
    """A rule of the config that is left out; the message names the file, rule and key."""


@dataclass(frozen=True, slots=True)
class RuleThen:
    """What a rule does to each conversation it matches."""

    tags: tuple[str, ...] = ()
    assign: str | None = None
    done: bool = False
    snooze_seconds: float | None = None
    note: str = ""

    def summary(self) -> str:
        """In brief, as the thread shows it: ``#refund @ana done``."""
        parts = [f"#{tag}" for tag in self.tags]
        if self.assign is not None:
            parts.append(f"@{self.assign}")
        if self.done:
            parts.append("done")
        if self.snooze_seconds is not None:
            parts.append(f"snoozed {_written(self.snooze_seconds)}")
        if self.note:
            parts.append("a note")
        return " ".join(parts)


@dataclass(frozen=True, slots=True)
class Rule:
    name: str
    when: str
    then: RuleThen = field(default_factory=RuleThen)

    @property
    def action(self) -> str:
        """The journal's action for what the rule did."""
        return f"rule:{self.name}"

    def transition(
        self, now: float, latest_member_at: float | None, note_id: str
    ) -> Callable[[TriageState], TriageState]:
        """What the rule does to one conversation's state, as a transition (applied to the
        state on disk), its mark included; nothing where the state has the rule's mark
        already (each manager's commdash considers the conversations new to it: the first
        to act is the only one)."""
        then = self.then
        note = triage.new_note(note_id, f"rule {self.name}", now, then.note) if then.note else None
        mark = RuleMark(self.name, now, then.summary())

        def act(state: TriageState) -> TriageState:
            if any(done.rule == self.name for done in state.rules):
                return state  # another commdash of the team acted on it already
            if then.tags:
                state = triage.edit_tags(state, list(then.tags), [])
            if then.assign is not None:
                state = triage.assign(state, then.assign)
            if then.done:
                state = triage.mark_done(state, now, latest_member_at)
            if then.snooze_seconds is not None:
                state = triage.snooze(state, now + then.snooze_seconds)
            if note is not None:
                state = triage.add_note(state, note)
            return triage.add_rule_mark(state, mark)

        return act


@dataclass(frozen=True, slots=True)
class RuleSet:
    """``[[rules]]`` of the config, checked."""

    rules: tuple[Rule, ...] = ()
    problems: tuple[str, ...] = ()
    """One line for each rule left out (naming the file, the rule and the key)."""


MAX_RULES = 50
"""Rules run under the state directory's lock, each writing its record when conversations
are new to it (at open, and on a sync that brings some): 50 keep a colleague's key waiting a
few seconds at most."""


def read_rules(path: Path, data: dict[str, Any]) -> RuleSet:
    table = data.get("rules", [])
    if not isinstance(table, list):
        where = f"{path}: rules"
        return RuleSet((), (f"{where}: expected [[rules]] sections (name, when, then); left out",))
    rules: list[Rule] = []
    problems: list[str] = []
    for number, raw in enumerate(table, start=1):
        try:
            rule = _rule(raw, f"{path}: rules #{number}")
        except RuleProblem as problem:
            problems += str(problem).splitlines()
            continue
        if any(kept.name == rule.name for kept in rules):
            problems.append(f"{path}: rule {rule.name!r}: a rule has that name already; left out")
            continue
        if len(rules) == MAX_RULES:
            problems.append(
                f"{path}: rule {rule.name!r}: more than {MAX_RULES} rules; this and the rest "
                "are left out"
            )
            break
        rules.append(rule)
    return RuleSet(tuple(rules), tuple(problems))


def _rule(raw: object, where: str) -> Rule:
    """The rule; RuleProblem with a line for each of its mistakes (the query and the
    actions are checked both)."""
    if not isinstance(raw, dict):
        raise RuleProblem(f"{where}: expected a table with name, when and then; left out")
    name = raw.get("name")
    if not isinstance(name, str) or not one_line(name, 40).strip():
        raise RuleProblem(f"{where}: name: expected a name; left out")
    name = one_line(name, 40).strip()
    where = f"{where.split(': ', 1)[0]}: rule {name!r}"
    problems: list[str] = []
    unknown = sorted(set(raw) - {"name", "when", "then"})
    if unknown:
        problems.append(f"{where}: {one_line(unknown[0], 40)}: unknown setting; left out")
    when = raw.get("when")
    try:
        _check_when(when, where)
    except RuleProblem as problem:
        problems.append(str(problem))
    then: RuleThen | None = None
    try:
        then = _then(raw.get("then"), where)
    except RuleProblem as problem:
        problems.append(str(problem))
    if problems or then is None or not isinstance(when, str):
        raise RuleProblem("\n".join(problems))
    return Rule(name, when, then)


def _check_when(when: object, where: str) -> None:
    if not isinstance(when, str) or not when.strip():
        raise RuleProblem(f"{where}: when: expected a query (the filter language); left out")
    try:
        node = parse(when)
    except QueryError as error:
        raise RuleProblem(f"{where}: when: {error.described(when)}; left out") from None
    if node is not None and _mentions_marked(node):
        written = _IS_MARKED.search(when)
        at = 1 if written is None else written.start() + 1
        raise RuleProblem(
            f"{where}: when: is:marked at {at}: marks are the manager's on the screen, "
            "not something a rule can see; left out"
        )


def _mentions_marked(node: Node) -> bool:
    if isinstance(node, Term):
        return node.key == "is" and node.value == "marked"
    if isinstance(node, Not):
        return _mentions_marked(node.node)
    if isinstance(node, And | Or):
        return any(_mentions_marked(inner) for inner in node.nodes)
    return False


def _then(raw: object, where: str) -> RuleThen:
    where = f"{where}: then"
    if not isinstance(raw, dict) or not raw:
        raise RuleProblem(f"{where}: expected a table with any of {', '.join(ACTIONS)}; left out")
    unknown = sorted(set(raw) - set(ACTIONS))
    if unknown:
        raise RuleProblem(
            f"{where}.{one_line(unknown[0], 40)}: unknown action "
            f"(a rule can {', '.join(ACTIONS)}); left out"
        )
    problems: list[str] = []  # every mistake of the table, each on its line
    tags = raw.get("tag", [])
    if isinstance(tags, str):
        tags = [tags]
    if not isinstance(tags, list) or not all(isinstance(tag, str) for tag in tags):
        problems.append(f"{where}.tag: expected a tag or a list of tags; left out")
    assign = raw.get("assign")
    if assign is not None and (not isinstance(assign, str) or not assign.strip()):
        problems.append(f"{where}.assign: expected a name; left out")
    done = raw.get("done", False)
    if not isinstance(done, bool):
        problems.append(f"{where}.done: expected true or false; left out")
    snooze = raw.get("snooze")
    seconds = None
    try:
        seconds = None if snooze is None else _duration(snooze, f"{where}.snooze")
    except RuleProblem as problem:
        problems.append(str(problem))
    if done is True and seconds is not None:
        problems.append(f"{where}: done and snooze: a rule does one or the other; left out")
    note = raw.get("note", "")
    if not isinstance(note, str):
        problems.append(f"{where}.note: expected text; left out")
    if problems:
        raise RuleProblem("\n".join(problems))
    assert isinstance(tags, list) and isinstance(done, bool) and isinstance(note, str)
    assert assign is None or isinstance(assign, str)
    return RuleThen(
        tags=triage.normalise_tags([sanitize(tag) for tag in tags]),
        assign=None if assign is None else " ".join(sanitize(assign).split())[:60],
        done=done,
        snooze_seconds=seconds,
        note=sanitize(note).strip()[: triage.NOTE_LIMIT],
    )


def _duration(value: object, where: str) -> float:
    """``2h``, ``30m``, ``1d``: a whole number of a unit of the filter language's."""
    found = _DURATION.fullmatch(value) if isinstance(value, str) else None
    unit = None if found is None else UNITS.get(found.group(2).casefold())
    if found is None or unit is None or int(found.group(1)) == 0:
        units = ", ".join(UNITS)
        raise RuleProblem(
            f'{where}: expected a duration like "2h" (a whole number and {units}); left out'
        )
    return int(found.group(1)) * unit


def _written(seconds: float) -> str:
    """A duration as the config writes it (the largest unit that divides it)."""
    for name, unit in sorted(UNITS.items(), key=lambda item: -item[1]):
        if seconds % unit == 0:
            return f"{int(seconds // unit)}{name}"
    return f"{seconds:g}s"
