"""Rules acting: each rule, once on each conversation, when commdash first sees it.

When the TUI opens a source, and when a sync brings a new snapshot, :meth:`RuleRunner.run`
takes, under the state directory's lock, the conversations each rule has not considered yet
(:class:`~commdash.store.rules.RuleRecord`), records them as considered, then applies the
rule to those its query matches through the triager's bulk path: one write per shard, the
entries journalled as the rule's action (``rule:NAME``) in one batch, which ``u`` undoes in
one step. A conversation is considered once whether it matched or not, and never again:
not after an undo, not when it changes so that it would match. Two commdash opening the
same state at once take the lock in turn: the second finds everything considered.

The record is written before the states: a crash between them loses that rule's action on
those conversations, rather than doing it twice.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from commdash.actions import Triager
from commdash.inbox import Inbox
from commdash.query import Context, compile_query, manager_names, parse
from commdash.rules import Rule
from commdash.store.rules import RuleRecord, digest
from commdash.store.triage import Transition


@dataclass(frozen=True, slots=True)
class RuleRun:
    """What one rule did in one run."""

    rule: Rule
    considered: int
    """Conversations it saw for the first time."""
    changed: int
    """Those it matched and changed."""


class RuleRunner:
    """The config's rules, acting on a triager's source."""

    def __init__(self, rules: Sequence[Rule]) -> None:
        self.rules = tuple(rules)
        self._records: dict[Path, RuleRecord] = {}

    def run(self, triager: Triager) -> list[RuleRun]:
        """Let each rule act on the conversations it has not considered yet; the runs of the
        rules that changed something."""
        if not self.rules:
            return []
        store = triager.store
        record = self._records.setdefault(store.directory, RuleRecord(store.directory))
        runs: list[RuleRun] = []
        with store.locked():
            triager.sync_from_disk()  # a colleague's rule or action, just before, counts
            every = triager.inbox.conversation_ids("all")
            names = [rule.name for rule in self.rules]
            listed = digest(every)
            if record.all_considered(names, listed):
                return []  # the usual later load: the same conversations as last time
            present = set(every)
            for rule in self.rules:
                seen = record.considered(rule.name)
                if seen.issuperset(present):
                    continue  # the usual case after the first load: set operations, in C
                new = [cid for cid in every if cid not in seen]
                record.add(rule.name, new)
                transitions = _transitions(triager, rule, matching(triager.inbox, rule, new))
                changed = len(triager.bulk_each(transitions, rule.action)) if transitions else 0
                if changed:
                    runs.append(RuleRun(rule, len(new), changed))
            record.remember_all(names, listed)
        return runs


def matching(inbox: Inbox, rule: Rule, cids: Sequence[str]) -> list[str]:
    """The conversations of ``cids`` that ``rule``'s query matches now."""
    node = parse(rule.when)
    if node is None:
        return list(cids)
    context = Context(inbox, lambda: False, manager_names(inbox.manager), frozenset())
    matches = compile_query(node, context)
    return [cid for cid in cids if matches(cid)]


def _transitions(triager: Triager, rule: Rule, cids: list[str]) -> dict[str, Transition]:
    now, inbox = triager.clock.now(), triager.inbox
    return {
        cid: rule.transition(now, inbox.facts(cid).latest_member_at, uuid.uuid4().hex)
        for cid in cids
    }


def would_do(inbox: Inbox, record: RuleRecord, rule: Rule) -> tuple[list[str], int]:
    """What ``rule`` would act on if the TUI opened now: the conversations it has not
    considered yet that its query matches (in the order of the "all" view), and how many it
    has considered already. What ``commdash rules --dry-run`` shows."""
    seen = record.considered(rule.name)
    every = inbox.conversation_ids("all")
    new = [cid for cid in every if cid not in seen]
    return matching(inbox, rule, new), len(every) - len(new)
