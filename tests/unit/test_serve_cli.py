"""``commdash serve``'s options: the command each browser tab runs, quoted for the shell;
loopback unless --public; every bad option one line and exit 2, before anything is served."""

from __future__ import annotations

import json
import os
import shlex
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from commdash.cli import main
from commdash.ui.serve import app_command, is_loopback

HOSTILE = [
    "plain",
    "with space",
    "$(touch pwned-1)",
    "`touch pwned-2`",
    "; touch pwned-3",
    'it\'s "quoted"',
    "a & b | c > d < e",
    "--state-dir=/etc",
    "-x",
    "*",
    "new\nline",
    "~root",
    "",
]
ARGV_PRINTER = "import json, sys; print(json.dumps(sys.argv[1:]))"


@pytest.mark.parametrize("hostile", HOSTILE)
def test_the_shell_hands_commdash_every_option_as_given(tmp_path: Path, hostile: str) -> None:
    """textual-serve runs the command through ``sh``: a stand-in ``commdash`` package shows
    what the real one would receive."""
    fake = tmp_path / "fake" / "commdash"
    fake.mkdir(parents=True)
    (fake / "__init__.py").touch()
    (fake / "__main__.py").write_text(ARGV_PRINTER)
    command = app_command(hostile, hostile, 1764061200.0, 45.5)

    done = subprocess.run(
        ["/bin/sh", "-c", command],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(tmp_path / "fake")},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )

    assert shlex.split(command)[:4] == [sys.executable, "-P", "-m", "commdash"]
    assert json.loads(done.stdout) == [
        "--sla=45.5",
        f"--state-dir={hostile}",
        "--now=1764061200.0",
        "--",
        hostile,
    ]
    assert not list(tmp_path.glob("pwned-*"))


def test_the_demo_and_the_default_state_dir_add_no_argument() -> None:
    assert shlex.split(app_command(None, None, None, 60.0))[4:] == ["--sla=60.0"]


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.8.9.10", True),
        ("::1", True),
        ("localhost", True),
        ("LOCALHOST", True),
        ("0.0.0.0", False),
        ("::", False),
        ("192.168.1.20", False),
        ("example.org", False),
        ("127.0.0.1.example.org", False),
        ("", False),
    ],
)
def test_loopback_hosts(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.20", "example.org"])
def test_a_host_beyond_this_machine_needs_public(
    host: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["serve", "--host", host]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.count("\n") == 1
    assert err.startswith(f"commdash: error: --host {host} is reachable from other machines")
    assert "your sources' tokens" in err
    assert "--public" in err


@pytest.mark.parametrize(
    ("options", "says"),
    [
        (["--port", "0"], "argument --port: '0': give a port number from 1 to 65535"),
        (["--port", "65536"], "give a port number from 1 to 65535"),
        (["--port", "http"], "give a port number from 1 to 65535"),
        (["--port", "\uff18\uff10"], "give a port number from 1 to 65535"),  # fullwidth 80
        (["--now", "yesterday"], "argument --now"),
        (["--sla", "-5"], "argument --sla"),
        (["--tls"], "unrecognized arguments: --tls"),
        (["a.json", "b.json"], "unrecognized arguments: b.json"),
    ],
)
def test_a_bad_option_is_one_line_and_exit_2(
    options: list[str], says: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["serve", *options])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("usage: commdash serve")
    (complaint,) = [line for line in err.splitlines() if line.startswith("commdash serve: ")]
    assert says in complaint


def test_a_source_that_cannot_be_read_is_told_before_serving(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "gone\x1b[2J.json"
    assert main(["serve", str(missing)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith("commdash: error: ") and "no such file" in err
    assert "\x1b" not in err


def test_a_port_in_use_is_one_line_and_exit_2(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run(
            [sys.executable, "-m", "commdash", "serve", "--port", str(port), "--public"],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr == (
        f"commdash: error: cannot serve on 127.0.0.1 port {port}: Address already in use "
        "(choose another --port or --host)\n"
    )


def test_public_warns_of_the_risk_once(tmp_path: Path) -> None:
    """Served beyond this machine (here refused, its port being taken): the risk is told."""
    with socket.socket() as taken:
        taken.bind(("0.0.0.0", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "commdash",
                "serve",
                "--host=0.0.0.0",
                f"--port={port}",
                "--public",
            ],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    warning, error = done.stderr.splitlines()
    assert warning == (
        f"commdash: warning: serving beyond this machine on 0.0.0.0: whoever reaches port {port} "
        "with the printed address (sent unencrypted) acts with your sources' tokens"
    )
    assert error.startswith("commdash: error: cannot serve on 0.0.0.0")
    assert done.returncode == 2


@pytest.mark.parametrize("every_address", ["0.0.0.0", "::"])
def test_serving_every_address_prints_one_other_machines_can_reach(every_address: str) -> None:
    # --public with 0.0.0.0 printed http://localhost:…, of no use to the other machines.
    from commdash.ui.serve import _url_host, is_loopback

    host = _url_host(every_address)
    assert not is_loopback(host)
    assert not is_loopback(socket.gethostbyname(host))
