"""The bill payments stream: QuickBooks' bill payments by cheque and by card as Codat's."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from qbdlink.connector.streams import bill_payments, bills
from qbdlink.connector.streams.base import QueryWindow
from qbdlink.model.accounting.bill_payment import BillPayment
from qbdlink.qbxml import Edition
from qbdlink.qbxml import messages as m
from qbdlink.simulator.samples.chart import chart_for

D = Decimal
EDITIONS = (Edition.US, Edition.UK, Edition.CA)
EVERYTHING = QueryWindow(modified_from=None, modified_to=None)


def assert_lines_balance(payment: BillPayment) -> None:
    lines = payment.lines or []
    assert sum((line.amount for line in lines), D(0)) == payment.total_amount
    for line in lines:
        assert line.amount + sum((link.amount or D(0) for link in line.links or []), D(0)) == 0


def test_two_queries_one_for_cheques_one_for_cards() -> None:
    check, card = (part.build(EVERYTHING) for part in bill_payments.STREAM.parts)
    assert isinstance(check, m.BillPaymentCheckQueryRq)
    assert isinstance(card, m.BillPaymentCreditCardQueryRq)
    for query in (check, card):
        assert (query.include_line_items, query.owner_id) == (True, ("0",))  # type: ignore[attr-defined]
    assert bill_payments.STREAM.txn_del_types == ("BillPaymentCheck", "BillPaymentCreditCard")


@pytest.mark.parametrize("edition", EDITIONS, ids=lambda e: e.value)
def test_every_bill_payment_of_a_sample_company_is_valid_and_balances(
    edition: Edition, pull_txn_stream: Any, validate_record: Any
) -> None:
    pulled = pull_txn_stream(bill_payments.STREAM, edition)
    bill_ids = {item.record.id for item in pull_txn_stream(bills.STREAM, edition)}
    assert pulled
    ids = [item.record.id for item in pulled]
    assert all(ids) and len(set(ids)) == len(ids)
    chart = chart_for(edition)
    for item in pulled:
        payment = item.record
        validate_record("billPayments", payment)
        assert payment.total_amount == item.ret.amount
        assert payment.supplier_ref is not None
        expected_account = chart.checking if item.part.name == "billPaymentChecks" else None
        if expected_account:
            assert payment.account_ref.name == expected_account
        assert_lines_balance(payment)
        for line in payment.lines or []:
            assert line.links[0].type == "Bill" and line.links[0].id in bill_ids


@pytest.mark.parametrize("edition", [Edition.US, Edition.UK], ids=lambda e: e.value)
def test_a_bill_paid_by_credit_card(
    edition: Edition, fresh_company: Any, validate_record: Any
) -> None:
    company = fresh_company(edition)
    chart = chart_for(edition)
    vendor = company.first(m.VendorQueryRq(max_returned=1))
    added = company.write(
        m.BillAddRq(
            bill_add=m.BillAdd(
                vendor_ref=m.VendorRef(list_id=vendor.list_id),
                txn_date=date(2024, 6, 1),
                expense_line_add=(
                    m.ExpenseLineAdd(
                        account_ref=m.AccountRef(full_name=chart.expenses[0]), amount=D("64.20")
                    ),
                ),
            )
        )
    )
    card = company.write(
        m.BillPaymentCreditCardAddRq(
            bill_payment_credit_card_add=m.BillPaymentCreditCardAdd(
                payee_entity_ref=m.PayeeEntityRef(list_id=vendor.list_id),
                txn_date=date(2024, 6, 12),
                credit_card_account_ref=m.CreditCardAccountRef(full_name=chart.credit_card),
                memo="Card payment",
                applied_to_txn_add=(
                    m.AppliedToTxnAdd(txn_id=added.txn_id, payment_amount=D("64.20")),
                ),
            )
        )
    )
    (payment,) = company.pull(bill_payments.STREAM)
    validate_record("billPayments", payment)
    assert payment.id == card.txn_id
    assert payment.supplier_ref.id == vendor.list_id
    assert payment.account_ref.name == chart.credit_card
    assert (payment.total_amount, payment.date, payment.note) == (
        D("64.20"),
        "2024-06-12T00:00:00",
        "Card payment",
    )
    (line,) = payment.lines
    assert line.amount == D("64.20")
    assert [(link.type, link.id, link.amount) for link in line.links] == [
        ("Bill", added.txn_id, D("-64.20"))
    ]
    assert line.allocated_on_date == "2024-06-12T00:00:00"

    (bill,) = company.pull(bills.STREAM)
    assert (bill.status, bill.amount_due) == ("Paid", 0)
    (allocation,) = bill.payment_allocations
    assert allocation.payment.id == card.txn_id
    assert allocation.allocation.total_amount == D("-64.20")
