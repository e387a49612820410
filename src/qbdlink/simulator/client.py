"""A small blocking client of the simulator server: one method per operation of :mod:`.wire`.

Used by ``qbdlink simulator control`` and by tests; the connector gets its own transport (a
later issue) speaking the same protocol. One request at a time per client (a lock makes a
client safe to share between threads, each call waiting its turn)::

    with SimulatorClient("127.0.0.1", 8765, timeout=30) as qb:
        qb.open_connection("", "my app")
        ticket = qb.begin_session("", MODE_DO_NOT_CARE)
        response = qb.process_request(ticket, request_xml)
        qb.end_session(ticket)
        qb.close_connection()

Errors: a failure response of kind ``hresult`` or ``protocol`` raises the typed error of
:func:`qbdlink.qbxml.hresult.error_for_hresult` (a ``QuickBooksConnectionError`` with
``.hresult`` and ``.detail``), as the COM call would; ``refused`` (a control operation the
simulated QuickBooks cannot do now) raises :class:`ControlRefusedError`. When the server
cannot be reached, closes the connection or does not answer within ``timeout``, the client
raises :class:`SimulatorUnreachableError` (HRESULT 0x80040401, "could not access QuickBooks",
as COM reports a server it lost) and closes itself: a call after that raises it again.

:func:`format_status` renders the ``status`` result for a person.
"""

from __future__ import annotations

import itertools
import socket
import threading
from collections.abc import Mapping
from types import TracebackType
from typing import Any

from qbdlink.errors import PermanentError
from qbdlink.qbxml.hresult import (
    HresultRetryLaterError,
    error_for_hresult,
    info_for_hresult,
)

from .desktop import OpenMode
from .server import DEFAULT_HOST, DEFAULT_PORT, format_url, parse_url
from .wire import (
    MAX_LINE_BYTES,
    ErrorKind,
    Failure,
    Response,
    WireError,
    decode_response,
    encode_request,
)

__all__ = [
    "ControlRefusedError",
    "SimulatorClient",
    "SimulatorUnreachableError",
    "format_status",
]

CANNOT_ACCESS_QUICKBOOKS = 0x80040401


class ControlRefusedError(PermanentError):
    """The simulated QuickBooks cannot do that control operation in its present state."""

    default_code = "simulator.control_refused"

    def __init__(self, op: str, reason: str) -> None:
        super().__init__(
            f"The simulator refused {op}: {reason}",
            fix="Check the simulator's state with: qbdlink simulator control status",
        )
        self.op = op
        self.reason = reason


class SimulatorUnreachableError(HresultRetryLaterError):
    """The simulator server could not be reached, closed the connection, or did not answer."""

    def __init__(self, url: str, detail: str) -> None:
        info = info_for_hresult(CANNOT_ACCESS_QUICKBOOKS)
        assert info is not None
        super().__init__(
            f"Could not reach the QuickBooks simulator at {url}: {detail}",
            code=info.error_code,
            fix="Start it with: qbdlink simulator serve --company PATH (or check --connect).",
            hresult=CANNOT_ACCESS_QUICKBOOKS,
            detail=detail,
        )


Mode = int | OpenMode


class SimulatorClient:
    """One connection to a simulator server (one "COM object"); see the module docstring.

    ``timeout`` bounds each call in seconds (None: wait for ever); ``begin_session`` can wait
    for the authorisation dialog, so keep it above the dialog's timeout.
    """

    def __init__(
        self,
        host: str = DEFAULT_HOST,
        port: int = DEFAULT_PORT,
        *,
        timeout: float | None = 180.0,
        connect_timeout: float = 5.0,
    ) -> None:
        self.url = format_url(host, port)
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self._app_name: str | None = None
        try:
            self._sock: socket.socket | None = socket.create_connection(
                (host, port), timeout=connect_timeout
            )
        except OSError as exc:
            raise SimulatorUnreachableError(self.url, exc.strerror or str(exc)) from exc
        self._sock.settimeout(timeout)
        self._rfile = self._sock.makefile("rb")

    @classmethod
    def from_url(cls, url: str, **kwargs: Any) -> SimulatorClient:
        host, port = parse_url(url)
        return cls(host, port, **kwargs)

    def close(self) -> None:
        with self._lock:
            self._close()

    def _close(self) -> None:
        sock, self._sock = self._sock, None
        if sock is not None:
            self._rfile.close()
            sock.close()

    @property
    def closed(self) -> bool:
        return self._sock is None

    def __enter__(self) -> SimulatorClient:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    # ---- the exchange ------------------------------------------------------------------------

    def call(self, op: str, **args: Any) -> Any:
        """Send ``op`` with ``args`` (checked before sending: ValueError) and return its result."""
        request_id = next(self._ids)
        line = encode_request(request_id, op, args)
        response = self.exchange(line)
        if response.id != request_id:
            self.close()
            raise SimulatorUnreachableError(
                self.url, f"answer to request {response.id} received for request {request_id}"
            )
        if isinstance(response, Failure):
            raise self._error(op, response)
        return response.result

    def exchange(self, line: bytes) -> Response:
        """Send one raw line (a newline is added if missing) and read the response line.

        For tests of the protocol itself; :meth:`call` is the checked way.
        """
        if not line.endswith(b"\n"):
            line += b"\n"
        with self._lock:
            sock = self._sock
            if sock is None:
                raise SimulatorUnreachableError(self.url, "the connection is closed")
            try:
                sock.sendall(line)
                answer = self._rfile.readline(MAX_LINE_BYTES + 1)
            except TimeoutError as exc:
                self._close()  # an answer may still come: the stream is out of step
                raise SimulatorUnreachableError(
                    self.url, f"no answer within {sock.gettimeout()} s"
                ) from exc
            except OSError as exc:
                self._close()
                raise SimulatorUnreachableError(self.url, exc.strerror or str(exc)) from exc
            if not answer.endswith(b"\n"):
                self._close()
                raise SimulatorUnreachableError(self.url, "the simulator closed the connection")
        try:
            return decode_response(answer)
        except WireError as exc:
            self.close()
            raise SimulatorUnreachableError(self.url, f"unreadable answer: {exc}") from exc

    def _error(self, op: str, failure: Failure) -> Exception:
        if failure.error is ErrorKind.REFUSED:
            return ControlRefusedError(op, failure.detail)
        return error_for_hresult(failure.hresult, failure.detail, app_name=self._app_name)

    # ---- the session API ---------------------------------------------------------------------

    def open_connection(self, app_id: str, app_name: str, *, elevated: bool = False) -> None:
        self.call("open_connection", app_id=app_id, app_name=app_name, elevated=elevated)
        self._app_name = app_name

    def begin_session(self, file_path: str, mode: Mode, *, timeout: float | None = None) -> str:
        """The ticket; ``timeout``: seconds to wait for the authorisation dialog."""
        mode_value = mode.value if isinstance(mode, OpenMode) else mode
        ticket = self.call("begin_session", file_path=file_path, mode=mode_value, timeout=timeout)
        return str(ticket)

    def get_current_company_file_name(self, ticket: str) -> str:
        return str(self.call("get_current_company_file_name", ticket=ticket))

    def qbxml_versions_for_session(self, ticket: str) -> list[str]:
        return [str(v) for v in self.call("qbxml_versions_for_session", ticket=ticket)]

    def process_request(self, ticket: str, xml: str) -> str:
        return str(self.call("process_request", ticket=ticket, xml=xml))

    def end_session(self, ticket: str) -> None:
        self.call("end_session", ticket=ticket)

    def close_connection(self) -> None:
        self.call("close_connection")

    # ---- control -----------------------------------------------------------------------------

    def status(self) -> dict[str, Any]:
        result = self.call("status")
        assert isinstance(result, dict)
        return result

    def start(self) -> None:
        self.call("start")

    def quit(self) -> None:
        self.call("quit")

    def crash(self) -> None:
        self.call("crash")

    def open_company(self, path: str, mode: Mode = 0, user: str = "Admin") -> None:
        mode_value = mode.value if isinstance(mode, OpenMode) else mode
        self.call("open_company", path=path, mode=mode_value, user=user)

    def close_company(self) -> None:
        self.call("close_company")

    def set_instances(self, count: int) -> None:
        self.call("set_instances", count=count)

    def show_dialog(self, text: str) -> None:
        self.call("show_dialog", text=text)

    def dismiss_dialog(self) -> None:
        self.call("dismiss_dialog")

    def answer_authorization(
        self, choice: str, *, login_as: str | None = None, personal_data: bool = False
    ) -> None:
        """``choice``: "no", "prompt", "whenever-open" or "always"."""
        self.call(
            "answer_authorization", choice=choice, login_as=login_as, personal_data=personal_data
        )

    def confirm_access(self) -> None:
        self.call("confirm_access")

    def set_grant(
        self,
        app_name: str,
        choice: str,
        *,
        app_id: str = "",
        login_as: str | None = None,
        personal_data: bool = False,
    ) -> None:
        self.call(
            "set_grant",
            app_name=app_name,
            app_id=app_id,
            choice=choice,
            login_as=login_as,
            personal_data=personal_data,
        )

    def remove_grant(self, app_name: str) -> None:
        self.call("remove_grant", app_name=app_name)

    def fault_latency(self, seconds: float) -> None:
        self.call("fault", kind="latency", seconds=seconds)

    def fault_status(self, code: int, count: int = 1) -> None:
        self.call("fault", kind="status", code=code, count=count)

    def fault_hresult(self, code: int, count: int = 1, *, on: str = "request") -> None:
        """``on``: "request" (ProcessRequest) or "begin_session"."""
        self.call("fault", kind="hresult", code=code, count=count, on=on)

    def fault_crash(self) -> None:
        self.call("fault", kind="crash")

    def expire_iterators(self) -> None:
        self.call("fault", kind="expire_iterators")

    def clear_faults(self) -> None:
        self.call("fault", kind="clear")


# ---- for a person ----------------------------------------------------------------------------

_MODES = {0: "single-user", 1: "multi-user"}


def format_status(status: Mapping[str, Any]) -> str:
    """The ``status`` result as lines of text."""
    lines: list[str] = []
    product = f"{status.get('product_name')} ({status.get('edition')} edition)"
    if not status.get("running"):
        lines.append(f"QuickBooks: not running [{product}]")
    else:
        instances = int(status.get("instances") or 0)
        how = "on screen" if status.get("attended") else "in the background (unattended)"
        extra = f", {instances} instances" if instances > 1 else ""
        admin = ", as administrator" if status.get("elevated") else ""
        lines.append(f"QuickBooks: running {how}{extra}{admin} [{product}]")
    file = status.get("company_file")
    if file is None:
        lines.append("Company file: none open")
    else:
        mode = _MODES.get(status.get("mode") or 0, str(status.get("mode")))
        lines.append(f"Company file: {file} ({mode}, logged in as {status.get('user')})")
    dialog = status.get("modal_dialog")
    lines.append(f"Modal dialog: {dialog!r}" if dialog is not None else "Modal dialog: none")
    pending = status.get("pending_authorization")
    if pending is None:
        lines.append("Authorisation dialog: none")
    else:
        stage = (
            "waiting for a choice"
            if pending.get("stage") == "choose"
            else "Access Confirmation showing"
        )
        first = "first access" if pending.get("first_access") else "prompt each time"
        lines.append(f"Authorisation dialog: {pending.get('app_name')!r} ({first}), {stage}")
    auto = status.get("auto_authorize")
    lines.append(f"Auto-authorise: {auto}" if auto is not None else "Auto-authorise: off")
    faults = status.get("faults") or {}
    lines.append(
        f"Faults: latency {float(faults.get('latency', 0.0)):g} s, "
        f"{faults.get('queued_request_faults', 0)} queued for requests"
    )
    waiting = status.get("waiting_requests", 0)
    if waiting:
        lines.append(f"Requests waiting: {waiting}")
    connections = status.get("connections") or []
    lines.append(f"Connections: {len(connections)} (clients: {status.get('clients', 0)})")
    for connection in connections:
        ticket = connection.get("ticket") or "no session"
        admin = ", as administrator" if connection.get("elevated") else ""
        lines.append(
            f"  #{connection.get('client')} {connection.get('app_name')!r} from "
            f"{connection.get('peer')}{admin}: {ticket}"
        )
    return "\n".join(lines)
