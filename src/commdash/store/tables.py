"""TinyDB tables over the state files, as every store operation opens them."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

from tinydb import Query
from tinydb.table import Table

from commdash.statefiles import AtomicJSONStorage

Doc = Query()

Locked = Callable[[], AbstractContextManager[None]]
"""Holds the state directory's lock (re-entrant) while a store changes its files."""


def table(storage: AtomicJSONStorage, name: str) -> Table:
    """The table ``name`` of the file, read afresh."""
    # A fresh Table for every use, without a query cache: another process may have changed
    # the file, and TinyDB would otherwise reuse stale results and document ids.
    return Table(storage, name, cache_size=0)


def upsert(found: Table, key: str, document: dict[str, Any]) -> None:
    """Replace the document whose ``id`` is ``key``, or add it."""
    if found.contains(Doc.id == key):
        found.update(document, Doc.id == key)
    else:
        found.insert(document)
