"""The payments stream: QuickBooks' received payments as Codat payments."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from qbdlink.connector.streams import invoices, payments
from qbdlink.connector.streams.base import QueryWindow
from qbdlink.model.accounting.payment import Payment
from qbdlink.qbxml import Edition
from qbdlink.qbxml import messages as m

D = Decimal
EDITIONS = (Edition.US, Edition.UK, Edition.CA)
EVERYTHING = QueryWindow(modified_from=None, modified_to=None)


def assert_lines_balance(payment: Payment) -> None:
    """Codat's rules: each line and its links add up to 0; the lines add up to the total."""
    lines = payment.lines or []
    assert sum((line.amount for line in lines), D(0)) == payment.total_amount
    for line in lines:
        assert line.amount + sum((link.amount or D(0) for link in line.links or []), D(0)) == 0


def test_the_query_asks_for_applied_transactions_and_custom_fields() -> None:
    query = payments.build_receive_payment_query(EVERYTHING)
    assert isinstance(query, m.ReceivePaymentQueryRq)
    assert (query.include_line_items, query.owner_id) == (True, ("0",))
    assert query.modified_date_range_filter is None
    assert payments.STREAM.txn_del_types == ("ReceivePayment",)


def test_quickbooks_own_answer_maps_to_a_valid_payment(
    sample_rets: Any, make_txn_context: Any, validate_record: Any
) -> None:
    (ret,) = sample_rets("receive_payment_query_rs.xml")
    payment = payments.map_receive_payment(ret, make_txn_context(Edition.US))
    dump = validate_record("payments", payment)
    assert dump == {
        "id": "2484-1263499231",
        "modifiedDate": "2024-06-03T09:15:00Z",
        "sourceModifiedDate": "2010-10-04T03:15:35Z",
        "metadata": {"isDeleted": False},
        "customerRef": {"id": "800002FB-1263497272", "companyName": "Greg F"},
        "accountRef": {"id": "8000006A-1257362708", "name": "Undeposited Funds"},
        "paymentMethodRef": {"id": "80000005-1257354059", "name": "Visa"},
        "totalAmount": 112.35,
        "currency": "USD",
        "date": "2009-10-02T00:00:00",
        "lines": [
            {
                "amount": 112.35,
                "links": [{"type": "Invoice", "id": "244B-1263497335", "amount": -112.35}],
                "allocatedOnDate": "2009-10-02T00:00:00",
            }
        ],
        "reference": "101",
    }


@pytest.mark.parametrize("edition", EDITIONS, ids=lambda e: e.value)
def test_every_payment_of_a_sample_company_is_valid_and_balances(
    edition: Edition, pull_txn_stream: Any, validate_record: Any
) -> None:
    pulled = pull_txn_stream(payments.STREAM, edition)
    invoice_ids = {item.record.id for item in pull_txn_stream(invoices.STREAM, edition)}
    assert len(pulled) > 3
    ids = [item.record.id for item in pulled]
    assert all(ids) and len(set(ids)) == len(ids)
    for item in pulled:
        payment = item.record
        validate_record("payments", payment)
        assert payment.total_amount == item.ret.total_amount
        assert payment.account_ref is not None and payment.account_ref.id
        assert payment.customer_ref is not None
        assert_lines_balance(payment)
        for line in payment.lines or []:
            for link in line.links or []:
                if link.type == "Invoice":
                    assert link.id in invoice_ids


# ---- focused cases, written through qbXML -----------------------------------------------------


def test_what_a_payment_leaves_unapplied_is_a_payment_on_account(fresh_company: Any) -> None:
    company = fresh_company(Edition.US)
    customer = company.first(m.CustomerQueryRq(max_returned=1))
    service = company.first(m.ItemServiceQueryRq(max_returned=1))
    invoice = company.write(
        m.InvoiceAddRq(
            invoice_add=m.InvoiceAdd(
                customer_ref=m.CustomerRef(list_id=customer.list_id),
                txn_date=date(2024, 4, 2),
                invoice_line_add=(
                    m.InvoiceLineAdd(
                        item_ref=m.ItemRef(list_id=service.list_id),
                        quantity=D(1),
                        rate=D("200.00"),
                    ),
                ),
            )
        )
    )
    added = company.write(
        m.ReceivePaymentAddRq(
            receive_payment_add=m.ReceivePaymentAdd(
                customer_ref=m.CustomerRef(list_id=customer.list_id),
                txn_date=date(2024, 4, 9),
                ref_number="5521",
                total_amount=D("300.00"),
                memo="Thanks",
                applied_to_txn_add=(
                    m.AppliedToTxnAdd(txn_id=invoice.txn_id, payment_amount=D("200.00")),
                ),
            )
        )
    )
    (payment,) = company.pull(payments.STREAM)
    assert payment.id == added.txn_id
    assert (payment.total_amount, payment.reference, payment.note) == (D(300), "5521", "Thanks")
    assert payment.date == "2024-04-09T00:00:00"
    assert payment.account_ref.name == "Undeposited Funds"
    applied, on_account = payment.lines
    assert applied.amount == D(200)
    assert [(link.type, link.id, link.amount) for link in applied.links] == [
        ("Invoice", invoice.txn_id, D(-200))
    ]
    assert on_account.amount == D(100)
    assert [(link.type, link.id, link.amount) for link in on_account.links] == [
        ("PaymentOnAccount", customer.list_id, D(-100))
    ]
    assert_lines_balance(payment)
