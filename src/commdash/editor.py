"""Editing a reply in the manager's own editor, the way git runs it."""

from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path

NOT_FOUND = 127
"""What sh exits with when the command is not found."""


def editor_command() -> str:
    """``$VISUAL``, else ``$EDITOR``, else ``vi``: a shell command, as git treats it."""
    return os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"


def edit(text: str) -> tuple[str | None, str | None]:
    """Open ``text`` in the editor; return (the edited text, None) or (None, what failed).

    The command runs through ``sh -c '<editor> "$@"'`` like git's, so ``EDITOR='code -w'`` or
    a small script both work, and a missing editor is an exit status, not an exception.
    """
    command = editor_command()
    with tempfile.TemporaryDirectory(prefix="commdash-") as folder:
        path = Path(folder) / "reply.txt"
        path.write_text(text + "\n" if text else "", encoding="utf-8")
        try:
            status = subprocess.run(
                ["sh", "-c", f'{command} "$@"', command, str(path)], check=False
            ).returncode
        except OSError as exc:
            return None, f"could not run the editor {command!r}: {exc.strerror or exc}"
        if status == NOT_FOUND:
            return None, f"editor not found: {command!r}; set $EDITOR or $VISUAL"
        if status != 0:
            return None, f"the editor {command!r} exited with status {status}; reply unchanged"
        return path.read_text(encoding="utf-8", errors="replace").rstrip("\n"), None
