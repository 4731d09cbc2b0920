"""y copies the highlighted message's link (else its text), Y its text, to the manager's
clipboard through the terminal; o opens the link in a browser that can be seen, else shows
it."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest
from _screen import AppFactory, Start, last_notice, listing, thread, until
from textual.pilot import Pilot

from commdash.ui.app import CommdashApp
from commdash.ui.widgets.post_queue import PostQueue
from commdash.ui.widgets.sharing import browser_here, web_link

POST_LINK = "https://example.invalid/posts/p1"
LINK = "https://example.invalid/posts/p1?comment=c1"
LONG = 150_000


def export(tmp_path: Path) -> Path:
    """One post with a link; conversations (newest waiting first in the list): c1 with a
    link and a reply, c2 without one, c3 with a javascript: link, c4 with a long text."""

    def comment(cid: str, minutes: int, **more: object) -> dict[str, object]:
        return {
            "id": cid,
            "author": {"id": f"u-{cid}", "name": f"Member {cid}"},
            "created_at": f"2026-11-25T08:{minutes:02d}:00Z",
            "text": f"Question {cid}",
            **more,
        }

    comments = [
        comment("c1", 1, permalink=LINK),
        comment("c1r", 2, parent_id="c1", text="And a follow-up", permalink=LINK + "&r=1"),
        comment("c2", 3),
        comment("c3", 4, permalink="javascript:alert(1)"),
        comment("c4", 5, text="x" * LONG),
    ]
    document = {
        "format": "commdash/v1",
        "source": {"name": "Links", "account": {"id": "us", "name": "Us"}},
        "exported_at": "2026-11-25T09:00:00Z",
        "posts": [
            {
                "id": "p1",
                "created_at": "2026-11-24T08:00:00Z",
                "text": "The post",
                "permalink": POST_LINK,
                "comments": comments,
            }
        ],
    }
    path = tmp_path / "links.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


async def to(app: CommdashApp, pilot: Pilot[None], cid: str) -> None:
    listing(app).cursor = listing(app).ids.index(cid)
    await pilot.pause()


async def test_y_copies_the_link_else_the_text_and_Y_the_text(
    started: Start, make_app: AppFactory, tmp_path: Path
) -> None:
    app = make_app(export(tmp_path))
    async with started(app, size=(80, 24), notifications=True) as (app, pilot):
        await to(app, pilot, "c1")
        await pilot.press("y")
        assert app.clipboard == LINK
        assert last_notice(app) == f"Link copied: {LINK}"
        await pilot.press("Y")
        assert app.clipboard == "Question c1"

        await pilot.press("enter", "j", "y")  # the reply under the cursor in the thread
        assert app.clipboard == LINK + "&r=1"

        await pilot.press("escape")
        await to(app, pilot, "c2")
        await pilot.press("y")
        assert app.clipboard == "Question c2"
        assert "has no link: its text is copied (11 characters)" in last_notice(app)

        await pilot.press("shift+tab", "y")  # the posts pane: "All posts", then the post
        await pilot.press("j", "y")
        assert app.screen.focused is app.screen.query_one(PostQueue)
        assert app.clipboard == POST_LINK


async def test_a_reply_of_the_outbox_is_copied_as_typed(
    started: Start, make_app: AppFactory, tmp_path: Path
) -> None:
    app = make_app(export(tmp_path))
    async with started(app, size=(80, 24)) as (app, pilot):
        await to(app, pilot, "c2")
        await pilot.press("r", *"Thanks, on it", "ctrl+s", "enter", "G")
        assert thread(app).current_reply_id is not None
        await pilot.press("y")
        assert app.clipboard == "Thanks, on it"


async def test_a_huge_text_is_copied_in_part_and_says_so(
    started: Start, make_app: AppFactory, tmp_path: Path
) -> None:
    app = make_app(export(tmp_path))
    async with started(app, size=(80, 24), notifications=True) as (app, pilot):
        await to(app, pilot, "c4")
        await pilot.press("Y")
        assert app.clipboard == "x" * 100_000
        assert last_notice(app) == f"Text copied (the first 100,000 characters of {LONG:,})"


async def test_copied_text_is_terminal_safe(started: Start, make_app: AppFactory) -> None:
    hostile = Path(__file__).parents[2] / "sample_data" / "hostile.json"
    app = make_app(hostile)
    async with started(app, size=(80, 24)) as (app, pilot):
        await pilot.press("5")
        for _ in range(40):
            await pilot.press("Y", "j")
            copied = app.clipboard.replace("\n", "").replace("\t", "")
            assert copied.isprintable(), repr(copied[:80])


@pytest.fixture
def browser(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A browser of this machine, as Python's webbrowser finds it through $BROWSER: it
    writes the link it is given to the returned file."""
    opened = tmp_path / "opened.txt"
    program = tmp_path / "fake-browser"
    program.write_text(f'#!/bin/sh\necho "$1" >> {opened}\n', encoding="utf-8")
    program.chmod(program.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("BROWSER", str(program))
    for name in ("SSH_CONNECTION", "SSH_CLIENT", "SSH_TTY", "WAYLAND_DISPLAY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DISPLAY", ":0")
    return opened


def opened(log: Path) -> list[str]:
    """The links the browser was given, in order."""
    return log.read_text(encoding="utf-8").split() if log.exists() else []


async def test_o_opens_the_link_in_the_browser_here(
    started: Start, make_app: AppFactory, tmp_path: Path, browser: Path
) -> None:
    app = make_app(export(tmp_path))
    async with started(app, size=(80, 24), notifications=True) as (app, pilot):
        await to(app, pilot, "c1")
        await pilot.press("o")
        await until(pilot, lambda: opened(browser) == [LINK])

        await to(app, pilot, "c2")  # no link of its own: its post's
        await pilot.press("o")
        await until(pilot, lambda: opened(browser) == [LINK, POST_LINK])
        assert "has no link; its post's opens in your browser" in " ".join(
            n.message for n in app._notifications
        )

        await to(app, pilot, "c3")
        await pilot.press("o")
        assert last_notice(app) == "Not opened, not a web link: javascript:alert(1)"
        await pilot.pause(0.3)
        assert opened(browser) == [LINK, POST_LINK]


async def test_o_over_ssh_without_a_display_shows_the_link(
    started: Start,
    make_app: AppFactory,
    tmp_path: Path,
    browser: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SSH_CONNECTION", "10.0.0.2 50000 10.0.0.1 22")
    monkeypatch.delenv("DISPLAY")
    app = make_app(export(tmp_path))
    async with started(app, size=(80, 24), notifications=True) as (app, pilot):
        await to(app, pilot, "c1")
        await pilot.press("o")
        assert last_notice(app) == f"The message's link (no browser here; y copies it): {LINK}"
        await pilot.pause(0.3)
        assert opened(browser) == []


@pytest.mark.parametrize(
    ("link", "web"),
    [
        ("https://www.facebook.com/1/posts/2/?comment_id=3", True),
        ("HTTP://example.invalid/x", True),
        ("javascript:alert(1)", False),
        ("file:///etc/passwd", False),
        ("https://", False),
        ("http://[::1", False),
        ("x-terminal-emulator:run", False),
    ],
)
def test_only_web_links_open(link: str, web: bool) -> None:
    assert web_link(link) is web


def test_a_browser_here_is_one_the_manager_sees() -> None:
    ssh = {"SSH_CONNECTION": "a b c d"}
    display = {"DISPLAY": ":0"}
    assert browser_here(display, "linux", served=False)
    assert browser_here({"WAYLAND_DISPLAY": "wayland-0"}, "linux", served=False)
    assert not browser_here({}, "linux", served=False)  # a console browser would take over
    assert browser_here(ssh | display, "linux", served=False)  # forwarded X
    assert not browser_here(ssh, "linux", served=False)
    assert not browser_here(display, "linux", served=True)  # served: not the manager's
    assert browser_here({}, "darwin", served=False)
    assert not browser_here(ssh | display, "darwin", served=False)
