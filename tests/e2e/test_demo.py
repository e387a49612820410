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


def test_the_serving_demo_prints_working_addresses_and_stops_on_sigterm(tmp_path: Path) -> None:
    import signal

    import httpx

    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "qbdlink",
            "demo",
            "--size",
            "60",
            "--port",
            "0",
            "--home",
            str(tmp_path / "demo"),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: list[str] = []
    try:
        assert process.stdout is not None
        for line in process.stdout:
            lines.append(line)
            if "Ctrl+C stops everything" in line:
                break
        out = "".join(lines)
        api = re.search(r"^API:\s+(\S+)", out, re.MULTILINE)
        key = re.search(r"^API key:\s+(\S+)", out, re.MULTILINE)
        portal = re.search(r"sign in as (\S+), password (\S+)\)", out)
        assert api and key and portal, out
        import base64

        auth = {"Authorization": "Basic " + base64.b64encode(key.group(1).encode()).decode()}
        companies = httpx.get(f"{api.group(1)}/companies", headers=auth, timeout=30).json()
        assert companies["results"][0]["name"] == "Demo Bakery"
        with httpx.Client(base_url=api.group(1), timeout=30) as browser:
            form = browser.get("/portal/sign-in").text
            token = re.search(r'name="csrf_token" value="([^"]+)"', form)
            assert token, form
            signed_in = browser.post(
                "/portal/sign-in",
                data={
                    "csrf_token": token.group(1),
                    "email": portal.group(1),
                    "password": portal.group(2),
                },
            )
            assert signed_in.status_code in (302, 303), signed_in.text
            listing = browser.get("/portal/companies")
            assert "Demo Bakery" in listing.text
    finally:
        process.send_signal(signal.SIGTERM)
        process.communicate(timeout=60)  # drains and closes the pipe
    assert process.returncode == 0
