"""`qbdlink admin ...` and `qbdlink serve` as a user runs them, in a real subprocess."""

from __future__ import annotations

import base64
import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.support.platform import free_port

pytestmark = pytest.mark.integration


def _qbdlink(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "QBDLINK_HOME": str(home)}
    env.pop("QBDLINK_DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "-m", "qbdlink", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


def test_admin_commands_then_serve(tmp_path: Path) -> None:
    migrated = _qbdlink(tmp_path, "admin", "migrate")
    assert migrated.returncode == 0, migrated.stderr
    assert "migrated from an empty database to revision" in migrated.stdout
    assert "already at revision" in _qbdlink(tmp_path, "admin", "migrate").stdout
    assert (tmp_path / "platform.sqlite3").is_file()

    created = _qbdlink(tmp_path, "admin", "create-client", "Acme Lending")
    assert created.returncode == 0, created.stderr
    duplicate = _qbdlink(tmp_path, "admin", "create-client", "Acme Lending")
    assert duplicate.returncode == 2
    assert "already exists" in duplicate.stderr
    unknown = _qbdlink(tmp_path, "admin", "create-api-key", "Nobody")
    assert unknown.returncode == 2
    assert "No client named 'Nobody' (clients: Acme Lending)" in unknown.stderr
    keyed = _qbdlink(tmp_path, "admin", "create-api-key", "Acme Lending")
    assert keyed.returncode == 0, keyed.stderr
    api_key = keyed.stdout.strip()
    assert len(api_key) == 40
    assert "not shown again" in keyed.stderr

    port = free_port()
    env = {**os.environ, "QBDLINK_HOME": str(tmp_path)}
    server = subprocess.Popen(
        [sys.executable, "-m", "qbdlink", "serve", "--port", str(port), "--region", "uk"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        auth = {"Authorization": "Basic " + base64.b64encode(api_key.encode()).decode()}
        deadline = time.monotonic() + 30
        while True:
            try:
                response = httpx.post(
                    f"http://127.0.0.1:{port}/companies", json={"name": "Shop"}, headers=auth
                )
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline, "serve did not start"
                assert server.poll() is None, server.stdout.read() if server.stdout else ""
                time.sleep(0.2)
        assert response.status_code == 200, response.text
        from qbdlink.model.licence import region_of

        assert region_of(response.json()["id"]) == "uk"
        assert httpx.get(f"http://127.0.0.1:{port}/openapi.json").status_code == 200
    finally:
        server.terminate()
        output = server.communicate(timeout=30)[0]
    assert "region: uk" in output


def test_bad_database_url_is_a_clear_error(tmp_path: Path) -> None:
    result = _qbdlink(tmp_path, "admin", "migrate", "--database-url", "mysql://x/y")
    assert result.returncode == 2
    assert "not supported" in result.stderr
    unreachable = _qbdlink(
        tmp_path, "admin", "migrate", "--database-url", "postgresql://nobody@127.0.0.1:1/x"
    )
    assert unreachable.returncode == 2
    assert "Cannot open the database" in unreachable.stderr
