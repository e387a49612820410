"""Shared fixtures of the stream tests: mapping contexts, QuickBooks' sample answers, and pulls
from simulated companies of each edition (requests encoded for qbXML 13.0 and XSD-validated)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from qbdlink.connector.streams.base import MappingContext, QueryPart, QueryWindow, Stream
from qbdlink.model.records import dump_record, parse_record
from qbdlink.qbxml import (
    Edition,
    EncodeTarget,
    QbxmlObject,
    QbxmlVersion,
    QueryPager,
    decode_response_set,
    encode_request_set,
)
from qbdlink.qbxml.decode import Response
from qbdlink.simulator.bootstrap import open_processor
from qbdlink.simulator.processor import Processor
from qbdlink.simulator.samples import generate_company

# --- list streams (company, accounts, tax rates, classes, payment methods, customers, ...) ----

LIST_SYNCED_AT = datetime(2024, 5, 17, 12, 30, tzinfo=UTC)
OLDEST_VERSION = QbxmlVersion.parse("13.0")
EDITIONS = (Edition.US, Edition.UK, Edition.CA)


def list_context(edition: Edition = Edition.US) -> MappingContext:
    return MappingContext(edition=edition, synced_at=LIST_SYNCED_AT)


@pytest.fixture
def make_list_context() -> Callable[[Edition], MappingContext]:
    return list_context


@pytest.fixture
def sample_rets(qbxml_samples_dir: Path) -> Callable[[str], list[QbxmlObject]]:
    """The records of one of QuickBooks' real answers in the conformance samples."""

    def read(name: str) -> list[QbxmlObject]:
        answer = decode_response_set((qbxml_samples_dir / "responses" / name).read_bytes())
        return [record for response in answer.responses for record in response.records]

    return read


def validated(data_type: str, record: BaseModel) -> dict[str, object]:
    """The record's Codat JSON, after checking it validates as ``data_type``."""
    dump = dump_record(record)
    parse_record(data_type, dump)
    return dump


@pytest.fixture
def validate_record() -> Callable[[str, BaseModel], dict[str, object]]:
    return validated


@dataclass(frozen=True)
class PulledRecord:
    part: QueryPart
    ret: QbxmlObject
    record: BaseModel | None


@pytest.fixture(scope="session")
def simulated_processor(
    tmp_path_factory: pytest.TempPathFactory, xsd_dir: Path
) -> Callable[[Edition], Processor]:
    """A processor over a small generated company of the edition (one per edition and run)."""
    processors: dict[Edition, Processor] = {}

    def processor_for(edition: Edition) -> Processor:
        if edition not in processors:
            path = tmp_path_factory.mktemp("list-streams") / f"{edition.value}.qbw"
            generate_company(path, edition=edition, size=40, seed=1).close()
            processors[edition] = open_processor(path, xsd_dir)
        return processors[edition]

    return processor_for


@pytest.fixture
def pull_stream(
    simulated_processor: Callable[[Edition], Processor],
) -> Callable[[Stream, Edition, QueryWindow], list[PulledRecord]]:
    """Every record a stream reads from the edition's company, with its mapping.

    Requests are encoded for qbXML 13.0 and the edition (refusing what that QuickBooks would
    refuse), paged with iterators where the part has one, and XSD-validated by the simulator.
    """

    def pull(stream: Stream, edition: Edition, window: QueryWindow) -> list[PulledRecord]:
        processor = simulated_processor(edition)
        target = EncodeTarget(OLDEST_VERSION, edition)
        context = list_context(edition)
        pulled: list[PulledRecord] = []
        for part in stream.parts:
            query = part.build(window)
            pager = QueryPager(query, max_returned=5) if part.iterator else None
            request: QbxmlObject | None = pager.start() if pager else query
            while request is not None:
                answer = decode_response_set(
                    processor.process(encode_request_set([request], target=target))
                )
                (response,) = answer.responses
                assert response.status.code in (0, 1), response.status
                pulled += [
                    PulledRecord(part, ret, part.map(ret, context)) for ret in response.records
                ]
                request = pager.next_after(response.status) if pager else None
        return pulled

    return pull


# --- transaction streams (invoices, credit notes, payments, bills, bill credit notes, bill
# payments, journal entries) -------------------------------------------------------------------

TXN_SYNCED_AT = datetime(2024, 6, 3, 9, 15, tzinfo=UTC)
EVERYTHING = QueryWindow(modified_from=None, modified_to=None)


def txn_context(edition: Edition) -> MappingContext:
    return MappingContext(edition=edition, synced_at=TXN_SYNCED_AT)


def pull_from(
    processor: Processor, stream: Stream, edition: Edition, window: QueryWindow = EVERYTHING
) -> list[PulledRecord]:
    """Every record of every part of ``stream``, as the sync engine reads them: encoded for
    qbXML 13.0 and the edition, paged by iterators (small pages, so paging is exercised)."""
    target = EncodeTarget(OLDEST_VERSION, edition)
    context = txn_context(edition)
    pulled: list[PulledRecord] = []
    for part in stream.parts:
        query = part.build(window)
        pager = QueryPager(query, max_returned=7) if part.iterator else None
        request: QbxmlObject | None = pager.start() if pager else query
        while request is not None:
            answer = decode_response_set(
                processor.process(encode_request_set([request], target=target))
            )
            (response,) = answer.responses
            assert response.status.code in (0, 1), response.status
            pulled += [PulledRecord(part, ret, part.map(ret, context)) for ret in response.records]
            request = pager.next_after(response.status) if pager else None
    return pulled


@pytest.fixture(scope="session")
def txn_company(
    tmp_path_factory: pytest.TempPathFactory, xsd_dir: Path
) -> Callable[[Edition], Processor]:
    """A processor over a generated company of the edition (size 60, seed 1; one per run)."""
    processors: dict[Edition, Processor] = {}

    def processor_for(edition: Edition) -> Processor:
        if edition not in processors:
            path = tmp_path_factory.mktemp("txn-streams") / f"{edition.value}.qbw"
            generate_company(path, edition=edition, size=60, seed=1).close()
            processors[edition] = open_processor(path, xsd_dir)
        return processors[edition]

    return processor_for


@pytest.fixture
def pull_txn_stream(
    txn_company: Callable[[Edition], Processor],
) -> Callable[..., list[PulledRecord]]:
    """Every record a stream reads from the edition's generated company (``txn_company``),
    in a window (everything by default)."""

    def pull(
        stream: Stream, edition: Edition, window: QueryWindow = EVERYTHING
    ) -> list[PulledRecord]:
        return pull_from(txn_company(edition), stream, edition, window)

    return pull


@pytest.fixture
def make_txn_context() -> Callable[[Edition], MappingContext]:
    return txn_context


@dataclass
class QbCompany:
    """A company of its own (the sample lists, no transactions) written through qbXML Add,
    Mod and Void requests, as an application would write to QuickBooks."""

    processor: Processor
    edition: Edition

    def send(self, request: QbxmlObject) -> Response:
        target = EncodeTarget(OLDEST_VERSION, self.edition)
        answer = decode_response_set(
            self.processor.process(encode_request_set([request], target=target))
        )
        (response,) = answer.responses
        assert response.status.code == 0, response.status
        return response

    def write(self, request: QbxmlObject) -> Any:
        """The record an Add or Mod request wrote."""
        (record,) = self.send(request).records
        return record

    def first(self, query: QbxmlObject) -> Any:
        return self.send(query).records[0]

    def pull(self, stream: Stream) -> list[Any]:
        return [pulled.record for pulled in pull_from(self.processor, stream, self.edition)]


@pytest.fixture
def fresh_company(tmp_path: Path, xsd_dir: Path) -> Callable[[Edition], QbCompany]:
    def make(edition: Edition) -> QbCompany:
        path = tmp_path / f"fresh-{edition.value}.qbw"
        generate_company(path, edition=edition, size=0, seed=2).close()
        return QbCompany(open_processor(path, xsd_dir), edition)

    return make
