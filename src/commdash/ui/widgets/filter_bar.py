"""The filter line over the conversation list.

What the manager types becomes the filter once typing pauses (:class:`FilterBar.FilterChanged`),
so keys never wait for the list; a large inbox is searched in a worker thread
(:class:`FilterBar.Searched`). ``enter`` and ``escape`` are screen actions that settle or clear
the bar at once, before the next key: then a message still on its way says it is ``stale``.
The filter is a query (:mod:`commdash.query`): a mistake is marked where it is
(:meth:`FilterBar.mark`), and tab completes keys, states, tags, assignees and authors: again
and again, it goes through every term that fits (:meth:`FilterBar.completing` says which).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import ClassVar

from rich.highlighter import Highlighter
from rich.text import Text
from textual import on, work
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.message import Message
from textual.suggester import Suggester
from textual.timer import Timer
from textual.widgets import Input
from textual.worker import get_current_worker

from commdash.inbox import Inbox, SearchStopped, Sort, View
from commdash.query import HAS_VALUES, IS_VALUES, KEYS, QueryError
from commdash.ui.widgets.cells import terminal_text
from commdash.ui.widgets.text_entry import EntryInput
from commdash.views import combined

PAUSE_SECONDS = 0.08
"""Typing that pauses this long is taken as the filter."""
SEARCH_IN_BACKGROUND_ABOVE = 20_000
"""With more conversations than this, a filter is searched in a thread: typing goes on."""
SEARCH_ATTEMPTS = 3
"""A search in a thread starts again when the inbox changed under it, this many times."""


class QueryCompletion(Suggester):
    """Completes the term being typed: a key (``is:``, ``tag:``...), then its value from the
    states, tags, assignees and authors known (``known(key)``)."""

    def __init__(self, known: Callable[[str], list[str]]) -> None:
        super().__init__(use_cache=False, case_sensitive=False)
        self.known = known

    async def get_suggestion(self, value: str) -> str | None:
        start, terms = self.terms(value)
        return value[:start] + terms[0] if terms else None

    def terms(self, value: str) -> tuple[int, list[str]]:
        """Where the term being typed at the end of ``value`` starts, and each whole term it
        may complete to (with its ``-``)."""
        start = max(value.rfind(" "), value.rfind("(")) + 1
        term = value[start:]
        sign = "-" if term.startswith("-") else ""
        term = term.removeprefix("-")
        if not term:
            return start, []
        key, colon, _ = term.partition(":")
        if colon:
            candidates = [f"{key}:{known}" for known in self.known(key.casefold())]
            quoted = [c if " " not in c else f'{key}:"{c[len(key) + 1 :]}"' for c in candidates]
        else:
            quoted = list(KEYS)
        folded = term.casefold()
        return start, [
            sign + candidate
            for candidate in quoted
            if candidate.casefold().startswith(folded) and len(candidate) > len(term)
        ]


@dataclass
class Completing:
    """The terms tab goes through for what was typed (``typed``, the term at ``start``), and
    the one taken (``at``)."""

    typed: str
    start: int
    terms: list[str] = field(default_factory=list)
    at: int = 0

    @property
    def value(self) -> str:
        """The filter with the term taken."""
        return self.typed[: self.start] + self.terms[self.at]

    def line(self) -> Content:
        """The terms, from the one taken on, as the line beside the bar shows them."""
        shown = [terminal_text(term) for term in self.terms[self.at :] + self.terms[: self.at]]
        counted = f"tab {self.at + 1}/{len(self.terms)}: "
        return Content.assemble(counted, (shown[0], "bold"), *(f"  {term}" for term in shown[1:]))


class ProblemMark(Highlighter):
    """Marks the characters of the filter a mistake is about."""

    def __init__(self) -> None:
        self.span: tuple[int, int] | None = None

    def highlight(self, text: Text) -> None:
        if self.span is not None:
            text.stylize("bold underline reverse", *self.span)


class FilterBar(EntryInput):
    """Hidden until opened; finds the conversations that match the filter."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "tab",
            "complete",
            "Complete",
            show=False,
            tooltip="Filter: complete the term (keys, states, tags, names); again: the next",
            id="filter.complete",
        )
    ]

    @dataclass
    class FilterChanged(Message):
        """Typing paused: ``text`` is the filter wanted."""

        bar: FilterBar
        text: str

        @property
        def control(self) -> FilterBar:
            return self.bar

        @property
        def stale(self) -> bool:
            """Whether the manager typed on, or kept or cleared the filter, since."""
            return self.bar._typed != self.text

    @dataclass
    class Searched(Message):
        """A search in the background finished: ``ids`` are the conversations of ``view``
        (and of the post ``post_id``) that match ``text``; None if the inbox kept changing
        under the search."""

        bar: FilterBar
        text: str
        view: View
        post_id: str | None
        within: str
        """The view's own query, which the filter narrows."""
        sort: Sort | None
        ids: list[str] | None

        @property
        def control(self) -> FilterBar:
            return self.bar

        @property
        def stale(self) -> bool:
            """Whether another search, or clearing the filter, came since."""
            return self.bar._searching != self.text

    def __init__(self, inbox: Inbox, *, id: str | None = None) -> None:
        self._mark = ProblemMark()
        self._completion = QueryCompletion(self._known)
        super().__init__(
            placeholder='filter: words, "a phrase", tag:x is:open age:>2h -not or (tab completes)',
            highlighter=self._mark,
            suggester=self._completion,
            id=id,
        )
        self._completing: Completing | None = None
        """What tab went through last; in effect while the filter is the term it took."""
        self.inbox = inbox
        self.authors: Callable[[], list[str]] = list
        """The authors ``from:`` completes (the screen's: those of the list shown)."""
        self._pause: Timer | None = None
        self._typed: str | None = None
        """What was typed and not yet settled or cleared."""
        self._searching: str | None = None
        """The filter being searched in the background."""

    def on_mount(self) -> None:
        self.display = False

    def open(self, text: str) -> None:
        """Show the bar with ``text``, the filter in effect (the screen gives it the focus)."""
        self.display = True
        self.value = text

    def settle(self) -> str:
        """enter: stop waiting for typing to pause; the text typed."""
        self._stop_waiting()
        return self.value

    def clear(self) -> None:
        """escape: no filter; stop waiting for typing, stop searching, hide."""
        self._stop_waiting()
        self._stop_searching()
        self.display = False

    def mark(self, problem: QueryError | None) -> None:
        """Mark the mistake of the text (None: there is none)."""
        span = None if problem is None else (problem.start, problem.end)
        if span != self._mark.span:
            self._mark.span = span
            self.refresh()

    def action_complete(self) -> None:
        """tab: complete the term at the end of the text (the completion shown after it);
        tab again: the next term that fits, round and round, as a shell does."""
        completing = self.completing()
        if completing is not None:
            completing.at = (completing.at + 1) % len(completing.terms)
        else:
            start, terms = self._completion.terms(self.value)
            if not terms:
                return
            completing = self._completing = Completing(self.value, start, terms)
        self.value = completing.value
        self.action_end()

    def completing(self) -> Completing | None:
        """The terms tab goes through, while the filter is the one it took (None: typed)."""
        completing = self._completing
        return completing if completing is not None and completing.value == self.value else None

    def _known(self, key: str) -> list[str]:
        if key == "is":
            return list(IS_VALUES)
        if key == "has":
            return list(HAS_VALUES)
        if key == "tag":
            return self.inbox.known_tags()
        if key == "assignee":
            return self.inbox.known_assignees()
        if key == "from":
            return self.authors()
        return []

    def _stop_waiting(self) -> None:
        if self._pause is not None:
            self._pause.stop()
        self._typed = None

    def _stop_searching(self) -> None:
        self._searching = None
        self.workers.cancel_group(self, "filter")

    @on(Input.Changed)
    def _typing(self, event: Input.Changed) -> None:
        self._stop_waiting()
        self._typed = text = event.value
        self._pause = self.set_timer(
            PAUSE_SECONDS, lambda: self.post_message(self.FilterChanged(self, text))
        )

    def search_later(
        self,
        text: str,
        view: View,
        post_id: str | None,
        within: str = "",
        sort: Sort | None = None,
        listing: bool = False,
        marked: frozenset[str] = frozenset(),
    ) -> bool:
        """Stop the search under way, if any; then, for a large inbox, search ``text`` (in
        the view's own query ``within``) in the background and return True
        (:class:`Searched` follows). False: no text (unless ``listing``: a view or order
        with no filter), or an inbox small enough to search at once. ``marked``: the
        conversations ``is:marked`` stands for."""
        self._stop_searching()
        if (not text and not listing) or len(self.inbox.conversations) <= (
            SEARCH_IN_BACKGROUND_ABOVE
        ):
            return False
        self._searching = text
        self._search(text, view, post_id, within, sort, marked)
        return True

    @work(thread=True, exclusive=True, group="filter")
    def _search(
        self,
        text: str,
        view: View,
        post_id: str | None,
        within: str,
        sort: Sort | None,
        marked: frozenset[str],
    ) -> None:
        """Search off the UI thread; a newer search stops this one."""
        worker = get_current_worker()
        ids = None
        query = combined(within, text)
        for _ in range(SEARCH_ATTEMPTS):
            try:
                ids = self.inbox.conversation_ids(
                    view,
                    post_id,
                    query,
                    stop=lambda: worker.is_cancelled,
                    sort=sort,
                    marked=marked,
                )
                break
            except (RuntimeError, KeyError, AttributeError):  # the inbox changed: again
                continue
            except (SearchStopped, QueryError):
                return
        if not worker.is_cancelled:
            found = self.Searched(self, text, view, post_id, within, sort, ids)
            self.app.call_from_thread(self._found, found)

    def _found(self, found: Searched) -> None:
        if found.text == self._searching:  # else the manager cleared or changed it meanwhile
            self.post_message(found)
