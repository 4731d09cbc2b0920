"""The domain's list of binding ids and themes (commdash.keymap, commdash.theme), which
``commdash config --check`` reads without loading Textual, is the bindings' and Textual's own:
every id, default key, Textual key and chain of scopes, checked against the real classes."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from pathlib import Path

from _screen import Start
from textual.binding import Binding, BindingsMap
from textual.dom import DOMNode
from textual.theme import BUILTIN_THEMES

import commdash.ui
from commdash.keymap import CHAINS, SCOPES, binding_ids
from commdash.theme import THEMES
from commdash.ui.app import CommdashApp
from commdash.ui.screens.choose import ChooseScreen
from commdash.ui.screens.help import HelpScreen
from commdash.ui.screens.inbox import InboxScreen
from commdash.ui.screens.post import PostScreen
from commdash.ui.screens.prompt import PromptScreen
from commdash.ui.screens.report import ReportScreen
from commdash.ui.widgets.reply_box import ReplyBox
from commdash.ui.widgets.text_entry import EntryInput
from commdash.ui.widgets.thread_view import ThreadView
from commdash.ui.widgets.virtual_list import VirtualList

README = Path(__file__).resolve().parents[2] / "README.md"

SCOPE_CLASSES: dict[str, type[DOMNode]] = {
    "everywhere": CommdashApp,
    "app": CommdashApp,
    "inbox": InboxScreen,
    "list": VirtualList,
    "thread": ThreadView,
    "reply": ReplyBox,
    "entry": EntryInput,
    "help": HelpScreen,
    "report": ReportScreen,
    "post": PostScreen,
    "choose": ChooseScreen,
    "prompt": PromptScreen,
}


def merged(cls: type[DOMNode]) -> list[Binding]:
    """The bindings a node of ``cls`` has, as Textual merges them: a class's bindings for a
    key replace those its bases have for it."""
    keys: dict[str, list[Binding]] = {}
    for base in reversed(cls.__mro__):
        if "BINDINGS" in base.__dict__:
            keys.update(BindingsMap(base.__dict__["BINDINGS"]).key_to_bindings)
    return [binding for bindings in keys.values() for binding in bindings]


def scope_bindings(name: str) -> list[Binding]:
    """The bindings of a scope: the app's are split into its priority ones and the rest."""
    bindings = merged(SCOPE_CLASSES[name])
    if name in ("everywhere", "app"):
        bindings = [b for b in bindings if b.priority == (name == "everywhere")]
    return bindings


def declared(bindings: list[Binding]) -> dict[str, str]:
    """Binding id → its keys, comma-separated, in the order Textual lists the ids."""
    keys: dict[str, list[str]] = {}
    for binding in bindings:
        if binding.id is not None:
            keys.setdefault(binding.id, []).append(binding.key)
    return {binding_id: ",".join(found) for binding_id, found in keys.items()}


def test_every_scope_lists_its_bindings_ids_and_default_keys_in_textuals_order() -> None:
    assert set(SCOPES) == set(SCOPE_CLASSES)
    for name, scope in SCOPES.items():
        found = declared(scope_bindings(name))
        assert list(scope.bindings) == list(found), f"{name}: the ids in Textual's order"
        assert {i: set(k.split(",")) for i, k in scope.bindings.items()} == {
            i: set(k.split(",")) for i, k in found.items()
        }, f"commdash/keymap.py: scope {name!r} should list {found}"


def test_every_scope_lists_the_keys_textual_takes_there() -> None:
    for name, scope in SCOPES.items():
        textual = [b.key for b in scope_bindings(name) if b.id is None]
        assert scope.textual_keys.split(",") == textual, (
            f"commdash/keymap.py: scope {name!r} textual_keys should be {','.join(textual)!r}"
        )


def test_every_binding_of_the_ui_has_an_id_listed_in_the_domain() -> None:
    for info in pkgutil.walk_packages(commdash.ui.__path__, "commdash.ui."):
        module = importlib.import_module(info.name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if cls.__module__ != info.name or not issubclass(cls, DOMNode):
                continue
            for binding in cls.__dict__.get("BINDINGS", []):
                assert isinstance(binding, Binding), f"{cls.__name__}: a Binding, with an id"
                assert binding.id in binding_ids(), (
                    f"{cls.__name__}: binding {binding.key!r} ({binding.action}) needs an id "
                    "listed in commdash/keymap.py SCOPES"
                )


def test_the_themes_are_textuals_built_in_ones() -> None:
    assert sorted(THEMES) == sorted(BUILTIN_THEMES)


def test_the_readme_lists_every_binding_id() -> None:
    text = README.read_text(encoding="utf-8")
    missing = [binding_id for binding_id in binding_ids() if f"`{binding_id}`" not in text]
    assert not missing, f"README.md, Configuration: list {missing}"


def chain_of(node: DOMNode) -> tuple[str, ...]:
    """The scopes whose keys are live when ``node`` has focus, in Textual's order: the
    priority keys, then from the node up to its screen, then the app unless that is modal."""
    scopes = ["everywhere"]
    for ancestor in node.ancestors_with_self:
        scopes += [
            name
            for name, cls in SCOPE_CLASSES.items()
            if cls is not CommdashApp and isinstance(ancestor, cls)
        ]
        if ancestor.is_modal:
            return tuple(scopes)
    return (*scopes, "app")


def chains_on_screen(app: CommdashApp) -> set[tuple[str, ...]]:
    screen = app.screen
    nodes = [node for node in screen.walk_children(with_self=True) if node.focusable]
    return {chain_of(node) for node in [screen, *nodes]}


async def test_the_chains_are_those_of_the_screens(started: Start) -> None:
    seen: set[tuple[str, ...]] = set()
    async with started() as (app, pilot):

        async def visit(*keys: str) -> None:
            await pilot.press(*keys)
            await pilot.pause()
            seen.update(chains_on_screen(app))

        await visit("r")  # the reply box shown
        await visit("escape", "slash")  # the filter
        await visit("escape", "question_mark")
        await visit("escape", "L")
        await visit("escape", "p")
        await visit("escape", "s")
        await visit("escape", "t")
        await visit("escape")
    # A chain within a longer one (the screen's alone, under its focused widget's) adds nothing.
    longest = {chain for chain in seen if not any(set(chain) < set(other) for other in seen)}
    assert longest == set(CHAINS), "commdash/keymap.py CHAINS"
