"""Checking a ``[keys]`` table: keys named as Textual names them, and every entry that names
no binding, no key, or binds a key twice left out with one line saying why."""

from __future__ import annotations

import subprocess
import sys
import tomllib

import pytest

from commdash.keymap import binding_ids, check_keymap, normal_key


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("d", "d"),
        (" D ", "D"),
        ("?", "question_mark"),
        ("question_mark", "question_mark"),
        ("$", "dollar_sign"),
        ("/", "slash"),
        ("-", "minus"),
        ("+", "plus"),
        ("comma", "comma"),
        ("Enter", "enter"),
        ("F5", "f5"),
        ("Ctrl+D", "ctrl+d"),
        ("shift+ctrl+up", "ctrl+shift+up"),
        ("ctrl+?", "ctrl+question_mark"),
        ("é", "é"),
        ("ctlr+d", None),
        ("ctrl+ctrl+d", None),
        ("enterr", None),
        ("ctrl+", None),
        ("", None),
        ("\x1b", None),
        ("ctrl+\x07", None),
    ],
)
def test_keys_are_named_as_textual_names_them(text: str, key: str | None) -> None:
    assert normal_key(text) == key


def test_a_good_keymap_is_kept_normalised() -> None:
    checked = check_keymap(
        {"triage.done": "d", "app.help": "F1, ?", "list.down": "j,down,n,n", "inbox.sync": "$"}
    )
    assert checked.problems == []
    assert checked.keymap == {
        "triage.done": "d",
        "app.help": "f1,question_mark",
        "list.down": "j,down,n",
        "inbox.sync": "dollar_sign",
    }


def test_ids_may_be_written_as_toml_dotted_keys() -> None:
    table = tomllib.loads('triage.done = "d"\nlist = { down = "n" }\n"view.all" = "0"\n')
    assert check_keymap(table).keymap == {"triage.done": "d", "list.down": "n", "view.all": "0"}


def test_keys_may_be_swapped() -> None:
    table = {"triage.done": "s", "triage.snooze": "e"}
    assert check_keymap(table).keymap == table
    assert check_keymap(table).problems == []


@pytest.mark.parametrize(
    ("table", "problem"),
    [
        ({"triage.dnoe": "d"}, 'keys."triage.dnoe": no binding has this id (did you mean '),
        ({"zzz": "d"}, 'keys."zzz": no binding has this id (README, Configuration, lists'),
        ({"triage.done": 4}, 'keys."triage.done": expected keys as a string'),
        ({"triage.done": ""}, 'keys."triage.done": expected keys as a string'),
        ({"triage.done": "d,"}, 'keys."triage.done": "" is not a key'),
        ({"triage.done": "ctlr+d"}, 'keys."triage.done": "ctlr+d" is not a key'),
    ],
)
def test_an_entry_naming_no_binding_or_no_key_is_left_out(
    table: dict[str, object], problem: str
) -> None:
    checked = check_keymap({**table, "triage.tag": "T"})
    assert checked.keymap == {"triage.tag": "T"}
    [line] = checked.problems
    assert line.startswith(problem)
    assert line.endswith("; ignored")


@pytest.mark.parametrize(
    ("table", "problem", "kept"),
    [
        # A key another binding has there: it would never reach one of them.
        (
            {"triage.done": "s"},
            'keys."triage.done": "s" is bound twice, to triage.done and triage.snooze; ignored',
            {},
        ),
        (
            {"triage.done": "d,q"},
            'keys."triage.done": "q" is bound twice, to app.quit and triage.done; ignored',
            {},
        ),
        # The lists' j would shadow the inbox's: from a list, the key would not filter.
        (
            {"inbox.filter": "j"},
            'keys."inbox.filter": "j" is bound twice, to inbox.filter, list.down and '
            "thread.next; ignored",
            {},
        ),
        # Two entries on one key: both left out.
        (
            {"triage.done": "d", "triage.tag": "d", "triage.undo": "z"},
            'keys: "d" is bound twice, to triage.done and triage.tag; both ignored',
            {"triage.undo": "z"},
        ),
        # Textual's own keys: ctrl+q quits before any other binding is asked ...
        (
            {"triage.done": "ctrl+q"},
            'keys."triage.done": "ctrl+q" is bound twice, to Textual\'s own key in every '
            "screen and triage.done; ignored",
            {},
        ),
        # ... and in a list, left scrolls before the inbox is asked.
        (
            {"triage.done": "left"},
            'keys."triage.done": "left" is bound twice, to Textual\'s own key in the post '
            "and conversation lists, Textual's own key in the thread and triage.done; ignored",
            {},
        ),
    ],
)
def test_a_key_bound_twice_is_left_out(
    table: dict[str, object], problem: str, kept: dict[str, str]
) -> None:
    checked = check_keymap(table)
    assert checked.problems == [problem]
    assert checked.keymap == kept


@pytest.mark.parametrize(
    "table",
    [
        {"triage.done": "ctrl+d"},  # the filter's ctrl+d deletes while one types: as it should
        {"reply.queue": "ctrl+k"},  # a key of the reply box itself, taken over there
        {"list.down": "ctrl+c"},  # the app's ctrl+c is asked after the list's
        {"reply.close": "escape"},  # the default overlap with inbox.back, by design
    ],
)
def test_keys_that_only_override_textual_or_the_defaults_are_kept(
    table: dict[str, str],
) -> None:
    checked = check_keymap(table)
    assert checked.problems == []
    assert checked.keymap == table


def test_a_key_given_back_its_default_may_clash_in_turn() -> None:
    checked = check_keymap({"triage.done": "s", "triage.tag": "s", "triage.snooze": "e"})
    assert checked.problems == [
        'keys: "s" is bound twice, to triage.done and triage.tag; both ignored',
        'keys."triage.snooze": "e" is bound twice, to triage.done and triage.snooze; ignored',
    ]
    assert checked.keymap == {}


def test_what_a_config_says_is_shown_terminal_safe() -> None:
    checked = check_keymap({"\x1b]0;pwned\x07x": "d", "triage.done": "\x1b[31m"})
    assert all("\x1b" not in line and "\x07" not in line for line in checked.problems)
    assert len(checked.problems) == 2


def test_the_binding_ids_are_unique_and_checked_without_textual() -> None:
    assert len(binding_ids()) == len(set(binding_ids()))
    code = (
        "import sys; from commdash.keymap import check_keymap; "
        "check_keymap({'triage.done': 'd'}); assert 'textual' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)
