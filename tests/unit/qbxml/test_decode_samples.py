"""Real QuickBooks documents (conformance/qbxml-samples) decode into typed objects.

The samples are read in place through the ``qbxml_samples_dir`` fixture, never copied.
Responses go through :func:`decode_response_set` (the streaming decoder underneath); requests
through :func:`decode_request_set`, and re-encoding a decoded request for qbXML 13.0 and
decoding it again must give the same objects.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pytest

from qbdlink.qbxml import messages as m
from qbdlink.qbxml import xsd
from qbdlink.qbxml.decode import (
    RequestSet,
    Response,
    ResponseSet,
    decode_request_set,
    decode_response_set,
)
from qbdlink.qbxml.encode import EncodeTarget, encode_request_set
from qbdlink.qbxml.messages import RECORDS, REQUESTS, RESPONSES
from qbdlink.qbxml.versions import QbxmlVersion

SAMPLES = Path(__file__).resolve().parents[4] / "shared" / "conformance" / "qbxml-samples"
RESPONSE_FILES = sorted(path.name for path in (SAMPLES / "responses").glob("*.xml"))
REQUEST_FILES = sorted(path.name for path in (SAMPLES / "requests").glob("*.xml"))

EST = timezone(timedelta(hours=-5))
PST = timezone(timedelta(hours=-8))
V13 = EncodeTarget(version=QbxmlVersion.parse("13.0"))


def response_set(samples: Path, name: str) -> ResponseSet:
    return decode_response_set((samples / "responses" / name).read_bytes())


def only_response(samples: Path, name: str) -> Response:
    decoded = response_set(samples, name)
    assert len(decoded.responses) == 1
    return decoded.responses[0]


def request_set(samples: Path, name: str) -> RequestSet:
    return decode_request_set((samples / "requests" / name).read_bytes())


def pi_version(data: bytes) -> str:
    match = re.search(rb'<\?qbxml version="([^"]+)"\?>', data)
    assert match is not None
    return match.group(1).decode()


def test_sample_lists_are_not_empty(qbxml_samples_dir: Path) -> None:
    assert qbxml_samples_dir.resolve() == SAMPLES.resolve()
    assert len(RESPONSE_FILES) >= 8
    assert len(REQUEST_FILES) >= 11


# --- responses: every document --------------------------------------------------------------------


@pytest.mark.parametrize("name", RESPONSE_FILES)
def test_every_response_sample_decodes_to_typed_records(qbxml_samples_dir: Path, name: str) -> None:
    data = (qbxml_samples_dir / "responses" / name).read_bytes()
    decoded = decode_response_set(data)
    assert decoded.message_set is not None
    assert len(decoded.responses) == 1
    response = decoded.responses[0]
    tag = response.status.tag
    assert tag in RESPONSES
    assert f"<{tag} " in data.decode()
    assert response.status.code == 0
    assert response.status.severity == "Info"
    assert response.status.message == "Status OK"
    assert not response.status.is_failure
    assert isinstance(response.body, RESPONSES[tag])
    # Every top-level record of the document is decoded, as its own class.
    record_tags = re.findall(rb"^      <(\w+Ret)>", data, flags=re.MULTILINE)
    assert [type(record).__name__ for record in response.records] == [
        RECORDS[t.decode()].__name__ for t in record_tags
    ]
    assert response.records
    for record in response.records:
        assert record.to_dict()


@pytest.mark.parametrize("name", RESPONSE_FILES)
def test_every_response_sample_has_request_id_and_tz_aware_times(
    qbxml_samples_dir: Path, name: str
) -> None:
    response = only_response(qbxml_samples_dir, name)
    assert response.status.request_id
    for record in response.records:
        created = getattr(record, "time_created", None)
        assert isinstance(created, datetime)
        assert created.tzinfo is not None
        assert created.utcoffset() is not None


# --- responses: concrete values -------------------------------------------------------------------


def test_customer_query_values(qbxml_samples_dir: Path) -> None:
    response = only_response(qbxml_samples_dir, "customer_query_rs.xml")
    assert response.status.request_id == "Q3VzdG9tZXJRdWVyeXwyODk2"
    assert response.status.tag == "CustomerQueryRs"
    (customer,) = response.records
    assert isinstance(customer, m.CustomerRet)
    assert customer.list_id == "10006-1211236622"
    assert customer.time_created == datetime(2008, 5, 19, 18, 37, 2, tzinfo=EST)
    assert customer.time_modified == datetime(2008, 6, 10, 23, 35, 56, tzinfo=EST)
    assert customer.time_modified.utcoffset() == timedelta(hours=-5)
    assert customer.edit_sequence == "1213155356"
    assert customer.name == customer.full_name == "Keith Palmer"
    assert customer.is_active is True
    assert customer.sublevel == 0
    assert (customer.first_name, customer.last_name) == ("Keith", "Palmer")
    assert customer.bill_address is not None
    assert customer.bill_address.addr1 == "134 Stonemill Road"
    assert customer.bill_address.addr2 == "Suite D"
    assert customer.bill_address.postal_code == "06268"  # a string: the leading zero stays
    assert customer.bill_address.addr3 is None
    assert customer.phone == "(860) 634-1602"
    assert customer.email == "keith@uglyslug.com"
    assert isinstance(customer.balance, Decimal)
    assert customer.balance == Decimal("250.00")
    assert str(customer.balance) == "250.00"
    assert customer.total_balance == Decimal("250.00")
    assert customer.sales_tax_code_ref is not None
    assert customer.sales_tax_code_ref.full_name == "Non"
    assert customer.item_sales_tax_ref is not None
    assert customer.item_sales_tax_ref.list_id == "10000-1211066051"
    assert customer.item_sales_tax_ref.full_name == "Out of State"
    assert customer.job_status == "None"
    assert customer.company_name is None
    assert customer.data_ext_ret == ()


def test_customer_query_ship_address(qbxml_samples_dir: Path) -> None:
    (customer,) = only_response(qbxml_samples_dir, "customer_query_rs.xml").records
    assert isinstance(customer, m.CustomerRet)
    assert customer.ship_address is not None
    assert customer.ship_address.to_dict() == {
        "addr1": "134 Stonemill Road",
        "addr2": "Suite D",
        "city": "Storrs",
        "state": "CT",
        "postal_code": "06268",
        "country": "USA",
    }


def test_iterator_response_status(qbxml_samples_dir: Path) -> None:
    response = only_response(qbxml_samples_dir, "customer_query_terator_rs.xml")
    status = response.status
    assert status.iterator_id == "{eb05f701-e727-472f-8ade-6753c4f67a46}"
    assert status.iterator_remaining_count == 18
    assert status.request_id == "1"
    assert status.ret_count is None
    (customer,) = response.records
    assert isinstance(customer, m.CustomerRet)
    assert customer.name == "10th Customer"
    assert customer.balance == Decimal("0.00")
    assert isinstance(response.body, m.CustomerQueryRs)
    assert response.body.iterator_remaining_count == 18
    assert response.body.iterator_id == status.iterator_id


def test_account_query_records(qbxml_samples_dir: Path) -> None:
    response = only_response(qbxml_samples_dir, "account_query_rs.xml")
    assert response.status.request_id == "52"
    assert len(response.records) == 2
    checking, receivable = response.records
    assert isinstance(checking, m.AccountRet)
    assert isinstance(receivable, m.AccountRet)
    assert checking.name == "Checking"
    assert checking.account_type == "Bank"
    assert checking.balance == Decimal("-197.02")
    assert checking.time_created == datetime(2008, 4, 29, 23, 25, 41, tzinfo=EST)
    # A nested *Ret inside a record belongs to the record.
    assert checking.tax_line_info_ret is not None
    assert checking.tax_line_info_ret.tax_line_id == 1864
    assert checking.tax_line_info_ret.tax_line_name == "B/S-Assets: Cash"
    assert checking.cash_flow_classification == "NotApplicable"
    assert receivable.account_number == "11000"
    assert receivable.special_account_type == "AccountsReceivable"
    assert receivable.desc == "Unpaid or unapplied customer "  # whitespace is data
    assert receivable.total_balance == Decimal("951.65")
    assert receivable.tax_line_info_ret is None


def test_receive_payment_query_is_lenient_but_complete(qbxml_samples_dir: Path) -> None:
    # Not valid against the 13.0 XSD (elements out of order), yet real QuickBooks output.
    response = only_response(qbxml_samples_dir, "receive_payment_query_rs.xml")
    (payment,) = response.records
    assert isinstance(payment, m.ReceivePaymentRet)
    assert payment.txn_id == "2484-1263499231"
    assert payment.time_created == datetime(2010, 1, 14, 12, 0, 31, tzinfo=PST)
    assert payment.txn_number == 1664
    assert payment.customer_ref is not None
    assert payment.customer_ref.full_name == "Greg F"
    assert payment.txn_date == date(2009, 10, 2)
    assert payment.total_amount == Decimal("112.35")
    assert payment.unused_payment == Decimal("0.00")
    assert payment.credit_card_txn_info is not None
    card = payment.credit_card_txn_info.credit_card_txn_input_info
    assert card is not None
    assert card.expiration_month == 1
    assert card.expiration_year == 2011
    assert card.transaction_mode == "CardNotPresent"
    (applied,) = payment.applied_to_txn_ret
    assert applied.txn_id == "244B-1263497335"
    assert applied.txn_type == "Invoice"
    assert applied.txn_date == date(2009, 9, 30)
    assert applied.ref_number == "OP13988"
    assert applied.balance_remaining == Decimal("0.00")
    assert applied.amount == Decimal("112.35")


def test_receive_payment_sample_is_indeed_not_schema_valid(
    qbxml_samples_dir: Path, qbxml_schemas: dict[str, xsd.QbxmlSchema]
) -> None:
    data = (qbxml_samples_dir / "responses" / "receive_payment_query_rs.xml").read_bytes()
    assert qbxml_schemas["13.0"].validate(data) != []


def test_purchase_order_query(qbxml_samples_dir: Path) -> None:
    response = only_response(qbxml_samples_dir, "purchase_order_query_rs.xml")
    assert response.status.iterator_remaining_count == 0
    assert response.status.iterator_id == "{ee76b904-7ef8-4b83-9841-63d4715a273b}"
    (order,) = response.records
    assert isinstance(order, m.PurchaseOrderRet)
    assert order.txn_id == "30-1285640333"
    assert order.txn_number == 10
    assert order.vendor_ref is not None
    assert order.vendor_ref.full_name == "Test Vendor 1"
    assert order.txn_date == date(2010, 9, 27)
    assert order.due_date == date(2010, 12, 26)
    assert order.total_amount == Decimal("125.00")
    assert order.is_manually_closed is False
    assert order.is_to_be_printed is True
    (line,) = order.purchase_order_line_ret
    assert line.txn_line_id == "32-1285640333"
    assert line.item_ref is not None
    assert line.item_ref.full_name == "test inventory part"
    assert line.quantity == Decimal("5")
    assert line.rate == Decimal("25.00")
    assert line.amount == Decimal("125.00")
    assert line.received_quantity == Decimal("0")
    # The three custom fields stay inside the order: nested DataExtRet is not a record.
    assert [(ext.data_ext_name, ext.data_ext_value) for ext in order.data_ext_ret] == [
        ("Custom Field 1", "test 1"),
        ("Custom Field 2", "test 2"),
        ("Custom Field 3", "test 3"),
    ]
    assert all(ext.owner_id == "0" for ext in order.data_ext_ret)


def test_customer_add_response(qbxml_samples_dir: Path) -> None:
    response = only_response(qbxml_samples_dir, "customer_add_rs.xml")
    (customer,) = response.records
    assert isinstance(customer, m.CustomerRet)
    assert customer.name == "20706 - Eastern XYZ University"
    assert customer.bill_address is not None
    assert customer.bill_address.addr3 == "123 XYZ Road"
    assert customer.balance == Decimal("0.00")
    assert customer.time_created == datetime(2007, 12, 14, 20, 45, 54, tzinfo=EST)


def test_item_inventory_add_response(qbxml_samples_dir: Path) -> None:
    (item,) = only_response(qbxml_samples_dir, "item_inventory_add_rs.xml").records
    assert isinstance(item, m.ItemInventoryRet)
    assert item.sales_price == Decimal("85.00")
    assert item.quantity_on_hand == Decimal("0")
    assert item.cogs_account_ref is not None
    assert item.cogs_account_ref.full_name == "Cost of Goods Sold"


def test_sales_receipt_add_response(qbxml_samples_dir: Path) -> None:
    (receipt,) = only_response(qbxml_samples_dir, "sales_receipt_add_rs.xml").records
    assert isinstance(receipt, m.SalesReceiptRet)
    assert receipt.txn_number == 64951
    assert receipt.is_pending is True
    assert receipt.sales_tax_percentage == Decimal("5.00")
    assert receipt.bill_address_block is not None
    assert receipt.bill_address_block.addr4 == "Concord, Massachusetts 01742"
    assert len(receipt.sales_receipt_line_ret) == 2
    gift, handling = receipt.sales_receipt_line_ret
    assert gift.quantity == Decimal("1")
    assert gift.amount == Decimal("150.00")
    assert handling.quantity is None
    assert handling.desc == "Handling Charge"


# --- requests ------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", REQUEST_FILES)
def test_every_request_sample_decodes(qbxml_samples_dir: Path, name: str) -> None:
    data = (qbxml_samples_dir / "requests" / name).read_bytes()
    decoded = decode_request_set(data)
    assert decoded.version == QbxmlVersion.parse(pi_version(data))
    assert decoded.on_error in ("stopOnError", "continueOnError")
    assert len(decoded.requests) == 1
    request = decoded.requests[0]
    tag = type(request).__name__
    assert REQUESTS[tag] is type(request)
    assert f"<{tag}" in data.decode()


@pytest.mark.parametrize("name", REQUEST_FILES)
def test_every_request_sample_round_trips_through_13_0(qbxml_samples_dir: Path, name: str) -> None:
    decoded = request_set(qbxml_samples_dir, name)
    xml = encode_request_set(decoded.requests, target=V13, on_error=decoded.on_error or "")
    assert '<?qbxml version="13.0"?>' in xml
    again = decode_request_set(xml)
    assert again.requests == decoded.requests
    assert again.on_error == decoded.on_error
    assert again.version == QbxmlVersion(13, 0)


@pytest.mark.parametrize("name", REQUEST_FILES)
def test_re_encoded_request_samples_are_schema_valid(
    qbxml_samples_dir: Path, qbxml_schemas: dict[str, xsd.QbxmlSchema], name: str
) -> None:
    decoded = request_set(qbxml_samples_dir, name)
    xml = encode_request_set(decoded.requests, target=V13)
    assert qbxml_schemas["13.0"].validate(xml.encode()) == []


def test_customer_add_request_values(qbxml_samples_dir: Path) -> None:
    decoded = request_set(qbxml_samples_dir, "customer_add_rq.xml")
    assert decoded.version == QbxmlVersion(2, 0)
    (request,) = decoded.requests
    assert isinstance(request, m.CustomerAddRq)
    assert request.request_id == "15"
    add = request.customer_add
    assert add.name == "20706 - Eastern XYZ University"
    assert add.bill_address is not None
    assert add.bill_address.postal_code == "06268"
    assert add.bill_address.country == "United States"
    assert add.email == "keith@consolibyte.com"


def test_iterator_request_values(qbxml_samples_dir: Path) -> None:
    decoded = request_set(qbxml_samples_dir, "customer_query_iterator_rq.xml")
    assert decoded.version == QbxmlVersion(5, 0)
    assert decoded.on_error == "continueOnError"
    (request,) = decoded.requests
    assert isinstance(request, m.CustomerQueryRq)
    assert request.iterator == "Start"
    assert request.max_returned == 5
    assert request.from_modified_date == datetime(1984, 1, 29, 22, 3, 19)
    assert request.owner_id == ("0",)


def test_invoice_add_request_empty_elements_are_unset(qbxml_samples_dir: Path) -> None:
    (request,) = request_set(qbxml_samples_dir, "invoice_add_rq.xml").requests
    assert isinstance(request, m.InvoiceAddRq)
    add = request.invoice_add
    assert add.po_number is None  # <PONumber/>
    assert add.memo is None  # <Memo/>
    assert add.txn_date == date(2007, 12, 14)
    assert [line.quantity for line in add.invoice_line_add] == [Decimal("1"), Decimal("3")]
    assert [line.rate for line in add.invoice_line_add] == [Decimal("295"), Decimal("25")]


def test_receive_payment_add_request_ignores_comments(qbxml_samples_dir: Path) -> None:
    decoded = request_set(qbxml_samples_dir, "receive_payment_add_rq.xml")
    assert decoded.version == QbxmlVersion(2, 1)
    (request,) = decoded.requests
    assert isinstance(request, m.ReceivePaymentAddRq)
    add = request.receive_payment_add
    assert add.customer_ref.list_id == "F230000-1196864585"
    assert add.customer_ref.full_name is None  # only in a comment
    assert add.ar_account_ref is None
    assert add.total_amount == Decimal("195.00")
    (applied,) = add.applied_to_txn_add
    assert applied.payment_amount == Decimal("195.00")


def test_purchase_order_query_request(qbxml_samples_dir: Path) -> None:
    (request,) = request_set(qbxml_samples_dir, "purchase_order_query_rq.xml").requests
    assert isinstance(request, m.PurchaseOrderQueryRq)
    assert request.iterator == "Start"
    assert request.max_returned == 10
    assert request.include_line_items is True
    assert request.modified_date_range_filter is None  # commented out
