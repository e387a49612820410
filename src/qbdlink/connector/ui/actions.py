"""What each window button does, as calls of the connector's engine (no tkinter here).

The windows run these in a background thread; the CLI's commands call the same engine
functions (``install``, ``verify_program_files``, ``link_company``, ``finish_one_time``,
``remove_connector``, ``start_with_the_machine``, ``PlatformClient.sync_now``,
``pause_syncing``/``resume_syncing``), so whatever a window can do, a command can do too:

=====================================  ====================================================
window                                 command
=====================================  ====================================================
wizard: Install, verifying files       ``qbdlink connector install``
wizard: region, Link with ..., first   ``qbdlink connector link``
status window (read)                   ``qbdlink connector status``
status window: Sync now                ``qbdlink connector sync-now``
status window: Pause / Resume          ``qbdlink connector pause [--hours 24]`` / ``resume``
status window: Uninstall               ``qbdlink connector uninstall``
=====================================  ====================================================
"""

from __future__ import annotations

import contextlib
import importlib.metadata
import logging
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from qbdlink.connector.app import ConnectorApp, build_connector_app
from qbdlink.connector.install.admin import AdminCheck, is_administrator, require_administrator
from qbdlink.connector.install.install import install as install_files
from qbdlink.connector.install.manifest import ProgressCallback
from qbdlink.connector.install.paths import InstallLayout
from qbdlink.connector.install.seams import (
    CommandRunner,
    FileSystem,
    LocalFileSystem,
    SubprocessRunner,
)
from qbdlink.connector.install.start_menu import (
    create_shortcut,
    remove_shortcut,
    start_menu_shortcut,
)
from qbdlink.connector.install.uninstall import UninstallReport
from qbdlink.connector.install.uninstall_entry import (
    register_uninstall_entry,
    remove_uninstall_entry,
    uninstall_entry,
)
from qbdlink.connector.lifecycle import (
    remove_connector,
    start_with_the_machine,
    verify_program_files,
)
from qbdlink.connector.link import LinkObserver, LinkOutcome, finish_one_time, link_company
from qbdlink.connector.runner import VERSION, pause_syncing, paused_until, resume_syncing
from qbdlink.connector.settings import ConnectorSettings
from qbdlink.connector.streams.registry import STREAMS
from qbdlink.connector.ui.presenter import StatusSnapshot
from qbdlink.errors import QbdlinkError

log = logging.getLogger("qbdlink.connector.ui")

QUEUED_KEY = "ui_last_queued"  # the last "Sync now" answer, for the status window


def product_version() -> str:
    """qbdlink's version (the packaged build carries the package metadata)."""
    try:
        return importlib.metadata.version("qbdlink")
    except importlib.metadata.PackageNotFoundError:
        return VERSION


@dataclass
class Setup:
    """What the windows need from their composition root (the CLI); tests inject fakes.

    ``require_admin`` defaults to the layout's rule (Windows: yes); ``platform_url`` overrides
    the region's address; ``app_factory`` builds the connector (state, credential, QuickBooks).
    """

    settings: ConnectorSettings
    runner: CommandRunner = field(default_factory=SubprocessRunner)
    fs: FileSystem = field(default_factory=LocalFileSystem)
    env: Mapping[str, str] = field(default_factory=lambda: dict(os.environ))
    is_admin: AdminCheck = is_administrator
    require_admin: bool | None = None
    source_files: Mapping[str, Path] = field(default_factory=dict)
    signed_manifest: bytes | None = None
    public_key: Ed25519PublicKey | None = None
    platform_url: str | None = None
    app_factory: Callable[[ConnectorSettings], ConnectorApp] = build_connector_app
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))

    @property
    def client_name(self) -> str:
        tag = getattr(self.settings, "tag", None)
        return str(getattr(tag, "client_name", None) or self.settings.layout.client_name)

    def prefilled_licence_key(self) -> str:
        """The licence key of the installer's tag, when the download carried one."""
        tag = getattr(self.settings, "tag", None)
        return str(getattr(tag, "licence_key", None) or "")

    def platform_url_for(self, region: str) -> str:
        if self.platform_url:
            return self.platform_url.rstrip("/")
        tag = getattr(self.settings, "tag", None)
        tagged: Any = getattr(tag, "region_urls", None) or {}
        if region not in self.settings.region_urls and isinstance(tagged, Mapping):
            url = tagged.get(region)
            if url:
                return str(url).rstrip("/")
        return self.settings.platform_url(region)


# ---- the wizard ------------------------------------------------------------------------------


@dataclass(frozen=True)
class InstallResult:
    program_dir: str
    copied: int
    verified: bool


def install_connector(
    setup: Setup,
    *,
    progress: ProgressCallback | None = None,
    verify_progress: ProgressCallback | None = None,
) -> InstallResult:
    """Install (or repair) the files, verify them; on Windows also the Start-menu entry and the
    Apps & features entry. Raises ``AdministratorRequiredError`` first when not allowed."""
    layout = setup.settings.layout
    must_be_admin = (
        layout.requires_administrator if setup.require_admin is None else setup.require_admin
    )
    if must_be_admin:
        require_administrator(setup.is_admin)
    report = install_files(
        layout,
        setup.source_files,
        signed_manifest=setup.signed_manifest,
        public_key=setup.public_key,
        progress=progress,
        verify_progress=verify_progress,
        is_admin=setup.is_admin,
    )
    if setup.signed_manifest is not None:
        verified = True
    else:
        verified = verify_program_files(
            layout, public_key=setup.public_key, progress=verify_progress
        )
    if layout.platform == "win32":
        register_windows_entries(layout, setup.runner, setup.env, setup.client_name)
    return InstallResult(str(report.program_dir), len(report.copied), verified)


def register_windows_entries(
    layout: InstallLayout, runner: CommandRunner, env: Mapping[str, str], publisher: str
) -> None:
    """The Start-menu shortcut (status window) and the Apps & features entry (uninstall)."""
    create_shortcut(start_menu_shortcut(layout, env), runner)
    register_uninstall_entry(
        uninstall_entry(layout, version=product_version(), publisher=publisher), runner
    )


def link(
    setup: Setup, app: ConnectorApp, *, licence_key: str, region: str, observer: LinkObserver
) -> LinkOutcome:
    """The link and the first link (``qbdlink connector link`` calls ``link_company`` too)."""
    return link_company(
        app,
        licence_key=licence_key,
        region=region,
        platform_url=setup.platform_url_for(region),
        observer=observer,
    )


@dataclass(frozen=True)
class AfterLink:
    removed_itself: bool
    autostart_name: str = ""


def after_link(setup: Setup, app: ConnectorApp, outcome: LinkOutcome) -> AfterLink:
    """One-time mode: tell the platform, forget, remove the connector. Ongoing: start with the
    computer. (The same steps, in the same order, as ``qbdlink connector link``.)"""
    if outcome.mode == "one-time":
        finish_one_time(app)
        app.state.forget_everything()
        app.close()
        remove_windows_entries(setup.settings.layout, setup.runner, setup.fs, setup.env)
        remove_connector(setup.settings.layout, setup.runner, setup.fs, setup.env)
        return AfterLink(removed_itself=True)
    definition = start_with_the_machine(setup.settings.layout, setup.runner, setup.fs, setup.env)
    return AfterLink(removed_itself=False, autostart_name=definition.name)


# ---- the status window -----------------------------------------------------------------------


def read_status(setup: Setup, app: ConnectorApp, *, check_quickbooks: bool) -> StatusSnapshot:
    """What ``qbdlink connector status`` prints, as data (QuickBooks checked when asked and
    not paused; the session is closed again so the running connector can use QuickBooks)."""
    state = app.state
    now = setup.clock()
    company = state.get("company_name")
    if not company:
        return StatusSnapshot(now=now, linked=False)
    until = paused_until(state, now)
    problem: QbdlinkError | None = None
    checked = False
    if check_quickbooks and until is None:
        try:
            with app.client() as client:
                app.connector(client).open_quickbooks()
        except QbdlinkError as error:
            problem = error
        finally:
            app.session.close()
        checked = True
    history = state.history()
    return StatusSnapshot(
        now=now,
        linked=True,
        company_name=str(company),
        client_name=str(state.get("client_name") or ""),
        region=str(state.get("region") or ""),
        mode=str(state.get("mode") or ""),
        paused_until=until,
        quickbooks_checked=checked,
        quickbooks_problem=problem,
        history=history,
        unfinished=tuple(p.data_type for p in state.unfinished_pulls()),
        queued=_still_queued(state.get(QUEUED_KEY), history),
    )


def _still_queued(asked: Any, history: Mapping[str, Mapping[str, Any]]) -> tuple[str, ...]:
    """The data types of the last Sync now that have not synced since it was asked."""
    if not isinstance(asked, dict):
        return ()
    at = str(asked.get("at") or "")
    return tuple(
        str(data_type)
        for data_type in asked.get("types") or []
        if data_type in STREAMS  # the platform may name types this connector does not fetch
        and str((history.get(str(data_type)) or {}).get("lastSuccess") or "") < at
    )


def sync_now(app: ConnectorApp) -> list[str]:
    """Ask the platform for a sync of every data type (the running connector picks it up)."""
    with app.client() as client:
        queued = client.sync_now()
    app.state.put(**{QUEUED_KEY: {"at": datetime.now(UTC).isoformat(), "types": queued}})
    return queued


def pause(setup: Setup, app: ConnectorApp, hours: float = 24.0) -> datetime:
    return pause_syncing(app.state, now=setup.clock(), hours=hours)


def resume(app: ConnectorApp) -> None:
    resume_syncing(app.state)


def uninstall(setup: Setup, app: ConnectorApp) -> UninstallReport:
    """Tell the platform (best effort), forget the state, remove everything
    (``qbdlink connector uninstall``)."""
    try:
        if app.credentials.load():
            with app.client() as client:
                client.disconnect("uninstalled")
    except QbdlinkError as error:
        log.warning("the platform was not told of the uninstall: %s", error.user_text())
    finally:
        app.state.forget_everything()
        app.close()
    remove_windows_entries(setup.settings.layout, setup.runner, setup.fs, setup.env)
    return remove_connector(setup.settings.layout, setup.runner, setup.fs, setup.env)


def remove_windows_entries(
    layout: InstallLayout, runner: CommandRunner, fs: FileSystem, env: Mapping[str, str]
) -> None:
    """Remove what :func:`register_windows_entries` made (best effort; nothing elsewhere)."""
    if layout.platform != "win32":
        return
    with contextlib.suppress(OSError):
        remove_shortcut(start_menu_shortcut(layout, env), fs)
    entry = uninstall_entry(layout, version=product_version(), publisher=layout.client_name)
    remove_uninstall_entry(entry, runner)
