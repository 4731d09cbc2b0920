"""Which conversations each rule of the config has already considered (``rules/<key>.json``).

A rule acts once on each conversation, so what it has considered must outlive the process,
a sync that drops and brings back a conversation, and the manager's undo. One file per rule,
named by a digest of its name (a renamed rule is a new rule), holding the ids it has looked
at, matched or not: ``{"rule": NAME, "ids": [...]}``.

Why a set of ids and not a "seen until" watermark: a sync can bring a conversation older
than every one seen (a comment written earlier, fetched late), and ids carry no order a
watermark could follow. At 100,000 conversations a file is about 2 MB; it is read once per
process and kept (read again only when another process replaced it), and rewritten only
when conversations appeared: a load that brings nothing new reads it and writes nothing.
Read and written under the directory's lock by the caller, like every state file.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path

import orjson

from commdash.errors import StateError
from commdash.statefiles import write_atomically

RULES = "rules"
"""The folder of the rules' records in a source's state directory."""


class RuleRecord:
    """The considered conversations of every rule, for one state directory."""

    def __init__(self, directory: Path) -> None:
        self.folder = directory / RULES
        self._cache: dict[str, tuple[tuple[int, int, int], set[str]]] = {}

    def path(self, rule: str) -> Path:
        digest = hashlib.sha256(rule.encode("utf-8", "surrogatepass")).hexdigest()[:32]
        return self.folder / f"{digest}.json"

    def considered(self, rule: str) -> set[str]:
        """The conversations ``rule`` has considered (the set is the record's: not to be
        changed by the caller)."""
        path = self.path(rule)
        try:
            stat = path.stat()
        except FileNotFoundError:
            self._cache.pop(rule, None)
            return set()
        mark = (stat.st_mtime_ns, stat.st_ino, stat.st_size)
        cached = self._cache.get(rule)
        if cached is not None and cached[0] == mark:
            return cached[1]
        ids = _read_ids(path)
        self._cache[rule] = (mark, ids)
        return ids

    def add(self, rule: str, ids: Iterable[str]) -> None:
        """Record that ``rule`` has considered ``ids`` too (one atomic write)."""
        known = self.considered(rule)
        added = [cid for cid in ids if cid not in known]
        if not added:
            return
        every = [*known, *added]
        path = self.path(rule)
        write_atomically(path, orjson.dumps({"rule": rule, "ids": every}))
        stat = path.stat()
        self._cache[rule] = ((stat.st_mtime_ns, stat.st_ino, stat.st_size), set(every))


def _read_ids(path: Path) -> set[str]:
    """The ids a record holds; a file that is not one is a StateError naming it (ids are
    only ever compared, never shown: a hand-edited id cannot reach the screen)."""
    try:
        data = orjson.loads(path.read_bytes())
    except OSError as exc:
        raise StateError(f"{path}: cannot read: {exc.strerror or exc}") from None
    except orjson.JSONDecodeError as exc:
        raise StateError(
            f"{path}: line {exc.lineno} column {exc.colno}: not valid JSON; move the file "
            "aside (the rule then acts again on every conversation)"
        ) from None
    ids = data.get("ids") if isinstance(data, dict) else None
    if not isinstance(ids, list):
        raise StateError(
            f"{path}: not a rule's record (no list of ids); move the file aside (the rule "
            "then acts again on every conversation)"
        )
    return {cid for cid in ids if isinstance(cid, str)}
