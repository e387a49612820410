"""``qbdlink connector ...``: link, run, status, sync now (install and uninstall: see install/).

This is the connector's composition root for the command line: it parses the settings once
and builds the connector through :mod:`qbdlink.connector.app`.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, Progress, TaskID, TextColumn

from qbdlink.connector.app import ConnectorApp, build_connector_app
from qbdlink.connector.install.install import install as install_files
from qbdlink.connector.install.logging_setup import configure_connector_logging
from qbdlink.connector.install.paths import InstallLayout
from qbdlink.connector.install.seams import LocalFileSystem, SubprocessRunner
from qbdlink.connector.install.tag import own_tag
from qbdlink.connector.lifecycle import (
    remove_connector,
    start_with_the_machine,
    verify_program_files,
)
from qbdlink.connector.link import LinkOutcome, finish_one_time, link_company
from qbdlink.connector.settings import REGIONS, load_connector_settings, parse_region
from qbdlink.connector.sync.engine import PullProgress
from qbdlink.connector.ui.actions import Setup as WindowSetup
from qbdlink.connector.ui.actions import register_windows_entries, remove_windows_entries
from qbdlink.errors import QbdlinkError
from qbdlink.model import wire
from qbdlink.model.installer_tag import TagPayload
from qbdlink.model.licence import region_of

EXIT_FAILED = 1
EXIT_CONFIG = 2

connector_app = typer.Typer(
    help="The connector that runs beside QuickBooks Desktop: link, run, status, sync now.",
    no_args_is_help=True,
)

QuickBooksOption = Annotated[
    str | None,
    typer.Option(
        "--quickbooks",
        help="com (QuickBooks on this PC) or simulator://HOST:PORT (default: QBDLINK_QUICKBOOKS).",
    ),
]
ClientNameOption = Annotated[
    str | None,
    typer.Option("--client-name", help="Whose connector this is (names folders and tasks)."),
]


def _fail(error: QbdlinkError) -> typer.Exit:
    typer.echo(f"qbdlink: {error.user_text()}", err=True)
    return typer.Exit(EXIT_CONFIG if error.code.startswith("connector.") else EXIT_FAILED)


def _app(
    quickbooks: str | None, client_name: str | None, tag: TagPayload | None = None
) -> ConnectorApp:
    settings = load_connector_settings(quickbooks=quickbooks, client_name=client_name, tag=tag)
    # Refuse to run altered files (checked against the publisher's signed manifest).
    verify_program_files(settings.layout)
    configure_connector_logging(Path(settings.layout.log_path))
    return build_connector_app(settings)


class ConsoleObserver:
    """The link's steps, printed (the setup wizard draws the same steps in a window)."""

    def __init__(self, *, assume_yes: bool, interactive: bool | None = None) -> None:
        self.assume_yes = assume_yes
        self.interactive = sys.stdout.isatty() if interactive is None else interactive
        self.started = time.monotonic()
        # On a terminal, a live bar per data type; in a log or a pipe, one line per data type.
        self._bars: Progress | None = None
        self._tasks: dict[str, TaskID] = {}

    def company_found(self, info: wire.LinkInfo) -> bool:
        typer.echo(f"{info.client_name}: link QuickBooks to {info.company_name}.")
        if self.assume_yes:
            return True
        return typer.confirm(f"Link with {info.company_name}?", default=True)

    def waiting_for_quickbooks(self, instructions: str) -> None:
        typer.echo("Waiting for QuickBooks. " + instructions)

    def linked(self, answer: wire.LinkResponse) -> None:
        typer.echo(f"Linked with {answer.company_name}. First link: fetching your data...")

    def progress(self, progress: PullProgress) -> None:
        if not self.interactive:
            if progress.done:
                typer.echo(f"  {progress.data_type:<20} {progress.records:>8} records")
            return
        if self._bars is None:
            self._bars = Progress(
                TextColumn("  {task.description:<20}"),
                BarColumn(),
                TextColumn("{task.fields[records]:>9} records"),
            )
            self._bars.start()
        task = self._tasks.get(progress.data_type)
        if task is None:
            task = self._bars.add_task(progress.data_type, total=None, records=0)
            self._tasks[progress.data_type] = task
        self._bars.update(task, records=progress.records)
        if progress.done:
            self._bars.update(task, total=1, completed=1)

    def close(self) -> None:
        if self._bars is not None:
            self._bars.stop()


@connector_app.command("link")
def link(
    licence_key: Annotated[
        str | None, typer.Option("--licence-key", help="The licence key from the Link page.")
    ] = None,
    region: Annotated[str | None, typer.Option(help="us, uk or ca.")] = None,
    platform_url: Annotated[
        str | None, typer.Option(help="The platform's address (normally from the region).")
    ] = None,
    quickbooks: QuickBooksOption = None,
    client_name: ClientNameOption = None,
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask: for silent installs.")] = False,
) -> None:
    """Link this QuickBooks company file, then fetch its data (the first link)."""
    try:
        # The installer's signed tag (install/tag.py) prefills the licence key and regions.
        app = _app(quickbooks, client_name, own_tag())
    except QbdlinkError as error:
        raise _fail(error) from error
    try:
        if licence_key is None and app.settings.licence_key:
            typer.echo("Using the licence key this installer was downloaded with.")
        key = licence_key or app.settings.licence_key or typer.prompt("Licence key")
        chosen = region or region_of(key) or typer.prompt("Region (us, uk, ca)", default="us")
        region_key = parse_region(chosen)
        url = app.settings.platform_url(region_key, platform_url)
        started = time.monotonic()
        observer = ConsoleObserver(assume_yes=yes)
        try:
            outcome = link_company(
                app,
                licence_key=key,
                region=region_key,
                platform_url=url,
                observer=observer,
            )
        finally:
            observer.close()
        _summary(outcome, time.monotonic() - started)
        if outcome.mode == "one-time":
            finish_one_time(app)
            typer.echo("One-time link done: the connector removes itself now.")
            app.state.forget_everything()
            app.close()
            remove_connector(app.settings.layout, SubprocessRunner())
        else:
            definition = start_with_the_machine(app.settings.layout, SubprocessRunner())
            typer.echo(f"The connector now starts with this computer ({definition.name}).")
    except QbdlinkError as error:
        raise _fail(error) from error
    finally:
        app.close()


def _summary(outcome: LinkOutcome, seconds: float) -> None:
    total = sum(outcome.records.values())
    typer.echo(
        f"Your data has been synchronised: {total} records in {seconds:.1f} s "
        f"({outcome.company_name}, {outcome.mode} mode)."
    )


@connector_app.command("run")
def run(
    once: Annotated[bool, typer.Option("--once", help="Do all queued work, then exit.")] = False,
    quickbooks: QuickBooksOption = None,
    client_name: ClientNameOption = None,
) -> None:
    """Sync: take the platform's queued work and carry it out, until stopped."""
    try:
        app = _app(quickbooks, client_name)
        client = app.client()
    except QbdlinkError as error:
        raise _fail(error) from error
    printer = ConsoleObserver(assume_yes=True)
    connector = app.connector(client, printer.progress)
    try:
        if once:
            report = connector.run_cycle(wait=0)
            if report.problem is not None:
                raise _fail(report.problem)
            typer.echo(f"done: {len(report.pulls)} pulls, {report.records} records")
            return
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        typer.echo("connector running; Ctrl+C stops it")
        try:
            connector.run_forever(stop)
        except KeyboardInterrupt:
            stop.set()
    except QbdlinkError as error:
        raise _fail(error) from error
    finally:
        printer.close()
        client.close()
        app.close()


@connector_app.command("status")
def status(quickbooks: QuickBooksOption = None, client_name: ClientNameOption = None) -> None:
    """What this connector is linked to, its last syncs, and whether QuickBooks answers."""
    try:
        settings = load_connector_settings(quickbooks=quickbooks, client_name=client_name)
        if not Path(settings.layout.state_db_path).exists():
            typer.echo("Not linked (not installed here). Run `qbdlink connector link`.")
            return
        app = _app(quickbooks, client_name)
    except QbdlinkError as error:
        raise _fail(error) from error
    try:
        company = app.state.get("company_name")
        if not company:
            typer.echo("Not linked. Run `qbdlink connector link`.")
            return
        region = str(app.state.get("region"))
        typer.echo(
            f"Linked with {company} ({REGIONS.get(region, region)}), mode {app.state.get('mode')}"
        )
        typer.echo(f"platform: {app.state.get('platform_url')}")
        for data_type, entry in app.state.history().items():
            line = f"  {data_type:<20} last sync {entry['lastSuccess'] or 'never'}"
            if entry["lastError"]:
                line += f"; last error: {entry['lastError']}"
            typer.echo(line)
        try:
            app.connector(app.client()).open_quickbooks()
            typer.echo("QuickBooks: ready")
        except QbdlinkError as error:
            typer.echo(f"QuickBooks: {error.user_text()}")
    finally:
        app.close()


@connector_app.command("sync-now")
def sync_now(quickbooks: QuickBooksOption = None, client_name: ClientNameOption = None) -> None:
    """Ask for a sync of every data type now (the running connector picks it up)."""
    try:
        app = _app(quickbooks, client_name)
        with app.client() as client:
            queued = client.sync_now()
    except QbdlinkError as error:
        raise _fail(error) from error
    typer.echo("queued: " + (", ".join(queued) if queued else "nothing (all already queued)"))
    app.close()


@connector_app.command("install")
def install(
    root: Annotated[
        Path | None,
        typer.Option(help="Install under this folder (default: Program Files (x86) on Windows)."),
    ] = None,
    source: Annotated[
        Path | None, typer.Option("--from", help="The folder holding the connector's files.")
    ] = None,
    manifest: Annotated[
        Path | None, typer.Option(help="The signed manifest of those files (verified).")
    ] = None,
    client_name: ClientNameOption = None,
) -> None:
    """Install the connector's files and verify them against the publisher's signed manifest."""
    name = client_name or os.environ.get("QBDLINK_CLIENT_NAME") or "qbdlink"
    layout = InstallLayout.compute(sys.platform, os.environ, name, root)
    files = _files_to_install(source)
    signed = manifest.read_bytes() if manifest else None
    with Progress(transient=False) as bars:
        copying = bars.add_task("Installing", total=max(1, len(files)))
        verifying = bars.add_task("Verifying files", total=max(1, len(files)))
        try:
            report = install_files(
                layout,
                files,
                signed_manifest=signed,
                progress=lambda done, total, _path: bars.update(
                    copying, completed=done, total=total
                ),
                verify_progress=lambda done, total, _path: bars.update(
                    verifying, completed=done, total=total
                ),
            )
        except QbdlinkError as error:
            raise _fail(error) from error
        bars.update(copying, completed=bars.tasks[copying].total)
        bars.update(verifying, completed=bars.tasks[verifying].total)
    if layout.platform == "win32":  # the Start-menu entry and Apps & features (ui/actions.py)
        try:
            register_windows_entries(layout, SubprocessRunner(), os.environ, name)
        except QbdlinkError as error:
            raise _fail(error) from error
    typer.echo(f"Installed in {report.program_dir} ({len(report.copied)} files copied).")
    typer.echo("Next: qbdlink connector link")


def _files_to_install(source: Path | None) -> dict[str, Path]:
    if source is not None:
        return {
            path.relative_to(source).as_posix(): path
            for path in sorted(source.rglob("*"))
            if path.is_file()
        }
    if getattr(sys, "frozen", False):  # the packaged connector installs itself
        executable = Path(sys.executable)
        return {executable.name: executable}
    return {}


@connector_app.command("uninstall")
def uninstall(
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask.")] = False,
    quickbooks: QuickBooksOption = None,
    client_name: ClientNameOption = None,
) -> None:
    """Remove the connector: autostart entry, credential, local state, logs, program files."""
    try:
        app = _app(quickbooks, client_name)
    except QbdlinkError as error:
        raise _fail(error) from error
    if not yes and not typer.confirm("Remove the QuickBooks connector from this computer?"):
        app.close()
        raise typer.Exit(EXIT_FAILED)
    try:
        if app.credentials.load():
            with app.client() as client:
                client.disconnect("uninstalled")
    except QbdlinkError as error:
        typer.echo(f"(the platform was not told: {error.user_text()})", err=True)
    finally:
        app.state.forget_everything()
        app.close()
    remove_windows_entries(app.settings.layout, SubprocessRunner(), LocalFileSystem(), os.environ)
    report = remove_connector(app.settings.layout, SubprocessRunner())
    typer.echo(f"Removed {len(report.removed)} files and folders; the connector is uninstalled.")


# ---- pause / resume, and the windows (setup wizard, status window) ---------------------------
# Every window button calls the same engine function as one of these commands
# (see connector/ui/actions.py for the table).


@connector_app.command("pause")
def pause(
    hours: Annotated[float, typer.Option(help="How long to pause, in hours.")] = 24.0,
    quickbooks: QuickBooksOption = None,
    client_name: ClientNameOption = None,
) -> None:
    """Pause syncing (the connector leaves QuickBooks alone and only reports "paused")."""
    from datetime import UTC, datetime

    from qbdlink.connector.runner import pause_syncing

    try:
        app = _app(quickbooks, client_name)
    except QbdlinkError as error:
        raise _fail(error) from error
    try:
        until = pause_syncing(app.state, now=datetime.now(UTC), hours=hours)
    except QbdlinkError as error:
        raise _fail(error) from error
    finally:
        app.close()
    typer.echo(f"Syncing paused until {until.astimezone():%Y-%m-%d %H:%M}.")


@connector_app.command("resume")
def resume(quickbooks: QuickBooksOption = None, client_name: ClientNameOption = None) -> None:
    """Resume syncing after `qbdlink connector pause`."""
    from qbdlink.connector.runner import resume_syncing

    try:
        app = _app(quickbooks, client_name)
    except QbdlinkError as error:
        raise _fail(error) from error
    try:
        resume_syncing(app.state)
    finally:
        app.close()
    typer.echo("Syncing resumed.")


ScaleOption = Annotated[
    float | None,
    typer.Option(
        "--scale", help="Window scaling (1.5 for 150 %); default: from the display's DPI."
    ),
]


def _window_setup(
    quickbooks: str | None,
    client_name: str | None,
    platform_url: str | None = None,
    source: Path | None = None,
    manifest: Path | None = None,
) -> WindowSetup:
    """What the windows need: settings (with the installer's tag), files, manifest."""
    settings = load_connector_settings(
        quickbooks=quickbooks, client_name=client_name, tag=own_tag()
    )
    verify_program_files(settings.layout)
    configure_connector_logging(Path(settings.layout.log_path))
    signed: bytes | None = None
    if manifest is not None:
        signed = manifest.read_bytes()
    elif getattr(sys, "frozen", False):  # the download: the signed manifest beside the .exe
        beside = Path(sys.executable).with_name("manifest.signed.json")
        signed = beside.read_bytes() if beside.is_file() else None
    return WindowSetup(
        settings=settings,
        source_files=_files_to_install(source),
        signed_manifest=signed,
        platform_url=platform_url,
    )


@connector_app.command("wizard")
def wizard(
    licence_key: Annotated[
        str | None, typer.Option("--licence-key", help="Prefill the licence key.")
    ] = None,
    platform_url: Annotated[
        str | None, typer.Option(help="The platform's address (normally from the region).")
    ] = None,
    source: Annotated[
        Path | None, typer.Option("--from", help="The folder holding the connector's files.")
    ] = None,
    manifest: Annotated[
        Path | None, typer.Option(help="The signed manifest of those files (verified).")
    ] = None,
    scale: ScaleOption = None,
    quickbooks: QuickBooksOption = None,
    client_name: ClientNameOption = None,
) -> None:
    """Open the setup wizard: install, link, first link (what `install` + `link` do)."""
    from qbdlink.connector.ui.tkbase import make_root
    from qbdlink.connector.ui.wizard import SetupWizard

    try:
        setup = _window_setup(quickbooks, client_name, platform_url, source, manifest)
    except QbdlinkError as error:
        raise _fail(error) from error
    SetupWizard(make_root(), setup, scale=scale, licence_key=licence_key).run()


@connector_app.command("status-window")
def status_window(
    scale: ScaleOption = None,
    quickbooks: QuickBooksOption = None,
    client_name: ClientNameOption = None,
) -> None:
    """Open the status window: connection, last syncs, Sync now, Pause, Uninstall."""
    from qbdlink.connector.ui.status_window import StatusWindow
    from qbdlink.connector.ui.tkbase import make_root

    try:
        setup = _window_setup(quickbooks, client_name)
    except QbdlinkError as error:
        raise _fail(error) from error
    StatusWindow(make_root(), setup, scale=scale).run()
