"""The credit notes stream: QuickBooks' credit memos as Codat credit notes."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from qbdlink.connector.streams import credit_notes, payments
from qbdlink.connector.streams.base import QueryWindow
from qbdlink.model.accounting.credit_note import CreditNote
from qbdlink.qbxml import Edition
from qbdlink.qbxml import messages as m

D = Decimal
EDITIONS = (Edition.US, Edition.UK, Edition.CA)
EVERYTHING = QueryWindow(modified_from=None, modified_to=None)


def expected_status(note: CreditNote) -> str:
    if note.note and note.note.startswith("VOID:") and note.total_amount == 0:
        return "Void"
    if note.total_amount > 0 and note.remaining_credit == 0:
        return "Paid"
    if 0 < note.remaining_credit < note.total_amount:
        return "PartiallyPaid"
    return "Submitted"


def test_the_query_asks_for_lines_links_and_custom_fields() -> None:
    query = credit_notes.build_credit_memo_query(EVERYTHING)
    assert isinstance(query, m.CreditMemoQueryRq)
    assert (query.include_line_items, query.include_linked_txns) == (True, True)
    assert (query.owner_id, query.modified_date_range_filter) == (("0",), None)
    assert credit_notes.STREAM.txn_del_types == ("CreditMemo",)


@pytest.mark.parametrize("edition", EDITIONS, ids=lambda e: e.value)
def test_every_credit_note_of_a_sample_company_is_valid_and_adds_up(
    edition: Edition, pull_txn_stream: Any, validate_record: Any
) -> None:
    pulled = pull_txn_stream(credit_notes.STREAM, edition)
    if edition is Edition.US:
        assert pulled
    ids = [item.record.id for item in pulled]
    assert len(set(ids)) == len(ids)
    for item in pulled:
        note = item.record
        validate_record("creditNotes", note)
        assert note.id == item.ret.txn_id
        assert sum(line.sub_total for line in note.line_items) == note.sub_total
        assert note.total_amount == note.sub_total + note.total_tax_amount
        assert 0 <= note.remaining_credit <= note.total_amount
        assert note.status == expected_status(note)
        assert (note.total_discount, note.discount_percentage) == (0, 0)


@pytest.mark.parametrize("edition", EDITIONS, ids=lambda e: e.value)
def test_a_credit_used_on_an_invoice(
    edition: Edition, fresh_company: Any, validate_record: Any
) -> None:
    company = fresh_company(edition)
    customer = m.CustomerRef(list_id=company.first(m.CustomerQueryRq(max_returned=1)).list_id)
    service = m.ItemRef(list_id=company.first(m.ItemServiceQueryRq(max_returned=1)).list_id)
    # An exempt line in every edition, so the amounts are the same everywhere.
    code = None if edition is Edition.US else m.SalesTaxCodeRef(full_name="E")
    memo = company.write(
        m.CreditMemoAddRq(
            credit_memo_add=m.CreditMemoAdd(
                customer_ref=customer,
                txn_date=date(2024, 5, 2),
                ref_number="CM-7",
                memo="Returned goods",
                credit_memo_line_add=(
                    m.CreditMemoLineAdd(
                        item_ref=service,
                        desc="Returned",
                        quantity=D(1),
                        rate=D("100.00"),
                        sales_tax_code_ref=code,
                    ),
                ),
            )
        )
    )
    invoice = company.write(
        m.InvoiceAddRq(
            invoice_add=m.InvoiceAdd(
                customer_ref=customer,
                txn_date=date(2024, 5, 3),
                invoice_line_add=(
                    m.InvoiceLineAdd(
                        item_ref=service, quantity=D(3), rate=D("100.00"), sales_tax_code_ref=code
                    ),
                ),
            )
        )
    )
    (note,) = company.pull(credit_notes.STREAM)
    validate_record("creditNotes", note)
    assert (note.status, note.total_amount, note.remaining_credit) == ("Submitted", 100, 100)
    assert (note.credit_note_number, note.note) == ("CM-7", "Returned goods")
    assert note.issue_date == "2024-05-02T00:00:00"

    payment = company.write(
        m.ReceivePaymentAddRq(
            receive_payment_add=m.ReceivePaymentAdd(
                customer_ref=customer,
                txn_date=date(2024, 5, 20),
                total_amount=D("150.00"),
                applied_to_txn_add=(
                    m.AppliedToTxnAdd(
                        txn_id=invoice.txn_id,
                        payment_amount=D("150.00"),
                        set_credit=(
                            m.SetCredit(credit_txn_id=memo.txn_id, applied_amount=D("40.00")),
                        ),
                    ),
                ),
            )
        )
    )
    (note,) = company.pull(credit_notes.STREAM)
    validate_record("creditNotes", note)
    assert (note.status, note.remaining_credit) == ("PartiallyPaid", D("60.00"))
    (allocation,) = note.payment_allocations or []
    assert allocation.allocation.total_amount == D("40.00")
    assert note.allocated_on_date is None

    (paid,) = company.pull(payments.STREAM)
    assert paid.id == payment.txn_id
    (line,) = paid.lines
    assert line.amount == D("150.00")
    assert [(link.type, link.id, link.amount) for link in line.links] == [
        ("Invoice", invoice.txn_id, D("-190.00")),
        ("CreditNote", memo.txn_id, D("40.00")),
    ]


def test_a_voided_credit_memo_is_void(fresh_company: Any) -> None:
    company = fresh_company(Edition.CA)
    customer = m.CustomerRef(list_id=company.first(m.CustomerQueryRq(max_returned=1)).list_id)
    service = m.ItemRef(list_id=company.first(m.ItemServiceQueryRq(max_returned=1)).list_id)
    memo = company.write(
        m.CreditMemoAddRq(
            credit_memo_add=m.CreditMemoAdd(
                customer_ref=customer,
                credit_memo_line_add=(
                    m.CreditMemoLineAdd(item_ref=service, quantity=D(2), rate=D("12.50")),
                ),
            )
        )
    )
    company.send(m.TxnVoidRq(txn_void_type="CreditMemo", txn_id=memo.txn_id))
    (note,) = company.pull(credit_notes.STREAM)
    assert (note.status, note.total_amount, note.remaining_credit) == ("Void", 0, 0)
    assert note.note == "VOID:"
