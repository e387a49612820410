"""Every window action has its command: pause/resume in the CLI, and the windows' setup."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace

import pytest
from typer.testing import CliRunner

from qbdlink.connector.cli import connector_app
from qbdlink.connector.runner import paused_until
from qbdlink.connector.settings import load_connector_settings
from qbdlink.connector.sync.state import StateStore
from qbdlink.connector.ui.actions import QUEUED_KEY, Setup, read_status

runner = CliRunner()


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("QBDLINK_HOME", str(tmp_path / "state"))
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("QBDLINK_QUICKBOOKS", "simulator://127.0.0.1:9")
    yield tmp_path / "state"
    for handler in list(logging.getLogger("qbdlink").handlers):  # the CLI's connector.log
        handler.close()
        logging.getLogger("qbdlink").removeHandler(handler)


def test_pause_and_resume_commands(home: Path) -> None:
    result = runner.invoke(connector_app, ["pause", "--hours", "2"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Syncing paused until ")
    state = StateStore(home / "state.sqlite3")
    try:
        assert paused_until(state, datetime.now(UTC)) is not None
        result = runner.invoke(connector_app, ["resume"])
        assert result.exit_code == 0 and result.output == "Syncing resumed.\n"
        assert paused_until(state, datetime.now(UTC)) is None
    finally:
        state.close()
    result = runner.invoke(connector_app, ["pause", "--hours", "0"])
    assert result.exit_code == 2 and "at most 168 hours" in result.output


def test_the_window_commands_are_listed() -> None:
    result = runner.invoke(connector_app, ["--help"])
    for command in ("wizard", "status-window", "pause", "resume"):
        assert command in result.output


def test_the_installers_tag_prefills_and_addresses(tmp_path: Path) -> None:
    settings = load_connector_settings({"HOME": str(tmp_path)}, quickbooks="simulator://h:1")
    setup = Setup(settings=settings)
    assert setup.prefilled_licence_key() == ""
    assert setup.client_name == "qbdlink"
    tag = SimpleNamespace(
        licence_key="k-1", client_name="Acme", region_urls={"ca": "https://ca.example/"}
    )
    tagged = SimpleNamespace(
        layout=settings.layout, region_urls={}, tag=tag, platform_url=settings.platform_url
    )
    setup = Setup(settings=tagged)  # type: ignore[arg-type]
    assert setup.prefilled_licence_key() == "k-1"
    assert setup.client_name == "Acme"
    assert setup.platform_url_for("ca") == "https://ca.example"
    setup.platform_url = "http://override/"
    assert setup.platform_url_for("ca") == "http://override"


def test_sync_now_stays_queued_until_synced(tmp_path: Path) -> None:
    settings = load_connector_settings({"HOME": str(tmp_path)}, quickbooks="simulator://h:1")
    state = StateStore(":memory:")
    state.put(company_name="Bakery", region="us")
    state.put(**{QUEUED_KEY: {"at": "2026-03-02T12:00:00+00:00", "types": ["customers", "x"]}})
    app = SimpleNamespace(state=state)
    setup = Setup(settings=settings)
    snapshot = read_status(setup, app, check_quickbooks=False)  # type: ignore[arg-type]
    assert snapshot.queued == ("customers",)  # "x" is no type this connector fetches
    state.finish_pull("p", "customers", "m", 3, datetime(2026, 3, 2, 12, 5, tzinfo=UTC))
    snapshot = read_status(setup, app, check_quickbooks=False)  # type: ignore[arg-type]
    assert snapshot.queued == ()
