"""Copying a message's link or text to the manager's clipboard, and opening its link.

The clipboard is the manager's own, reached through the terminal (OSC 52, as Textual's
``App.copy_to_clipboard`` writes it), so copying works over SSH too. A link is opened in a
browser of this machine only where one can be seen: not from a served session (the
browser is on the manager's machine, not this one), nor from an SSH session without a
display; there, and for anything but an http or https link, the link is shown instead.
"""

from __future__ import annotations

import os
import sys
import webbrowser
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import PurePath
from urllib.parse import urlsplit

from textual.widget import Widget

from commdash.text import clip, one_line, sanitize
from commdash.ui.widgets.cells import terminal_text
from commdash.ui.widgets.notices import say

COPY_LIMIT = 100_000
"""Characters copied at most: terminals cap what OSC 52 may carry, and a hostile text can
be megabytes long."""
CONSOLE_BROWSERS = frozenset({"www-browser", "links", "elinks", "lynx", "w3m"})
"""Browsers that would draw in this very terminal, over the inbox."""
SHOWN_SECONDS = 20


@dataclass(frozen=True, slots=True)
class Shared:
    """What y, Y and o act on: a message, a reply of the outbox, or a post."""

    what: str
    """How the notices name it: "message", "reply", "post"."""
    text: str
    link: str | None
    post_link: str | None = None
    """For a message without a link of its own: its post's, which o opens instead."""


def copy_link(node: Widget, shared: Shared) -> None:
    """y: the link, else the text."""
    if shared.link is not None:
        _copy(node, shared.link)
        say(node, f"Link copied: {_shown(shared.link)}")
    else:
        copied = _copy(node, shared.text)
        say(node, f"This {shared.what} has no link: its text is copied ({copied})")


def copy_text(node: Widget, shared: Shared) -> None:
    """Y: the text."""
    say(node, f"Text copied ({_copy(node, shared.text)})")


def _copy(node: Widget, text: str) -> str:
    """Copy ``text``, made terminal-safe, to the clipboard; how much, in words."""
    kept, cut = clip(sanitize(text), COPY_LIMIT)
    node.app.copy_to_clipboard(kept)
    if cut:
        return f"the first {len(kept):,} characters of {len(kept) + cut:,}"
    return f"{len(kept):,} characters"


def open_link(node: Widget, shared: Shared) -> None:
    """o: open the link (else the post's) in a browser here, or show it."""
    link, whose = shared.link, f"The {shared.what}'s link"
    if link is None and shared.post_link is not None:
        link, whose = shared.post_link, f"This {shared.what} has no link; its post's"
    if link is None:
        say(node, f"This {shared.what} has no link to open.", "warning")
        return
    if not web_link(link):
        say(node, f"Not opened, not a web link: {_shown(link)}", "warning", SHOWN_SECONDS)
        return
    if not browser_here(os.environ, sys.platform, node.app.is_web):
        say(node, f"{whose} (no browser here; y copies it): {_shown(link)}", timeout=SHOWN_SECONDS)
        return
    say(node, f"{whose} opens in your browser: {_shown(link)}")
    node.run_worker(lambda: _open(node, link), thread=True, group="browser")


def _open(node: Widget, link: str) -> None:
    """In a thread: a browser given the whole terminal may take a while to come back."""
    try:
        browser = webbrowser.get()
    except webbrowser.Error:
        browser = None
    name = PurePath(getattr(browser, "name", "") or "").name
    if browser is None or name in CONSOLE_BROWSERS or not browser.open(link):
        node.app.call_from_thread(
            say, node, f"No browser found (y copies it): {_shown(link)}", "warning", SHOWN_SECONDS
        )


def web_link(link: str) -> bool:
    """Whether ``link`` is an http or https URL with a host: never ``file:``,
    ``javascript:`` or a local program's scheme."""
    try:
        parts = urlsplit(link)
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)


def browser_here(environ: Mapping[str, str], platform: str, served: bool) -> bool:
    """Whether a browser opened by this process shows where the manager looks: not in a
    served session (the manager's browser is elsewhere), not over SSH without a display
    (macOS and Windows open on the machine's own screen whatever the session), and on other
    systems only with a display (else Python's choice is a browser in this terminal)."""
    if served:
        return False
    ssh = any(environ.get(name) for name in ("SSH_CONNECTION", "SSH_CLIENT", "SSH_TTY"))
    if platform in ("darwin", "win32"):
        return not ssh
    return bool(environ.get("DISPLAY") or environ.get("WAYLAND_DISPLAY"))


def _shown(link: str) -> str:
    return one_line(terminal_text(link), 300)
