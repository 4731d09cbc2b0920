"""The files of the state directory: TinyDB's storage for them, written atomically.

What is read back is untrusted: every string (keys too) passes :func:`commdash.text.sanitize`
on the way in, so no table, today's or a later feature's, can bring terminal controls to
the screen.

Each write replaces the file as a whole (temporary file, fsync, rename, fsync of the
directory): a kill -9 at any moment leaves the old or the new file. A batch lets several
TinyDB table operations reach the disk as one replace.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import orjson
from tinydb.storages import Storage

from commdash.errors import StateError
from commdash.text import json_is_clean, one_line, sanitize_tree


class AtomicJSONStorage(Storage):
    """A TinyDB storage that replaces its file atomically and can batch a transaction."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._batch: dict[str, Any] | None = None
        self._batching = False
        self._dirty = False

    def read(self) -> dict[str, Any] | None:
        if self._batching and self._batch is not None:
            return self._batch
        data = self._read_file()
        if self._batching:
            self._batch = data if data is not None else {}
            return self._batch
        return data

    def write(self, data: dict[str, Any]) -> None:
        if self._batching:
            self._batch = data
            self._dirty = True
            return
        self._write_file(data)

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Reads see one snapshot of the file; writes reach the disk once, at the end."""
        self._batching, self._batch, self._dirty = True, None, False
        try:
            yield
            if self._dirty and self._batch is not None:
                self._write_file(self._batch)
        finally:
            self._batching, self._batch, self._dirty = False, None, False

    def _read_file(self) -> dict[str, Any] | None:
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise StateError(f"{self.path}: cannot read: {exc.strerror or exc}") from None
        if not raw.strip():
            return None
        try:
            data = orjson.loads(raw)
        except orjson.JSONDecodeError as exc:
            raise self._unusable(f"line {exc.lineno} column {exc.colno}: not valid JSON") from None
        # Colleagues sharing the directory, or a damaged file, can put anything here: it is
        # as untrusted as a platform's text, whichever table or feature it belongs to.
        if not json_is_clean(raw):
            data = sanitize_tree(data)
        if not isinstance(data, dict):
            raise self._unusable(f"not a TinyDB file: {_kind(data)}, not an object of tables")
        problem = _table_problem(data)
        if problem is not None:
            raise self._unusable(problem)
        return data

    def _unusable(self, problem: str) -> StateError:
        return StateError(f"{self.path}: {problem}; move the file aside to start with empty state")

    def _write_file(self, data: dict[str, Any]) -> None:
        payload = orjson.dumps(data)
        temporary = self.path.with_name(f".{self.path.name}.{os.getpid()}.{uuid.uuid4().hex}")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with open(temporary, "wb") as handle:
                handle.write(payload)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temporary, self.path)
            _fsync_directory(self.path.parent)
        except OSError as exc:
            temporary.unlink(missing_ok=True)
            raise StateError(f"{self.path}: cannot write: {exc.strerror or exc}") from None


def _table_problem(data: dict[str, Any]) -> str | None:
    """What keeps ``data`` from being TinyDB's tables, or None. TinyDB expects tables
    (objects) of documents (objects) under whole-number ids, and fails on anything else with
    an AttributeError, TypeError or ValueError from deep inside."""
    for name, table in data.items():
        if not isinstance(table, dict):
            return f"table {_quoted(name)} is {_kind(table)}, not an object of documents"
        ids = "".join(table)
        if (
            all(table)
            and ids.isascii()
            and ids.isdigit()
            and set(map(type, table.values())) <= {dict}
        ):
            continue  # the usual case, found at C speed; the loop below says what is wrong
        for doc_id, document in table.items():
            if not (doc_id and doc_id.isascii() and doc_id.isdigit()):
                return f"table {_quoted(name)}: document id {_quoted(doc_id)} is not a number"
            if type(document) is not dict:
                return f"table {_quoted(name)}, document {doc_id}: {_kind(document)}, not an object"
    return None


_KINDS = {list: "a list", str: "a string", int: "a number", float: "a number", dict: "an object"}


def _kind(value: object) -> str:
    """How an error names a JSON value's type."""
    if value is None:
        return "null"
    return "true or false" if isinstance(value, bool) else _KINDS.get(type(value), "a value")


def _quoted(name: str) -> str:
    return f'"{one_line(name, 40)}"'


def _fsync_directory(directory: Path) -> None:
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
