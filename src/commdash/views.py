"""Views on keys 1-9: the five built in, and the manager's own from the config file.

```toml
views_replace = false          # true: your views take keys 1-9 in place of the built-in five

[[views]]
name = "refunds late"
query = "tag:refund unassigned is:over-sla"
sort = "waiting"               # waiting (the default), newest, oldest or likes
```

A view of one's own lists every conversation that matches its query (the filter language,
:mod:`commdash.query`). A view whose query does not parse, or that has no key left, is left
out with a note (``commdash config --check`` lists them).
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
    for number, raw in enumerate(table, start=1):
        try:
            views.append(_view(raw, f"{path}: views #{number}"))
        except ValueError as problem:
            notes.append(str(problem))
    room = MAX_VIEWS - (0 if replace else len(BUILT_IN))
    for left_out in views[room:]:
        notes.append(
            f"{path}: view {one_line(left_out.name, 40)!r}: no key left (keys 1-9 hold "
            f"{MAX_VIEWS} views); left out"
        )
    if replace and not views:
        replace = False  # nothing to replace them with: keys 1-5 keep the built-in views
    return OwnViews(tuple(views[:room]), replace), notes


def _view(raw: object, where: str) -> ViewSpec:
    if not isinstance(raw, dict):
        raise ValueError(f"{where}: expected a table with name and query; left out")
    name = raw.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ValueError(f"{where}: name: expected a name; left out")
    where = f"{where.split(': ', 1)[0]}: view {one_line(name, 40)!r}"
    unknown = sorted(set(raw) - {"name", "query", "sort"})
    if unknown:
        raise ValueError(f"{where}: {one_line(unknown[0], 40)}: unknown setting; left out")
    query = raw.get("query", "")
    if not isinstance(query, str):
        raise ValueError(f"{where}: query: expected text; left out")
    try:
        parse(query)
    except QueryError as error:
        raise ValueError(
            f"{where}: query: {error.message} at {error.start + 1} "
            f"({one_line(query[error.start : error.end], 30)!r}); left out"
        ) from None
    sort = raw.get("sort", "waiting")
    if sort not in SORTS:
        raise ValueError(
            f"{where}: sort: {one_line(str(sort), 20)!r} is not one of {', '.join(SORTS)}; left out"
        )
    return ViewSpec(one_line(name, 40), "all", query, sort)


def find(views: Sequence[ViewSpec], name: str) -> ViewSpec | None:
    """The view called ``name`` (case and spaces aside)."""
    wanted = " ".join(name.casefold().split())
    for view in views:
        if " ".join(view.name.casefold().split()) == wanted:
            return view
    return None


def ids_of(inbox: Inbox, view: ViewSpec, stop: Callable[[], bool] | None = None) -> list[str]:
    """The conversations of ``view``, in its order."""
    return inbox.conversation_ids(view.base, None, view.query, stop, sort=view.sort)


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
    """The view on keys 1-9 called ``name``; UnknownView naming those there are."""
    views = own.on_keys()
    found = find(views, name)
    if found is None:
        names = ", ".join(repr(view.name) for view in views)
        raise UnknownView(f"no view is called {one_line(name, 40)!r}; the views: {names}")
    return found
