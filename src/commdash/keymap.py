"""The keys' binding ids and defaults, and checking a ``[keys]`` remapping of them.

The UI's bindings each carry a stable id (``Binding("e", "done", id="triage.done")``) that a
config file remaps through Textual's keymap. They are listed here, scope by scope, so that
``commdash config --check`` can check a config without loading Textual; a test compares
this list with the bindings themselves (tests/ui/test_keymap_registry.py), so it cannot
drift.

A remapping is refused, with one line saying why, when it names no binding, no key, or a
key that something else already answers where the binding acts (a key bound twice): the
binding then keeps its default keys. The defaults' own overlaps (``escape`` closes the
reply box before it leaves the thread) are by design and never reported.
"""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from itertools import combinations

from commdash.text import one_line

MODIFIERS = frozenset({"alt", "ctrl", "hyper", "meta", "shift", "super"})
NAMED_KEYS = frozenset(
    {
        "escape",
        "enter",
        "tab",
        "space",
        "backspace",
        "delete",
        "insert",
        "home",
        "end",
        "pageup",
        "pagedown",
        "up",
        "down",
        "left",
        "right",
        *(f"f{number}" for number in range(1, 25)),
    }
)
_SHORTER_NAMES = {
    "solidus": "slash",
    "reverse_solidus": "backslash",
    "commercial_at": "at",
    "hyphen_minus": "minus",
    "plus_sign": "plus",
    "low_line": "underscore",
}
"""Textual's names for these characters (its ``KEY_NAME_REPLACEMENTS``)."""


@dataclass(frozen=True, slots=True)
class Scope:
    """The bindings of one widget or screen class (with those it inherits)."""

    name: str
    where: str
    """Where its keys act, as a message says it."""
    bindings: Mapping[str, str]
    """Binding id → its default keys, as its ``Binding`` has them, in the order Textual
    lists them (a base class's keys first): the key bar keeps that order."""
    textual_keys: str = ""
    """Keys that Textual's own bindings take there: they have no id, so no remapping."""
    typing: bool = False
    """A text entry: its editing keys rightly win over the screen's while one types."""
    extends: str = ""
    """The scope of the class this one's extends: its keys are this one's too, so they are
    counted once where both are in a chain."""


_SCREEN_KEYS = "ctrl+c,super+c"
_DIALOG_KEYS = f"tab,shift+tab,{_SCREEN_KEYS}"
_SCROLL_KEYS = "left,right,ctrl+pageup,ctrl+pagedown"
_LIST = {
    "list.up": "k,up",
    "list.down": "j,down",
    "list.first": "g,home",
    "list.last": "G,end",
    "list.page-up": "pageup,ctrl+b",
    "list.page-down": "pagedown,ctrl+f",
}
_TEXT_AREA_KEYS = (
    "up,down,left,right,home,end,pageup,pagedown,ctrl+pageup,ctrl+pagedown,ctrl+left,"
    "ctrl+right,ctrl+a,ctrl+shift+left,ctrl+shift+right,shift+home,shift+end,shift+up,"
    "shift+down,shift+left,shift+right,f6,f7,backspace,ctrl+w,ctrl+backspace,alt+backspace,"
    "delete,ctrl+d,alt+delete,ctrl+x,super+x,ctrl+c,super+c,ctrl+v,ctrl+u,super+backspace,"
    "ctrl+k,ctrl+shift+k,ctrl+z,super+z,ctrl+y,super+y"
)
"""What Textual's text area does with keys (the reply box's ctrl+e is its own: the note box
adds it back, for the end of the line)."""
_ENTRY_KEYS = (
    "up,down,left,right,home,end,pageup,pagedown,ctrl+pageup,ctrl+pagedown,"
    "shift+left,ctrl+left,ctrl+shift+left,shift+right,ctrl+right,ctrl+shift+right,"
    "backspace,ctrl+shift+a,ctrl+a,ctrl+e,shift+home,shift+end,delete,ctrl+d,"
    "ctrl+w,ctrl+u,super+backspace,ctrl+backspace,alt+backspace,ctrl+k,ctrl+x,"
    "ctrl+c,super+c,ctrl+v"
)
"""Textual's own keys in a one-line entry."""
_PAGE = {"page.down": "j,down", "page.up": "k,up", "page.top": "g,home", "page.bottom": "G,end"}

SCOPES: Mapping[str, Scope] = {
    scope.name: scope
    for scope in (
        Scope(
            "everywhere",
            "every screen",
            {"app.palette": "ctrl+p"},
            textual_keys="ctrl+q",
        ),
        Scope(
            "app",
            "the main screen",
            {"app.quit": "q", "app.help": "question_mark"},
            textual_keys="ctrl+c",
        ),
        Scope(
            "inbox",
            "the inbox",
            {
                "pane.next": "tab",
                "pane.previous": "shift+tab",
                "triage.reply": "r",
                "triage.done": "e",
                "triage.snooze": "s",
                "triage.tag": "t",
                "triage.assign": "a",
                "triage.hide": "h",
                "triage.add-note": "n",
                "triage.undo": "u",
                "outbox.retry": "R",
                "outbox.discard": "x",
                "inbox.sync": "ctrl+r,dollar_sign",
                "inbox.filter": "slash",
                "inbox.open": "enter",
                "inbox.back": "escape",
                "inbox.post": "p",
                "inbox.copy-link": "y",
                "inbox.copy-text": "Y",
                "inbox.open-link": "o",
                "inbox.gauges": "i",
                "inbox.load-report": "L",
                "view.needs-reply": "1",
                "view.open": "2",
                "view.snoozed": "3",
                "view.done": "4",
                "view.all": "5",
                "view.6": "6",
                "view.7": "7",
                "view.8": "8",
                "view.9": "9",
                "inbox.sort": "S",
            },
            textual_keys=_SCREEN_KEYS,
        ),
        Scope(
            "list",
            "the post and conversation lists",
            _LIST,
            textual_keys=_SCROLL_KEYS,
        ),
        Scope(
            "conversations",
            "the conversation list",
            {
                **_LIST,
                "list.mark": "space",
                "list.mark-all": "asterisk",
                "list.clear-marks": "escape",
            },
            textual_keys=_SCROLL_KEYS,
            extends="list",
        ),
        Scope(
            "thread",
            "the thread",
            {
                "thread.previous": "k,up",
                "thread.next": "j,down",
                "thread.first": "g,home",
                "thread.last": "G,end",
                "thread.page-up": "pageup,ctrl+b",
                "thread.page-down": "pagedown,space,ctrl+f",
            },
            textual_keys=_SCROLL_KEYS,
        ),
        Scope(
            "reply",
            "the reply box",
            {
                "reply.editor": "ctrl+e",
                "reply.queue": "ctrl+s",
                "reply.close": "escape",
                "reply.saved": "ctrl+t",
            },
            textual_keys=_TEXT_AREA_KEYS,
            typing=True,
        ),
        Scope(
            "note",
            "the note box",
            {"note.save": "ctrl+s", "note.cancel": "escape"},
            textual_keys=_TEXT_AREA_KEYS.replace("ctrl+a,", "ctrl+a,ctrl+e,", 1),
            typing=True,
        ),
        Scope(
            "entry",
            "the filter and prompts",
            {"entry.submit": "enter"},
            textual_keys=_ENTRY_KEYS,
            typing=True,
        ),
        Scope(
            "filter",
            "the filter",
            {"entry.submit": "enter", "filter.complete": "tab"},
            textual_keys=_ENTRY_KEYS,
            typing=True,
        ),
        Scope(
            "help",
            "the help",
            {**_PAGE, "help.close": "escape,q,question_mark"},
            textual_keys=_DIALOG_KEYS,
        ),
        Scope(
            "report",
            "the load report",
            {**_PAGE, "report.close": "escape,q,L"},
            textual_keys=_DIALOG_KEYS,
        ),
        Scope(
            "post",
            "the post",
            {
                **_PAGE,
                "post.close": "escape,q,p",
                "inbox.copy-link": "y",
                "inbox.copy-text": "Y",
                "inbox.open-link": "o",
            },
            textual_keys=_DIALOG_KEYS,
        ),
        Scope(
            "choose",
            "the snooze choices",
            {
                "dialog.cancel": "escape,q",
                "dialog.choose": "enter",
                **{f"dialog.choose-{n}": str(n) for n in range(1, 10)},
            },
            textual_keys=_DIALOG_KEYS,
        ),
        Scope(
            "prompt",
            "the tag and assign prompts",
            {"dialog.complete": "tab", "dialog.cancel": "escape"},
            textual_keys=f"shift+tab,{_SCREEN_KEYS}",
        ),
        Scope(
            "picker",
            "the saved reply picker",
            {
                "dialog.cancel": "escape",
                "picker.down": "down",
                "picker.up": "up",
                "picker.list-up": "k",
                "picker.list-down": "j",
                "picker.list-first": "g",
                "picker.list-last": "G",
            },
            textual_keys=_DIALOG_KEYS,
        ),
        Scope(
            "library",
            "the saved replies",
            {
                "library.close": "escape,q",
                "library.edit": "enter",
                "library.delete": "d",
                "library.undo": "u",
                **_LIST,
            },
            textual_keys=_DIALOG_KEYS,
        ),
        Scope(
            "reply-editor",
            "the saved reply editor",
            {"dialog.cancel": "escape", "library.save": "ctrl+s"},
            textual_keys=_DIALOG_KEYS,
        ),
        Scope(
            "confirm",
            "the confirmations",
            {"confirm.yes": "y", "confirm.no": "n,escape"},
            textual_keys=_DIALOG_KEYS,
        ),
    )
}

CHAINS: tuple[tuple[str, ...], ...] = (
    ("everywhere", "list", "conversations", "inbox", "app"),
    ("everywhere", "thread", "inbox", "app"),
    ("everywhere", "reply", "inbox", "app"),
    ("everywhere", "entry", "filter", "inbox", "app"),
    ("everywhere", "help"),
    ("everywhere", "report"),
    ("everywhere", "post"),
    ("everywhere", "choose"),
    ("everywhere", "entry", "prompt"),
    ("everywhere", "confirm"),
    ("everywhere", "entry", "picker"),
    ("everywhere", "library"),
    ("everywhere", "entry", "reply-editor"),
    ("everywhere", "note"),
)
"""The scopes whose keys are live together, in the order Textual asks them: the priority
keys, then from the focused widget up to the app. Dialogs are modal: the app's keys stop there.
"""


def binding_ids() -> list[str]:
    """Every binding id, each once, in the order of :data:`SCOPES`."""
    return list(dict.fromkeys(i for scope in SCOPES.values() for i in scope.bindings))


def normal_key(text: str) -> str | None:
    """``text`` as Textual names the key (``?`` → ``question_mark``, ``Ctrl+D`` →
    ``ctrl+d``), or None when it names no key. Modifiers come in Textual's (alphabetical)
    order, so ``shift+ctrl+up`` is ``ctrl+shift+up``."""
    text = text.strip()
    if len(text) == 1:
        return _character_key(text)
    *modifiers, base = text.split("+")
    modifiers = [modifier.strip().lower() for modifier in modifiers]
    if not set(modifiers) <= MODIFIERS or len(set(modifiers)) != len(modifiers):
        return None
    base = base.strip()
    if len(base) == 1:
        # With a modifier, a letter is the key, not the character: ctrl+D is ctrl+d.
        named = _character_key(base.lower() if modifiers else base)
    elif base.lower() in NAMED_KEYS or base.lower() in _CHARACTER_NAMES:
        named = base.lower()
    else:
        return None
    return None if named is None else "+".join([*sorted(modifiers), named])


def _character_key(character: str) -> str | None:
    """The key Textual gives a character: itself for a letter or digit, else its name
    (``space``, ``slash``); None for a control character."""
    if character.isalnum():
        return character
    if character != " " and not character.isprintable():
        return None
    try:
        name = unicodedata.name(character).lower().replace("-", "_").replace(" ", "_")
    except ValueError:
        return None
    return _SHORTER_NAMES.get(name, name)


_CHARACTER_NAMES = frozenset(
    name for name in map(_character_key, map(chr, range(0x20, 0x7F))) if name and len(name) > 1
)
"""Names of ASCII punctuation and space (``question_mark``, ``slash``, ``comma``)."""


@dataclass(frozen=True, slots=True)
class CheckedKeymap:
    keymap: dict[str, str] = field(default_factory=dict)
    """Binding id → its keys, normalised and comma-separated: for ``App.set_keymap``."""
    problems: list[str] = field(default_factory=list)
    """One line each (``keys."triage.dnoe": no binding has this id ...``); each problem's
    entries are left out of :attr:`keymap`."""


def check_keymap(table: Mapping[str, object]) -> CheckedKeymap:
    """The ``[keys]`` table checked: entries that name no binding or no key, or that bind a
    key twice, are reported and left out (their bindings keep their default keys)."""
    checked = CheckedKeymap()
    if not table:
        return checked
    ids = binding_ids()
    for binding_id, value in _flat(table):
        where = f"keys.{_quoted(binding_id)}"
        if binding_id not in ids:
            checked.problems.append(f"{where}: {_unknown_id(binding_id, ids)}; ignored")
            continue
        keys, problem = _keys(value)
        if problem is not None:
            checked.problems.append(f"{where}: {problem}; ignored")
            continue
        checked.keymap[binding_id] = keys
    _drop_clashes(checked)
    return checked


def _flat(table: Mapping[str, object], prefix: str = "") -> Iterator[tuple[str, object]]:
    """The entries of ``table``, a TOML table whose keys may be dotted (``triage.done =
    "d"`` is ``{"triage": {"done": "d"}}``), as (binding id, value)."""
    for key, value in table.items():
        if isinstance(value, Mapping):
            yield from _flat(value, f"{prefix}{key}.")
        else:
            yield f"{prefix}{key}", value


def _unknown_id(binding_id: str, ids: list[str]) -> str:
    close = difflib.get_close_matches(binding_id, ids, n=1)
    hint = f' (did you mean "{close[0]}"?)' if close else " (README, Configuration, lists them)"
    return f"no binding has this id{hint}"


def _keys(value: object) -> tuple[str, str | None]:
    """A ``[keys]`` value as normalised keys, or a problem."""
    if not isinstance(value, str) or not value.strip():
        return "", 'expected keys as a string, e.g. "d" or "d,ctrl+d"'
    keys: list[str] = []
    for text in value.split(","):
        key = normal_key(text)
        if key is None:
            return "", (
                f"{_quoted(text.strip())} is not a key (keys are written d, ?, enter, pageup, "
                f"f5, ctrl+d; modifiers: {', '.join(sorted(MODIFIERS))}; a comma is comma)"
            )
        keys.append(key)
    return ",".join(dict.fromkeys(keys)), None


# Keys bound twice ----------------------------------------------------------------------------
# An owner of a key is a binding id, or "textual:SCOPE" for Textual's own keys there. Two
# owners of one key in one chain are a clash unless the defaults have them so already.


def _drop_clashes(checked: CheckedKeymap) -> None:
    """Leave out of the keymap the entries that make a key bound twice, until none does:
    an entry left out gives its binding back its default keys, which may clash in turn."""
    by_design = set(_clashes({}))
    while True:
        by_key: dict[str, set[str]] = {}
        for clash in _clashes(checked.keymap):
            if clash not in by_design:
                by_key.setdefault(clash[0], set()).update(clash[1])
        if not by_key:
            return
        for key, owners in by_key.items():
            dropped = sorted(owner for owner in owners if owner in checked.keymap)
            for owner in dropped:
                del checked.keymap[owner]
            where = f"keys.{_quoted(dropped[0])}" if len(dropped) == 1 else "keys"
            named = [_owner_name(owner) for owner in sorted(owners)]
            ignored = {1: "ignored", 2: "both ignored"}.get(len(dropped), "all ignored")
            checked.problems.append(
                f"{where}: {_quoted(key)} is bound twice, to "
                f"{', '.join(named[:-1])} and {named[-1]}; {ignored}"
            )


_Owner = tuple[int, str, bool]
"""(rank in the chain, binding id or ``textual:SCOPE``, whether the keymap gave it the key)."""


def _clashes(keymap: Mapping[str, str]) -> Iterator[tuple[str, frozenset[str]]]:
    """(key, its two owners) for each pair of owners of one key in one chain that clash
    (:func:`_clash`). An owner is a binding id, or ``textual:SCOPE`` for Textual's own key."""
    for chain in CHAINS:
        owners: dict[str, list[_Owner]] = {}
        for rank, scope_name in enumerate(chain):
            scope = SCOPES[scope_name]
            for binding_id, default in scope.bindings.items():
                remapped = binding_id in keymap
                for key in (keymap[binding_id] if remapped else default).split(","):
                    owners.setdefault(key, []).append((rank, binding_id, remapped))
            if scope.extends in chain:
                continue  # its Textual keys are the base scope's, counted there
            for key in filter(None, scope.textual_keys.split(",")):
                owners.setdefault(key, []).append((rank, f"textual:{scope_name}", False))
        for key, found in owners.items():
            for first, second in combinations(sorted(set(found)), 2):
                if first[1] != second[1] and _clash(chain, first, second):
                    yield key, frozenset((first[1], second[1]))


def _clash(chain: tuple[str, ...], first: _Owner, second: _Owner) -> bool:
    """Whether two owners of a key in ``chain`` clash. Two bindings always do: one of them
    never acts there. Textual's own key does only when it takes the key from a remapped
    binding (one that Textual asks later), and not in a text entry, where the editing keys
    rightly win while one types."""
    textual = [owner for owner in (first, second) if owner[1].startswith("textual:")]
    if not textual:
        return True
    if len(textual) == 2:
        return False
    binding = second if textual[0] is first else first
    return binding[2] and textual[0][0] < binding[0] and not SCOPES[chain[textual[0][0]]].typing


def _owner_name(owner: str) -> str:
    if owner.startswith("textual:"):
        return f"Textual's own key in {SCOPES[owner.removeprefix('textual:')].where}"
    return owner


def _quoted(text: str) -> str:
    return f'"{one_line(text, 40)}"'
