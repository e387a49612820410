"""The request processor's interface, as QBXMLRP2 exposes it through COM."""

from __future__ import annotations

import enum
from typing import Protocol


class OpenMode(enum.IntEnum):
    """QBFC's ``ENOpenMode`` (what BeginSession takes)."""

    SINGLE_USER = 0
    MULTI_USER = 1
    DO_NOT_CARE = 2


class Transport(Protocol):
    """One request processor: one connection, at most one session at a time.

    Every method raises :class:`qbdlink.qbxml.hresult.QuickBooksConnectionError` subclasses
    for QuickBooks' refusals (HRESULTs), as COM would.
    """

    def open_connection(self, app_id: str, app_name: str) -> None: ...

    def begin_session(self, file_path: str, mode: OpenMode) -> str: ...

    def get_current_company_file_name(self, ticket: str) -> str: ...

    def qbxml_versions_for_session(self, ticket: str) -> list[str]: ...

    def process_request(self, ticket: str, xml: str) -> str: ...

    def end_session(self, ticket: str) -> None: ...

    def close_connection(self) -> None: ...

    def close(self) -> None:
        """Release the transport (socket, COM object) whatever state it is in."""
        ...
