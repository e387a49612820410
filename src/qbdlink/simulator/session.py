"""The request-processor session API (QBXMLRP2's ``RequestProcessor2``), over the desktop model.

Theory of operation
-------------------
A :class:`RequestProcessor` is what one client process holds: the COM object it creates.
It has the calls of reference/qbxml.md section 1, in their order::

    rp = RequestProcessor(desktop)
    rp.open_connection("", "qbdlink")
    ticket = rp.begin_session("", OpenMode.DO_NOT_CARE)   # authorisation happens here
    try:
        versions = rp.qbxml_versions_for_session(ticket)
        response = rp.process_request(ticket, request_xml)
    finally:
        rp.end_session(ticket)
        rp.close_connection()

The processor only keeps the connection's own state (open or not, its app id and name, the
caller's elevation) and checks the call order; everything about QuickBooks (which file is
open, grants, dialogs, faults, the tickets) is the shared :class:`QuickBooksDesktop`, so
several processors (applications) can talk to one QuickBooks, as on a real PC.

Calls out of order (``begin_session`` before ``open_connection``, a second
``open_connection``, a second session on one connection) raise 0x80040402 "Unexpected
error": QBXMLRP2 reports misuse that way (its detail is in qbsdklog.txt); the exact code
for each misuse is not documented (approximation). ``close_connection`` is idempotent and
ends a session left open, as QBXMLRP2 does when the COM object is released.

Every failure is the typed error of :func:`qbdlink.qbxml.hresult.error_for_hresult`, whose
``.hresult`` is the HRESULT real QuickBooks gives.

:class:`SessionContext` is what the request handler (the company-file side, written
elsewhere) receives with each request; its fields are its contract.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from qbdlink.qbxml.hresult import error_for_hresult

if TYPE_CHECKING:
    from .desktop import CompanyFile, OpenMode, QuickBooksDesktop

__all__ = ["Connection", "Handler", "RequestProcessor", "SessionContext", "SessionEndHook"]

UNEXPECTED_ERROR = 0x80040402


@dataclass(frozen=True, eq=False)
class Connection:
    """One open connection (identity matters: two connections of one app are two)."""

    app_id: str
    app_name: str
    elevated: bool


@dataclass(frozen=True)
class SessionContext:
    """What the request handler learns about the session a request belongs to.

    * ``ticket``: the session's ticket; iterators belong to it (pitfall 2), so key them by it.
    * ``qbxml_versions``: what ``QBXMLVersionsForSession`` reports (ascending).
    * ``personal_data``: the grant's personal-data box; without it, SSNs and card numbers
      are withheld.
    * ``injected_status``: a fault (see :mod:`.faults`): answer this request set with this
      qbXML statusCode instead of doing the work; None normally.
    * ``iterators_expired``: forget every iterator of ``ticket`` before handling the request.
    """

    app_name: str
    app_id: str
    company_file: CompanyFile
    ticket: str
    user: str
    country: str
    qbxml_versions: tuple[str, ...]
    personal_data: bool
    injected_status: int | None = None
    iterators_expired: bool = False


Handler = Callable[[SessionContext, str], str]
"""Processes one qbXML request set for a session; returns the response set text."""

SessionEndHook = Callable[[str], None]
"""Told the ticket of every session that ends (EndSession, or QuickBooks closing)."""


class RequestProcessor:
    """One client's request processor (``QBXMLRP2Lib.RequestProcessor2``)."""

    def __init__(self, desktop: QuickBooksDesktop) -> None:
        self._desktop = desktop
        self._connection: Connection | None = None
        self._ticket: str | None = None

    @property
    def connection(self) -> Connection | None:
        return self._connection

    def open_connection(self, app_id: str, app_name: str, *, elevated: bool = False) -> None:
        """``OpenConnection2(appID, appName, localQBD)``; ``elevated``: run as administrator.

        QuickBooks is not contacted yet (it may not be running), as with QBXMLRP2: every
        check about it waits for ``begin_session``.
        """
        if self._connection is not None:
            raise error_for_hresult(
                UNEXPECTED_ERROR, "OpenConnection called on an open connection", app_name=app_name
            )
        self._connection = Connection(app_id, app_name, elevated)

    def begin_session(self, file_path: str, mode: OpenMode, *, timeout: float | None = None) -> str:
        """``BeginSession(file, mode)`` → ticket; ``""`` means the file open now.

        Blocks while QuickBooks shows this application's authorisation dialog, up to
        ``timeout`` seconds (the desktop's ``authorization_timeout`` when None).
        """
        connection = self._require_connection("BeginSession")
        if self._ticket is not None and self._desktop.is_live(self._ticket):
            raise error_for_hresult(
                UNEXPECTED_ERROR,
                "BeginSession called while this connection has a session",
                app_name=connection.app_name,
            )
        ticket = self._desktop.begin_session(connection, file_path, mode, timeout=timeout)
        self._ticket = ticket
        return ticket

    def get_current_company_file_name(self, ticket: str) -> str:
        return self._desktop.session_file_name(
            self._require_connection("GetCurrentCompanyFileName"), ticket
        )

    def qbxml_versions_for_session(self, ticket: str) -> list[str]:
        connection = self._require_connection("QBXMLVersionsForSession")
        return list(self._desktop.session_versions(connection, ticket))

    def process_request(self, ticket: str, xml: str) -> str:
        connection = self._require_connection("ProcessRequest")
        return self._desktop.process_request(connection, ticket, xml)

    def end_session(self, ticket: str) -> None:
        connection = self._require_connection("EndSession")
        self._desktop.end_session(connection, ticket)
        if ticket == self._ticket:
            self._ticket = None

    def close_connection(self) -> None:
        """``CloseConnection()``: ends a session left open; harmless when not connected."""
        connection, self._connection = self._connection, None
        ticket, self._ticket = self._ticket, None
        if connection is not None and ticket is not None:
            self._desktop.end_session(connection, ticket, missing_ok=True)

    def _require_connection(self, call: str) -> Connection:
        if self._connection is None:
            raise error_for_hresult(UNEXPECTED_ERROR, f"{call} called before OpenConnection")
        return self._connection
