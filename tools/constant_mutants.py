"""Line-level mutants of a module's module-level constants and regular expressions.

mutmut 3 only mutates function bodies, so a character class such as ``[\\x40-\\x7e]`` in a
module-level ``re.compile`` is never changed by it, although one wrong byte there lets a
piece of an escape sequence through to the terminal. This makes the mutants mutmut does not:
for each module-level assignment (``NAME = ...``, type aliases and dunders left out),

- in a regular expression, or a string spliced into one through an f-string: every character
  range narrowed at either end, every single member of a class dropped, every alternative of
  a group (or of the whole pattern) dropped, every optional ``?`` after a class or a group
  made mandatory;
- every other number one more and one less; every other standalone string wrapped in
  ``XX`` (as mutmut does); every element of a literal list, tuple, set or dict dropped.

Each mutant is the whole module's source with that one statement rewritten.
"""

from __future__ import annotations

import ast
import copy
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TypeGuard

_PLACEHOLDER = 0xF0000
"""f-string fields are stood in for by characters from this private-use plane, never found in
the sources, so that a pattern split over several f-string parts is read as one."""


@dataclass(frozen=True, slots=True)
class ConstantMutant:
    name: str
    """The constant the mutated statement assigns."""
    line: int
    was: str
    """The piece that was changed, as it reads in the pattern or the source."""
    now: str
    """What it became ("" when it was dropped)."""
    source: str
    """The whole module with the mutation in it."""
    nth: int = 1
    """2 for the second mutant of the constant with the same change (a repeated range)."""

    @property
    def where(self) -> str:
        return self.name if self.nth == 1 else f"{self.name} #{self.nth}"


def constant_mutants(source: str) -> list[ConstantMutant]:
    """Every mutant of ``source``'s module-level constants, in the order they appear."""
    tree = ast.parse(source)
    assignments = [
        (name, statement) for statement in tree.body if (name := _assigned_name(statement))
    ]
    patterns = _pattern_names(dict(assignments))
    lines = source.splitlines(keepends=True)
    found: list[ConstantMutant] = []
    seen: dict[tuple[str, str, str], int] = {}
    for name, statement in assignments:
        for mutation in _mutations(statement, name in patterns):
            mutated = copy.deepcopy(statement)
            nodes = list(ast.walk(mutated))
            mutation.apply(nodes)
            before, after = lines[: statement.lineno - 1], lines[statement.end_lineno or 0 :]
            text = "".join([*before, ast.unparse(mutated) + "\n", *after])
            compile(text, "<mutant>", "exec")  # a mutator bug, not a mutant: fail loudly
            was, now = mutation.was, mutation.now
            if mutation.whole:
                was, now = ast.unparse(_value(statement)), ast.unparse(_value(mutated))
            seen[name, was, now] = nth = seen.get((name, was, now), 0) + 1
            found.append(ConstantMutant(name, statement.lineno, was, now, text, nth))
    return found


def _assigned_name(statement: ast.stmt) -> str | None:
    """The name a module-level constant assignment binds; None for anything else."""
    if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
        target, value = statement.targets[0], statement.value
    elif isinstance(statement, ast.AnnAssign) and statement.value is not None:
        target, value = statement.target, statement.value
    else:
        return None
    if not isinstance(target, ast.Name) or target.id.startswith("__"):
        return None
    if isinstance(value, ast.Subscript):  # a type alias: Literal[...], Callable[...]
        return None
    return target.id


def _pattern_names(values: dict[str, ast.stmt]) -> set[str]:
    """The constants whose text ends up in a regular expression: named in an f-string that is
    compiled, or in an f-string of such a constant."""
    names: set[str] = set()
    pending = [
        argument
        for statement in values.values()
        for node in ast.walk(statement)
        if _is_compile(node)
        for argument in node.args[:1]
    ]
    while pending:
        node = pending.pop()
        for field in ast.walk(node):
            if isinstance(field, ast.FormattedValue) and isinstance(field.value, ast.Name):
                name = field.value.id
                if name not in names and name in values:
                    names.add(name)
                    pending.append(_value(values[name]))
    return names


def _is_compile(node: ast.AST) -> TypeGuard[ast.Call]:
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "compile"
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id == "re"
    )


def _value(statement: ast.stmt) -> ast.expr:
    assert isinstance(statement, ast.Assign | ast.AnnAssign) and statement.value is not None
    return statement.value


@dataclass(frozen=True, slots=True)
class _Mutation:
    """One change, found on the original statement and applied to a copy of it: nodes are
    named by their index in ``ast.walk`` order, the same in both."""

    index: int
    replacement: ast.expr | None
    """The new node; None to drop the node from the collection at ``index``."""
    dropped: int = -1
    """For a drop: which element of the collection."""
    was: str = ""
    now: str = ""
    whole: bool = False
    """Show the whole assigned value before and after (a number or a string in it)."""

    def apply(self, nodes: list[ast.AST]) -> None:
        node = nodes[self.index]
        if self.replacement is None:
            _drop_element(node, self.dropped)
            return
        for parent in nodes:
            for field, value in ast.iter_fields(parent):
                if value is node:
                    setattr(parent, field, self.replacement)
                elif isinstance(value, list) and any(item is node for item in value):
                    value[[item is node for item in value].index(True)] = self.replacement


def _drop_element(node: ast.AST, index: int) -> None:
    if isinstance(node, ast.Dict):
        del node.keys[index], node.values[index]
    elif isinstance(node, ast.List | ast.Tuple | ast.Set):
        del node.elts[index]


def _mutations(statement: ast.stmt, is_pattern: bool) -> Iterator[_Mutation]:
    nodes = list(ast.walk(statement))
    value = _value(statement)
    in_value = {id(node) for node in ast.walk(value)}  # not the target nor the annotation
    inside_pattern: set[int] = {id(value)} if is_pattern else set()
    for node in nodes:
        if _is_compile(node):
            inside_pattern.update(id(argument) for argument in node.args[:1])
    handled: set[int] = set()
    for index, node in enumerate(nodes):
        if id(node) not in in_value:
            continue
        if id(node) in inside_pattern and isinstance(node, ast.expr):
            handled.update(id(part) for part in ast.walk(node))
            # A compiled pattern is a whole expression; a constant spliced into one is the
            # inside of a character class.
            fragment = is_pattern and node is value
            yield from _pattern_mutations(index, node, fragment)
        elif id(node) in handled:
            continue
        elif isinstance(node, ast.List | ast.Tuple | ast.Set | ast.Dict):
            yield from _drops(index, node)
            handled.update(id(part) for part in ast.walk(node) if part is not node)
        elif isinstance(node, ast.Constant):
            yield from _literal_mutations(index, node)


def _drops(index: int, node: ast.List | ast.Tuple | ast.Set | ast.Dict) -> Iterator[_Mutation]:
    if isinstance(node, ast.Dict):
        shown = [
            f"{ast.unparse(key) if key else '**'}: {ast.unparse(value)}"
            for key, value in zip(node.keys, node.values, strict=True)
        ]
    else:
        shown = [ast.unparse(element) for element in node.elts]
    for position, element in enumerate(shown):
        yield _Mutation(index, None, position, was=element, now="")


def _literal_mutations(index: int, node: ast.Constant) -> Iterator[_Mutation]:
    value = node.value
    if isinstance(value, bool) or value is None:
        return
    if isinstance(value, int | float):
        for changed in (value + 1, value - 1):
            yield _Mutation(index, ast.Constant(changed), whole=True)
    elif isinstance(value, str):
        yield _Mutation(index, ast.Constant(f"XX{value}XX"), whole=True)


def _pattern_mutations(index: int, node: ast.expr, fragment: bool) -> Iterator[_Mutation]:
    template = _template(node)
    if template is None:
        return
    text, fields = template
    for was, now, mutated in pattern_changes(text, fragment):
        if not fragment and not _compiles(mutated):
            continue
        yield _Mutation(
            index, _rebuild(mutated, fields), was=_show(was, fields), now=_show(now, fields)
        )


def _template(node: ast.expr) -> tuple[str, list[ast.FormattedValue]] | None:
    """A string or f-string as one text, each field replaced by a placeholder character."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value, []
    if not isinstance(node, ast.JoinedStr):
        return None
    parts: list[str] = []
    fields: list[ast.FormattedValue] = []
    for part in node.values:
        if isinstance(part, ast.Constant) and isinstance(part.value, str):
            parts.append(part.value)
        elif isinstance(part, ast.FormattedValue):
            parts.append(chr(_PLACEHOLDER + len(fields)))
            fields.append(part)
        else:
            return None
    return "".join(parts), fields


def _rebuild(text: str, fields: list[ast.FormattedValue]) -> ast.expr:
    if not fields:
        return ast.Constant(text)
    values: list[ast.expr] = []
    for piece in re.split(f"([{chr(_PLACEHOLDER)}-{chr(_PLACEHOLDER + len(fields))}])", text):
        if len(piece) == 1 and ord(piece) >= _PLACEHOLDER:
            values.append(copy.deepcopy(fields[ord(piece) - _PLACEHOLDER]))
        elif piece:
            values.append(ast.Constant(piece))
    return ast.JoinedStr(values)


def _compiles(text: str) -> bool:
    try:
        re.compile(re.sub(f"[{chr(_PLACEHOLDER)}-{chr(_PLACEHOLDER + 0xFF)}]", "a", text))
    except re.error:
        return False
    return True


def _show(text: str, fields: list[ast.FormattedValue]) -> str:
    """A piece of pattern as one would write it in a raw string: controls and non-ASCII as
    escapes, fields as ``{name}``."""
    shown = []
    for char in text:
        code = ord(char)
        if code >= _PLACEHOLDER:
            shown.append("{" + ast.unparse(fields[code - _PLACEHOLDER].value) + "}")
        elif 0x20 <= code < 0x7F:
            shown.append(char)
        else:
            shown.append(_escape(char))
    return "".join(shown)


def _escape(char: str) -> str:
    code = ord(char)
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


# Reading patterns --------------------------------------------------------------------------


def pattern_changes(text: str, fragment: bool = False) -> Iterator[tuple[str, str, str]]:
    """The mutations of one pattern: (piece that was, what it became, whole new pattern).

    ``fragment``: ``text`` is the inside of a character class (spliced into one), not a
    whole pattern."""
    scan = _Scan(text, fragment)
    for start, end in scan.classes:
        yield from _class_changes(text, start, end, fragment)
    for alternatives, group_start, group_end in scan.groups:
        yield from _alternative_drops(text, alternatives, group_start, group_end)
    for atom_start, mark in scan.optionals:
        atom = text[atom_start : mark + 1]
        yield atom, atom[:-1], text[:mark] + text[mark + 1 :]


def _class_changes(
    text: str, start: int, end: int, fragment: bool
) -> Iterator[tuple[str, str, str]]:
    """Narrowed ranges and dropped members of the class whose members are text[start:end]."""
    members = _members(text, start, end)
    low_end = start - 1 if not fragment else start
    high_end = end + 1 if not fragment else end
    whole = text[low_end:high_end]
    for first, last, upper in members:
        if upper is None:
            if len(members) == 1:
                continue  # an empty class is no longer a pattern
            mutated = text[:first] + text[last:]
            yield whole, mutated[low_end : high_end - (last - first)], mutated
            continue
        low, high = ord(text[first]), ord(text[upper])
        for new_low, new_high in ((low + 1, high), (low, high - 1)):
            if new_low > new_high:
                continue
            narrowed = chr(new_low) + "-" + chr(new_high)
            piece = text[first:last]
            yield (
                _escape(piece[0]) + "-" + _escape(piece[-1]),
                _escape(narrowed[0]) + "-" + _escape(narrowed[-1]),
                text[:first] + narrowed + text[last:],
            )


def _members(text: str, start: int, end: int) -> list[tuple[int, int, int | None]]:
    """The members of a class: (start, end, index of the range's upper bound or None)."""
    members: list[tuple[int, int, int | None]] = []
    at = start
    if at < end and text[at] == "^" and (at == 0 or text[at - 1] == "["):
        at += 1
    while at < end:
        width = 2 if text[at] == "\\" else 1
        if at + width + 1 < end and text[at + width] == "-" and width == 1:
            upper = at + width + 1
            if text[upper] != "\\" and ord(text[at]) < ord(text[upper]) < _PLACEHOLDER:
                members.append((at, upper + 1, upper))
                at = upper + 1
                continue
        if ord(text[at]) < _PLACEHOLDER:
            members.append((at, at + width, None))
        at += width
    return members


def _alternative_drops(
    text: str, alternatives: list[tuple[int, int]], group_start: int, group_end: int
) -> Iterator[tuple[str, str, str]]:
    for position, (first, last) in enumerate(alternatives):
        if position == 0:
            cut_start, cut_end = first, alternatives[1][0]  # the alternative and the | after it
        else:
            cut_start, cut_end = alternatives[position - 1][1], last  # the | before, and it
        mutated = text[:cut_start] + text[cut_end:]
        if group_start == 0 and group_end == len(text):  # the whole pattern: show the piece
            yield text[cut_start:cut_end], "", mutated
        else:
            yield (
                text[group_start:group_end],
                mutated[group_start : group_end - (cut_end - cut_start)],
                mutated,
            )


class _Scan:
    """Where a pattern's classes, groups with alternatives and optional atoms are."""

    def __init__(self, text: str, fragment: bool) -> None:
        self.classes: list[tuple[int, int]] = []
        self.groups: list[tuple[list[tuple[int, int]], int, int]] = []
        """(alternatives, start, end) of each group with more than one alternative."""
        self.optionals: list[tuple[int, int]] = []
        """(start of the atom, index of its ``?``)."""
        if fragment:
            self.classes.append((0, len(text)))
            return
        self._scan(text)

    def _scan(self, text: str) -> None:
        # Each open group: (where it starts, where its body starts, its alternatives' starts).
        stack: list[tuple[int, int, list[int]]] = [(0, 0, [0])]
        at = 0
        while at < len(text):
            char = text[at]
            if char == "\\":
                at += 2
            elif char == "[":
                end = at + 1
                if end < len(text) and text[end] == "^":
                    end += 1
                end += 1 if end < len(text) and text[end] == "]" else 0
                while end < len(text) and text[end] != "]":
                    end += 2 if text[end] == "\\" else 1
                self.classes.append((at + 1, end))
                self._optional(text, at, end + 1)
                at = end + 1
            elif char == "(":
                body = at + 1
                prefix = re.match(r"\?(?::|=|!|<=|<!)", text[body:])
                body += prefix.end() if prefix else 0
                stack.append((at, body, [body]))
                at = body
            elif char == "|":
                stack[-1][2].append(at + 1)
                at += 1
            elif char == ")" and len(stack) > 1:
                start, body, starts = stack.pop()
                self._group(starts, at, start, at + 1)
                self._optional(text, start, at + 1)
                at += 1
            else:
                at += 1
        start, body, starts = stack[0]
        self._group(starts, len(text), 0, len(text))

    def _group(self, starts: list[int], body_end: int, start: int, end: int) -> None:
        if len(starts) < 2:
            return
        ends = [following - 1 for following in starts[1:]] + [body_end]
        self.groups.append((list(zip(starts, ends, strict=True)), start, end))

    def _optional(self, text: str, atom_start: int, after: int) -> None:
        if after < len(text) and text[after] == "?":
            self.optionals.append((atom_start, after))
