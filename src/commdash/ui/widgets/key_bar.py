"""The key hints at the bottom: one line, redrawn only when the keys on offer change.

Textual's ``Footer`` rebuilds a widget per key whenever focus moves, which costs tens of
milliseconds a key; this draws the same hints as one line of text. When they do not all fit,
the last are left out, but never help and quit: at 80 columns a newcomer still sees how to
learn the keys and how to leave.
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.segment import Segment
from textual.screen import Screen
from textual.strip import Strip
from textual.widget import Widget

from commdash.keymap import binding_ids

DEFAULT_ORDER = {binding_id: index for index, binding_id in enumerate(binding_ids())}
"""Each binding id's place in the order Textual lists the bindings without a keymap."""
ALWAYS_SHOWN = frozenset({"app.help", "app.quit"})
"""The hints kept however narrow the terminal: the others make room for them."""


class KeyBar(Widget):
    COMPONENT_CLASSES = {"key-bar--key", "key-bar--description"}

    DEFAULT_CSS = """
    KeyBar {
        height: 1;
        dock: bottom;
        background: $footer-background;
        & > .key-bar--key { color: $footer-key-foreground; text-style: bold; }
        & > .key-bar--description { color: $footer-description-foreground; }
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._keys: list[tuple[str, str, bool]] = []
        """(key, description, whether it is always shown), in the bar's order."""
        self._palette: tuple[str, str] | None = None

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen[object]) -> None:
        keys: list[tuple[str, str, bool]] = []
        palette = None
        seen: set[str] = set()
        active = list(screen.active_bindings.values())
        # Textual lists a binding the config remapped after the others of its widget: put
        # it back in its usual place, or a remapped key would be the first cut off.
        ranks = {node: rank for rank, node in enumerate(dict.fromkeys(a.node for a in active))}
        last = len(DEFAULT_ORDER)
        active.sort(key=lambda a: (ranks[a.node], DEFAULT_ORDER.get(a.binding.id or "", last)))
        for _node, binding, enabled, _tooltip in active:
            if binding.action == "command_palette":
                palette = (self.app.get_key_display(binding), "palette")
            elif binding.show and enabled and binding.action not in seen:
                seen.add(binding.action)
                kept = binding.id in ALWAYS_SHOWN
                keys.append((self.app.get_key_display(binding), binding.description, kept))
        if (keys, palette) != (self._keys, self._palette):
            self._keys, self._palette = keys, palette
            self.refresh()

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        base = self.rich_style
        key_style = base + self.get_component_rich_style("key-bar--key", partial=True)
        text_style = base + self.get_component_rich_style("key-bar--description", partial=True)
        right = []
        if self._palette is not None:
            right = [
                Segment(f" {self._palette[0]}", key_style),
                Segment(f" {self._palette[1]} ", text_style),
            ]
        room = width - sum(cell_len(s.text) for s in right)
        sizes = [cell_len(key) + cell_len(description) + 3 for key, description, _ in self._keys]
        free = room - sum(size for size, (*_, kept) in zip(sizes, self._keys, strict=True) if kept)
        left: list[Segment] = []
        used = 0
        for size, (key, description, kept) in zip(sizes, self._keys, strict=True):
            if not kept:
                if size > free:
                    free = 0  # the rest are left out, in order: no gaps in the bar
                    continue
                free -= size
            elif used + size > room:
                continue
            left += [Segment(f" {key}", key_style), Segment(f" {description} ", text_style)]
            used += size
        gap = Segment(" " * max(0, room - used), base)
        return Strip([*left, gap, *right]).crop(0, width)
