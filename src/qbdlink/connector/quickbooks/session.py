"""A session with one QuickBooks company file: open, identify, one request at a time, retry.

The connector identifies the linked company file by an id it stamps into the file itself as a
custom field of the company (a DataExt owned by qbdlink), so a different file open in
QuickBooks is recognised as such whatever its path, and never synced into the wrong company.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TypeVar

from qbdlink.errors import RetryLaterError, UserActionError
from qbdlink.qbxml import (
    EncodeTarget,
    QbxmlObject,
    QbxmlVersion,
    QueryPager,
    choose_version,
    decode_response_set,
    encode_request_set,
    iter_response_events,
)
from qbdlink.qbxml import messages as m
from qbdlink.qbxml.decode import ResponseEnd, ResponseStatus
from qbdlink.qbxml.hresult import QuickBooksConnectionError
from qbdlink.qbxml.versions import Edition, edition_from_country

from .transport import OpenMode, Transport

log = logging.getLogger("qbdlink.connector.quickbooks")

# qbdlink's owner id for its custom fields (a GUID, as QuickBooks requires for applications).
OWNER_ID = "{3F7C9B52-6E1D-4C8A-9B0F-51D2A8E4C7A1}"
FILE_ID_FIELD = "qbdlink file id"
# The oldest version whose messages qbdlink speaks.
BOOTSTRAP_VERSION = "13.0"

T = TypeVar("T")


class WrongCompanyFileError(UserActionError):
    default_code = "quickbooks.wrong_company_file"


@dataclass(frozen=True, kw_only=True)
class CompanyFile:
    """What QuickBooks says about the open company file and itself."""

    path: str
    company_name: str
    file_id: str | None
    edition: Edition
    product: str
    version: QbxmlVersion
    supported_versions: tuple[str, ...]


@dataclass(frozen=True, kw_only=True)
class RetryPolicy:
    """Backoff for conditions that pass by themselves (QuickBooks busy, a modal dialog)."""

    attempts: int = 5
    first_delay: float = 1.0
    max_delay: float = 30.0

    def delays(self) -> Iterator[float]:
        delay = self.first_delay
        for _ in range(self.attempts - 1):
            yield delay
            delay = min(self.max_delay, delay * 2)


class QuickBooksSession:
    """One open session. Not thread-safe by design: QuickBooks takes one request at a time."""

    def __init__(
        self,
        transport_factory: Callable[[], Transport],
        *,
        app_name: str,
        app_id: str = "",
        company_file_path: str = "",
        mode: OpenMode = OpenMode.DO_NOT_CARE,
        retry: RetryPolicy | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._factory = transport_factory
        self.app_name = app_name
        self.app_id = app_id
        self.company_file_path = company_file_path
        self.mode = mode
        self.retry = retry or RetryPolicy()
        self._sleep = sleep
        self._transport: Transport | None = None
        self._ticket: str | None = None
        self.company: CompanyFile | None = None

    # ---- opening and closing -------------------------------------------------------------------

    def open(self) -> CompanyFile:
        """Connect, begin the session (QuickBooks may show its authorisation dialog) and
        identify the company file; retried with backoff while QuickBooks is busy."""
        return self._retrying(self._open_once)

    def _open_once(self) -> CompanyFile:
        self.close()
        transport = self._factory()
        self._transport = transport
        transport.open_connection(self.app_id, self.app_name)
        self._ticket = transport.begin_session(self.company_file_path, self.mode)
        path = transport.get_current_company_file_name(self._ticket)
        supported = tuple(transport.qbxml_versions_for_session(self._ticket))
        host = self._first(
            self._exchange([m.HostQueryRq()], choose_version(supported, Edition.US)), m.HostRet
        )
        edition = edition_from_country(host.country)
        version = choose_version(supported, edition)
        company_answer = self._exchange([m.CompanyQueryRq(owner_id=(OWNER_ID,))], version, edition)
        company = self._first(company_answer, m.CompanyRet)
        file_id = next(
            (
                d.data_ext_value
                for d in company.data_ext_ret
                if d.owner_id == OWNER_ID and (d.data_ext_name or "").lower() == FILE_ID_FIELD
            ),
            None,
        )
        self.company = CompanyFile(
            path=path,
            company_name=company.company_name or "",
            file_id=file_id,
            edition=edition,
            product=host.product_name or "QuickBooks Desktop",
            version=version,
            supported_versions=supported,
        )
        log.info("QuickBooks session open: %s (%s, qbXML %s)", path, host.product_name, version)
        return self.company

    @property
    def is_open(self) -> bool:
        return self._transport is not None and self._ticket is not None

    def close(self) -> None:
        transport, ticket = self._transport, self._ticket
        self._transport, self._ticket = None, None
        self.company = None
        if transport is None:
            return
        try:
            if ticket is not None:
                transport.end_session(ticket)
            transport.close_connection()
        except QuickBooksConnectionError as error:
            # QuickBooks already gone: nothing left to end.
            log.debug("closing the QuickBooks session: %s", error)
        finally:
            transport.close()

    def __enter__(self) -> QuickBooksSession:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ---- requests ---------------------------------------------------------------------------

    @property
    def target(self) -> EncodeTarget:
        company = self._require()
        return EncodeTarget(company.version, company.edition)

    def _require(self) -> CompanyFile:
        if self.company is None or self._transport is None or self._ticket is None:
            raise RetryLaterError(
                "The QuickBooks session is not open.", code="quickbooks.no_session"
            )
        return self.company

    def _exchange(
        self, requests: Sequence[QbxmlObject], version: QbxmlVersion, edition: Edition = Edition.US
    ) -> str:
        assert self._transport is not None and self._ticket is not None
        xml = encode_request_set(requests, target=EncodeTarget(version, edition))
        return self._transport.process_request(self._ticket, xml)

    @staticmethod
    def _first(answer: str, kind: type[T]) -> T:
        for response in decode_response_set(answer).responses:
            response.status.raise_for_status()
            for record in response.records:
                if isinstance(record, kind):
                    return record
        raise RetryLaterError(
            f"QuickBooks answered without a {kind.__name__}.", code="quickbooks.empty_answer"
        )

    def process(self, requests: Sequence[QbxmlObject], **encode_options: str | None) -> str:
        """Send one request document and return QuickBooks' answer (not yet decoded)."""
        self._require()
        xml = encode_request_set(requests, target=self.target, **encode_options)  # type: ignore[arg-type]
        return self._retrying(lambda: self._process_raw(xml))

    def _process_raw(self, xml: str) -> str:
        if self._transport is None or self._ticket is None:
            self._open_once()
        assert self._transport is not None and self._ticket is not None
        return self._transport.process_request(self._ticket, xml)

    def query(
        self, request: QbxmlObject, *, iterator: bool, page_size: int
    ) -> Iterator[list[QbxmlObject]]:
        """The records of one query, a page at a time (with a qbXML iterator when it has one).

        The iterator lives in this session: if QuickBooks restarts mid-way, the query fails
        (a retriable error) and the caller starts it again.
        """
        if not iterator:
            yield self._page(self.process([request]))[1]
            return
        pager = QueryPager(request, max_returned=page_size)
        current: QbxmlObject | None = pager.start()
        while current is not None:
            status, records = self._page(self.process([current]))
            yield records
            current = pager.next_after(status)

    @staticmethod
    def _page(answer: str) -> tuple[ResponseStatus, list[QbxmlObject]]:
        status: ResponseStatus | None = None
        records: list[QbxmlObject] = []
        for event in iter_response_events(answer):
            if isinstance(event, ResponseStatus):
                event.raise_for_status()
                status = event
            elif isinstance(event, ResponseEnd):
                continue
            elif isinstance(event, QbxmlObject):
                records.append(event)
        if status is None:
            raise RetryLaterError(
                "QuickBooks answered with no response status.", code="quickbooks.empty_answer"
            )
        return status, records

    # ---- the company file's identity --------------------------------------------------------

    def stamp_file_id(self, file_id: str) -> None:
        """Write qbdlink's id into the company file (once; it then travels with the file)."""
        company = self._require()
        if company.file_id == file_id:
            return
        definition = m.DataExtDefAddRq(
            data_ext_def_add=m.DataExtDefAdd(
                owner_id=OWNER_ID,
                data_ext_name=FILE_ID_FIELD,
                data_ext_type="STR255TYPE",
                assign_to_object=("Company",),
            )
        )
        answer = decode_response_set(self.process([definition]))
        code = answer.responses[0].status.code
        if code not in (0, 3100):  # 3100: the definition exists already (an earlier stamp)
            answer.responses[0].status.raise_for_status()
        value = (
            m.DataExtModRq(
                data_ext_mod=m.DataExtMod(
                    owner_id=OWNER_ID,
                    data_ext_name=FILE_ID_FIELD,
                    data_ext_value=file_id,
                    other_data_ext_type="Company",
                )
            )
            if company.file_id
            else m.DataExtAddRq(
                data_ext_add=m.DataExtAdd(
                    owner_id=OWNER_ID,
                    data_ext_name=FILE_ID_FIELD,
                    data_ext_value=file_id,
                    other_data_ext_type="Company",
                )
            )
        )
        for response in decode_response_set(self.process([value])).responses:
            response.status.raise_for_status()
        self.company = CompanyFile(**{**company.__dict__, "file_id": file_id})

    def require_file(self, file_id: str, *, company_name: str) -> None:
        """Refuse to go on when the open company file is not the linked one."""
        company = self._require()
        if company.file_id != file_id:
            raise WrongCompanyFileError(
                f"Incorrect company file open: QuickBooks has {company.path or 'another file'} "
                f"open, not the company file linked to {company_name}.",
                fix=f"Open the company file of {company_name} in QuickBooks (File > Open "
                "Company), then sync again.",
            )

    # ---- retries --------------------------------------------------------------------------------

    def _retrying(self, action: Callable[[], T]) -> T:
        delays = self.retry.delays()
        while True:
            try:
                return action()
            except RetryLaterError as error:
                delay = next(delays, None)
                if delay is None:
                    raise
                log.warning("QuickBooks: %s Retrying in %.0f s.", error.message, delay)
                if getattr(error, "hresult", None) == 0x8004040D:
                    self.close()  # the ticket died with QuickBooks: a new session is needed
                self._sleep(delay)
