"""The simulator transport: QuickBooks' session API over the simulator's loopback socket.

The protocol (newline-delimited JSON, one request and one answer at a time) is documented in
the simulator's ``wire`` module; the connector speaks it from its own side and shares no code
with the simulator it is tested against.
"""

from __future__ import annotations

import itertools
import json
import socket
from typing import Any
from urllib.parse import urlsplit

from qbdlink.errors import ConfigurationError
from qbdlink.qbxml.hresult import QuickBooksConnectionError, error_for_hresult

from .transport import OpenMode

SCHEME = "simulator"
# QBXMLRP2 reports a request processor it cannot reach as "could not start QuickBooks".
_CANNOT_REACH = 0x80040401
_MAX_LINE = 64 * 1024 * 1024


def parse_simulator_url(url: str) -> tuple[str, int]:
    """``simulator://127.0.0.1:8765`` → (host, port)."""
    parts = urlsplit(url)
    if parts.scheme != SCHEME or not parts.hostname or not parts.port:
        raise ConfigurationError(
            f"{url!r} is not a simulator address.",
            code="connector.simulator_url",
            fix="Write it as simulator://HOST:PORT, e.g. simulator://127.0.0.1:8765.",
        )
    return parts.hostname, parts.port


class SimulatorTransport:
    """One connection to a simulator server, standing for one QBXMLRP2 COM object."""

    def __init__(self, url: str, *, timeout: float = 600.0, connect_timeout: float = 5.0) -> None:
        self.url = url
        self._host, self._port = parse_simulator_url(url)
        self._timeout = timeout
        self._connect_timeout = connect_timeout
        self._ids = itertools.count(1)
        self._sock: socket.socket | None = None
        self._app_name: str | None = None

    def _socket(self) -> socket.socket:
        if self._sock is None:
            try:
                sock = socket.create_connection(
                    (self._host, self._port), timeout=self._connect_timeout
                )
            except OSError as exc:
                raise self._unreachable(exc.strerror or str(exc)) from exc
            sock.settimeout(self._timeout)
            self._sock = sock
            self._reader = sock.makefile("rb")
        return self._sock

    def _unreachable(self, why: str) -> QuickBooksConnectionError:
        return error_for_hresult(
            _CANNOT_REACH, f"The simulated QuickBooks at {self.url} cannot be reached: {why}"
        )

    def call(self, op: str, **args: Any) -> Any:
        request_id = next(self._ids)
        line = json.dumps({"id": request_id, "op": op, "args": args}).encode("utf-8") + b"\n"
        sock = self._socket()
        try:
            sock.sendall(line)
            answer = self._reader.readline(_MAX_LINE)
        except OSError as exc:
            self.close()
            raise self._unreachable(exc.strerror or str(exc)) from exc
        if not answer.endswith(b"\n"):
            self.close()
            raise self._unreachable("the connection closed")
        try:
            response = json.loads(answer)
        except ValueError as exc:
            self.close()
            raise self._unreachable(f"an unreadable answer ({exc})") from exc
        if response.get("id") != request_id:
            self.close()
            raise self._unreachable("an answer out of step")
        if response.get("ok"):
            return response.get("result")
        raise error_for_hresult(
            int(response.get("hresult") or 0x80040402),
            str(response.get("detail") or response.get("message") or ""),
            app_name=self._app_name,
        )

    def open_connection(self, app_id: str, app_name: str) -> None:
        self._app_name = app_name
        # A connector asking for administrator rights is, on Windows, one that has them;
        # here the simulator's own "elevated" lever decides, as Windows would.
        self.call("open_connection", app_id=app_id, app_name=app_name, elevated=False)

    def begin_session(self, file_path: str, mode: OpenMode) -> str:
        return str(self.call("begin_session", file_path=file_path, mode=int(mode), timeout=None))

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

    def close(self) -> None:
        sock, self._sock = self._sock, None
        if sock is not None:
            self._reader.close()
            sock.close()
