"""A simulated QuickBooks on a loopback socket, for connector tests (in this process)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from qbdlink.qbxml.xsd import QbxmlSchema
from qbdlink.simulator.authorization import AuthChoice
from qbdlink.simulator.client import SimulatorClient
from qbdlink.simulator.desktop import QuickBooksDesktop
from qbdlink.simulator.host import CompanyFileHandler, StoredCompanyFile
from qbdlink.simulator.server import CompanyFileCache, SimulatorServer, format_url

TIMEOUT = 10.0


@dataclass
class SimulatedQuickBooks:
    desktop: QuickBooksDesktop
    server: SimulatorServer
    files: CompanyFileCache[StoredCompanyFile]

    @property
    def url(self) -> str:
        host, port = self.server.address
        return format_url(host, port)

    @contextmanager
    def control(self) -> Iterator[SimulatorClient]:
        host, port = self.server.address
        with SimulatorClient(host, port, timeout=TIMEOUT, connect_timeout=TIMEOUT) as client:
            yield client

    def open_file(self, path: Path) -> StoredCompanyFile:
        file = self.files.open(str(path))
        self.desktop.open_company(file)
        return file


@contextmanager
def simulated_quickbooks(
    company: Path,
    schemas: Callable[[str], QbxmlSchema],
    *,
    auto_authorize: AuthChoice | None = AuthChoice.ALWAYS,
    edition: str = "US",
) -> Iterator[SimulatedQuickBooks]:
    files: CompanyFileCache[StoredCompanyFile] = CompanyFileCache(StoredCompanyFile.open)
    file = StoredCompanyFile.open(company)
    files.add(file)
    handler = CompanyFileHandler(schemas=schemas)
    desktop = QuickBooksDesktop(
        handler,
        edition=edition,
        locate_file=files.locate,
        auto_authorize=auto_authorize,
        authorization_timeout=TIMEOUT,
        on_session_end=handler.end_session,
    )
    desktop.open_company(file)
    server = SimulatorServer(desktop, "127.0.0.1", 0, open_file=files.open).start()
    try:
        yield SimulatedQuickBooks(desktop=desktop, server=server, files=files)
    finally:
        desktop.quit()
        server.stop()
        for opened in files.files:
            opened.store.close()
