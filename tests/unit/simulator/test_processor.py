"""The simulator's request processor: every sample request answered with a schema-valid response.

The shared helpers of the ``test_processor_*`` files live here (:class:`Sim`, :class:`Clock`,
the record builders); the envelope, queries, writes and editions have their own files.

The samples (``../shared/conformance/qbxml-samples/requests``, real requests from qbwc/qbxml)
name customers, items and accounts that an empty company file does not have. Each sample is run
twice: on an empty company, where every Add that references a record is answered 3140 (and the
queries find nothing, status 1), and on a company prepared with the records it references (by
name; a sample that references by ListID or TxnID gets the id of the prepared record written in
its place), where every request succeeds. Every response validates against the XSD of the
request's version (13.0 for versions up to 13.x).
"""

from __future__ import annotations

import importlib
import importlib.util
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

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
from qbdlink.qbxml.messages._paths import PATH_RULES
from qbdlink.qbxml.xsd import QbxmlSchema, schema_version_for
from qbdlink.simulator.company import EDITION_PROFILES, create_company
from qbdlink.simulator.context import RequestContext
from qbdlink.simulator.processor import Processor
from qbdlink.simulator.store import CompanyStore

START = datetime(2024, 3, 1, 20, 0, 0, tzinfo=UTC)

# The business rules register themselves with the writer when their package is imported (as
# qbdlink.simulator.bootstrap and host do); the processor alone does not import them.
importlib.import_module("qbdlink.simulator.rules")


# ---- helpers shared by the test_processor_* files -------------------------------------------


class Clock:
    """A clock the test moves: QuickBooks' times (TimeModified, EditSequence) follow it."""

    def __init__(self, start: datetime = START) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def tick(self, seconds: int = 1) -> datetime:
        self.now += timedelta(seconds=seconds)
        return self.now


@dataclass
class Sim:
    """One application's session with a company file, through the request processor."""

    schemas: dict[str, QbxmlSchema]
    edition: Edition = Edition.US
    store: CompanyStore | None = None
    app_name: str = "qbdlink-tests"
    session_id: str = "session-1"
    clock: Clock = field(default_factory=Clock)

    def __post_init__(self) -> None:
        if self.store is None:
            self.store = create_company(":memory:", company_name="Acme Ltd", edition=self.edition)
        self.context = RequestContext(
            store=self.store,
            edition=self.edition,
            version=QbxmlVersion(16, 0),
            app_name=self.app_name,
            session_id=self.session_id,
            clock=self.clock,
        )
        self.processor = Processor(self.context, lambda version: self.schemas[version])

    def other_session(self, session_id: str = "session-2") -> Sim:
        """A second session (its own RequestContext) on the same company file."""
        return Sim(
            self.schemas,
            self.edition,
            self.store,
            self.app_name,
            session_id,
            self.clock,
        )

    def process(self, document: str) -> str:
        """Process a document; the response must validate against the XSD of its version."""
        response = self.processor.process(document)
        version = _pi_version(document)
        assert _pi_version(response) == version
        problems = self.schemas[schema_version_for(version)].validate(response.encode("utf-8"))
        assert problems == [], f"{problems}\n{response}"
        assert_every_response_has_a_status(response)
        assert elements_out_of_place(response, QbxmlVersion.parse(version), self.edition) == []
        return response

    def send(
        self,
        requests: Sequence[QbxmlObject],
        *,
        version: str | None = None,
        edition: Edition | None = None,
        on_error: str = "stopOnError",
        new_message_set_id: str | None = None,
        old_message_set_id: str | None = None,
    ) -> str:
        version = version or newest_version(self.edition)
        target = EncodeTarget(QbxmlVersion.parse(version), edition or self.edition)
        document = encode_request_set(
            list(requests),
            target=target,
            on_error=on_error,
            new_message_set_id=new_message_set_id,
            old_message_set_id=old_message_set_id,
        )
        return self.process(document)

    def responses(self, requests: Sequence[QbxmlObject], **kwargs: Any) -> list[Response]:
        return decode_response_set(self.send(requests, **kwargs)).responses

    def one(self, request: QbxmlObject, **kwargs: Any) -> Response:
        responses = self.responses([request], **kwargs)
        assert len(responses) == 1
        return responses[0]

    def ok(self, request: QbxmlObject, **kwargs: Any) -> list[Any]:
        """The records of a successful response (status 0)."""
        response = self.one(request, **kwargs)
        assert response.status.code == 0, response.status
        return response.records

    def query(self, request: QbxmlObject, **kwargs: Any) -> list[Any]:
        """The records a query returns (status 0, or 1 for none)."""
        response = self.one(request, **kwargs)
        assert response.status.code in (0, 1), response.status
        assert (response.status.code == 1) == (not response.records)
        return response.records

    def status(self, request: QbxmlObject, **kwargs: Any) -> int:
        return self.one(request, **kwargs).status.code

    # ---- records the tests need ----
    def account(self, name: str, account_type: str = "Income") -> Any:
        add = m.AccountAdd(name=name, account_type=account_type)
        return self.ok(m.AccountAddRq(account_add=add))[0]

    def customer(self, name: str, **fields: Any) -> Any:
        return self.ok(m.CustomerAddRq(customer_add=m.CustomerAdd(name=name, **fields)))[0]

    def vendor(self, name: str, **fields: Any) -> Any:
        return self.ok(m.VendorAddRq(vendor_add=m.VendorAdd(name=name, **fields)))[0]

    def service_item(self, name: str, income_account: str = "Services") -> Any:
        if not self.query(m.AccountQueryRq(full_name=(income_account,))):
            self.account(income_account)
        add = m.ItemServiceAdd(
            name=name,
            sales_or_purchase=m.SalesOrPurchase(
                price=Decimal("10.00"), account_ref=m.AccountRef(full_name=income_account)
            ),
        )
        return self.ok(m.ItemServiceAddRq(item_service_add=add))[0]

    def invoice(
        self,
        customer: str,
        ref_number: str,
        *,
        item: str = "Consulting",
        txn_date: date = date(2024, 2, 1),
        amount: str = "100.00",
        lines: bool = True,
        **fields: Any,
    ) -> Any:
        """An invoice; ``lines=False`` leaves its lines out (tests of the header filters)."""
        line_adds: tuple[m.InvoiceLineAdd, ...] = ()
        if lines:
            if not self.query(m.ItemQueryRq(full_name=(item,))):
                self.service_item(item)
            line_adds = (
                m.InvoiceLineAdd(
                    item_ref=m.ItemRef(full_name=item),
                    desc=f"{item} for {customer}",
                    quantity=Decimal("1"),
                    amount=Decimal(amount),
                ),
            )
        add = m.InvoiceAdd(
            customer_ref=m.CustomerRef(full_name=customer),
            txn_date=txn_date,
            ref_number=ref_number,
            invoice_line_add=line_adds,
            **fields,
        )
        return self.ok(m.InvoiceAddRq(invoice_add=add))[0]

    def count(self, kind: str) -> int:
        assert self.store is not None
        return int(
            self.store._db.execute(
                "SELECT COUNT(*) FROM records WHERE kind = ?", (kind,)
            ).fetchone()[0]
        )


def newest_version(edition: Edition) -> str:
    """The highest plain qbXML version the edition's QuickBooks supports (HostRet)."""
    plain = [v for v in EDITION_PROFILES[edition].supported_versions if v[0].isdigit()]
    return max(plain, key=lambda v: QbxmlVersion.parse(v).number)


def _pi_version(document: str) -> str:
    match = re.search(r'<\?qbxml\s+version="([^"]+)"\s*\?>', document)
    assert match is not None, document[:200]
    return match.group(1)


def response_elements(document: str) -> list[etree._Element]:
    root = etree.fromstring(document.encode("utf-8"))
    envelope = root.find("QBXMLMsgsRs")
    assert envelope is not None
    return list(envelope)


def assert_every_response_has_a_status(document: str) -> None:
    for element in response_elements(document):
        assert element.get("statusCode", "").isdigit(), etree.tostring(element)
        assert element.get("statusSeverity") in ("Info", "Warn", "Error")
        assert element.get("statusMessage")


def elements_out_of_place(document: str, version: QbxmlVersion, edition: Edition) -> list[str]:
    """The element paths of a response that its version or edition lacks (PATH_RULES)."""
    root = etree.fromstring(document.encode("utf-8"))
    envelope = root.find("QBXMLMsgsRs")
    assert envelope is not None
    wrong: list[str] = []

    def visit(element: etree._Element, path: str) -> None:
        rule = PATH_RULES.get(path)
        if rule is not None:
            if rule.since is not None and version.number < rule.since:
                wrong.append(f"{path} (since {rule.since})")
            if edition.value in rule.not_in:
                wrong.append(f"{path} (not in {edition.value})")
        for child in element:
            if isinstance(child.tag, str):
                visit(child, f"{path}/{child.tag}")

    for response in envelope:
        if isinstance(response.tag, str):
            visit(response, str(response.tag))
    return wrong


def request_ids(document: str) -> list[str | None]:
    root = etree.fromstring(document.encode("utf-8"))
    envelope = root.find("QBXMLMsgsRq")
    assert envelope is not None
    return [element.get("requestID") for element in envelope if isinstance(element.tag, str)]


def tags_in(document: str) -> set[str]:
    root = etree.fromstring(document.encode("utf-8"))
    return {element.tag for element in root.iter() if isinstance(element.tag, str)}


@pytest.fixture
def sim(qbxml_schemas: dict[str, QbxmlSchema]) -> Sim:
    return Sim(qbxml_schemas)


# ---- the conformance samples --------------------------------------------------------------

SAMPLE_NAMES = [
    "account_query_rq.xml",
    "customer_add_rq.xml",
    "customer_query_iterator_rq.xml",
    "customer_query_rq.xml",
    "estimate_add_rq.xml",
    "invoice_add_rq.xml",
    "item_inventory_add_rq.xml",
    "purchase_order_query_rq.xml",
    "receive_payment_add_rq.xml",
    "receive_payment_query_rq.xml",
    "sales_receipt_add_rq.xml",
]

# On an empty company: the status of the sample's only request, and the record it names.
EMPTY_COMPANY_STATUS = {
    "account_query_rq.xml": 1,
    "customer_add_rq.xml": 0,
    "customer_query_iterator_rq.xml": 1,
    "customer_query_rq.xml": 1,
    "estimate_add_rq.xml": 3140,  # Customer "Keith's Company"
    "invoice_add_rq.xml": 3140,  # Customer F560000-1197683156
    "item_inventory_add_rq.xml": 3140,  # Account "Sales"
    "purchase_order_query_rq.xml": 1,
    "receive_payment_add_rq.xml": 3140,  # Customer F230000-1196864585
    "receive_payment_query_rq.xml": 1,
    "sales_receipt_add_rq.xml": 3140,  # Customer 80003579-1231522938
}


def _prepare_nothing(sim: Sim, text: str) -> str:
    return text


def _prepare_account_query(sim: Sim, text: str) -> str:
    sim.account("Checking", "Bank")
    return text


def _prepare_customers(sim: Sim, text: str) -> str:
    sim.customer("Keith Palmer")
    sim.customer("Another Customer")
    return text


def _prepare_estimate(sim: Sim, text: str) -> str:
    sim.customer("Keith's Company")
    sim.service_item("Item Name 1")
    sim.service_item("Item Name 2")
    return text


def _prepare_invoice(sim: Sim, text: str) -> str:
    customer = sim.customer("Keith Palmer")
    sim.service_item("Downloaded Invoice")
    return text.replace("F560000-1197683156", customer.list_id)


def _prepare_item_inventory(sim: Sim, text: str) -> str:
    sim.account("Sales", "Income")
    sim.account("Cost of Goods Sold", "CostOfGoodsSold")
    sim.account("Inventory Asset", "OtherCurrentAsset")
    return text


def _prepare_purchase_order(sim: Sim, text: str) -> str:
    sim.vendor("Parts Supplier")
    sim.service_item("Widget")
    add = m.PurchaseOrderAdd(
        vendor_ref=m.VendorRef(full_name="Parts Supplier"),
        ref_number="PO-1",
        purchase_order_line_add=(
            m.PurchaseOrderLineAdd(
                item_ref=m.ItemRef(full_name="Widget"), quantity=Decimal("2"), rate=Decimal("5")
            ),
        ),
    )
    sim.ok(m.PurchaseOrderAddRq(purchase_order_add=add))
    return text


def _prepare_receive_payment(sim: Sim, text: str) -> str:
    customer = sim.customer("Keith Palmer")
    sim.ok(m.PaymentMethodAddRq(payment_method_add=m.PaymentMethodAdd(name="Check")))
    invoice = sim.invoice("Keith Palmer", "9460", amount="195.00")
    return text.replace("F230000-1196864585", customer.list_id).replace(
        "12006-1196864828", invoice.txn_id
    )


def _prepare_receive_payment_query(sim: Sim, text: str) -> str:
    sim.customer("Keith Palmer")
    add = m.ReceivePaymentAdd(
        customer_ref=m.CustomerRef(full_name="Keith Palmer"),
        total_amount=Decimal("20.00"),
        is_auto_apply=True,
    )
    payment = sim.ok(m.ReceivePaymentAddRq(receive_payment_add=add))[0]
    return text.replace("2484-1263499231", payment.txn_id)


def _prepare_sales_receipt(sim: Sim, text: str) -> str:
    customer = sim.customer("Tom Test")
    gift = sim.service_item("Gift Certificate")
    handling = sim.service_item("Handling")
    sim.ok(m.SalesTaxCodeAddRq(sales_tax_code_add=m.SalesTaxCodeAdd(name="NON", is_taxable=False)))
    return (
        text.replace("80003579-1231522938", customer.list_id)
        .replace("200001-1143815300", gift.list_id)
        .replace("80000857-1231503074", handling.list_id)
    )


PREPARE: dict[str, Callable[[Sim, str], str]] = {
    "account_query_rq.xml": _prepare_account_query,
    "customer_add_rq.xml": _prepare_nothing,
    "customer_query_iterator_rq.xml": _prepare_customers,
    "customer_query_rq.xml": _prepare_customers,
    "estimate_add_rq.xml": _prepare_estimate,
    "invoice_add_rq.xml": _prepare_invoice,
    "item_inventory_add_rq.xml": _prepare_item_inventory,
    "purchase_order_query_rq.xml": _prepare_purchase_order,
    "receive_payment_add_rq.xml": _prepare_receive_payment,
    "receive_payment_query_rq.xml": _prepare_receive_payment_query,
    "sales_receipt_add_rq.xml": _prepare_sales_receipt,
}


def test_the_sample_list_is_complete(qbxml_samples_dir: Path) -> None:
    found = sorted(path.name for path in (qbxml_samples_dir / "requests").glob("*.xml"))
    assert found == SAMPLE_NAMES


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_sample_on_an_empty_company(sim: Sim, qbxml_samples_dir: Path, name: str) -> None:
    text = (qbxml_samples_dir / "requests" / name).read_text(encoding="utf-8")
    response = sim.process(text)
    (element,) = response_elements(response)
    assert element.get("requestID") == request_ids(text)[0]
    assert int(element.get("statusCode", "-1")) == EMPTY_COMPANY_STATUS[name]
    if EMPTY_COMPANY_STATUS[name] == 3140:
        assert element.get("statusSeverity") == "Error"
        assert "invalid reference" in (element.get("statusMessage") or "")
        assert len(element) == 0  # a failed Add returns no record


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_sample_on_a_prepared_company(sim: Sim, qbxml_samples_dir: Path, name: str) -> None:
    text = PREPARE[name](sim, (qbxml_samples_dir / "requests" / name).read_text(encoding="utf-8"))
    response = sim.process(text)
    (element,) = response_elements(response)
    assert element.get("requestID") == request_ids(text)[0]
    assert element.get("statusCode") == "0", etree.tostring(element)
    assert element.get("statusSeverity") == "Info"
    assert len(element) >= 1  # the record added or found
    assert all(str(child.tag).endswith("Ret") for child in element)


def test_sample_estimate_resolves_references_by_name(sim: Sim, qbxml_samples_dir: Path) -> None:
    name = "estimate_add_rq.xml"
    text = PREPARE[name](sim, (qbxml_samples_dir / "requests" / name).read_text(encoding="utf-8"))
    (response,) = decode_response_set(sim.process(text)).responses
    (estimate,) = response.records
    customer = sim.query(m.CustomerQueryRq(full_name=("Keith's Company",)))[0]
    assert estimate.customer_ref == m.CustomerRef(
        list_id=customer.list_id, full_name="Keith's Company"
    )
    assert [line.item_ref.full_name for line in estimate.estimate_line_ret] == [
        "Item Name 1",
        "Item Name 2",
    ]
    assert estimate.ref_number == "9668"
    assert estimate.txn_date == date(2007, 12, 14)


def test_sample_iterator_query_pages(sim: Sim, qbxml_samples_dir: Path) -> None:
    text = (qbxml_samples_dir / "requests" / "customer_query_iterator_rq.xml").read_text()
    for n in range(7):
        sim.customer(f"Customer {n}")
    (response,) = decode_response_set(sim.process(text)).responses
    assert response.status.ret_count == 5  # MaxReturned 5
    assert response.status.iterator_remaining_count == 2
    assert response.status.iterator_id
