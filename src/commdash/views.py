"""Views on keys 1-9: the five built in, and the manager's own from the config file.

```toml
views_replace = false          # true: your views take keys 1-9 in place of the built-in five

[[views]]
name = "refunds late"
query = "tag:refund unassigned is:over-sla"
sort = "waiting"               # waiting (the default), newest, oldest or likes
```

A view of one's own lists every conversation that matches its query (the filter language,
:mod:`commdash.query`). A view whose query does not parse, whose name another view shown
already has (case and spaces aside), or that has no key left, is left out with a note
(``commdash config --check`` lists them).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from commdash.errors import CommdashError
from commdash.inbox import SORTS, VIEWS, Inbox, Sort, View
from commdash.query import QueryError, parse
from commdash.text import one_line

MAX_VIEWS = 9
SORT_NAMES: dict[Sort, str] = {
    "waiting": "waiting first",
    "newest": "newest first",
    "oldest": "oldest first",
    "likes": "most liked first",
}


@dataclass(frozen=True, slots=True)
class ViewSpec:
    """A view: the conversations of ``base`` that match ``query``, listed in ``sort`` (None:
    the base view's own order)."""

    name: str
    base: View = "all"
    query: str = ""
    sort: Sort | None = None

    @property
    def built_in(self) -> bool:
        return not self.query and self.name == VIEWS[self.base]


BUILT_IN: tuple[ViewSpec, ...] = tuple(ViewSpec(name, view) for view, name in VIEWS.items())


@dataclass(frozen=True, slots=True)
class OwnViews:
    """``[[views]]`` and ``views_replace`` of the config, checked."""

    views: tuple[ViewSpec, ...] = ()
    replace: bool = False
    left_out: tuple[tuple[str, str], ...] = ()
    """Each view left out for a mistake of its own: its name, and why."""

    def on_keys(self) -> tuple[ViewSpec, ...]:
        """The views on keys 1-9, in order."""
        return (self.views if self.replace else (*BUILT_IN, *self.views))[:MAX_VIEWS]


def read_views(path: Path, data: dict[str, Any]) -> tuple[OwnViews, list[str]]:
    """The config's views, and one line for each left out (naming the file and view)."""
    notes: list[str] = []
    replace = data.get("views_replace", False)
    if not isinstance(replace, bool):
        notes.append(f"{path}: views_replace: expected true or false; false is used")
        replace = False
    table = data.get("views", [])
    if not isinstance(table, list):
        notes.append(f'{path}: views: expected [[views]] sections (name = "...", query = "...")')
        table = []
    views: list[ViewSpec] = []
    left_out: list[tuple[str, str]] = []
    taken = {} if replace else {_folded(view.name): view.name for view in BUILT_IN}
    """The names shown so far, compared case and spaces aside."""
    for number, raw in enumerate(table, start=1):
        try:
            view = _view(raw, f"{path}: views #{number}")
        except _LeftOut as problem:
            notes.append(f"{problem.where}: {problem.why}; left out")
            if problem.name is not None:
                left_out.append((problem.name, problem.why))
            continue
        folded = _folded(view.name)
        if folded in taken:
            notes.append(
                f"{path}: view {view.name!r}: another view is called {taken[folded]!r} "
                "(case and spaces aside); left out"
            )
            continue
        taken[folded] = view.name
        views.append(view)
    room = MAX_VIEWS - (0 if replace else len(BUILT_IN))
    for no_key in views[room:]:
        why = f"no key left (keys 1-9 hold {MAX_VIEWS} views)"
        notes.append(f"{path}: view {no_key.name!r}: {why}; left out")
        left_out.append((no_key.name, why))
    if replace and not views:
        replace = False  # nothing to replace them with: keys 1-5 keep the built-in views
    return OwnViews(tuple(views[:room]), replace, tuple(left_out)), notes


class _LeftOut(Exception):
    """A view that cannot be used: ``where`` in the file, ``why``, and its name if it has one."""

    def __init__(self, where: str, why: str, name: str | None = None) -> None:
        super().__init__(why)
        self.where = where
        self.why = why
        self.name = name


def _view(raw: object, where: str) -> ViewSpec:
    if not isinstance(raw, dict):
        raise _LeftOut(where, "expected a table with name and query")
    name = raw.get("name")
    if not isinstance(name, str) or not name.strip():
        raise _LeftOut(where, "name: expected a name")
    shown = one_line(name, 40)
    where = f"{where.split(': ', 1)[0]}: view {shown!r}"
    unknown = sorted(set(raw) - {"name", "query", "sort"})
    if unknown:
        raise _LeftOut(where, f"{one_line(unknown[0], 40)}: unknown setting", shown)
    query = raw.get("query", "")
    if not isinstance(query, str):
        raise _LeftOut(where, "query: expected text", shown)
    try:
        parse(query)
    except QueryError as error:
        raise _LeftOut(where, f"query: {error.described(query)}", shown) from None
    sort = raw.get("sort", "waiting")
    if sort not in SORTS:
        raise _LeftOut(
            where, f"sort: {one_line(str(sort), 20)!r} is not one of {', '.join(SORTS)}", shown
        )
    return ViewSpec(shown, "all", query, sort)


def _folded(name: str) -> str:
    """A view's name as names are compared: case and spaces aside."""
    return " ".join(name.casefold().split())


def find(views: Sequence[ViewSpec], name: str) -> ViewSpec | None:
    """The view called ``name`` (case and spaces aside)."""
    wanted = _folded(name)
    for view in views:
        if _folded(view.name) == wanted:
            return view
    return None


def members_of(inbox: Inbox, view: ViewSpec, stop: Callable[[], bool] | None = None) -> list[str]:
    """The conversations of ``view`` in the view's natural order, not its sort: for a count
    or figures, which the order does not change (a sort by likes reads every message)."""
    return inbox.conversation_ids(view.base, None, view.query, stop)


def built_in_count(inbox: Inbox, view: ViewSpec) -> int | None:
    """A built-in view's count, from what the inbox keeps counted (None: not built in)."""
    if not view.built_in:
        return None
    return inbox.view_count(view.base)


def combined(first: str, second: str) -> str:
    """Two queries that must both hold, as one."""
    if not first.strip():
        return second
    if not second.strip():
        return first
    return f"({first}) ({second})"


class UnknownView(CommdashError):
    """``--view`` names no view."""


def chosen_view(own: OwnViews, name: str) -> ViewSpec:
    """The view on keys 1-9 called ``name``; UnknownView saying why one of that name was left
    out, or naming those there are."""
    views = own.on_keys()
    found = find(views, name)
    if found is None:
        for left_out, why in own.left_out:
            if _folded(left_out) == _folded(name):
                raise UnknownView(f"the view {left_out!r} was left out: {why}")
        names = ", ".join(repr(view.name) for view in views)
        raise UnknownView(f"no view is called {one_line(name, 40)!r}; the views: {names}")
    return found
