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

A later load usually brings exactly the conversations of the one before: ``seen.json`` keeps
a digest of the ids of the latest run and the rules that had then considered them all, so
such a load reads no rule's file at all (a digest of 100,000 ids takes a few milliseconds;
another list, or another set of rules, goes the long way).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path

import msgspec
import orjson

from commdash.errors import StateError
from commdash.statefiles import write_atomically
from commdash.text import one_line

RULES = "rules"
"""The folder of the rules' records in a source's state directory."""
SEEN = "seen.json"


def digest(ids: list[str]) -> str:
    """What tells one list of conversation ids from another."""
    joined = "\0".join(ids).encode("utf-8", "surrogatepass")
    return hashlib.sha256(joined).hexdigest()


class RuleRecord:
    """The considered conversations of every rule, for one state directory."""

    def __init__(self, directory: Path) -> None:
        self.folder = directory / RULES
        self._cache: dict[str, tuple[tuple[int, int, int], set[str]]] = {}

    def path(self, rule: str) -> Path:
        name = hashlib.sha256(rule.encode("utf-8", "surrogatepass")).hexdigest()[:32]
        return self.folder / f"{name}.json"

    def considered(self, rule: str) -> set[str]:
        """The conversations ``rule`` has considered (the set is the record's: not to be
        changed by the caller)."""
        path = self.path(rule)
        try:
            stat = path.stat()
        except FileNotFoundError:
            self._cache.pop(rule, None)
            return set()
        except OSError as exc:  # rules/ is a file, a link loops, no permission
            raise StateError(f"{path}: cannot read: {exc.strerror or exc}") from None
        mark = (stat.st_mtime_ns, stat.st_ino, stat.st_size)
        cached = self._cache.get(rule)
        if cached is not None and cached[0] == mark:
            return cached[1]
        ids = _read_ids(path)
        self._cache[rule] = (mark, ids)
        return ids

    def all_considered(self, rules: Iterable[str], ids_digest: str) -> bool:
        """Whether every one of ``rules`` has considered every id of the list whose
        :func:`digest` is ``ids_digest`` (as :meth:`remember_all` said)."""
        try:
            seen = msgspec.json.decode((self.folder / SEEN).read_bytes(), type=_Seen)
        except (OSError, msgspec.DecodeError):
            return False  # none yet, or damaged: the long way, which writes it anew
        names = list(rules)
        return (
            seen.digest == ids_digest
            and set(names) <= set(seen.rules)
            # A record moved aside (as its error says to) is missed at once, not later.
            and all(self.path(rule).is_file() for rule in names)
        )

    def remember_all(self, rules: Iterable[str], ids_digest: str) -> None:
        """Every one of ``rules`` has considered every id of that list now."""
        seen = _Seen(ids_digest, sorted(rules))
        write_atomically(self.folder / SEEN, msgspec.json.encode(seen))

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


class _Seen(msgspec.Struct):
    digest: str
    rules: list[str]


class _Record(msgspec.Struct):
    rule: str
    ids: list[str]


def _read_ids(path: Path) -> set[str]:
    """The ids a record holds (checked at C speed: 100,000 in a few milliseconds); a file
    that is not one is a StateError naming it. Ids are only ever compared, never shown: a
    hand-edited one cannot reach the screen."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise StateError(f"{path}: cannot read: {exc.strerror or exc}") from None
    try:
        return set(msgspec.json.decode(raw, type=_Record).ids)
    except msgspec.DecodeError as exc:  # not JSON, or not a record
        raise StateError(
            f"{path}: not a rule's record ({one_line(str(exc), 80)}); move the file aside "
            "(the rule then acts again on every conversation)"
        ) from None
