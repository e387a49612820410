"""Pushes end to end in one process: Codat's SDKs queue them on the platform, the connector
writes them into the simulated QuickBooks exactly once, and the platform reads them back.

SQLite only: the platform's push storage runs on both databases in
tests/integration/platform_api; this file is about the connector's writes.
"""

from __future__ import annotations

import uuid
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic.warnings import PydanticDeprecatedSince211

from qbdlink.connector.app import ConnectorApp, build_connector_app
from qbdlink.connector.link import link_company
from qbdlink.connector.pushes.executor import PushExecutor
from qbdlink.connector.pushes.registry import WRITERS
from qbdlink.connector.quickbooks.session import RetryPolicy
from qbdlink.connector.quickbooks.simulator import SimulatorTransport
from qbdlink.connector.settings import load_connector_settings
from qbdlink.connector.streams.registry import STREAMS
from qbdlink.model import wire
from qbdlink.qbxml import (
    Edition,
    EncodeTarget,
    QbxmlVersion,
    decode_response_set,
    encode_request_set,
)
from qbdlink.qbxml import messages as m
from qbdlink.qbxml.xsd import QbxmlSchema
from qbdlink.simulator.client import SimulatorClient
from qbdlink.simulator.samples import generate_company
from tests.support.platform import FakeClock, LivePlatform, live_platform
from tests.support.simulated_quickbooks import SimulatedQuickBooks, simulated_quickbooks

pytestmark = pytest.mark.integration


class _Quiet:
    def company_found(self, info: wire.LinkInfo) -> bool:
        return True

    def waiting_for_quickbooks(self, instructions: str) -> None: ...

    def linked(self, answer: wire.LinkResponse) -> None: ...

    def progress(self, progress: object) -> None: ...


@dataclass
class World:
    live: LivePlatform
    quickbooks: SimulatedQuickBooks
    app: ConnectorApp
    company_id: str
    connection_id: str
    clock: FakeClock
    edition: Edition

    def api(self) -> httpx.Client:
        return self.live.client()

    def push(self, path: str, body: dict[str, Any] | None, method: str = "POST") -> str:
        with self.api() as api:
            url = f"/companies/{self.company_id}/connections/{self.connection_id}/push/{path}"
            response = api.request(method, url, json=body, params={"timeoutInMinutes": 60})
        assert response.status_code == 200, response.text
        return str(response.json()["pushOperationKey"])

    def run(self) -> list[str]:
        with self.app.client() as client:
            return self.app.connector(client).run_cycle(wait=0).pushes

    def operation(self, key: str) -> dict[str, Any]:
        with self.api() as api:
            result: dict[str, Any] = api.get(f"/companies/{self.company_id}/push/{key}").json()
        return result

    def query(self, request: m.QbxmlObject) -> list[Any]:
        host, port = self.quickbooks.server.address
        with SimulatorClient(host, port, timeout=30) as person:
            person.open_connection("", "test reader")
            ticket = person.begin_session("", 2)
            try:
                target = EncodeTarget(QbxmlVersion.parse("13.0"), self.edition)
                answer = person.process_request(
                    ticket, encode_request_set([request], target=target)
                )
            finally:
                person.end_session(ticket)
        return [r for response in decode_response_set(answer).responses for r in response.records]


def _world(tmp_path: Path, schemas: dict[str, QbxmlSchema], edition: Edition) -> Iterator[World]:
    company_file = tmp_path / "shop.qbw"
    generate_company(company_file, edition=edition, size=40, seed=3, company_name="Shop").close()
    clock = FakeClock()
    with (
        live_platform(f"sqlite:///{tmp_path / 'p.sqlite3'}", tmp_path, clock=clock) as live,
        simulated_quickbooks(company_file, schemas.__getitem__, edition=edition.value) as qb,
    ):
        with live.client() as api:
            company_id = api.post("/companies", json={"name": "Shop"}).json()["id"]
            connection_id = api.post(
                f"/companies/{company_id}/connections", json={"platformKey": "pqsw"}
            ).json()["id"]
        settings = load_connector_settings(
            {"QBDLINK_HOME": str(tmp_path / "connector")}, quickbooks=qb.url
        )
        app = build_connector_app(settings, retry=RetryPolicy(attempts=1))
        try:
            link_company(
                app,
                licence_key=company_id,
                region="us",
                platform_url=live.base_url,
                observer=_Quiet(),
            )
            yield World(live, qb, app, company_id, connection_id, clock, edition)
        finally:
            app.close()


@pytest.fixture
def world(tmp_path: Path, qbxml_schemas: dict[str, QbxmlSchema]) -> Iterator[World]:
    yield from _world(tmp_path, qbxml_schemas, Edition.US)


def _first(world: World, request: m.QbxmlObject) -> Any:
    return world.query(request)[0]


def test_sdks_create_update_and_delete_records_in_quickbooks(world: World) -> None:
    from codat_accounting import CodatAccounting
    from codat_accounting.models import shared as acct
    from codat_lending import CodatLending
    from codat_lending.models import shared as lend
    from codat_lending.utils import RetryConfig

    customer = _first(world, m.CustomerQueryRq(max_returned=1))
    item = next(i for i in world.query(m.ItemServiceQueryRq()) if i.is_active is not False)
    auth = world.live.tenant.auth_header
    with httpx.Client(timeout=30) as http, warnings.catch_warnings():
        # codat-accounting 0.36 (installed --no-deps beside a newer pydantic) reads
        # ``model_fields`` on instances, which pydantic 2.11 deprecates; under -W error its
        # serializer would swallow that warning and send an empty body. Only that is silenced.
        warnings.filterwarnings("ignore", category=PydanticDeprecatedSince211)
        # It also marks the models it answers with @deprecated, and warns building them.
        warnings.filterwarnings(
            "ignore", message=r"warning: \*\* DEPRECATED \*\*", category=DeprecationWarning
        )
        accounting = CodatAccounting(
            server_url=world.live.base_url, security=acct.Security(auth_header=auth), client=http
        )
        created = accounting.invoices.create(
            request={
                "company_id": world.company_id,
                "connection_id": world.connection_id,
                "timeout_in_minutes": 30,
                "invoice": {
                    "invoice_number": "SDK-1",
                    "customer_ref": {"id": customer.list_id},
                    "issue_date": "2026-11-20T00:00:00",
                    "due_date": "2026-12-20T00:00:00",
                    "status": "Submitted",
                    "total_amount": 250,
                    "total_tax_amount": 0,
                    "amount_due": 250,
                    "line_items": [
                        {
                            "description": "Cakes",
                            "quantity": 2,
                            "unit_amount": 125,
                            "item_ref": {"id": item.list_id},
                        },
                    ],
                },
            }
        )
    invoice_key = created.push_operation_key
    with CodatLending(
        server_url=world.live.base_url,
        security=lend.Security(auth_header=auth),
        retry_config=RetryConfig("none"),
    ) as lending:
        supplier_push = lending.loan_writeback.suppliers.create(
            request={
                "company_id": world.company_id,
                "connection_id": world.connection_id,
                "accounting_supplier": {"supplier_name": "Flour Mill – Ltd", "status": "Active"},
            }
        )
    outcomes = world.run()
    assert outcomes == ["Success", "Success"], [
        world.operation(k)["errorMessage"] for k in (invoice_key, supplier_push.push_operation_key)
    ]
    invoice_op = world.operation(invoice_key)
    assert invoice_op["status"] == "Success", invoice_op
    new_id = invoice_op["changes"][0]["recordRef"]["id"]
    written = [i for i in world.query(m.InvoiceQueryRq(txn_id=(new_id,), include_line_items=True))]
    assert len(written) == 1 and written[0].ref_number == "SDK-1"
    with world.api() as api:
        read = api.get(f"/companies/{world.company_id}/data/invoices/{new_id}").json()
    assert read["invoiceNumber"] == "SDK-1"
    assert read["totalAmount"] == 250
    supplier_op = world.operation(supplier_push.push_operation_key)
    vendors = [v for v in world.query(m.VendorQueryRq()) if v.name == "Flour Mill - Ltd"]
    assert supplier_op["status"] == "Success" and len(vendors) == 1  # "–" transliterated

    update_key = world.push(
        f"customers/{customer.list_id}",
        {"customerName": customer.full_name, "status": "Active", "emailAddress": "new@shop.test"},
        method="PUT",
    )
    void_key = world.push(f"invoices/{new_id}", None, method="DELETE")
    assert world.run() == ["Success", "Success"]
    assert world.operation(update_key)["status"] == "Success"
    assert _first(world, m.CustomerQueryRq(list_id=(customer.list_id,))).email == "new@shop.test"
    assert world.operation(void_key)["status"] == "Success"
    voided = _first(world, m.InvoiceQueryRq(txn_id=(new_id,)))
    assert (voided.memo or "").startswith("VOID")


def test_a_lost_answer_never_writes_twice(world: World) -> None:
    name = f"Once {uuid.uuid4().hex[:6]}"
    key = world.push("customers", {"customerName": name, "status": "Active"})
    with world.app.client() as client:
        work = client.work()
        assert work is not None
        (push,) = work.pushes
        world.app.connector(client).open_quickbooks()
        executor = PushExecutor(
            session=world.app.session,
            client=client,
            state=world.app.state,
            writers=WRITERS,
            streams=STREAMS,
        )
        # QuickBooks writes it; the connector dies before telling the platform.
        assert executor.carry_out(push).status == "Success"
        assert world.operation(key)["status"] == "Pending"
        world.app.session.close()
    for _ in range(2):  # the restarted connector, and once more for good measure
        assert world.run() in (["Success"], [])
    assert world.operation(key)["status"] == "Success"
    assert [c.name for c in world.query(m.CustomerQueryRq()) if c.name == name] == [name]


def test_missing_references_fail_with_quickbooks_reason(world: World) -> None:
    item = next(i for i in world.query(m.ItemServiceQueryRq()) if i.is_active is not False)
    key = world.push(
        "invoices",
        {
            "customerRef": {"id": "80000999-999999999"},
            "issueDate": "2026-11-20T00:00:00",
            "status": "Submitted",
            "totalAmount": 1,
            "totalTaxAmount": 0,
            "amountDue": 1,
            "lineItems": [
                {
                    "description": "x",
                    "quantity": 1,
                    "unitAmount": 1,
                    "itemRef": {"id": item.list_id},
                }
            ],
        },
    )
    assert world.run() == ["Failed"]
    failed = world.operation(key)
    assert failed["status"] == "Failed"
    # Checked before writing, naming the field.
    assert "customerRef.id: No customer with id '80000999-999999999'" in failed["errorMessage"]


class _Interfering(SimulatorTransport):
    """QuickBooks as a bookkeeper edits it: changes the customer just before our write."""

    change: m.QbxmlObject | None = None

    def process_request(self, ticket: str, xml: str) -> str:
        if "<CustomerModRq" in xml and _Interfering.change is not None:
            change, _Interfering.change = _Interfering.change, None
            host, port = self._host, self._port
            with SimulatorClient(host, port, timeout=30) as person:
                person.open_connection("", "bookkeeper")
                other = person.begin_session("", 2)
                person.process_request(other, encode_request_set([change]))
                person.end_session(other)
        return super().process_request(ticket, xml)


@pytest.mark.parametrize("overlap", [False, True])
def test_a_stale_edit_sequence_is_reapplied_or_explained(world: World, overlap: bool) -> None:
    customer = _first(world, m.CustomerQueryRq(max_returned=1))
    url = world.quickbooks.url
    world.app.session._factory = lambda: _Interfering(url)  # the connector's transport
    world.app.session.close()
    _Interfering.change = m.CustomerModRq(
        customer_mod=m.CustomerMod(
            list_id=customer.list_id,
            edit_sequence=customer.edit_sequence,
            email="bookkeeper@shop.test" if overlap else None,
            phone=None if overlap else "555-0100",
        )
    )
    key = world.push(
        f"customers/{customer.list_id}",
        {"customerName": customer.full_name, "status": "Active", "emailAddress": "app@shop.test"},
        method="PUT",
    )
    outcome = world.run()
    now = _first(world, m.CustomerQueryRq(list_id=(customer.list_id,)))
    if overlap:
        assert outcome == ["Failed"]
        message = world.operation(key)["errorMessage"]
        assert "Conflict" in message and "emailAddress" in message
        assert now.email == "bookkeeper@shop.test"
    else:
        assert outcome == ["Success"]
        assert (now.email, now.phone) == ("app@shop.test", "555-0100")


def test_a_push_that_times_out_then_completes_is_reconciled(world: World) -> None:
    from qbdlink.platform.jobs.scheduler import tick

    name = f"Late {uuid.uuid4().hex[:6]}"
    key = world.push("customers", {"customerName": name, "status": "Active"})
    with world.app.client() as client:
        work = client.work()
        assert work is not None
        world.clock.advance(minutes=61)
        tick(world.live.platform.context)
        assert world.operation(key)["status"] == "TimedOut"
        world.app.connector(client).open_quickbooks()
        world.app.connector(client).executor().run(work.pushes[0])
    assert world.operation(key)["status"] == "Success"


@pytest.mark.parametrize("edition", [Edition.UK, Edition.CA])
def test_regional_companies_take_pushes(
    tmp_path: Path, qbxml_schemas: dict[str, QbxmlSchema], edition: Edition
) -> None:
    for world in _world(tmp_path, qbxml_schemas, edition):
        customer = _first(world, m.CustomerQueryRq(max_returned=1))
        item = next(i for i in world.query(m.ItemServiceQueryRq()) if i.is_active is not False)
        code = next(c for c in world.query(m.SalesTaxCodeQueryRq()) if c.is_active is not False)
        line = {
            "description": "Tea",
            "quantity": 1,
            "unitAmount": 10,
            "itemRef": {"id": item.list_id},
        }
        invoice = {
            "customerRef": {"id": customer.list_id},
            "issueDate": "2026-11-20T00:00:00",
            "status": "Submitted",
            "totalAmount": 10,
            "totalTaxAmount": 0,
            "amountDue": 10,
            "lineItems": [line],
        }
        refused = world.push("invoices", invoice)
        taxed = world.push(
            "invoices", {**invoice, "lineItems": [{**line, "taxRateRef": {"id": code.list_id}}]}
        )
        assert world.run() == ["Failed", "Success"]
        assert "tax" in world.operation(refused)["errorMessage"].lower()
        assert world.operation(taxed)["status"] == "Success"


def test_a_date_in_a_closed_period_is_refused_before_writing(world: World) -> None:
    customer = _first(world, m.CustomerQueryRq(max_returned=1))
    item = next(i for i in world.query(m.ItemServiceQueryRq()) if i.is_active is not False)
    store = world.quickbooks.files.files[0].store
    with store.write():
        store.set_meta("closing_date", "2025-12-31")
    invoice = {
        "customerRef": {"id": customer.list_id},
        "issueDate": "2025-12-31T00:00:00",
        "status": "Submitted",
        "totalAmount": 5,
        "totalTaxAmount": 0,
        "amountDue": 5,
        "lineItems": [
            {"description": "x", "quantity": 1, "unitAmount": 5, "itemRef": {"id": item.list_id}}
        ],
    }
    closed = world.push("invoices", invoice)
    open_ = world.push("invoices", {**invoice, "issueDate": "2026-01-01T00:00:00"})
    assert world.run() == ["Failed", "Success"]
    message = world.operation(closed)["errorMessage"]
    assert "closed in QuickBooks up to 2025-12-31" in message
    assert "Edit > Preferences > Accounting" in message
    assert world.operation(open_)["status"] == "Success"
