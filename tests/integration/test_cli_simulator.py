"""`qbdlink simulator control ...` and `qbdlink simulator serve`.

The control commands run in-process (CliRunner) against a simulator server started by the test on
127.0.0.1 with a free port; `serve` runs as its own process, as a person would start it, and is
stopped with SIGTERM. These tests open local sockets (127.0.0.1 only), so they carry the
``integration`` mark; every wait is bounded.
"""

from __future__ import annotations

import os
import selectors
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from qbdlink import cli
from qbdlink.qbxml import Edition, decode_response_set, encode_request_set
from qbdlink.qbxml import messages as m
from qbdlink.qbxml.xsd import QbxmlSchema
from qbdlink.simulator.authorization import AuthChoice
from qbdlink.simulator.client import SimulatorClient
from qbdlink.simulator.company import create_company
from qbdlink.simulator.desktop import QuickBooksDesktop
from qbdlink.simulator.host import CompanyFileHandler, StoredCompanyFile
from qbdlink.simulator.server import CompanyFileCache, SimulatorServer, format_address
from qbdlink.simulator.wire import MODE_DO_NOT_CARE

pytestmark = pytest.mark.integration

TIMEOUT = 10.0
BANNER = "QuickBooks simulator running at simulator://"
runner = CliRunner()


@pytest.fixture(autouse=True)
def _no_xsd_dir_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(cli.XSD_DIR_ENV, raising=False)


def new_company(path: Path, name: str = "Acme Ltd", edition: Edition = Edition.US) -> Path:
    create_company(path, company_name=name, edition=edition).close()
    return path


@dataclass
class Running:
    desktop: QuickBooksDesktop
    server: SimulatorServer
    file: StoredCompanyFile

    @property
    def address(self) -> str:
        return format_address(*self.server.address)

    def control(self, *args: str) -> tuple[int, str]:
        result = runner.invoke(cli.app, ["simulator", "control", "--connect", self.address, *args])
        return result.exit_code, result.output


@pytest.fixture
def running(tmp_path: Path, qbxml_schemas: dict[str, QbxmlSchema]) -> Iterator[Running]:
    file = StoredCompanyFile.open(new_company(tmp_path / "acme.qbw"))
    files = CompanyFileCache(StoredCompanyFile.open)
    files.add(file)
    handler = CompanyFileHandler(schemas=qbxml_schemas.__getitem__)
    desktop = QuickBooksDesktop(
        handler,
        edition="US",
        locate_file=files.locate,
        authorization_timeout=TIMEOUT,
        on_session_end=handler.end_session,
    )
    desktop.open_company(file)
    server = SimulatorServer(desktop, "127.0.0.1", 0, open_file=files.open).start()
    try:
        yield Running(desktop, server, file)
    finally:
        desktop.quit()
        server.stop()
        for opened in files.files:
            opened.store.close()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def app_waiting_in_begin_session(app: SimulatorClient) -> Iterator[list[str]]:
    """``app`` calls BeginSession in a thread; on leaving, its ticket is in the list."""
    box: list[str] = []
    errors: list[BaseException] = []

    def begin() -> None:
        try:
            box.append(app.begin_session("", MODE_DO_NOT_CARE))
        except BaseException as exc:
            errors.append(exc)

    thread = threading.Thread(target=begin, daemon=True)
    thread.start()
    try:
        yield box
    finally:
        thread.join(TIMEOUT)
    assert not thread.is_alive(), "BeginSession did not return in time"
    if errors:
        raise errors[0]


# ---- control ---------------------------------------------------------------------------------


def test_control_status(running: Running) -> None:
    code, output = running.control("status")
    assert code == 0, output
    assert "QuickBooks: running on screen [QuickBooks Pro 2023 (US edition)]" in output
    assert f"Company file: {running.file.path} (single-user, logged in as Admin)" in output
    assert "Authorisation dialog: none" in output
    code, output = running.control("status", "--json")
    assert code == 0 and '"running": true' in output


def test_control_with_a_url(running: Running) -> None:
    result = runner.invoke(
        cli.app, ["simulator", "control", "--connect", running.server.url, "status"]
    )
    assert result.exit_code == 0, result.output


def test_control_dialogs_and_instances(running: Running) -> None:
    assert running.control("dialog", "Edit Customer") == (0, "Modal dialog showing.\n")
    assert running.desktop.modal_dialog == "Edit Customer"
    assert "Modal dialog: 'Edit Customer'" in running.control("status")[1]
    assert running.control("dismiss-dialog")[0] == 0
    assert "Modal dialog: none" in running.control("status")[1]
    assert running.control("instances", "2")[0] == 0
    assert running.desktop.instances == 2
    assert "2 instances" in running.control("status")[1]


def test_control_quit_start_and_files(running: Running, tmp_path: Path) -> None:
    assert running.control("quit") == (0, "QuickBooks closed.\n")
    assert "QuickBooks: not running" in running.control("status")[1]
    assert running.control("start")[0] == 0
    status = running.control("status")[1]
    assert "QuickBooks: running on screen" in status and "Company file: none open" in status

    other = new_company(tmp_path / "other.qbw", "Other Ltd")
    code, output = running.control("open-company", str(other), "--multi-user")
    assert code == 0, output
    assert f"Company file: {other.resolve()} (multi-user" in running.control("status")[1]
    assert running.control("close-company")[0] == 0
    assert "Company file: none open" in running.control("status")[1]

    code, output = running.control("open-company", str(tmp_path / "missing.qbw"))
    assert code == 1
    assert "simulator.control_refused" in output and "no company file at" in output


def test_control_answers_the_authorisation_dialog(running: Running) -> None:
    host, port = running.server.address
    with SimulatorClient(host, port, timeout=TIMEOUT) as app:
        app.open_connection("", "demo app")
        with app_waiting_in_begin_session(app) as ticket_box:
            running.desktop.wait_for_authorization(TIMEOUT)
            assert "'demo app' (first access), waiting for a choice" in running.control("status")[1]
            code, output = running.control("authorize", "always", "--personal-data")
            assert code == 0, output
            assert "Access Confirmation showing" in running.control("status")[1]
            assert running.control("confirm") == (0, "Access confirmed.\n")
        ticket = ticket_box[0]
        assert "'demo app' from 127.0.0.1:" in running.control("status")[1]
        assert ticket in running.control("status")[1]
    grant = running.file.grants.get("demo app")
    assert grant is not None and grant.choice is AuthChoice.ALWAYS and grant.personal_data


def test_control_refusals_exit_1_with_the_reason(running: Running) -> None:
    code, output = running.control("confirm")
    assert code == 1
    assert "The simulator refused confirm_access: no Access Confirmation is showing" in output
    code, output = running.control("authorize", "maybe")
    assert code == 2  # not a choice: usage error
    code, output = running.control("grant", "some app", "always", "--login-as", "Nobody")
    assert code == 0  # the grant is stored as given; Nobody's absence shows at BeginSession
    assert running.control("remove-grant", "some app")[0] == 0


def test_control_faults(running: Running) -> None:
    plan = running.desktop.faults
    assert running.control("fault", "latency", "0.5")[0] == 0
    assert plan.latency == 0.5
    code, output = running.control("fault", "status", "3175", "--count", "2")
    assert code == 0 and output == "The next 2 request(s) get status 3175.\n"
    assert running.control("fault", "hresult", "0x8004041B", "--count", "1")[0] == 0
    assert running.control("fault", "crash")[0] == 0
    assert plan.pending_request_faults == 4
    assert running.control("fault", "expire-iterators")[0] == 0
    assert "latency 0.5 s, 4 queued" in running.control("status")[1]
    assert running.control("fault", "clear")[0] == 0
    assert plan.latency == 0 and plan.pending_request_faults == 0
    assert running.control("fault", "hresult", "0x8004041B", "--begin-session")[0] == 0
    assert plan.take_begin_session_fault() == 0x8004041B
    assert running.control("fault", "hresult", "lock")[0] == 2
    assert running.control("fault", "hresult", "0x1FFFFFFFF")[0] == 2


def test_control_an_injected_status_reaches_a_session(running: Running) -> None:
    running.desktop.auto_authorize = AuthChoice.ALWAYS
    host, port = running.server.address
    with SimulatorClient(host, port, timeout=TIMEOUT) as app:
        app.open_connection("", "demo app")
        ticket = app.begin_session("", MODE_DO_NOT_CARE)
        assert running.control("fault", "status", "3175")[0] == 0
        query = encode_request_set([m.CustomerQueryRq()])
        first = decode_response_set(app.process_request(ticket, query))
        second = decode_response_set(app.process_request(ticket, query))
    assert [r.status.code for r in first.responses] == [3175]
    assert [r.status.code for r in second.responses] == [1]


def test_control_unreachable_and_bad_addresses() -> None:
    port = free_port()
    result = runner.invoke(
        cli.app, ["simulator", "control", "--connect", f"127.0.0.1:{port}", "status"]
    )
    assert result.exit_code == 1
    assert "Could not reach the QuickBooks simulator" in result.output
    assert "0x80040401" in result.output
    result = runner.invoke(cli.app, ["simulator", "control", "--connect", "nowhere", "status"])
    assert result.exit_code == 2
    assert "HOST:PORT" in result.output


def test_control_help_lists_the_commands() -> None:
    result = runner.invoke(cli.app, ["simulator", "control", "--help"])
    assert result.exit_code == 0
    for command in ("status", "open-company", "authorize", "confirm", "fault", "dialog"):
        assert command in result.output


# ---- serve -----------------------------------------------------------------------------------


def test_serve_refuses_a_non_loopback_address(tmp_path: Path, xsd_dir: Path) -> None:
    company = new_company(tmp_path / "acme.qbw")
    args = ["simulator", "serve", "--company", str(company), "--xsd-dir", str(xsd_dir)]
    result = runner.invoke(cli.app, [*args, "--listen", "0.0.0.0:0"])
    assert result.exit_code == 2
    assert "loopback" in result.output
    result = runner.invoke(cli.app, [*args, "--listen", "nonsense"])
    assert result.exit_code == 2
    result = runner.invoke(cli.app, [*args, "--user", "Nobody"])
    assert result.exit_code == 2 and "Nobody" in result.output
    result = runner.invoke(cli.app, [*args, "--edition", "fr"])
    assert result.exit_code == 2


def test_serve_a_missing_company_file(tmp_path: Path, xsd_dir: Path) -> None:
    result = runner.invoke(
        cli.app,
        ["simulator", "serve", "--company", str(tmp_path / "none.qbw"), "--xsd-dir", str(xsd_dir)],
    )
    assert result.exit_code == 2
    assert "no company file at" in result.output


def read_line(stream: object, fd: int, deadline: float) -> str:
    """One line from a subprocess pipe, waiting until ``deadline`` at most."""
    with selectors.DefaultSelector() as selector:
        selector.register(fd, selectors.EVENT_READ)
        while time.monotonic() < deadline:
            if selector.select(timeout=0.1):
                line: str = stream.readline()  # type: ignore[attr-defined]
                return line
    raise AssertionError("no line from the simulator in time")


def test_serve_runs_until_sigterm(tmp_path: Path, xsd_dir: Path) -> None:
    company = new_company(tmp_path / "acme.qbw", edition=Edition.CA)
    command = [
        sys.executable,
        "-m",
        "qbdlink",
        "simulator",
        "serve",
        "--company",
        str(company),
        "--listen",
        "127.0.0.1:0",
        "--auto-authorize",
        "always",
        "--xsd-dir",
        str(xsd_dir),
    ]
    env = {k: v for k, v in os.environ.items() if k != cli.XSD_DIR_ENV}
    with subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    ) as process:
        try:
            assert process.stdout is not None
            banner = read_line(process.stdout, process.stdout.fileno(), time.monotonic() + 30)
            assert banner.startswith(BANNER), banner
            assert f"with {company.resolve()} open (QuickBooks Pro 2023 (Canada), CA edition)" in (
                banner
            )
            address = banner.removeprefix(BANNER).split(" ", 1)[0]

            result = runner.invoke(
                cli.app, ["simulator", "control", "--connect", address, "status"]
            )
            assert result.exit_code == 0, result.output
            assert "Auto-authorise: always" in result.output
            assert f"Company file: {company.resolve()}" in result.output

            host, port = address.rsplit(":", 1)
            with SimulatorClient(host, int(port), timeout=TIMEOUT) as app:
                app.open_connection("", "demo app")
                ticket = app.begin_session("", MODE_DO_NOT_CARE)
                assert app.qbxml_versions_for_session(ticket)[:2] == ["CA2.0", "CA3.0"]
                response = app.process_request(ticket, encode_request_set([m.CustomerQueryRq()]))
                assert [r.status.code for r in decode_response_set(response).responses] == [1]
                # left open: SIGTERM must end the session and the connection cleanly

            process.send_signal(signal.SIGTERM)
            stdout, stderr = process.communicate(timeout=TIMEOUT)
        finally:
            if process.poll() is None:
                process.kill()
                process.communicate(timeout=TIMEOUT)
    assert process.returncode == 0, stderr
    assert stdout.rstrip().endswith("QuickBooks simulator stopped."), stdout
    assert "Traceback" not in stderr, stderr


def test_create_company_generates_a_sample_company(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from qbdlink import cli as qbdlink_cli
    from qbdlink.simulator.store import CompanyStore, RecordFilter

    path = tmp_path / "sample.qbw"
    args = ["simulator", "create-company", str(path), "--edition", "ca", "--size", "120"]
    result = CliRunner().invoke(qbdlink_cli.app, [*args, "--seed", "3"])
    assert result.exit_code == 0, result.output
    assert "CA edition, 120 transactions" in result.output
    store = CompanyStore.open(path)
    try:
        assert store.get_meta("edition") == "CA"
        assert store.count(RecordFilter(kinds=("Invoice",), active=None)) > 0
    finally:
        store.close()
    again = CliRunner().invoke(qbdlink_cli.app, [*args, "--seed", "3"])
    assert again.exit_code == 2 and "already exists" in again.output
