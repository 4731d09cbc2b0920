"""Rules of the config: parsed with their mistakes placed, acting once on each conversation
(across reloads, syncs and processes), journalled as the rule's action and undone in one step."""

from __future__ import annotations

import multiprocessing
from pathlib import Path
from typing import Any

import pytest
from _builders import HOUR, NOW, conv, msg, post, snapshot

from commdash.actions import Triager
from commdash.config import check_config, load_config
from commdash.inbox import Inbox
from commdash.model import Conversation
from commdash.rule_runner import RuleRunner, would_do
from commdash.rules import Rule, RuleThen, read_rules
from commdash.store import Store
from commdash.store.rules import RuleRecord
from commdash.timeutil import Clock

REFUNDS = Rule("refunds", "refund", RuleThen(tags=("refund",), assign="ana"))


def conversations(count: int = 4) -> list[Conversation]:
    """c0 … c(count-1); the even ones ask for a refund."""
    texts = ["refund please", "hi"]
    return [conv(msg(f"c{i}", NOW - HOUR - i, text=texts[i % 2])) for i in range(count)]


def open_triager(directory: Path, chats: list[Conversation], manager: str = "kari@desk") -> Triager:
    clock = Clock(NOW)
    store = Store(directory, manager=manager)
    data = snapshot([post("p1")], chats)
    return Triager(Inbox(data, store.states(), store.replies(), clock, HOUR), store, clock)


def rules_of(tmp_path: Path, text: str) -> tuple[tuple[Rule, ...], tuple[str, ...]]:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    config = load_config(path)
    return config.rules.rules, config.rules.problems


# Parsing ------------------------------------------------------------------------------------


def test_a_rule_is_read_with_every_action(tmp_path: Path) -> None:
    rules, problems = rules_of(
        tmp_path,
        '[[rules]]\nname = "late"\nwhen = "tag:order age:>2h"\n'
        'then = { tag = "Late Order", assign = "ana", snooze = "2h", note = "chase it" }\n'
        '[[rules]]\nname = "thanks"\nwhen = "thanks"\nthen = { done = true, tag = ["a", "b"] }\n',
    )
    assert problems == ()
    late, thanks = rules
    assert late.then == RuleThen(("late-order",), "ana", False, 2 * HOUR, "chase it")
    assert late.then.summary() == "#late-order @ana snoozed 2h a note"
    assert thanks.then.summary() == "#a #b done"
    assert late.action == "rule:late"


@pytest.mark.parametrize(
    ("rule", "said"),
    [
        (
            'when = "age:>2x"\nthen = { done = true }',
            "rule 'r': when: age:>2x: unknown unit (s, m, h, d, w) at 7 ('x'); left out",
        ),
        (
            'when = "(refund"\nthen = { done = true }',
            "rule 'r': when: unclosed ( at 1 ('('); left out",
        ),
        (
            'when = "marked -IS:Marked"\nthen = { done = true }',
            "rule 'r': when: is:marked at 9: marks are the manager's on the screen",
        ),
        ('when = "x"\nthen = { colour = "red" }', "rule 'r': then.colour: unknown action"),
        ('when = "x"\nthen = { snooze = "2 fortnights" }', "then.snooze: expected a duration"),
        ('when = "x"\nthen = { snooze = "1h", done = true }', "done and snooze"),
        ('when = "x"\nthen = { done = "yes" }', "then.done: expected true or false"),
        ('when = "x"', "then: expected a table"),
        ("then = { done = true }", "when: expected a query"),
    ],
)
def test_a_wrong_rule_is_left_out_saying_where(tmp_path: Path, rule: str, said: str) -> None:
    rules, problems = rules_of(tmp_path, f'[[rules]]\nname = "r"\n{rule}\n')
    assert rules == ()
    assert len(problems) == 1 and said in problems[0]
    assert problems[0].startswith(f"{tmp_path / 'config.toml'}: ")


def test_config_check_lists_both_the_query_and_the_actions_of_a_rule(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('[[rules]]\nname = "r"\nwhen = "age:>2x"\nthen = { hue = 1 }\n')
    mistakes = check_config(path)
    assert len(mistakes) == 2
    assert "when: age:>2x: unknown unit" in mistakes[0]
    assert "then.hue: unknown action" in mistakes[1]


def test_two_rules_of_one_name_keep_the_first() -> None:
    data: dict[str, Any] = {
        "rules": [
            {"name": "r", "when": "a", "then": {"done": True}},
            {"name": "r", "when": "b", "then": {"done": True}},
        ]
    }
    found = read_rules(Path("c.toml"), data)
    assert [rule.when for rule in found.rules] == ["a"]
    assert "a rule has that name already" in found.problems[0]


# Acting once --------------------------------------------------------------------------------


def test_a_rule_acts_on_what_it_matches_and_records_every_conversation(tmp_path: Path) -> None:
    triager = open_triager(tmp_path / "s", conversations())
    runs = RuleRunner([REFUNDS]).run(triager)
    assert [(run.considered, run.changed) for run in runs] == [(4, 2)]
    assert triager.inbox.state("c0").tags == ("refund",)
    assert triager.inbox.state("c0").assignee == "ana"
    assert triager.inbox.state("c1").tags == ()
    on_disk = Store(tmp_path / "s").states()
    assert set(on_disk) == {"c0", "c2"}
    assert [(m.rule, m.did) for m in on_disk["c0"].rules] == [("refunds", "#refund @ana")]
    assert RuleRecord(tmp_path / "s").considered("refunds") == {"c0", "c1", "c2", "c3"}


def test_a_rule_never_acts_again_after_undo_nor_on_reload(tmp_path: Path) -> None:
    triager = open_triager(tmp_path / "s", conversations())
    RuleRunner([REFUNDS]).run(triager)
    undone = triager.undo()
    assert undone is not None and undone.restored
    assert undone.entry.action == "rule:refunds" and undone.count == 2
    assert Store(tmp_path / "s").states() == {}  # its marks went too
    assert RuleRunner([REFUNDS]).run(triager) == []
    reopened = open_triager(tmp_path / "s", conversations())
    assert RuleRunner([REFUNDS]).run(reopened) == []
    assert reopened.inbox.state("c0").tags == ()


def test_a_conversation_changed_to_match_is_not_acted_on(tmp_path: Path) -> None:
    triager = open_triager(tmp_path / "s", conversations())
    runner = RuleRunner([Rule("ana's", "tag:vip", RuleThen(assign="ana"))])
    assert runner.run(triager) == []
    triager.set_tags("c1", "vip", ())
    assert runner.run(triager) == []
    assert triager.inbox.state("c1").assignee is None


def test_a_sync_brings_a_conversation_the_rule_acts_on_alone(tmp_path: Path) -> None:
    triager = open_triager(tmp_path / "s", conversations())
    runner = RuleRunner([REFUNDS])
    runner.run(triager)
    triager.set_tags("c0", "", ("refund",))  # the manager took the tag off
    newer = [*conversations(), conv(msg("c9", NOW - 60, text="a refund?"))]
    triager.replace_snapshot(snapshot([post("p1")], newer), triager.store)
    runs = runner.run(triager)
    assert [(run.considered, run.changed) for run in runs] == [(1, 1)]
    assert triager.inbox.state("c9").tags == ("refund",)
    assert triager.inbox.state("c0").tags == ()
    undone = triager.undo()  # one conversation: a plain entry, undone like any action
    assert undone is not None and undone.entry.conversation_id == "c9"
    assert triager.inbox.state("c9").tags == ()


def test_a_new_rule_considers_the_conversations_already_there(tmp_path: Path) -> None:
    triager = open_triager(tmp_path / "s", conversations())
    RuleRunner([REFUNDS]).run(triager)
    hello = Rule("hello", "hi", RuleThen(tags=("hello",)))
    runs = RuleRunner([REFUNDS, hello]).run(triager)
    assert [(run.rule.name, run.changed) for run in runs] == [("hello", 2)]


def test_two_stores_on_one_directory_apply_a_rule_once(tmp_path: Path) -> None:
    first = open_triager(tmp_path / "s", conversations(), "kari@desk")
    second = open_triager(tmp_path / "s", conversations(), "ola@desk")
    assert len(RuleRunner([REFUNDS]).run(first)) == 1
    assert RuleRunner([REFUNDS]).run(second) == []
    assert second.inbox.state("c0").tags == ("refund",)  # it read the first one's work
    note_rule = Rule("noted", "refund", RuleThen(note="check the order"))
    assert len(RuleRunner([note_rule]).run(second)) == 1
    assert RuleRunner([note_rule]).run(first) == []
    assert len(Store(tmp_path / "s").states()["c0"].notes) == 1


def test_note_snooze_and_done_actions(tmp_path: Path) -> None:
    triager = open_triager(tmp_path / "s", conversations())
    RuleRunner(
        [
            Rule("noted", "refund", RuleThen(note="check the order")),
            Rule("later", "hi", RuleThen(snooze_seconds=2 * HOUR)),
            Rule("closed", "refund", RuleThen(done=True)),
        ]
    ).run(triager)
    state = triager.inbox.state("c0")
    (note,) = state.notes
    assert (note.author, note.text, note.at) == ("rule noted", "check the order", NOW)
    assert triager.inbox.status("c0") == "done"
    assert state.done_through == NOW - HOUR  # its member message counts as seen
    assert triager.inbox.status("c1") == "snoozed"
    assert triager.inbox.state("c1").snoozed_until == NOW + 2 * HOUR
    assert [mark.rule for mark in state.rules] == ["noted", "closed"]
    assert triager.inbox.has_note("c0")


def test_rules_undo_one_at_a_time_latest_first(tmp_path: Path) -> None:
    triager = open_triager(tmp_path / "s", conversations())
    RuleRunner([REFUNDS, Rule("closed", "refund", RuleThen(done=True))]).run(triager)
    undone = triager.undo()
    assert undone is not None and undone.entry.action == "rule:closed"
    assert triager.inbox.status("c0") == "open"
    assert triager.inbox.state("c0").tags == ("refund",)
    assert [mark.rule for mark in triager.inbox.state("c0").rules] == ["refunds"]


def test_dry_run_counts_only_what_the_rule_has_not_considered(tmp_path: Path) -> None:
    triager = open_triager(tmp_path / "s", conversations())
    record = RuleRecord(tmp_path / "s")
    assert would_do(triager.inbox, record, REFUNDS) == (["c0", "c2"], 0)
    assert Store(tmp_path / "s").states() == {}  # nothing acted
    RuleRunner([REFUNDS]).run(triager)
    assert would_do(triager.inbox, RuleRecord(tmp_path / "s"), REFUNDS) == ([], 4)


def test_a_damaged_record_is_a_state_error_naming_it(tmp_path: Path) -> None:
    from commdash.errors import StateError

    record = RuleRecord(tmp_path)
    record.path("r").parent.mkdir()
    record.path("r").write_text("[1, 2")
    with pytest.raises(StateError, match=r"rules/.*\.json: not a rule.s record"):
        record.considered("r")


@pytest.mark.parametrize("damage", ["rules-is-a-file", "record-link-loops"])
def test_a_record_that_cannot_be_looked_at_is_a_state_error_naming_it(
    tmp_path: Path, damage: str
) -> None:
    from commdash.errors import StateError

    record = RuleRecord(tmp_path)
    path = record.path("r")
    if damage == "rules-is-a-file":
        path.parent.write_text("x")
    else:
        path.parent.mkdir()
        path.symlink_to(path.name)
    with pytest.raises(StateError, match=r"rules/.*\.json: cannot read: "):
        record.considered("r")


def test_a_record_moved_aside_makes_the_rule_consider_everything_again_at_once(
    tmp_path: Path,
) -> None:
    runner = RuleRunner([REFUNDS])
    triager = open_triager(tmp_path / "s", conversations())
    assert [(run.considered, run.changed) for run in runner.run(triager)] == [(4, 2)]
    assert triager.undo() is not None
    record = RuleRecord(tmp_path / "s").path("refunds")
    record.rename(tmp_path / "aside.json")  # as the error for a damaged record says to
    again = RuleRunner([REFUNDS]).run(open_triager(tmp_path / "s", conversations()))
    assert [(run.considered, run.changed) for run in again] == [(4, 2)]
    assert record.is_file()


def _open_and_run(directory: str, manager: str, start: Any) -> int:
    """In another process: open the source with a rule that adds a note, once ``start``
    lets every process go at once; how many conversations this one changed."""
    triager = open_triager(Path(directory), conversations(40), manager)
    start.wait()
    runs = RuleRunner([Rule("noted", "refund", RuleThen(note="check"))]).run(triager)
    return sum(run.changed for run in runs)


def test_two_processes_opening_at_once_apply_a_rule_once(tmp_path: Path) -> None:
    context = multiprocessing.get_context("spawn")
    with context.Manager() as manager:
        start = manager.Barrier(2)
        with context.Pool(2) as pool:
            directory = str(tmp_path / "s")
            both = [(directory, "kari@desk", start), (directory, "ola@desk", start)]
            changed = pool.starmap(_open_and_run, both)
    assert sorted(changed) == [0, 20]
    states = Store(tmp_path / "s").states()
    assert len(states) == 20
    assert all(len(state.notes) == 1 for state in states.values())


def test_rules_past_the_fiftieth_are_left_out_saying_so(tmp_path: Path) -> None:
    many = "".join(
        f'[[rules]]\nname = "r{n}"\nwhen = "refund"\nthen = {{ tag = "x" }}\n' for n in range(52)
    )
    rules, problems = rules_of(tmp_path, many)
    assert [rule.name for rule in rules] == [f"r{n}" for n in range(50)]
    assert problems == (
        f"{tmp_path / 'config.toml'}: rule 'r50': more than 50 rules; this and the rest are "
        "left out",
    )


def test_every_mistake_of_a_then_table_is_a_line_of_its_own(tmp_path: Path) -> None:
    text = '[[rules]]\nname = "r"\nwhen = "refund"\n'
    text += 'then = { snooze = 3600, assign = 5, done = "yes" }\n'
    rules, problems = rules_of(tmp_path, text)
    where = f"{tmp_path / 'config.toml'}: rule 'r': then"
    assert rules == ()
    assert problems == (
        f"{where}.assign: expected a name; left out",
        f"{where}.done: expected true or false; left out",
        f'{where}.snooze: expected a duration like "2h" (a whole number and s, m, h, d, w); '
        "left out",
    )


def test_a_rule_never_acts_twice_on_a_conversation_from_two_machines(tmp_path: Path) -> None:
    """Each machine keeps its own record of what a rule considered (a team database shares
    the states, not the records): the second to come finds the rule's mark and does
    nothing, even where a manager changed what the rule did in between."""
    rule = Rule("welcome", "refund", RuleThen(tags=("refund",), assign="ana", note="Be kind"))
    chats = conversations(2)
    kari = open_triager(tmp_path / "kari", chats)
    RuleRunner([rule]).run(kari)
    kari.assign("c0", "bo")  # a manager takes it over
    shared = kari.store.state("c0")
    assert rule.transition(NOW + 60, None, "another-note")(shared) == shared
    assert shared.assignee == "bo" and len(shared.notes) == 1
