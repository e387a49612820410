"""The simulator over its socket: sessions, the control interface and the wire protocol.

A real company file in ``tmp_path``, real XSD validation (the session's compiled schemas), a
:class:`SimulatorServer` on 127.0.0.1 with a free port, and :class:`SimulatorClient` s as the
applications and as the person at the PC. Every wait is bounded (``TIMEOUT``); threads stand in
for clients blocked in a call.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, TypeVar

import pytest

from qbdlink.qbxml import Edition, QbxmlObject, decode_response_set, encode_request_set
from qbdlink.qbxml import messages as m
from qbdlink.qbxml.hresult import QuickBooksConnectionError
from qbdlink.qbxml.xsd import QbxmlSchema
from qbdlink.simulator.authorization import AuthChoice
from qbdlink.simulator.client import (
    ControlRefusedError,
    SimulatorClient,
    SimulatorUnreachableError,
)
from qbdlink.simulator.company import create_company
from qbdlink.simulator.desktop import OpenMode, QuickBooksDesktop
from qbdlink.simulator.host import CompanyFileHandler, StoredCompanyFile
from qbdlink.simulator.server import (
    CompanyFileCache,
    ListenAddressError,
    SimulatorServer,
    format_url,
    parse_listen,
    parse_url,
)
from qbdlink.simulator.wire import MODE_DO_NOT_CARE, ErrorKind, Failure, Success

pytestmark = pytest.mark.integration

TIMEOUT = 10.0  # seconds: a deadlock guard, never a timing the test relies on
APP = "qbdlink-tests"

MODAL_DIALOG_OPEN = 0x80040414
TICKET_INVALID = 0x8004040D
CANNOT_ACCESS_QUICKBOOKS = 0x80040401
CANNOT_LOCK_FILE = 0x8004041B
UNEXPECTED_ERROR = 0x80040402

T = TypeVar("T")


# ---- the simulator under test ---------------------------------------------------------------


@dataclass
class Simulator:
    desktop: QuickBooksDesktop
    server: SimulatorServer
    file: StoredCompanyFile
    clients: list[SimulatorClient] = field(default_factory=list)

    def client(self) -> SimulatorClient:
        host, port = self.server.address
        client = SimulatorClient(host, port, timeout=TIMEOUT, connect_timeout=TIMEOUT)
        self.clients.append(client)
        return client

    def session(self, app_name: str = APP) -> tuple[SimulatorClient, str]:
        """A client with an open connection and session (needs a grant or auto-authorise)."""
        client = self.client()
        client.open_connection("", app_name)
        return client, client.begin_session("", MODE_DO_NOT_CARE)


def new_company(path: Path, name: str = "Acme Ltd") -> Path:
    create_company(path, company_name=name, edition=Edition.US).close()
    return path


StartSimulator = Callable[..., Simulator]


@pytest.fixture
def start_simulator(
    tmp_path: Path, qbxml_schemas: dict[str, QbxmlSchema]
) -> Iterator[StartSimulator]:
    """Starts simulators on 127.0.0.1:0; stops them, closes clients and files afterwards."""
    started: list[tuple[Simulator, CompanyFileCache[StoredCompanyFile]]] = []

    def start(auto_authorize: AuthChoice | None = None) -> Simulator:
        file = StoredCompanyFile.open(new_company(tmp_path / f"acme{len(started)}.qbw"))
        files = CompanyFileCache(StoredCompanyFile.open)
        files.add(file)
        handler = CompanyFileHandler(schemas=qbxml_schemas.__getitem__)
        desktop = QuickBooksDesktop(
            handler,
            edition="US",
            locate_file=files.locate,
            auto_authorize=auto_authorize,
            authorization_timeout=TIMEOUT,
            on_session_end=handler.end_session,
        )
        desktop.open_company(file)
        server = SimulatorServer(desktop, "127.0.0.1", 0, open_file=files.open).start()
        sim = Simulator(desktop, server, file)
        started.append((sim, files))
        return sim

    yield start
    for sim, files in started:
        for client in sim.clients:
            client.close()
        sim.desktop.quit()
        sim.server.stop()
        for file in files.files:
            file.store.close()


@pytest.fixture
def sim(start_simulator: StartSimulator) -> Simulator:
    return start_simulator(AuthChoice.ALWAYS)


class Background(Generic[T]):
    """A call running in a thread (a client blocked in BeginSession, a slow request)."""

    def __init__(self, call: Callable[[], T]) -> None:
        self._call = call
        self._result: T | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            self._result = self._call()
        except BaseException as exc:
            self._error = exc

    def result(self) -> T:
        self._thread.join(TIMEOUT)
        assert not self._thread.is_alive(), "the call did not return in time"
        if self._error is not None:
            raise self._error
        return self._result  # type: ignore[return-value]


def wait_for_status(
    client: SimulatorClient, check: Callable[[dict[str, Any]], bool]
) -> dict[str, Any]:
    """Poll ``status`` until ``check`` holds (bounded)."""
    deadline = time.monotonic() + TIMEOUT
    while True:
        status = client.status()
        if check(status):
            return status
        assert time.monotonic() < deadline, f"status never matched: {status}"
        time.sleep(0.01)


def request(*requests: QbxmlObject) -> str:
    return encode_request_set(list(requests))


def status_codes(response_xml: str) -> list[int]:
    return [r.status.code for r in decode_response_set(response_xml).responses]


# ---- sessions -------------------------------------------------------------------------------


def test_a_full_session_over_the_socket(sim: Simulator) -> None:
    qb = sim.client()
    qb.open_connection("", APP)
    ticket = qb.begin_session("", MODE_DO_NOT_CARE)
    assert ticket.startswith("{")
    assert qb.get_current_company_file_name(ticket) == sim.file.path
    versions = qb.qbxml_versions_for_session(ticket)
    assert versions[-1] == "16.0" and "13.0" in versions

    added = qb.process_request(
        ticket, request(m.CustomerAddRq(customer_add=m.CustomerAdd(name="Café Bob")))
    )
    assert status_codes(added) == [0]
    queried = decode_response_set(qb.process_request(ticket, request(m.CustomerQueryRq())))
    assert queried.responses[0].status.code == 0
    records = queried.responses[0].records
    assert [c.name for c in records if isinstance(c, m.CustomerRet)] == ["Café Bob"]
    assert len(records) == 1

    status = sim.client().status()
    assert [(c["app_name"], c["ticket"]) for c in status["connections"]] == [(APP, ticket)]

    qb.end_session(ticket)
    qb.close_connection()
    assert sim.desktop.tickets == []
    grant = sim.file.grants.get(APP)
    assert grant is not None and grant.choice is AuthChoice.ALWAYS  # auto-authorised, stored


def test_an_invalid_request_is_a_parse_error(sim: Simulator) -> None:
    qb, ticket = sim.session()
    bad = request(m.CustomerQueryRq(max_returned=5)).replace("MaxReturned", "MaxRetrned")
    with pytest.raises(QuickBooksConnectionError) as caught:
        qb.process_request(ticket, bad)
    assert caught.value.hresult == 0x80040400
    assert "MaxRetrned" in (caught.value.detail or "")
    assert status_codes(qb.process_request(ticket, request(m.CustomerQueryRq()))) == [1]


def test_closing_the_socket_ends_the_session(sim: Simulator) -> None:
    qb, ticket = sim.session()
    assert sim.desktop.tickets == [ticket]
    qb.close()
    control = sim.client()
    wait_for_status(control, lambda s: s["tickets"] == [] and s["connections"] == [])


# ---- the person at the PC, through the control interface ------------------------------------


def test_the_authorisation_dialog_answered_by_another_client(
    start_simulator: StartSimulator,
) -> None:
    sim = start_simulator()  # no auto-authorise: QuickBooks shows the dialog
    qb = sim.client()
    qb.open_connection("", APP)
    begin = Background(lambda: qb.begin_session("", MODE_DO_NOT_CARE))

    control = sim.client()
    status = wait_for_status(control, lambda s: s["pending_authorization"] is not None)
    dialog = status["pending_authorization"]
    assert dialog["app_name"] == APP
    assert dialog["stage"] == "choose" and dialog["first_access"] is True
    with pytest.raises(ControlRefusedError):
        control.confirm_access()  # the choice comes first
    control.answer_authorization("whenever-open", personal_data=True)
    status = control.status()
    assert status["pending_authorization"]["stage"] == "confirm"
    control.confirm_access()

    ticket = begin.result()
    assert status_codes(qb.process_request(ticket, request(m.CustomerQueryRq()))) == [1]
    grant = sim.file.grants.get(APP)
    assert grant is not None and grant.choice is AuthChoice.WHENEVER_OPEN and grant.personal_data
    assert control.status()["pending_authorization"] is None


def test_the_authorisation_dialog_answered_no(start_simulator: StartSimulator) -> None:
    sim = start_simulator()
    qb = sim.client()
    qb.open_connection("", APP)
    begin = Background(lambda: qb.begin_session("", MODE_DO_NOT_CARE))
    control = sim.client()
    wait_for_status(control, lambda s: s["pending_authorization"] is not None)
    control.answer_authorization("no")
    with pytest.raises(QuickBooksConnectionError) as caught:
        begin.result()
    assert caught.value.hresult == 0x80040420


def test_grants_set_through_the_control_interface(start_simulator: StartSimulator) -> None:
    sim = start_simulator()
    control = sim.client()
    control.set_grant(APP, "always", login_as="Admin")
    qb, ticket = sim.session()  # no dialog: the grant allows it
    assert qb.get_current_company_file_name(ticket) == sim.file.path
    control.remove_grant(APP)
    assert sim.file.grants.get(APP) is None


def test_a_modal_dialog_blocks_requests_and_sessions(sim: Simulator) -> None:
    qb, ticket = sim.session()
    control = sim.client()
    control.show_dialog("Edit Customer: Bob")
    assert control.status()["modal_dialog"] == "Edit Customer: Bob"
    with pytest.raises(QuickBooksConnectionError) as caught:
        qb.process_request(ticket, request(m.CustomerQueryRq()))
    assert caught.value.hresult == MODAL_DIALOG_OPEN
    assert caught.value.detail == "Edit Customer: Bob"
    assert caught.value.retriable

    other = sim.client()
    other.open_connection("", "another app")
    with pytest.raises(QuickBooksConnectionError) as caught:
        other.begin_session("", MODE_DO_NOT_CARE)
    assert caught.value.hresult == MODAL_DIALOG_OPEN

    control.dismiss_dialog()
    assert status_codes(qb.process_request(ticket, request(m.CustomerQueryRq()))) == [1]


def test_quickbooks_quitting_mid_session_kills_the_ticket(sim: Simulator) -> None:
    qb, ticket = sim.session()
    control = sim.client()
    control.quit()
    status = control.status()
    assert status["running"] is False and status["company_file"] is None
    for call in (
        lambda: qb.process_request(ticket, request(m.CustomerQueryRq())),
        lambda: qb.get_current_company_file_name(ticket),
        lambda: qb.end_session(ticket),
    ):
        with pytest.raises(QuickBooksConnectionError) as caught:
            call()
        assert caught.value.hresult == TICKET_INVALID
    with pytest.raises(QuickBooksConnectionError) as caught:
        qb.begin_session("", MODE_DO_NOT_CARE)
    assert caught.value.hresult == 0x80040416  # not running, and no file named

    control.open_company(sim.file.path)
    ticket = qb.begin_session("", OpenMode.DO_NOT_CARE)
    assert status_codes(qb.process_request(ticket, request(m.CustomerQueryRq()))) == [1]


def test_open_and_close_company_and_instances(sim: Simulator, tmp_path: Path) -> None:
    control = sim.client()
    other = new_company(tmp_path / "other.qbw", "Other Ltd")
    control.open_company(str(other), mode=1)
    status = control.status()
    assert status["company_file"] == str(other.resolve()) and status["mode"] == 1
    control.close_company()
    assert control.status()["company_file"] is None

    with pytest.raises(ControlRefusedError) as refused:
        control.open_company(str(tmp_path / "missing.qbw"))
    assert "missing.qbw" in refused.value.reason
    with pytest.raises(ControlRefusedError):
        control.open_company(sim.file.path, user="Nobody")

    control.open_company(sim.file.path)
    control.set_instances(2)
    qb = sim.client()
    qb.open_connection("", APP)
    with pytest.raises(QuickBooksConnectionError) as caught:
        qb.begin_session("", MODE_DO_NOT_CARE)
    assert caught.value.hresult == CANNOT_ACCESS_QUICKBOOKS
    control.set_instances(1)
    control.start()
    assert qb.begin_session("", MODE_DO_NOT_CARE)


# ---- faults ---------------------------------------------------------------------------------


def test_an_injected_status_once_then_success(sim: Simulator) -> None:
    qb, ticket = sim.session()
    control = sim.client()
    control.fault_status(3175, count=1)
    assert control.status()["faults"]["queued_request_faults"] == 1
    query = request(m.CustomerQueryRq())
    assert status_codes(qb.process_request(ticket, query)) == [3175]
    assert status_codes(qb.process_request(ticket, query)) == [1]


def test_injected_hresults(sim: Simulator) -> None:
    qb, ticket = sim.session()
    control = sim.client()
    control.fault_hresult(CANNOT_LOCK_FILE - 2**32, count=1)  # the signed form is accepted
    with pytest.raises(QuickBooksConnectionError) as caught:
        qb.process_request(ticket, request(m.CustomerQueryRq()))
    assert caught.value.hresult == CANNOT_LOCK_FILE
    assert caught.value.retriable

    control.fault_hresult(CANNOT_LOCK_FILE, on="begin_session")
    other = sim.client()
    other.open_connection("", "second app")
    with pytest.raises(QuickBooksConnectionError) as caught:
        other.begin_session("", MODE_DO_NOT_CARE)
    assert caught.value.hresult == CANNOT_LOCK_FILE


def test_a_crash_during_a_request(sim: Simulator) -> None:
    qb, ticket = sim.session()
    control = sim.client()
    control.fault_crash()
    with pytest.raises(QuickBooksConnectionError) as caught:
        qb.process_request(ticket, request(m.CustomerQueryRq()))
    assert caught.value.hresult == CANNOT_ACCESS_QUICKBOOKS
    with pytest.raises(QuickBooksConnectionError) as caught:
        qb.process_request(ticket, request(m.CustomerQueryRq()))
    assert caught.value.hresult == TICKET_INVALID
    assert control.status()["running"] is False


def test_faults_cleared(sim: Simulator) -> None:
    qb, ticket = sim.session()
    control = sim.client()
    control.fault_latency(0.25)
    control.fault_status(3175, count=3)
    control.expire_iterators()
    status = control.status()
    assert status["faults"] == {"latency": 0.25, "queued_request_faults": 3}
    control.clear_faults()
    assert control.status()["faults"] == {"latency": 0.0, "queued_request_faults": 0}
    assert status_codes(qb.process_request(ticket, request(m.CustomerQueryRq()))) == [1]


def test_two_clients_get_one_request_at_a_time(sim: Simulator) -> None:
    first, first_ticket = sim.session("first app")
    second, second_ticket = sim.session("second app")
    control = sim.client()
    assert {c["app_name"] for c in control.status()["connections"]} == {"first app", "second app"}
    latency = 0.3
    control.fault_latency(latency)

    started = time.monotonic()
    one = Background(lambda: first.process_request(first_ticket, request(m.CustomerQueryRq())))
    two = Background(lambda: second.process_request(second_ticket, request(m.CustomerQueryRq())))
    # One request runs while the other waits for it, as in QuickBooks.
    assert sim.desktop.wait_for_waiting_requests(1, TIMEOUT)
    assert status_codes(one.result()) == [1]
    assert status_codes(two.result()) == [1]
    assert time.monotonic() - started >= 2 * latency  # serial, never overlapping
    assert control.status()["waiting_requests"] == 0


# ---- the wire protocol ----------------------------------------------------------------------


def test_malformed_lines_get_error_responses_and_the_connection_stays_usable(
    sim: Simulator,
) -> None:
    qb = sim.client()
    cases: list[tuple[bytes, int | None, str]] = [
        (b"{not json", None, "not JSON"),
        (b"\xff\xfe{}", None, "not UTF-8"),
        (b"[1, 2]", None, "not a JSON object"),
        (b'{"op": "status"}', None, '"id"'),
        (b'{"id": 4, "op": "frobnicate"}', 4, "unknown op 'frobnicate'"),
        (b'{"id": 5, "op": "status", "args": {"verbose": true}}', 5, "unknown argument"),
        (b'{"id": 6, "op": "begin_session", "args": {"file_path": ""}}', 6, "'mode' is required"),
        (b'{"id": 7, "op": "fault", "args": {"kind": "latency", "seconds": NaN}}', None, "NaN"),
        (b'{"id": 8, "op": "show_dialog", "args": {"text": 3}}', 8, "must be a string"),
    ]
    for line, request_id, problem in cases:
        response = qb.exchange(line)
        assert isinstance(response, Failure), line
        assert response.error is ErrorKind.PROTOCOL
        assert response.id == request_id
        assert response.hresult == UNEXPECTED_ERROR
        assert problem in response.detail, (line, response.detail)

    # A blank line gets no answer: only the request after it is answered.
    answer = qb.exchange(b'\n  \n{"id": 9, "op": "status"}')
    assert isinstance(answer, Success) and answer.id == 9
    assert qb.status()["running"] is True

    # A protocol error in a session call surfaces as 0x80040402 (QBXMLRP2's misuse error).
    with pytest.raises(QuickBooksConnectionError) as caught:
        qb.process_request("no-ticket", "<x/>")  # before OpenConnection
    assert caught.value.hresult == UNEXPECTED_ERROR


def test_arguments_are_checked_before_sending(sim: Simulator) -> None:
    qb = sim.client()
    with pytest.raises(ValueError, match="must be one of"):
        qb.begin_session("", 5)
    with pytest.raises(ValueError, match="must be one of"):
        qb.answer_authorization("maybe")
    assert qb.status()["clients"] == 1  # nothing was sent; the connection is still usable


def test_stopping_the_server_disconnects_clients(sim: Simulator) -> None:
    qb, _ticket = sim.session()
    sim.desktop.quit()
    sim.server.stop()
    with pytest.raises(SimulatorUnreachableError) as caught:
        qb.status()
    assert caught.value.hresult == CANNOT_ACCESS_QUICKBOOKS
    assert qb.closed


def test_connecting_to_nothing_is_unreachable() -> None:
    import socket

    with socket.socket() as probe:  # a port that was free a moment ago: nothing listens
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(SimulatorUnreachableError) as caught:
        SimulatorClient("127.0.0.1", port, timeout=TIMEOUT, connect_timeout=TIMEOUT)
    assert caught.value.hresult == CANNOT_ACCESS_QUICKBOOKS
    assert caught.value.retriable


# ---- addresses ------------------------------------------------------------------------------


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.10", "::", "", "example.com"])
def test_a_non_loopback_address_is_refused(sim: Simulator, host: str) -> None:
    with pytest.raises(ListenAddressError, match="loopback"):
        SimulatorServer(sim.desktop, host, 0)


def test_loopback_addresses_are_accepted_and_remote_ones_on_request(sim: Simulator) -> None:
    for host in ("127.0.0.1", "127.0.0.2", "localhost", "::1"):
        SimulatorServer(sim.desktop, host, 0)  # constructed, not started
    SimulatorServer(sim.desktop, "0.0.0.0", 0, allow_remote=True)


def test_addresses_and_urls() -> None:
    assert parse_listen("127.0.0.1:8765") == ("127.0.0.1", 8765)
    assert parse_listen("localhost:0") == ("localhost", 0)
    assert parse_listen("[::1]:9000") == ("::1", 9000)
    for bad in ("127.0.0.1", "127.0.0.1:", ":8765", "127.0.0.1:http", "h:70000", "::1:80", "[::1]"):
        with pytest.raises(ListenAddressError):
            parse_listen(bad)
    assert format_url("127.0.0.1", 8765) == "simulator://127.0.0.1:8765"
    assert format_url("::1", 8765) == "simulator://[::1]:8765"
    assert parse_url("simulator://[::1]:8765/") == ("::1", 8765)
    assert parse_url(format_url("127.0.0.1", 1)) == ("127.0.0.1", 1)
    with pytest.raises(ListenAddressError):
        parse_url("http://127.0.0.1:8765")


def test_the_server_reports_its_address(sim: Simulator) -> None:
    host, port = sim.server.address
    assert host == "127.0.0.1" and port > 0
    assert sim.server.url == f"simulator://127.0.0.1:{port}"
    with pytest.raises(ListenAddressError, match="cannot listen"):
        SimulatorServer(sim.desktop, "127.0.0.1", port).start()  # the port is taken
