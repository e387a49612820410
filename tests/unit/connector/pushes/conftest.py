"""Shared fixtures of the writer tests: one generated company per edition (size 40, seed 1),
requests encoded for qbXML 13.0 and XSD-validated by the simulator, push contexts, and the
ids of existing records to refer to."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from qbdlink.connector.pushes.base import PushContext, Writer
from qbdlink.connector.streams.base import MappingContext
from qbdlink.connector.streams.registry import STREAMS
from qbdlink.qbxml import (
    Edition,
    EncodeTarget,
    QbxmlObject,
    QbxmlVersion,
    decode_response_set,
    encode_request_set,
)
from qbdlink.qbxml import messages as m
from qbdlink.qbxml.decode import Response
from qbdlink.simulator.bootstrap import open_processor
from qbdlink.simulator.processor import Processor
from qbdlink.simulator.samples import generate_company

OLDEST = QbxmlVersion.parse("13.0")


def push_context(edition: Edition, *, transliterate: bool = True) -> PushContext:
    return PushContext(
        edition=edition,
        now=datetime.now(UTC),
        idempotency_key=str(uuid.uuid4()),
        transliterate=transliterate,
    )


@dataclass
class Company:
    """A generated company of one edition, spoken to as the connector speaks to QuickBooks."""

    processor: Processor
    edition: Edition
    _lists: dict[str, list[Any]] = field(default_factory=dict)

    def send(self, request: QbxmlObject) -> Response:
        target = EncodeTarget(OLDEST, self.edition)
        answer = decode_response_set(
            self.processor.process(encode_request_set([request], target=target))
        )
        (response,) = answer.responses
        return response

    def ok(self, request: QbxmlObject) -> Any:
        """The one record a request answers with (status 0 required)."""
        response = self.send(request)
        assert response.status.code == 0, response.status
        (record,) = response.records
        return record

    def since(self) -> datetime:
        """A moment before the next write (TimeModified has whole seconds): the ``since`` of
        ``query_by_key``."""
        return datetime.now(UTC) - timedelta(minutes=1)

    def ctx(self, *, transliterate: bool = True) -> PushContext:
        return push_context(self.edition, transliterate=transliterate)

    def mapped(self, data_type: str, ret: Any) -> Any:
        """``ret`` mapped by its data type's stream (the part whose query reads its kind)."""
        context = MappingContext(edition=self.edition, synced_at=datetime.now(UTC))
        stream = STREAMS[data_type]
        errors = []
        for part in stream.parts:
            try:
                record = part.map(ret, context)
            except (AttributeError, AssertionError) as exc:  # the other part's kind
                errors.append(exc)
                continue
            if record is not None:
                return record
        raise AssertionError(f"no part of {data_type} maps {type(ret).__name__}: {errors}")

    def _list(self, name: str, query: QbxmlObject) -> list[Any]:
        if name not in self._lists:
            self._lists[name] = list(self.send(query).records)
        return self._lists[name]

    def customers(self) -> list[m.CustomerRet]:
        return [c for c in self._list("customers", m.CustomerQueryRq()) if not c.parent_ref]

    def vendors(self) -> list[m.VendorRet]:
        return [v for v in self._list("vendors", m.VendorQueryRq()) if not v.is_sales_tax_agency]

    def items(self, kind: type[Any]) -> list[Any]:
        return [i for i in self._list("items", m.ItemQueryRq()) if isinstance(i, kind)]

    def account(self, account_type: str) -> m.AccountRet:
        return next(
            a for a in self._list("accounts", m.AccountQueryRq()) if a.account_type == account_type
        )

    def tax_code(self, *, taxable: bool = True) -> m.SalesTaxCodeRet:
        return next(
            c for c in self._list("codes", m.SalesTaxCodeQueryRq()) if bool(c.is_taxable) is taxable
        )

    def class_id(self) -> str:
        return str(self._list("classes", m.ClassQueryRq())[0].list_id)

    def write(self, writer: Writer, record: BaseModel, ctx: PushContext | None = None) -> Any:
        """Add ``record`` through ``writer``: the stored *Ret."""
        assert writer.add is not None
        return self.ok(writer.add(record, ctx or self.ctx()))

    def current(self, writer: Writer, record_id: str) -> Any:
        assert writer.query_by_id is not None
        return self.ok(writer.query_by_id(record_id))

    def found_by_key(
        self, writer: Writer, ctx: PushContext, since: datetime, record: BaseModel
    ) -> list[Any]:
        """The records ``query_by_key`` returns that ``matches_key`` takes for this push's."""
        assert writer.query_by_key is not None
        queries = (writer.query_by_key(ctx, since), *writer.more_queries_by_key(ctx, since))
        found = []
        for query in queries:
            response = self.send(query)
            assert response.status.code in (0, 1), response.status
            found += [ret for ret in response.records if writer.matches_key(ret, ctx, record)]
        return found


@pytest.fixture(scope="session")
def company(
    tmp_path_factory: pytest.TempPathFactory, xsd_dir: Path
) -> Callable[[Edition], Company]:
    companies: dict[Edition, Company] = {}

    def make(edition: Edition) -> Company:
        if edition not in companies:
            path = tmp_path_factory.mktemp("pushes") / f"{edition.value}.qbw"
            generate_company(path, edition=edition, size=40, seed=1).close()
            companies[edition] = Company(open_processor(path, xsd_dir), edition)
        return companies[edition]

    return make
