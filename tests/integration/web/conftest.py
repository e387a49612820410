"""Page tests: the session secret goes to the test's own data folder, never the user's."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def _session_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("QBDLINK_SESSION_SECRET", raising=False)
    monkeypatch.setenv("QBDLINK_HOME", str(tmp_path))
