"""A headless Chromium from the distribution, driven over the Chrome DevTools Protocol
(a WebSocket, with aiohttp): no browser is downloaded and no driver is needed."""

from __future__ import annotations

import asyncio
import base64
import itertools
import shutil
import subprocess
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import Any

import aiohttp
from _served import stop_group

CANDIDATES = ("chromium", "chromium-browser", "google-chrome")
SCREEN_WAIT = 20.0
"""Seconds for the page's terminal to show what a test waits for."""
FLAGS = (
    "--headless",
    "--no-sandbox",  # CI runs as root, where Chromium's sandbox refuses to start
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # Only the server under test is reached (the page also asks a font site: refused at once).
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost",
    "--remote-debugging-port=0",
)
TERMINAL_HOOK = """
Object.defineProperty(Object.prototype, "fitAddon", {
  configurable: true,
  set(value) {
    // textual-serve keeps its xterm.js terminal inside its bundle; the object that holds it
    // is the one given a fit addon, just after its terminal.
    Object.defineProperty(this, "fitAddon", {value, writable: true, configurable: true});
    if (this.terminal) window.__terminal = this.terminal;
  },
});
"""
SCREEN_TEXT = """(() => {
  const terminal = window.__terminal;
  if (!terminal) return "";
  const buffer = terminal.buffer.active;
  const rows = [];
  for (let y = 0; y < terminal.rows; y++) {
    const line = buffer.getLine(buffer.viewportY + y);
    rows.push(line ? line.translateToString(true) : "");
  }
  return rows.join("\\n");
})()"""


def find_chromium() -> str | None:
    for name in CANDIDATES:
        if found := shutil.which(name):
            return found
    return None


class Page:
    """One tab, attached through a flat DevTools session."""

    def __init__(self, socket: aiohttp.ClientWebSocketResponse, session_id: str | None) -> None:
        self._socket = socket
        self._session_id = session_id
        self._ids = itertools.count(1)

    async def call(self, method: str, **params: Any) -> dict[str, Any]:
        """Send a command and return its result; events arriving meanwhile are dropped."""
        number = next(self._ids)
        message: dict[str, Any] = {"id": number, "method": method, "params": params}
        if self._session_id is not None:
            message["sessionId"] = self._session_id
        await self._socket.send_json(message)
        while True:
            answer = await asyncio.wait_for(self._socket.receive_json(), timeout=15)
            if answer.get("id") != number:
                continue
            if "error" in answer:
                raise RuntimeError(f"{method}: {answer['error']}")
            result: dict[str, Any] = answer["result"]
            return result

    async def evaluate(self, expression: str) -> Any:
        result = await self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        return result["result"].get("value")

    async def screen_text(self) -> str:
        """The rows the page's terminal shows, as text."""
        return str(await self.evaluate(SCREEN_TEXT))

    async def wait_for_screen(self, needle: str) -> str:
        """The terminal's text once it shows ``needle`` (within :data:`SCREEN_WAIT`)."""
        text = ""
        try:
            async with asyncio.timeout(SCREEN_WAIT):
                while True:  # xterm.js tells no one when it has drawn: it is looked at
                    text = await self.screen_text()
                    if needle in text:
                        return text
                    await asyncio.sleep(0.2)
        except TimeoutError:
            raise AssertionError(f"{needle!r} not on the page's terminal:\n{text}") from None

    async def press(self, key: str) -> None:
        """Type one printable key into the terminal, as a keyboard would."""
        await self.evaluate("window.__terminal.focus()")
        code = f"Key{key.upper()}" if key.isalpha() else ""
        for kind in ("keyDown", "keyUp"):
            await self.call(
                "Input.dispatchKeyEvent",
                type=kind,
                key=key,
                code=code,
                text=key if kind == "keyDown" else "",
                windowsVirtualKeyCode=ord(key.upper()),
            )

    async def screenshot(self) -> bytes:
        """The page as a PNG."""
        shot = await self.call("Page.captureScreenshot", format="png")
        return base64.b64decode(shot["data"])


@contextmanager
def launch(executable: str, profile: Path, size: tuple[int, int] = (1280, 800)) -> Iterator[str]:
    """A fresh headless Chromium with its profile in ``profile``; yields its DevTools
    endpoint, and ends it and its helpers on exit."""
    profile.mkdir(parents=True, exist_ok=True)
    width, height = size
    with (profile / "chromium.log").open("wb") as log:
        process = subprocess.Popen(
            [executable, *FLAGS, f"--user-data-dir={profile}", f"--window-size={width},{height}"],
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=log,
            start_new_session=True,  # its helpers are ended with it
        )
        try:
            yield _devtools_endpoint(profile / "DevToolsActivePort", process)
        finally:
            stop_group(process)


def _devtools_endpoint(port_file: Path, process: subprocess.Popen[bytes]) -> str:
    """Chromium writes the port it chose, and the browser's path, into its profile."""
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"chromium exited with status {process.returncode}")
        lines = port_file.read_text().split() if port_file.exists() else []
        if len(lines) == 2:
            return f"ws://127.0.0.1:{lines[0]}{lines[1]}"
        time.sleep(0.1)
    raise RuntimeError("chromium opened no DevTools port within 20 s")


@asynccontextmanager
async def open_page(endpoint: str, url: str) -> AsyncIterator[Page]:
    """A new tab of the browser at ``endpoint``, showing ``url``, its terminal hooked."""
    async with (
        aiohttp.ClientSession() as http,
        http.ws_connect(endpoint, max_msg_size=0) as socket,
    ):
        browser = Page(socket, None)
        target = await browser.call("Target.createTarget", url="about:blank")
        attached = await browser.call(
            "Target.attachToTarget", targetId=target["targetId"], flatten=True
        )
        page = Page(socket, attached["sessionId"])
        await page.call("Page.enable")  # without it, the hook is not run on new documents
        await page.call("Page.addScriptToEvaluateOnNewDocument", source=TERMINAL_HOOK)
        await page.call("Page.navigate", url=url)
        yield page
