"""Component styles looked up once per style change, not once per drawn line."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.style import Style
from textual.widget import Widget

# A mixin, not a Widget subclass, so that it does not change the CSS type of its widgets.
if TYPE_CHECKING:
    _Base = Widget
else:
    _Base = object


class CachedStyles(_Base):
    """For widgets that draw their lines themselves and need styles on every line."""

    def component_style(self, component: str, partial: bool = True) -> Style:
        """The style of a component class ("" for none); ``partial``: only what it sets."""
        cache: dict[tuple[str, bool], Style] = self.__dict__.setdefault("_style_cache", {})
        style = cache.get((component, partial))
        if style is None:
            style = Style()
            if component:
                style = self.get_component_rich_style(component, partial=partial)
            cache[component, partial] = style
        return style

    @property
    def base_style(self) -> Style:
        """The widget's own style (background included)."""
        cache: dict[tuple[str, bool], Style] = self.__dict__.setdefault("_style_cache", {})
        style = cache.get(("", False))
        if style is None:
            style = cache["", False] = self.rich_style
        return style

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self.__dict__.setdefault("_style_cache", {}).clear()
