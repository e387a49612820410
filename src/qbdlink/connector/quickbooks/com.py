"""The COM transport: QuickBooks' ``QBXMLRP2.RequestProcessor`` through pywin32 (Windows only).

pywin32 is imported only when a real COM object is made, so this module loads everywhere and
is tested on Linux with a fake COM object. COM failures (``pywintypes.com_error``) carry the
HRESULT in ``excepinfo[5]`` (the SCODE) or ``hresult``; both become qbXML HRESULT errors.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

from qbdlink.errors import ConfigurationError
from qbdlink.qbxml.hresult import QuickBooksConnectionError, error_for_hresult

from .transport import OpenMode

PROG_ID = "QBXMLRP2.RequestProcessor"
# QBXMLRP2's connection type: local QuickBooks Desktop.
LOCAL_QBD = 1


def _dispatch(prog_id: str) -> Any:
    try:
        # Imported by name: pywin32 exists only on Windows, where it is a dependency.
        client = importlib.import_module("win32com.client")
    except ImportError as exc:
        raise ConfigurationError(
            "QuickBooks can only be reached through COM on Windows (pywin32 is missing).",
            code="connector.com_unavailable",
            fix="On Windows, reinstall the connector. Elsewhere, run the simulator and use "
            "--quickbooks simulator://HOST:PORT.",
        ) from exc
    return client.Dispatch(prog_id)


def hresult_of(exc: BaseException) -> int | None:
    """The HRESULT a COM exception carries (SCODE of excepinfo first, as QBXMLRP2 sets it)."""
    excepinfo = getattr(exc, "excepinfo", None)
    scode = excepinfo[5] if isinstance(excepinfo, tuple) and len(excepinfo) > 5 else None
    # A zero SCODE means COM put the HRESULT in ``hresult`` instead.
    if isinstance(scode, int) and scode:
        return scode
    value = getattr(exc, "hresult", None)
    if isinstance(value, int):
        return value
    args = getattr(exc, "args", ())
    if args and isinstance(args[0], int):
        return int(args[0])
    return None


def _detail_of(exc: BaseException) -> str:
    excepinfo = getattr(exc, "excepinfo", None)
    if isinstance(excepinfo, tuple) and len(excepinfo) > 2 and excepinfo[2]:
        return str(excepinfo[2])
    return str(exc)


class ComTransport:
    """QBXMLRP2 through COM. ``dispatch`` makes the COM object (tests pass a fake)."""

    def __init__(self, dispatch: Callable[[str], Any] = _dispatch) -> None:
        self._dispatch = dispatch
        self._processor: Any = None
        self._app_name: str | None = None

    def _call(self, method: str, *args: Any) -> Any:
        if self._processor is None:
            self._processor = self._translated(lambda: self._dispatch(PROG_ID))
        return self._translated(lambda: getattr(self._processor, method)(*args))

    def _translated(self, action: Callable[[], Any]) -> Any:
        try:
            return action()
        except QuickBooksConnectionError:
            raise
        except Exception as exc:  # COM raises pywintypes.com_error; translate at the boundary
            hresult = hresult_of(exc)
            if hresult is None:
                raise
            raise error_for_hresult(hresult, _detail_of(exc), app_name=self._app_name) from exc

    def open_connection(self, app_id: str, app_name: str) -> None:
        self._app_name = app_name
        self._call("OpenConnection2", app_id, app_name, LOCAL_QBD)

    def begin_session(self, file_path: str, mode: OpenMode) -> str:
        return str(self._call("BeginSession", file_path, int(mode)))

    def get_current_company_file_name(self, ticket: str) -> str:
        return str(self._call("GetCurrentCompanyFileName", ticket))

    def qbxml_versions_for_session(self, ticket: str) -> list[str]:
        # COM answers a SAFEARRAY of strings (a tuple through pywin32).
        return [str(v) for v in self._call("QBXMLVersionsForSession", ticket)]

    def process_request(self, ticket: str, xml: str) -> str:
        return str(self._call("ProcessRequest", ticket, xml))

    def end_session(self, ticket: str) -> None:
        self._call("EndSession", ticket)

    def close_connection(self) -> None:
        self._call("CloseConnection")

    def close(self) -> None:
        self._processor = None
