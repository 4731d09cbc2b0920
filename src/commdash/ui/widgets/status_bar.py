"""The top line: which source, how much waits, what is wrong, how old the data is.

When the line is longer than the terminal is wide, it keeps what matters most: how many
conversations need a reply and are over the SLA, then delivery problems (replies not sent,
delivery paused), then sync problems, then the data's age. The product's name, the
platform and the source's name make room first; long wordings are shortened before
anything that matters goes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from rich.cells import cell_len
from textual.content import Content
from textual.widget import Widget

from commdash.figures import Figures
from commdash.model import SourceInfo
from commdash.outbox import TOKEN_REFUSED, Reply
from commdash.text import one_line
from commdash.timeutil import short_age
from commdash.ui.widgets.cells import terminal_text

SEPARATOR = " · "
NAME_SHORT = 16


@dataclass(frozen=True, slots=True)
class Piece:
    """One part of the line, in its wordings from the longest; an empty one leaves it out."""

    key: str
    forms: tuple[str, ...]
    style: str = ""
    joiner: str = SEPARATOR
    """What comes before it, after the piece on its left."""


MAKING_ROOM = (
    ("brand", 1),
    ("platform", 1),
    ("name", 1),
    ("name", 2),
    ("delivery", 1),
    ("delivery", 2),
    ("sync", 1),
    ("team", 1),
    ("age", 1),
    ("delivery", 3),
    ("sync", 2),
)
"""How the line makes room, step by step until it fits: (piece, its wording from then on).
The counts of conversations are never left out."""


def data_age(seconds: float) -> str:
    if seconds < 60:
        return "data just in" if seconds > -60 else "data from the future"
    return f"data {short_age(seconds)} old"


def outbox_trouble(items: Iterable[Reply]) -> tuple[int, int]:
    """How many items of the outbox wait for a refused token, and how many the platform
    refused (hides too, which no thread shows)."""
    paused = failed = 0
    for item in items:
        paused += item.paused
        failed += item.status == "failed"
    return paused, failed


def delivery_forms(paused: int, failed: int, renew: str = "") -> tuple[str, ...]:
    """What the line says about delivery, from the longest wording; () when all is well.
    ``renew``: what to do about a refused token (with the key in effect), said while there
    is room."""
    if not (paused or failed):
        return ()
    waiting = f"{paused:,} waiting"
    not_sent = f"{failed:,} not sent"
    told = f"{TOKEN_REFUSED} — {renew} ({waiting})" if renew else f"{TOKEN_REFUSED} ({waiting})"
    forms = [
        [told, f"{TOKEN_REFUSED} ({waiting})", f"delivery paused ({waiting})", "paused"],
        [f"{not_sent} (commdash outbox)"] * 2 + [not_sent] * 2,
    ]
    shown = [form for form, count in zip(forms, (paused, failed), strict=True) if count]
    return tuple(SEPARATOR.join(words) for words in zip(*shown, strict=True))


def fitted(pieces: list[Piece], width: int) -> list[tuple[Piece, str]]:
    """The pieces and their wordings that fit in ``width`` cells (all, when nothing more
    can make room), in order."""
    level = dict.fromkeys((piece.key for piece in pieces), 0)

    def chosen() -> list[tuple[Piece, str]]:
        return [(p, p.forms[min(level[p.key], len(p.forms) - 1)]) for p in pieces]

    def length(line: list[tuple[Piece, str]]) -> int:
        shown = [(piece, words) for piece, words in line if words]
        return sum(cell_len(piece.joiner) for piece, _ in shown[1:]) + sum(
            cell_len(words) for _, words in shown
        )

    for key, step in MAKING_ROOM:
        if length(chosen()) <= width:
            break
        if key in level:
            level[key] = step
    return [(piece, words) for piece, words in chosen() if words]


class StatusBar(Widget):
    DEFAULT_CSS = """
    StatusBar { height: 1; background: $panel; color: $foreground; padding: 0 1; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._pieces: list[Piece] = []

    @property
    def _urgent(self) -> str:
        return "bold reverse" if self.app.no_color else "bold $error"

    def show(
        self,
        source: SourceInfo,
        figures: Figures | None,
        now: float,
        demo: bool,
        sync: tuple[str, str, bool] | None = None,
        delivery: tuple[int, int] = (0, 0),
        renew: str = "",
        team: str = "",
    ) -> None:
        """``figures``: None while a live source has not brought any data yet (no count is
        better than a false 0). ``sync``: for a live source, how its sync stands (words,
        the data's age, whether that is bad news; see ``inbox_text.sync_state``), shown in
        place of the data's age. ``delivery``: the outbox's items paused and not sent;
        ``renew``: what to do about a refused token. ``team``: how the team database
        stands, when it is away or being caught up with."""
        muted = "$text-muted"
        pieces = [
            Piece("brand", ("commdash", ""), "bold"),
            Piece("name", self._names(source.name), "bold"),
            Piece("platform", (f"({source.platform}{', demo' if demo else ''})", ""), "", " "),
        ]
        if figures is None:
            pieces.append(Piece("waiting", ("no data yet",), muted))
        else:
            waiting, late = figures.needs_reply, figures.sla_breached
            pieces += [
                Piece("waiting", (f"{waiting:,} need reply",), "$warning" if waiting else ""),
                Piece("late", (f"{late:,} over SLA",), self._urgent if late else ""),
            ]
        pieces.append(Piece("delivery", delivery_forms(*delivery, renew), self._urgent))
        pieces.append(Piece("team", (team, team.partition(":")[0]), self._urgent))
        if sync is None:
            pieces.append(Piece("age", (data_age(now - source.exported_at), "")))
        else:
            words, age, bad = sync
            brief = words.split(SEPARATOR)[0]  # what follows the first · is detail
            pieces.append(Piece("sync", (words, brief, ""), self._urgent if bad else muted))
            pieces.append(Piece("age", (age, ""), muted))
        self._pieces = [piece for piece in pieces if piece.forms and piece.forms[0]]
        self.refresh()

    @staticmethod
    def _names(name: str) -> tuple[str, ...]:
        shown = terminal_text(name)
        return (one_line(shown, 80), one_line(shown, NAME_SHORT), "")

    def render(self) -> Content:
        line = fitted(self._pieces, self.content_region.width)
        parts: list[str | tuple[str, str]] = []
        for index, (piece, words) in enumerate(line):
            if index:
                parts.append(piece.joiner)
            parts.append((words, piece.style))
        return Content.assemble(*parts)
