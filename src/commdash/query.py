"""The filter language: what the manager types after ``/`` and what a view's ``query`` says.

Terms joined by spaces (and), ``or`` and ``-`` (not), grouped with parentheses::

    tag:refund -is:done age:>2h
    (from:dana or from:lee) "order never arrived"

:func:`parse` turns the text into a tree of frozen nodes, or raises :class:`QueryError`
naming the span at fault; :func:`compile_query` turns a tree into a predicate over
conversation ids, built against an :class:`~commdash.inbox.Inbox`. Everything is
case-insensitive. A free word (or "quoted phrase") matches as the plain filter always did:
a conversation's tags (``#tag``), assignee (``@name``), authors and texts.

The parser is a small recursive descent over tokens; each node knows what it costs to check,
so an ``and`` checks its cheap structured terms (state, facts) before the text.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Literal

from commdash import figures
from commdash.model import total_likes
from commdash.text import one_line

if TYPE_CHECKING:
    from commdash.inbox import Inbox
    from commdash.model import Conversation

Predicate = Callable[[str], bool]

IS_VALUES = (
    "needs-reply",
    "open",
    "done",
    "snoozed",
    "over-sla",
    "queued",
    "failed",
    "hidden",
    "marked",
)
HAS_VALUES = ("question", "link", "note")
"""What ``has:`` knows: each has its test in :data:`_HAS_TESTS`."""
VALUE_KEYS = ("is", "assignee", "tag", "from", "post", "channel", "has")
COMPARED_KEYS = ("age", "waiting", "likes")
BARE_KEYS = ("mine", "unassigned")
KEYS = (*(f"{key}:" for key in (*VALUE_KEYS, *COMPARED_KEYS)), *BARE_KEYS)
"""Every key, as typed: what the filter bar completes."""
TERMS = (
    ('word, "a phrase"', "names, texts, #tags, @assignee"),
    ("a b, a or b, -a, (a)", "both, either, not, grouping"),
    ("is:needs-reply open done", "where it stands; also snoozed over-sla"),
    ("is:queued failed hidden", "its replies and comments; is:marked"),
    ("mine unassigned", "assigned to you, to nobody; assignee:NAME"),
    ("tag:X from:NAME", "tagged X; written in by NAME"),
    ("post:ID channel:NAME", "on that post (id or words), that channel"),
    ("age:>2h waiting:>1h", "latest message; waiting for us (< <= = >=, s m h d w)"),
    ("likes:>5 has:question", "likes in all; has:link, has:note"),
)
"""The terms in brief, for the help."""
MAX_DEPTH = 50
"""How deeply parentheses and ``-`` may nest: far beyond any query a person writes, and
shallow enough that parsing, compiling and checking stay well inside Python's stack."""
UNITS = {"s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0, "w": 604800.0}
Operator = Literal["<", "<=", ">", ">=", "="]


class QueryError(Exception):
    """A query that does not parse: ``message`` names the mistake, ``start``-``end`` the
    characters at fault (end exclusive), so the filter bar can mark them."""

    def __init__(self, message: str, start: int, end: int) -> None:
        super().__init__(message)
        self.message = message
        self.start = start
        self.end = max(end, start + 1)

    def __str__(self) -> str:
        return f"{self.message} (at {self.start + 1})"

    def described(self, query: str) -> str:
        """The mistake, where it is in ``query`` and what stands there, in one line: how a
        config file's query is told to fix (``unknown unit at 7 ('x')``)."""
        shown = one_line(query[self.start : self.end], 30)
        return f"{self.message} at {self.start + 1} ({shown!r})"


# The tree -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Word:
    """A free word or a quoted phrase, casefolded."""

    text: str


@dataclass(frozen=True, slots=True)
class Term:
    """``key:value`` (value casefolded), or a bare key (``mine``) with an empty value."""

    key: str
    value: str


@dataclass(frozen=True, slots=True)
class Compare:
    """``age:>2h``, ``waiting:<=30m``, ``likes:>5``: ``amount`` in seconds for times;
    ``unit`` the seconds of the unit written (``=`` compares whole units)."""

    key: str
    op: Operator
    amount: float
    unit: float


@dataclass(frozen=True, slots=True)
class Not:
    node: Node


@dataclass(frozen=True, slots=True)
class And:
    nodes: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Or:
    nodes: tuple[Node, ...]


Node = Word | Term | Compare | Not | And | Or


# Tokens -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Token:
    kind: Literal["(", ")", "-", "or", "word", "phrase"]
    text: str
    start: int
    end: int


_SPACE = frozenset(" \t\n\r\f\v")
_KEY = re.compile(r"([a-z]+):", re.IGNORECASE)


def _tokens(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    at, size = 0, len(text)
    while at < size:
        char = text[at]
        if char in _SPACE:
            at += 1
        elif char in "()":
            tokens.append(_Token(char, char, at, at + 1))  # type: ignore[arg-type]
            at += 1
        elif (
            char == "-"
            and at + 1 < size
            and text[at + 1] not in _SPACE
            and (not tokens or tokens[-1].end < at or tokens[-1].kind in ("(", "-"))
        ):
            tokens.append(_Token("-", char, at, at + 1))
            at += 1
        elif char == '"':
            close = text.find('"', at + 1)
            if close < 0:
                raise QueryError('unclosed "', at, size)
            tokens.append(_Token("phrase", text[at + 1 : close], at, close + 1))
            at = close + 1
        else:
            start = at
            key = _KEY.match(text, at)
            if key is not None and text.startswith('"', key.end()):
                close = text.find('"', key.end() + 1)
                if close < 0:
                    raise QueryError('unclosed "', key.end(), size)
                value = text[key.end() + 1 : close]
                tokens.append(_Token("word", key.group(0) + value, start, close + 1))
                at = close + 1
                continue
            while at < size and text[at] not in _SPACE and text[at] not in '()"':
                at += 1
            word = text[start:at]
            kind: Literal["or", "word"] = "or" if word.casefold() == "or" else "word"
            tokens.append(_Token(kind, word, start, at))
    return _words_for_lone_ors(tokens)


def _words_for_lone_ors(tokens: list[_Token]) -> list[_Token]:
    """``or`` joins two terms; one with nothing to join on a side is the word "or" (typing
    "order" passes through "or": that must never be a mistake)."""
    kept: list[_Token] = []
    for index, token in enumerate(tokens):
        after = tokens[index + 1] if index + 1 < len(tokens) else None
        if token.kind == "or" and (
            not kept
            or kept[-1].kind in ("(", "-", "or")
            or after is None
            or after.kind in (")", "or")
        ):
            token = _Token("word", token.text, token.start, token.end)
        kept.append(token)
    return kept


# Parsing ------------------------------------------------------------------------------------


def parse(text: str) -> Node | None:
    """The query's tree; None when it is empty (everything matches). QueryError names the
    first mistake and where it is."""
    return _parse_cached(text)


@lru_cache(maxsize=64)
def _parse_cached(text: str) -> Node | None:
    parser = _Parser(_tokens(text), len(text))
    if not parser.tokens:
        return None
    node = parser.alternatives()
    if parser.at < len(parser.tokens):
        token = parser.tokens[parser.at]
        raise QueryError("unmatched )", token.start, token.end)
    return node


def problem(text: str) -> QueryError | None:
    """The query's mistake, or None when it parses."""
    try:
        parse(text)
    except QueryError as error:
        return error
    return None


class _Parser:
    def __init__(self, tokens: list[_Token], size: int) -> None:
        self.tokens = tokens
        self.size = size
        self.at = 0
        self.open: list[_Token] = []
        """The parentheses opened and not yet closed."""
        self.depth = 0
        """How many ``(`` and ``-`` enclose the term being read (at most MAX_DEPTH)."""

    def _peek(self) -> _Token | None:
        return self.tokens[self.at] if self.at < len(self.tokens) else None

    def alternatives(self) -> Node:
        """and-groups joined by ``or``."""
        nodes = [self.sequence()]
        while (token := self._peek()) is not None and token.kind == "or":
            self.at += 1
            nodes.append(self.sequence())
        return nodes[0] if len(nodes) == 1 else Or(tuple(nodes))

    def sequence(self) -> Node:
        """Terms side by side: all must hold."""
        nodes = []
        while (token := self._peek()) is not None and token.kind not in ("or", ")"):
            nodes.append(self.unary())
        if not nodes:
            token = self._peek()
            if token is None:  # "(" at the end
                raise QueryError("unclosed (", self.open[-1].start, self.open[-1].end)
            if not self.open:
                raise QueryError("unmatched )", token.start, token.end)
            raise QueryError("empty parentheses", self.open[-1].start, token.end)
        return nodes[0] if len(nodes) == 1 else And(tuple(nodes))

    def unary(self) -> Node:
        token = self.tokens[self.at]
        if token.kind not in ("-", "("):
            self.at += 1
            return self._leaf(token)
        if self.depth == MAX_DEPTH:
            raise QueryError(
                f"nested too deeply (more than {MAX_DEPTH} levels)", token.start, token.end
            )
        self.depth += 1
        node = self._nested()
        self.depth -= 1
        return node

    def _nested(self) -> Node:
        """``-term`` or ``(alternatives)``."""
        token = self.tokens[self.at]
        self.at += 1
        if token.kind == "-":
            after = self._peek()
            if after is None or after.kind == ")":
                raise QueryError("- needs a term after it", token.start, token.end)
            return Not(self.unary())
        self.open.append(token)
        node = self.alternatives()
        close = self._peek()
        if close is None or close.kind != ")":
            raise QueryError("unclosed (", token.start, token.end)
        self.open.pop()
        self.at += 1
        return node

    def _leaf(self, token: _Token) -> Node:
        if token.kind == ")":
            raise QueryError("unmatched )", token.start, token.end)
        if token.kind == "phrase":
            return _word(token.text, token)
        return _term(token)


def _word(text: str, token: _Token) -> Word:
    folded = " ".join(text.casefold().split())
    if not folded:
        raise QueryError("empty quotes", token.start, token.end)
    return Word(folded)


def _term(token: _Token) -> Node:
    text = token.text
    lowered = text.casefold()
    if lowered in BARE_KEYS:
        return Term(lowered, "")
    key = _KEY.match(text)
    if key is None or text[key.end() :].startswith("//"):  # a link, 12:30: a word
        return _word(text, token)
    name = key.group(1).casefold()
    value_at = token.start + key.end()
    value = text[key.end() :].strip('"')
    if name in COMPARED_KEYS:
        return _compare(name, value, value_at, token)
    if name not in VALUE_KEYS:
        raise QueryError(f"{name}: unknown key ({_listed(KEYS)})", token.start, value_at)
    folded = " ".join(value.casefold().split())
    if not folded:
        raise QueryError(f"{name}: needs a value", token.start, token.end)
    if name == "is" and folded not in IS_VALUES:
        raise QueryError(f"is:{folded}: unknown state ({_listed(IS_VALUES)})", value_at, token.end)
    if name == "has" and folded not in HAS_VALUES:
        raise QueryError(f"has:{folded}: unknown ({_listed(HAS_VALUES)})", value_at, token.end)
    return Term(name, folded)


_COMPARISON = re.compile(r"(<=|>=|<|>|=)?(\d+(?:\.\d+)?)?(.*)", re.DOTALL)


def _compare(name: str, value: str, value_at: int, token: _Token) -> Compare:
    match = _COMPARISON.fullmatch(value)
    assert match is not None  # every part is optional
    op, number, rest = match.groups()
    shown = f"{name}:{value}"
    if op is None:
        where = (value_at, token.end) if value else (token.start, token.end)
        raise QueryError(f"{shown}: expected <, >, <=, >= or = first", *where)
    number_at = value_at + len(op)
    if number is None:
        where = (number_at, token.end) if rest else (value_at, token.end)
        raise QueryError(f"{shown}: expected a number", *where)
    unit_at = number_at + len(number)
    if name == "likes":
        if rest:
            raise QueryError(f"{shown}: expected a whole number", unit_at, token.end)
        if "." in number:
            raise QueryError(f"{shown}: expected a whole number", number_at, unit_at)
        return Compare(name, op, float(number), 1.0)  # type: ignore[arg-type]
    unit = UNITS.get(rest.casefold())
    if unit is None:
        problem = "unknown unit" if rest else "needs a unit"
        where = (unit_at, token.end) if rest else (number_at, unit_at)
        raise QueryError(f"{shown}: {problem} ({_listed(UNITS)})", *where)
    return Compare(name, op, float(number) * unit, unit)  # type: ignore[arg-type]


def _listed(names: Iterable[str]) -> str:
    return ", ".join(names)


# Checking a conversation --------------------------------------------------------------------

CHEAP, TEXT, MESSAGES = 0, 1, 2
"""What a predicate costs: state and facts; a text search; reading the messages."""


@dataclass(slots=True)
class Context:
    """What a query is checked against besides the inbox."""

    inbox: Inbox
    stop: Callable[[], bool]
    me: frozenset[str]
    """The manager's names, casefolded (``user@host`` and ``user``): what ``mine`` means."""
    marked: frozenset[str]


def manager_names(manager: str) -> frozenset[str]:
    """What ``mine`` matches for the manager ``user@host``: that, or ``user`` alone."""
    folded = manager.casefold().strip()
    if not folded:
        return frozenset()
    return frozenset({folded, folded.split("@", 1)[0]})


def compile_query(node: Node, context: Context) -> Predicate:
    """A predicate over conversation ids: whether each matches ``node``."""
    return _compile(node, context)[0]


def _compile(node: Node, context: Context) -> tuple[Predicate, int]:
    if isinstance(node, Not):
        inner, cost = _compile(node.node, context)
        return (lambda cid: not inner(cid)), cost
    if isinstance(node, And | Or):
        parts = sorted((_compile(n, context) for n in node.nodes), key=lambda part: part[1])
        checks = [check for check, _ in parts]
        cost = parts[-1][1]
        if isinstance(node, And):
            return (lambda cid: all(check(cid) for check in checks)), cost
        return (lambda cid: any(check(cid) for check in checks)), cost
    if isinstance(node, Word):
        return context.inbox.text_matcher(node.text, context.stop), TEXT
    if isinstance(node, Compare):
        return _compared(node, context)
    return _structured(node, context)


def _structured(term: Term, context: Context) -> tuple[Predicate, int]:
    inbox = context.inbox
    state = inbox.state
    value = term.value
    if term.key == "is":
        return _IS_TESTS[value](context), (MESSAGES if value == "hidden" else CHEAP)
    if term.key == "mine":
        me = context.me
        return (lambda cid: (state(cid).assignee or "").casefold() in me), CHEAP
    if term.key == "unassigned":
        return (lambda cid: not state(cid).assignee), CHEAP
    if term.key == "assignee":
        return (lambda cid: (state(cid).assignee or "").casefold() == value), CHEAP
    if term.key == "tag":
        value = value.removeprefix("#")
        return (lambda cid: any(t.casefold() == value for t in state(cid).tags)), CHEAP
    if term.key == "channel":
        posts = {pid for pid, post in inbox.posts.items() if post.channel.casefold() == value}
        return (lambda cid: inbox.post_of(cid) in posts), CHEAP
    if term.key == "post":
        posts = {
            pid
            for pid, post in inbox.posts.items()
            if pid.casefold() == value or value in post.text.casefold()
        }
        return (lambda cid: inbox.post_of(cid) in posts), CHEAP
    if term.key == "from":
        return _reading(context, f"from:{value}", value, _from(value)), MESSAGES
    build, cost = _HAS_TESTS[value]
    return build(context), cost


def _reading(
    context: Context, name: str, hint: str | None, test: Callable[[Conversation], bool]
) -> Predicate:
    """A test of the messages, remembered by the inbox under ``name``; ``hint``: a text
    every match contains, which the text search finds first (on a large source, far cheaper
    than reading every conversation)."""
    tested = context.inbox.read_once(name, test)
    if hint is None or not context.inbox.on_shelf:  # in memory, reading is the cheaper
        return tested
    found = context.inbox.text_matcher(hint, context.stop)
    return lambda cid: found(cid) and tested(cid)


def _from(name: str) -> Callable[[Conversation], bool]:
    return lambda conversation: any(
        name in message.author.name.casefold() for message in conversation.messages
    )


_LINK = re.compile(r"https?://|www\.", re.IGNORECASE)


def _has_question(conversation: Conversation) -> bool:
    return any("?" in m.text for m in conversation.messages if not m.ours)


def _has_link(conversation: Conversation) -> bool:
    return any(_LINK.search(m.text) for m in conversation.messages)


_HAS_TESTS: dict[str, tuple[Callable[[Context], Predicate], int]] = {
    # A question holds "?": on a large source, the text search finds those first.
    "question": (lambda context: _reading(context, "has:question", "?", _has_question), MESSAGES),
    "link": (lambda context: _reading(context, "has:link", None, _has_link), MESSAGES),
    "note": (lambda context: context.inbox.has_note, CHEAP),
}
"""Each ``has:`` value: how to build its predicate, and what checking it costs."""


def _is_hidden(context: Context) -> Predicate:
    inbox = context.inbox

    def hidden(cid: str) -> bool:
        if any(flag for _, flag in inbox.state(cid).hidden):
            return True
        return any(not inbox.is_visible(cid, m) for m in inbox.conversations[cid].messages)

    return hidden


def _is_needs_reply(context: Context) -> Predicate:
    inbox = context.inbox
    return lambda cid: figures.needs_reply(inbox.facts(cid), inbox.counted_status(cid))


def _is_over_sla(context: Context) -> Predicate:
    inbox = context.inbox
    now = inbox.clock.now()
    return lambda cid: figures.over_sla(
        inbox.facts(cid), inbox.counted_status(cid), now, inbox.sla_seconds
    )


def _status_is(status: str) -> Callable[[Context], Predicate]:
    def build(context: Context) -> Predicate:
        counted = context.inbox.counted_status
        return lambda cid: counted(cid) == status

    return build


def _reply_is(*statuses: str) -> Callable[[Context], Predicate]:
    def build(context: Context) -> Predicate:
        replies = context.inbox.replies
        return lambda cid: any(r.status in statuses for r in replies(cid))

    return build


def _is_marked(context: Context) -> Predicate:
    marked = context.marked
    return lambda cid: cid in marked


_IS_TESTS: dict[str, Callable[[Context], Predicate]] = {
    "needs-reply": _is_needs_reply,
    "open": _status_is("open"),
    "done": _status_is("done"),
    "snoozed": _status_is("snoozed"),
    "over-sla": _is_over_sla,
    "queued": _reply_is("queued", "sending"),
    "failed": _reply_is("failed"),
    "hidden": _is_hidden,
    "marked": _is_marked,
}


def _compared(node: Compare, context: Context) -> tuple[Predicate, int]:
    inbox = context.inbox
    holds = _holds(node)
    now = inbox.clock.now()
    if node.key == "likes":
        likes = inbox.read_once("likes", total_likes)
        return (lambda cid: holds(likes(cid))), MESSAGES
    if node.key == "age":

        def aged(cid: str) -> bool:
            latest = inbox.facts(cid).latest_at
            return latest is not None and holds(now - latest)

        return aged, CHEAP

    def waited(cid: str) -> bool:
        facts = inbox.facts(cid)
        return (
            figures.needs_reply(facts, inbox.counted_status(cid))
            and facts.latest_at is not None
            and holds(now - facts.latest_at)
        )

    return waited, CHEAP


def _holds(node: Compare) -> Callable[[float], bool]:
    amount, unit = node.amount, node.unit
    if node.op == "<":
        return lambda value: value < amount
    if node.op == "<=":
        return lambda value: value <= amount
    if node.op == ">":
        return lambda value: value > amount
    if node.op == ">=":
        return lambda value: value >= amount
    # age:=2h: two hours old, counted in whole hours (as ages are shown)
    return lambda value: value // unit == amount // unit
