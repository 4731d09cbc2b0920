"""``commdash serve`` in a real headless Chromium: the first screen shows in the page's
terminal, and a key pressed in the page acts on the state directory on disk."""

from __future__ import annotations

import asyncio
import re
import subprocess
import sys
from pathlib import Path

import orjson
import pytest
from _chromium import find_chromium, launch, open_page
from _served import NOW, serving

CHROMIUM = find_chromium()
# Shell metacharacters that would run a command if the server's shell saw them unquoted.
HOSTILE_DIR = "state dir $(touch pwned-1) `touch pwned-2`; touch pwned-3 'q\" & | > <"

pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="no Chromium (apt-get install chromium; .ci/run installs it)"
)


def test_the_first_screen_and_a_triage_action_in_a_browser(tmp_path: Path) -> None:
    assert CHROMIUM is not None
    state = tmp_path / HOSTILE_DIR
    with (
        serving(f"--state-dir={state}", home=tmp_path) as served,
        launch(CHROMIUM, tmp_path / "profile", (1400, 860)) as browser,
    ):
        first, shot, waiting = asyncio.run(first_screen_then_done(browser, served.address))

    assert "Conversations" in first
    assert shot.startswith(b"\x89PNG")
    (tmp_path / "first-screen.png").write_bytes(shot)  # for a look: pytest --basetemp=DIR
    figures = stats(state)
    assert (figures["done"], figures["needs_reply"]) == (1, waiting - 1)
    assert not list(tmp_path.glob("pwned-*")), "the state directory's name ran in a shell"


async def first_screen_then_done(browser: str, address: str) -> tuple[str, bytes, int]:
    """The first screen, a screenshot of it and how many conversations it said need a reply;
    then ``e`` is pressed and the header is awaited with one fewer."""
    async with open_page(browser, address) as page:
        first = await page.wait_for_screen("need reply")
        shot = await page.screenshot()
        found = re.search(r"(\d+) need reply", first)
        assert found is not None, first
        waiting = int(found[1])
        await page.press("e")
        await page.wait_for_screen(f"{waiting - 1} need reply")
    return first, shot, waiting


def stats(state: Path) -> dict[str, int]:
    """The figures ``commdash stats`` reads from the state directory on disk."""
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "commdash",
            "stats",
            "--json",
            f"--state-dir={state}",
            f"--now={NOW}",
        ],
        capture_output=True,
        timeout=60,
        check=True,
    )
    document: dict[str, int] = orjson.loads(done.stdout)
    return document
