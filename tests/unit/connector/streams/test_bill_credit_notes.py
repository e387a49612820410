"""The bill credit notes stream: QuickBooks' vendor credits as Codat bill credit notes."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from qbdlink.connector.streams import bill_credit_notes, bill_payments
from qbdlink.connector.streams.base import QueryWindow
from qbdlink.qbxml import Edition
from qbdlink.qbxml import messages as m
from qbdlink.simulator.samples.chart import chart_for

D = Decimal
EDITIONS = (Edition.US, Edition.UK, Edition.CA)
EVERYTHING = QueryWindow(modified_from=None, modified_to=None)


def test_the_query_asks_for_lines_links_and_custom_fields() -> None:
    query = bill_credit_notes.build_vendor_credit_query(EVERYTHING)
    assert isinstance(query, m.VendorCreditQueryRq)
    assert (query.include_line_items, query.include_linked_txns) == (True, True)
    assert (query.owner_id, query.modified_date_range_filter) == (("0",), None)
    assert bill_credit_notes.STREAM.txn_del_types == ("VendorCredit",)


@pytest.mark.parametrize("edition", EDITIONS, ids=lambda e: e.value)
def test_every_vendor_credit_of_a_sample_company_is_valid_and_adds_up(
    edition: Edition, pull_txn_stream: Any, validate_record: Any
) -> None:
    pulled = pull_txn_stream(bill_credit_notes.STREAM, edition)
    if edition is Edition.US:
        assert pulled
    ids = [item.record.id for item in pulled]
    assert len(set(ids)) == len(ids)
    for item in pulled:
        note = item.record
        validate_record("billCreditNotes", note)
        assert note.total_amount == item.ret.credit_amount
        assert sum(line.sub_total for line in note.line_items) == note.sub_total
        assert note.total_amount == note.sub_total + note.total_tax_amount
        assert 0 <= note.remaining_credit <= note.total_amount
        assert note.status in ("Submitted", "PartiallyPaid", "Paid")


@pytest.mark.parametrize("edition", EDITIONS, ids=lambda e: e.value)
def test_a_vendor_credit_used_to_pay_a_bill(
    edition: Edition, fresh_company: Any, validate_record: Any
) -> None:
    company = fresh_company(edition)
    chart = chart_for(edition)
    vendor = company.first(m.VendorQueryRq(max_returned=1))
    account = m.AccountRef(full_name=chart.expenses[0])
    credit = company.write(
        m.VendorCreditAddRq(
            vendor_credit_add=m.VendorCreditAdd(
                vendor_ref=m.VendorRef(list_id=vendor.list_id),
                txn_date=date(2024, 7, 1),
                ref_number="CR-55",
                memo="Returned materials",
                expense_line_add=(m.ExpenseLineAdd(account_ref=account, amount=D("30.00")),),
            )
        )
    )
    bill = company.write(
        m.BillAddRq(
            bill_add=m.BillAdd(
                vendor_ref=m.VendorRef(list_id=vendor.list_id),
                txn_date=date(2024, 7, 2),
                expense_line_add=(m.ExpenseLineAdd(account_ref=account, amount=D("100.00")),),
            )
        )
    )
    (note,) = company.pull(bill_credit_notes.STREAM)
    validate_record("billCreditNotes", note)
    assert (note.id, note.bill_credit_note_number, note.note) == (
        credit.txn_id,
        "CR-55",
        "Returned materials",
    )
    assert (note.status, note.total_amount, note.remaining_credit) == ("Submitted", 30, 30)
    assert note.supplier_ref.id == vendor.list_id

    payment = company.write(
        m.BillPaymentCheckAddRq(
            bill_payment_check_add=m.BillPaymentCheckAdd(
                payee_entity_ref=m.PayeeEntityRef(list_id=vendor.list_id),
                txn_date=date(2024, 7, 15),
                bank_account_ref=m.BankAccountRef(full_name=chart.checking),
                ref_number="3003",
                applied_to_txn_add=(
                    m.AppliedToTxnAdd(
                        txn_id=bill.txn_id,
                        payment_amount=D("70.00"),
                        set_credit=(
                            m.SetCredit(credit_txn_id=credit.txn_id, applied_amount=D("30.00")),
                        ),
                    ),
                ),
            )
        )
    )
    (note,) = company.pull(bill_credit_notes.STREAM)
    assert (note.status, note.remaining_credit) == ("Paid", 0)
    (allocation,) = note.payment_allocations
    assert allocation.allocation.total_amount == D("30.00")
    # The credit links to the bill (a document): when it was applied is not in qbXML.
    assert note.allocated_on_date is None
    assert allocation.payment.id == bill.txn_id

    (paid,) = company.pull(bill_payments.STREAM)
    assert (paid.id, paid.reference, paid.total_amount) == (payment.txn_id, "3003", D(70))
    (line,) = paid.lines
    assert [(link.type, link.id, link.amount) for link in line.links] == [
        ("Bill", bill.txn_id, D("-100.00")),
        ("CreditNote", credit.txn_id, D("30.00")),
    ]
