"""The connector's QuickBooks session over the simulator transport, and over a fake COM object."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from qbdlink.connector.quickbooks.com import ComTransport
from qbdlink.connector.quickbooks.session import (
    QuickBooksSession,
    RetryPolicy,
    WrongCompanyFileError,
)
from qbdlink.connector.quickbooks.simulator import SimulatorTransport
from qbdlink.errors import RetryLaterError, UserActionError
from qbdlink.qbxml import Edition
from qbdlink.qbxml import messages as m
from qbdlink.qbxml.hresult import QuickBooksConnectionError
from qbdlink.qbxml.xsd import QbxmlSchema
from qbdlink.simulator.authorization import AuthChoice
from qbdlink.simulator.client import SimulatorClient
from qbdlink.simulator.company import create_company
from qbdlink.simulator.samples import generate_company
from tests.support.simulated_quickbooks import SimulatedQuickBooks, simulated_quickbooks

pytestmark = pytest.mark.integration


@pytest.fixture
def quickbooks(
    tmp_path: Path, qbxml_schemas: dict[str, QbxmlSchema]
) -> Iterator[SimulatedQuickBooks]:
    company = tmp_path / "acme.qbw"
    generate_company(company, edition=Edition.UK, size=30, seed=3, company_name="Acme UK").close()
    with simulated_quickbooks(company, qbxml_schemas.__getitem__, edition="UK") as qb:
        yield qb


def _session(qb: SimulatedQuickBooks, **kwargs: Any) -> QuickBooksSession:
    return QuickBooksSession(
        lambda: SimulatorTransport(qb.url),
        app_name="qbdlink tests",
        retry=RetryPolicy(attempts=2, first_delay=0),
        sleep=lambda _: None,
        **kwargs,
    )


def test_open_identifies_the_file_and_negotiates_the_version(
    quickbooks: SimulatedQuickBooks,
) -> None:
    with _session(quickbooks) as session:
        company = session.open()
        assert company.company_name == "Acme UK"
        assert company.edition is Edition.UK
        assert company.file_id is None
        assert company.path.endswith("acme.qbw")
        assert str(company.version) in company.supported_versions
        pages = list(
            session.query(m.CustomerQueryRq(active_status="All"), iterator=True, page_size=7)
        )
        assert len(pages) > 1
        assert all(len(page) <= 7 for page in pages)
        ids = [c.list_id for page in pages for c in page if isinstance(c, m.CustomerRet)]
        assert len(ids) == len(set(ids)) > 7


def test_the_file_id_stamp_travels_with_the_file(quickbooks: SimulatedQuickBooks) -> None:
    with _session(quickbooks) as session:
        session.open()
        with pytest.raises(WrongCompanyFileError, match="Incorrect company file open"):
            session.require_file("file-42", company_name="Acme UK")
        session.stamp_file_id("file-42")
        session.require_file("file-42", company_name="Acme UK")
    with _session(quickbooks) as again:
        assert again.open().file_id == "file-42"
        again.stamp_file_id("file-43")
    with _session(quickbooks) as third:
        assert third.open().file_id == "file-43"


def test_another_file_open_is_refused(quickbooks: SimulatedQuickBooks, tmp_path: Path) -> None:
    with _session(quickbooks) as session:
        session.open()
        session.stamp_file_id("file-42")
    other = tmp_path / "other.qbw"
    create_company(other, company_name="Other Co", edition=Edition.UK).close()
    quickbooks.open_file(other)
    with _session(quickbooks) as session:
        company = session.open()
        assert company.company_name == "Other Co"
        with pytest.raises(WrongCompanyFileError) as raised:
            session.require_file("file-42", company_name="Acme UK")
        assert "Open the company file of Acme UK" in raised.value.fix


def test_quickbooks_not_running_and_access_refused_are_user_actions(
    quickbooks: SimulatedQuickBooks,
) -> None:
    with quickbooks.control() as control:
        control.quit()
    with pytest.raises(QuickBooksConnectionError) as raised, _session(quickbooks) as session:
        session.open()
    assert isinstance(raised.value, (UserActionError, RetryLaterError))
    with quickbooks.control() as control:
        control.start()
        control.open_company(str(quickbooks.files.files[0].path))
        control.remove_grant("qbdlink tests")
    quickbooks.desktop.auto_authorize = AuthChoice.NO
    with pytest.raises(UserActionError), _session(quickbooks) as session:
        session.open()


def test_a_modal_dialog_is_retried_then_reported(quickbooks: SimulatedQuickBooks) -> None:
    delays: list[float] = []
    with quickbooks.control() as control:
        control.show_dialog("Reminders")
    session = QuickBooksSession(
        lambda: SimulatorTransport(quickbooks.url),
        app_name="qbdlink tests",
        retry=RetryPolicy(attempts=3, first_delay=1, max_delay=5),
        sleep=delays.append,
    )
    with pytest.raises(RetryLaterError) as raised, session:
        session.open()
    assert "0x80040414" in raised.value.message
    assert delays == [1, 2]


class FakeComError(Exception):
    """Shaped like pywintypes.com_error: (hresult, text, excepinfo, argerr)."""

    def __init__(self, hresult: int, text: str) -> None:
        scode = hresult - (1 << 32) if hresult >= 1 << 31 else hresult
        super().__init__(
            -2147352567, "Exception occurred.", (0, "QBXMLRP2", text, None, 0, scode), None
        )
        self.excepinfo = self.args[2]


class FakeRequestProcessor:
    """QBXMLRP2's COM interface (CamelCase methods), forwarding to the simulator."""

    def __init__(self, client: SimulatorClient) -> None:
        self.client = client
        self.calls: list[str] = []

    def _forward(self, name: str, call: Any) -> Any:
        self.calls.append(name)
        try:
            return call()
        except QuickBooksConnectionError as error:
            raise FakeComError(error.hresult, error.detail or error.message) from error

    def OpenConnection2(self, app_id: str, app_name: str, kind: int) -> None:  # noqa: N802
        assert kind == 1
        self._forward("OpenConnection2", lambda: self.client.open_connection(app_id, app_name))

    def BeginSession(self, path: str, mode: int) -> str:  # noqa: N802
        return str(self._forward("BeginSession", lambda: self.client.begin_session(path, mode)))

    def GetCurrentCompanyFileName(self, ticket: str) -> str:  # noqa: N802
        return str(
            self._forward(
                "GetCurrentCompanyFileName",
                lambda: self.client.get_current_company_file_name(ticket),
            )
        )

    def QBXMLVersionsForSession(self, ticket: str) -> tuple[str, ...]:  # noqa: N802
        return tuple(
            self._forward(
                "QBXMLVersionsForSession", lambda: self.client.qbxml_versions_for_session(ticket)
            )
        )

    def ProcessRequest(self, ticket: str, xml: str) -> str:  # noqa: N802
        return str(
            self._forward("ProcessRequest", lambda: self.client.process_request(ticket, xml))
        )

    def EndSession(self, ticket: str) -> None:  # noqa: N802
        self._forward("EndSession", lambda: self.client.end_session(ticket))

    def CloseConnection(self) -> None:  # noqa: N802
        self._forward("CloseConnection", self.client.close_connection)


def test_the_com_transport_speaks_qbxmlrp2(quickbooks: SimulatedQuickBooks) -> None:
    host, port = quickbooks.server.address
    made: list[FakeRequestProcessor] = []

    def dispatch(prog_id: str) -> FakeRequestProcessor:
        assert prog_id == "QBXMLRP2.RequestProcessor"
        made.append(FakeRequestProcessor(SimulatorClient(host, port, timeout=10)))
        return made[-1]

    session = QuickBooksSession(lambda: ComTransport(dispatch), app_name="qbdlink tests")
    try:
        with session:
            assert session.open().company_name == "Acme UK"
        assert made[0].calls[:4] == [
            "OpenConnection2",
            "BeginSession",
            "GetCurrentCompanyFileName",
            "QBXMLVersionsForSession",
        ]
        assert made[0].calls[-2:] == ["EndSession", "CloseConnection"]
        with quickbooks.control() as control:
            control.show_dialog("Reminders")
        failing = QuickBooksSession(
            lambda: ComTransport(dispatch),
            app_name="qbdlink tests",
            retry=RetryPolicy(attempts=1),
        )
        with pytest.raises(RetryLaterError) as raised, failing:
            failing.open()
        assert raised.value.hresult == 0x80040414  # type: ignore[attr-defined]
    finally:
        for processor in made:
            processor.client.close()
