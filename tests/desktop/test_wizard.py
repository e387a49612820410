"""The setup wizard and the status window, driven under Xvfb against a live platform (SQLite is
enough here) and a simulated QuickBooks, at 150 % scaling.

Each step is captured to ``tests/artifacts/screenshots/wizard-*.png`` / ``status-*.png``.
"""

from __future__ import annotations

import tkinter as tk
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from qbdlink.connector.app import ConnectorApp, build_connector_app
from qbdlink.connector.install.manifest import build_manifest, sign_manifest
from qbdlink.connector.quickbooks.session import RetryPolicy
from qbdlink.connector.runner import paused_until
from qbdlink.connector.settings import ConnectorSettings, load_connector_settings
from qbdlink.connector.ui.actions import Setup
from qbdlink.connector.ui.presenter import Step
from qbdlink.connector.ui.status_window import StatusWindow
from qbdlink.connector.ui.wizard import SetupWizard
from qbdlink.model.datatypes import DATA_TYPES
from tests.desktop.helpers import RecordingRunner, Screenshots, new_root, pump_until
from tests.support.platform import LivePlatform, new_tenant
from tests.support.simulated_quickbooks import SimulatedQuickBooks

pytestmark = [pytest.mark.desktop, pytest.mark.integration]

CLIENT = "Acme Lending"
SCALE = 1.5


def new_company(live: LivePlatform, name: str = "Bakery") -> str:
    with live.client() as api:
        company_id: str = api.post("/companies", json={"name": name}).json()["id"]
        api.post(f"/companies/{company_id}/connections", json={"platformKey": "pqsw"})
    return company_id


def connector_settings(tmp_path: Path, quickbooks: SimulatedQuickBooks) -> ConnectorSettings:
    env = {"QBDLINK_HOME": str(tmp_path / "state"), "HOME": str(tmp_path / "home")}
    return load_connector_settings(env, quickbooks=quickbooks.url, client_name=CLIENT)


def fast_app(settings: ConnectorSettings) -> ConnectorApp:
    return build_connector_app(settings, retry=RetryPolicy(attempts=1))


def window_setup(
    tmp_path: Path,
    quickbooks: SimulatedQuickBooks,
    platform_url: str,
    **extra: object,
) -> Setup:
    return Setup(
        settings=connector_settings(tmp_path, quickbooks),
        runner=RecordingRunner(),
        env={"HOME": str(tmp_path / "home"), "XDG_CONFIG_HOME": str(tmp_path / "config")},
        is_admin=lambda: True,
        platform_url=platform_url,
        app_factory=fast_app,
        **extra,  # type: ignore[arg-type]
    )


def signed_files(tmp_path: Path) -> tuple[dict[str, Path], bytes, Ed25519PrivateKey]:
    source = tmp_path / "dist"
    source.mkdir()
    files = {}
    for name in ("qbdlink-connector.exe", "README.txt", "licences/THIRD-PARTY.txt"):
        path = source / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(name.encode() * 2000)
        files[name] = path
    key = Ed25519PrivateKey.generate()
    return files, sign_manifest(build_manifest(source, files, version="test"), key), key


def type_into(entry: tk.Misc, text: str) -> None:
    """Type ``text`` key by key into the focused entry."""
    entry.focus_force()
    entry.update()
    for char in text:
        keysym = {"-": "minus"}.get(char, char)
        entry.event_generate("<KeyPress>", keysym=keysym, when="now")


def go_to_region(wizard: SetupWizard, licence_key: str) -> None:
    root = wizard.root
    type_into(wizard.key_entry, licence_key)
    pump_until(root, lambda: wizard.model.licence_key == licence_key)
    wizard.key_entry.event_generate("<Return>", when="now")  # the default button: Install
    pump_until(root, lambda: wizard.model.step is Step.REGION)


def answer_quickbooks(root: tk.Misc, quickbooks: SimulatedQuickBooks) -> None:
    """The person answers QuickBooks' authorisation dialog: Yes, always; Continue; Done."""
    pump_until(root, lambda: quickbooks.desktop.pending_authorization is not None)
    with quickbooks.control() as control:
        control.answer_authorization("always")
        control.confirm_access()


def test_the_wizard_installs_links_and_fetches_everything_then_the_status_window_works(
    tk_root: tk.Tk,
    tmp_path: Path,
    desktop_platform: LivePlatform,
    quickbooks: SimulatedQuickBooks,
    screenshots: Screenshots,
) -> None:
    company_id = new_company(desktop_platform)
    files, manifest, key = signed_files(tmp_path)
    setup = window_setup(
        tmp_path,
        quickbooks,
        desktop_platform.base_url,
        source_files=files,
        signed_manifest=manifest,
        public_key=key.public_key(),
    )
    wizard = SetupWizard(tk_root, setup, scale=SCALE)
    root = wizard.root
    assert CLIENT in root.title()
    assert float(root.tk.call("tk", "scaling")) == pytest.approx(2.0, abs=0.01)  # 150 % of 96 DPI
    wizard.focus_default()
    pump_until(root, lambda: root.focus_get() is wizard.key_entry)
    screenshots.take(root, "wizard-1-licence-key")
    assert wizard.primary.instate(["disabled"])  # nothing typed yet

    # 1. Licence key, typed; Tab reaches the Install button; Return presses it.
    type_into(wizard.key_entry, company_id)
    pump_until(root, lambda: wizard.model.licence_key == company_id)
    assert wizard.primary.instate(["!disabled"]) and wizard.primary.cget("text") == "Install"
    assert str(setup.settings.layout.program_dir) in wizard.install_dir.cget("text")
    screenshots.take(root, "wizard-1-licence-key-typed")
    wizard.key_entry.event_generate("<Tab>", when="now")
    pump_until(root, lambda: root.focus_get() is not wizard.key_entry)
    wizard.key_entry.event_generate("<Return>", when="now")
    # 2. Installing, then verifying files.
    assert wizard.model.step is Step.INSTALLING
    screenshots.take(root, "wizard-2-installing")
    pump_until(root, lambda: wizard.model.step is Step.REGION)
    assert wizard.model.verify_note == "All files verified."
    assert (Path(setup.settings.layout.program_dir) / "licences" / "THIRD-PARTY.txt").is_file()

    # 3. Region (preselected from the key), then "Link with Bakery".
    assert wizard.region_var.get() == "us"
    screenshots.take(root, "wizard-3-region")
    wizard.primary.invoke()  # Find my company
    pump_until(root, lambda: wizard.model.awaiting_confirmation)
    assert wizard.primary.cget("text") == "Link with Bakery"
    screenshots.take(root, "wizard-3-link-with-company")
    wizard.primary.invoke()

    # 4. Waiting for QuickBooks: the dialog's instructions, a live state.
    pump_until(root, lambda: wizard.model.step is Step.WAITING)
    texts = " ".join(
        str(w.cget("text"))
        for w in wizard.frames[Step.WAITING].winfo_children()
        if w.winfo_class() == "TLabel"
    )
    assert "Yes, always; allow access even if QuickBooks is not running" in texts
    assert "Continue, then Done" in texts
    assert wizard.quickbooks_state.cget("text") == "Waiting for QuickBooks to allow access…"
    screenshots.take(root, "wizard-4-waiting-for-quickbooks")
    answer_quickbooks(root, quickbooks)

    # 5. The first link, per data type.
    pump_until(root, lambda: wizard.model.step is Step.FIRST_LINK)
    screenshots.take(root, "wizard-5-first-link")
    pump_until(root, lambda: wizard.model.step is Step.DONE, timeout=40)
    assert set(wizard.model.rows) == set(DATA_TYPES)
    assert all(row.done for row in wizard.model.rows.values())

    # 6. Done.
    done = wizard.done_label.cget("text")
    assert done.startswith("Your data has been synchronised.")
    assert "starts with this computer" in done
    screenshots.take(root, "wizard-6-done")
    runner = setup.runner
    assert isinstance(runner, RecordingRunner)
    assert any("enable" in call for call in runner.calls)  # autostart registered (recorded)
    with desktop_platform.client() as api:
        status = api.get(f"/companies/{company_id}/dataStatus").json()
    assert {entry["currentStatus"] for entry in status.values()} == {"Complete"}
    wizard.primary.invoke()  # Close
    pump_until_closed(wizard)

    # The status window: last syncs, Sync now, Pause.
    status_root = new_root()  # the wizard destroyed its root
    window = StatusWindow(status_root, setup, scale=SCALE, refresh_ms=3_600_000)
    try:
        pump_until(status_root, lambda: window.view is not None and not window.worker.busy)
        view = window.view
        assert view is not None
        assert view.connection.startswith("Linked with Bakery (United States)")
        assert view.quickbooks == "Ready."
        assert len(window.table.get_children()) == len(DATA_TYPES)
        assert all(row.last_sync.startswith("today") for row in view.rows)
        assert CLIENT in status_root.title()
        screenshots.take(status_root, "status-1-linked")

        window.sync_button.invoke()
        pump_until(status_root, lambda: window.note.startswith("Sync requested"))
        assert view is not window.view and window.view is not None
        assert "Customers, Suppliers" in window.view.queued
        screenshots.take(status_root, "status-2-sync-now")
        app = window.app
        assert app is not None
        with app.client() as client:  # what the running connector does with the queued work
            assert app.connector(client).run_cycle(wait=0).pulls
        window.refresh(check_quickbooks=False)
        pump_until(status_root, lambda: not window.worker.busy and window.worker.inbox.empty())
        assert window.view.queued == "nothing"

        window.pause_button.invoke()
        pump_until(status_root, lambda: window.view is not None and window.view.paused)
        assert window.pause_button.cget("text") == "Resume syncing"
        assert window.sync_button.instate(["disabled"])
        assert "Paused until" in window.connection.cget("text")
        screenshots.take(status_root, "status-3-paused")
        assert paused_until(app.state, setup.clock()) is not None
        with app.client() as client:
            report = app.connector(client).run_cycle(wait=0)
        assert report.paused_until is not None and report.pulls == []  # only a heartbeat

        window.pause_button.invoke()
        pump_until(status_root, lambda: window.view is not None and not window.view.paused)
        assert window.sync_button.instate(["!disabled"])
    finally:
        window.close()


def pump_until_closed(wizard: SetupWizard) -> None:
    assert wizard.model.closed
    assert wizard.app is None


def test_one_time_mode_ends_with_the_connector_removing_itself(
    tk_root: tk.Tk,
    tmp_path: Path,
    desktop_platform: LivePlatform,
    quickbooks: SimulatedQuickBooks,
    screenshots: Screenshots,
) -> None:
    tenant = new_tenant(desktop_platform.platform, "Once Only Finance")
    with desktop_platform.client(tenant) as api:
        api.put("/profile/connectorSettings", json={"mode": "one-time"})
        company_id: str = api.post("/companies", json={"name": "Bakery"}).json()["id"]
        api.post(f"/companies/{company_id}/connections", json={"platformKey": "pqsw"})
    setup = window_setup(tmp_path, quickbooks, desktop_platform.base_url)
    wizard = SetupWizard(tk_root, setup, scale=SCALE)
    root = wizard.root
    go_to_region(wizard, company_id)
    wizard.primary.invoke()  # Find my company
    pump_until(root, lambda: wizard.model.awaiting_confirmation)
    wizard.primary.invoke()  # Link with Bakery
    answer_quickbooks(root, quickbooks)
    pump_until(root, lambda: wizard.model.step is Step.DONE, timeout=40)
    done = wizard.done_label.cget("text")
    assert done.startswith("Your data has been synchronised.")
    assert "the connector will now remove itself" in done
    screenshots.take(root, "wizard-6-done-one-time")
    assert not Path(setup.settings.layout.program_dir).exists()
    assert not Path(setup.settings.layout.state_db_path).exists()
    with desktop_platform.client(tenant) as api:
        connection = api.get(f"/companies/{company_id}/connections").json()["results"][0]
    assert connection["status"] == "Deauthorized"
    wizard.close()
