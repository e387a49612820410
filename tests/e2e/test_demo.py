"""`qbdlink demo --exit`, as the README's first command runs it (in a subprocess)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e


def test_the_demo_links_and_synchronises(tmp_path: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "qbdlink",
            "demo",
            "--exit",
            "--size",
            "150",
            "--port",
            "0",
            "--home",
            str(tmp_path / "demo"),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env={**os.environ, "QBDLINK_HOME": str(tmp_path / "unused")},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    assert 'choosing "Yes, always' in out
    assert "Link with Demo Bakery" in out
    found = re.search(r"Your data has been synchronised: (\d+) records", out)
    assert found and int(found.group(1)) > 150
    for data_type in ("company", "accounts", "customers", "invoices", "journalEntries"):
        assert re.search(rf"^\s+{data_type}\s+\d+ records$", out, re.MULTILINE), data_type
    assert (tmp_path / "demo" / "platform.sqlite3").is_file()


def test_a_busy_port_is_a_clear_error(tmp_path: Path) -> None:
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "qbdlink",
                "demo",
                "--exit",
                "--size",
                "10",
                "--port",
                str(port),
                "--home",
                str(tmp_path / "demo"),
            ],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    assert result.returncode == 1
    assert "--port 0" in result.stderr
