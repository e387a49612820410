"""``qbdlink demo``: the whole system on one machine, with nothing to set up.

It starts the platform (SQLite in a fresh data folder) and a simulated QuickBooks with a
generated company, creates a client, a company and a QuickBooks Desktop connection through the
public API (as a client would), links a connector (answering QuickBooks' authorisation dialog
with "Yes, always"), runs the first link with progress, prints a summary, and keeps serving
until Ctrl-C. This module composes every part, so like ``cli.py`` only the command imports it.
"""

from __future__ import annotations

import base64
import logging
import secrets
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import httpx
import uvicorn

from qbdlink.connector.app import build_connector_app
from qbdlink.connector.link import link_company
from qbdlink.connector.settings import load_connector_settings
from qbdlink.connector.sync.engine import PullProgress
from qbdlink.errors import ConfigurationError
from qbdlink.model import wire
from qbdlink.platform.app import Platform, build_platform
from qbdlink.platform.jobs.runner import Workers
from qbdlink.platform.services import clients, users
from qbdlink.platform.settings import PlatformSettings
from qbdlink.qbxml import Edition
from qbdlink.simulator.authorization import AuthChoice
from qbdlink.simulator.client import SimulatorClient
from qbdlink.simulator.desktop import QuickBooksDesktop
from qbdlink.simulator.host import CompanyFileHandler, StoredCompanyFile
from qbdlink.simulator.samples import generate_company
from qbdlink.simulator.server import CompanyFileCache, SimulatorServer

log = logging.getLogger("qbdlink.demo")

DEMO_USER = "demo@qbdlink.example"

Echo = Callable[[str], None]


@dataclass
class DemoSummary:
    api_url: str
    api_key: str
    company_id: str
    company_name: str
    records: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


@contextmanager
def _serving(platform: Platform, host: str, port: int) -> Iterator[str]:
    server = uvicorn.Server(
        uvicorn.Config(platform.app, host=host, port=port, log_level="warning", lifespan="off")
    )
    thread = threading.Thread(target=server.run, name="demo-platform", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise ConfigurationError(
                f"The platform cannot listen on {host}:{port} (in use?).",
                code="demo.port",
                fix="Choose another port with --port, or --port 0 for any free one.",
            )
        time.sleep(0.05)
    bound = server.servers[0].sockets[0].getsockname()[1] if port == 0 else port
    try:
        yield f"http://{host}:{bound}"
    finally:
        server.should_exit = True
        thread.join(10)


@contextmanager
def _quickbooks(company: Path, edition: Edition) -> Iterator[SimulatorServer]:
    files: CompanyFileCache[StoredCompanyFile] = CompanyFileCache(StoredCompanyFile.open)
    file = StoredCompanyFile.open(company)
    files.add(file)
    handler = CompanyFileHandler(schemas=None)
    desktop = QuickBooksDesktop(
        handler,
        edition=edition.value,
        locate_file=files.locate,
        on_session_end=handler.end_session,
    )
    desktop.open_company(file)
    server = SimulatorServer(desktop, "127.0.0.1", 0, open_file=files.open).start()
    try:
        yield server
    finally:
        desktop.quit()
        server.stop()
        for opened in files.files:
            opened.store.close()


def _answer_authorisation(server: SimulatorServer, stop: threading.Event, echo: Echo) -> None:
    """The person at the PC: choose "Yes, always" in QuickBooks' dialog, then Continue, Done."""
    host, port = server.address
    with SimulatorClient(host, port, timeout=10) as person:
        while not stop.wait(0.1):
            pending = person.status().get("pending_authorization")
            if not pending:
                continue
            if pending["stage"] == "choose":
                echo(
                    '  QuickBooks asks for access: choosing "Yes, always; allow access even if '
                    'QuickBooks is not running", then Continue'
                )
                person.answer_authorization(AuthChoice.ALWAYS.value)
            else:
                echo("  QuickBooks confirms the access: Done")
                person.confirm_access()
                return


class _Printer:
    def __init__(self, echo: Echo) -> None:
        self.echo = echo
        self.records: dict[str, int] = {}

    def company_found(self, info: wire.LinkInfo) -> bool:
        self.echo(f'Connector: licence key accepted: "Link with {info.company_name}"')
        return True

    def waiting_for_quickbooks(self, instructions: str) -> None:
        self.echo("Connector: waiting for QuickBooks' authorisation dialog")

    def linked(self, answer: wire.LinkResponse) -> None:
        self.echo(f"Connector: linked ({answer.mode} mode). First link:")

    def progress(self, progress: PullProgress) -> None:
        if progress.done:
            self.records[progress.data_type] = progress.records
            self.echo(f"  {progress.data_type:<20} {progress.records:>8} records")


def run_demo(
    *,
    home: Path | None,
    size: int,
    edition: Edition,
    host: str,
    port: int,
    exit_after_link: bool,
    echo: Echo,
    wait_for_stop: Callable[[], None],
) -> DemoSummary:
    home = home or Path(tempfile.mkdtemp(prefix="qbdlink-demo-"))
    home.mkdir(parents=True, exist_ok=True)
    echo(f"Data folder: {home}")
    with ExitStack() as stack:
        settings = PlatformSettings(
            home=home,
            database_url=f"sqlite:///{home / 'platform.sqlite3'}",
            host=host,
            port=port,
        )
        platform = build_platform(settings)
        stack.callback(platform.close)
        client = clients.create_client(platform.context, "Demo Lending")
        _key, api_key = clients.create_api_key(platform.context, client.id, "demo")
        portal_password = secrets.token_urlsafe(12)
        users.create_user(platform.context, client.name, DEMO_USER, portal_password)
        api_url = stack.enter_context(_serving(platform, host, port))
        platform.context = _with_base_url(platform, api_url)
        workers = Workers(platform.context, scheduler_interval=30.0)
        workers.start()
        stack.callback(workers.stop)
        echo(f"Platform: serving at {api_url} (SQLite)")

        company_file = home / "demo-company.qbw"
        echo(f"QuickBooks: generating a {edition.value} company with {size} transactions...")
        generate_company(company_file, edition=edition, size=size, seed=1).close()
        quickbooks = stack.enter_context(_quickbooks(company_file, edition))
        host_port = quickbooks.address
        echo(f"QuickBooks: simulated at simulator://{host_port[0]}:{host_port[1]}")

        auth = "Basic " + base64.b64encode(api_key.encode()).decode()
        with httpx.Client(base_url=api_url, headers={"Authorization": auth}, timeout=60) as api:
            company = _ok(api.post("/companies", json={"name": "Demo Bakery"}))
            connection = _ok(
                api.post(f"/companies/{company['id']}/connections", json={"platformKey": "pqsw"})
            )
        echo(f"Client: created company {company['name']} ({company['id']})")
        echo(
            f"Client: QuickBooks Desktop connection {connection['status']}, "
            f"Link URL {connection['linkUrl']}"
        )

        connector = build_connector_app(
            load_connector_settings(
                {"QBDLINK_HOME": str(home / "connector")},
                quickbooks=f"simulator://{host_port[0]}:{host_port[1]}",
                client_name="Demo Lending",
            )
        )
        stack.callback(connector.close)
        stop_person = threading.Event()
        person = threading.Thread(
            target=_answer_authorisation, args=(quickbooks, stop_person, echo), daemon=True
        )
        person.start()
        printer = _Printer(echo)
        started = time.monotonic()
        outcome = link_company(
            connector,
            licence_key=company["id"],
            region="us",
            platform_url=api_url,
            observer=printer,
        )
        stop_person.set()
        seconds = time.monotonic() - started
        total = sum(outcome.records.values())
        echo(
            f"Your data has been synchronised: {total} records in {seconds:.1f} s "
            f"({total / seconds:.0f} records/s)."
        )
        summary = DemoSummary(
            api_url=api_url,
            api_key=api_key,
            company_id=company["id"],
            company_name=company["name"],
            records=dict(outcome.records),
            seconds=seconds,
        )
        if exit_after_link:
            return summary
        stop_connector = threading.Event()
        runner = threading.Thread(
            target=connector.connector(connector.client()).run_forever,
            args=(stop_connector,),
            kwargs={"wait": 5.0, "idle_check": 10.0},
            daemon=True,
        )
        runner.start()
        stack.callback(stop_connector.set)
        echo("")
        echo(f"API:      {api_url}  (OpenAPI: {api_url}/openapi.json, docs: {api_url}/docs)")
        echo(f"API key:  {api_key}  (send 'Authorization: Basic <base64 of the key>')")
        echo(f"Portal:   {api_url}/portal  (sign in as {DEMO_USER}, password {portal_password})")
        echo(f"Link page: {company['redirect']}")
        echo(f"Company:  {company['id']}")
        echo(
            f"Try:      curl -H 'Authorization: {auth}' "
            f"'{api_url}/companies/{company['id']}/data/invoices?pageSize=5'"
        )
        echo(
            "The connector keeps running (ongoing mode): queue a refresh through the API and "
            "it syncs. Ctrl+C stops everything."
        )
        wait_for_stop()
        return summary
    raise AssertionError("unreachable")


def _ok(response: httpx.Response) -> Any:
    response.raise_for_status()
    return response.json()


def _with_base_url(platform: Platform, base_url: str) -> Any:
    """The context with the address the server really listens on (port 0 picks one)."""
    context = replace(
        platform.context, deployment=replace(platform.context.deployment, base_url=base_url)
    )
    platform.app.state.context = context
    return context
