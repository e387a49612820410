"""The bills stream: QuickBooks' bills as Codat bills."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from qbdlink.connector.streams import bills
from qbdlink.connector.streams.base import QueryWindow
from qbdlink.model.accounting.bill import Bill
from qbdlink.qbxml import Edition
from qbdlink.qbxml import messages as m
from qbdlink.simulator.samples.chart import chart_for

D = Decimal
EDITIONS = (Edition.US, Edition.UK, Edition.CA)
EVERYTHING = QueryWindow(modified_from=None, modified_to=None)


def expected_status(bill: Bill) -> str:
    assert bill.amount_due is not None
    if bill.note and bill.note.startswith("VOID:") and bill.total_amount == 0:
        return "Void"
    if bill.total_amount > 0 and bill.amount_due == 0:
        return "Paid"
    if 0 < bill.amount_due < bill.total_amount:
        return "PartiallyPaid"
    return "Open"


def test_the_query_asks_for_lines_links_and_custom_fields() -> None:
    query = bills.build_bill_query(EVERYTHING)
    assert isinstance(query, m.BillQueryRq)
    assert (query.include_line_items, query.include_linked_txns) == (True, True)
    assert (query.owner_id, query.modified_date_range_filter) == (("0",), None)
    assert bills.STREAM.txn_del_types == ("Bill",)


@pytest.mark.parametrize("edition", EDITIONS, ids=lambda e: e.value)
def test_every_bill_of_a_sample_company_is_valid_and_adds_up(
    edition: Edition, pull_txn_stream: Any, validate_record: Any
) -> None:
    pulled = pull_txn_stream(bills.STREAM, edition)
    assert len(pulled) > 3
    ids = [item.record.id for item in pulled]
    assert all(ids) and len(set(ids)) == len(ids)
    statuses = set()
    for item in pulled:
        bill = item.record
        validate_record("bills", bill)
        assert bill.id == item.ret.txn_id
        assert bill.supplier_ref is not None
        assert bill.supplier_ref.id == item.ret.vendor_ref.list_id
        assert sum(line.sub_total for line in bill.line_items) == bill.sub_total
        assert bill.total_amount == bill.sub_total + bill.tax_amount == item.ret.amount_due
        assert 0 <= bill.amount_due <= bill.total_amount
        assert bill.status == expected_status(bill)
        paid = -sum((a.allocation.total_amount for a in bill.payment_allocations or []), D(0))
        assert paid == bill.total_amount - bill.amount_due
        for line in bill.line_items:
            assert (line.account_ref is None) != (line.item_ref is None)
            if edition is not Edition.US:
                assert line.tax_rate_ref is not None
        statuses.add(bill.status)
    assert {"Open", "Paid"} <= statuses


# ---- focused cases, written through qbXML -----------------------------------------------------


def _bill(company: Any, **fields: Any) -> Any:
    chart = chart_for(company.edition)
    vendor = company.first(m.VendorQueryRq(max_returned=1))
    customer = company.first(m.CustomerQueryRq(max_returned=1))
    item = company.first(m.ItemNonInventoryQueryRq(max_returned=1))
    return company.write(
        m.BillAddRq(
            bill_add=m.BillAdd(
                vendor_ref=m.VendorRef(list_id=vendor.list_id),
                txn_date=date(2024, 2, 5),
                due_date=date(2024, 3, 6),
                ref_number="SUP-881",
                expense_line_add=(
                    m.ExpenseLineAdd(
                        account_ref=m.AccountRef(full_name=chart.expenses[0]),
                        amount=D("120.00"),
                        memo="Flyers",
                    ),
                    m.ExpenseLineAdd(
                        account_ref=m.AccountRef(full_name=chart.expenses[1]),
                        amount=D("80.00"),
                        customer_ref=m.CustomerRef(list_id=customer.list_id),
                        billable_status="Billable",
                    ),
                ),
                item_line_add=(
                    m.ItemLineAdd(
                        item_ref=m.ItemRef(list_id=item.list_id),
                        desc="Parts",
                        quantity=D(4),
                        cost=D("12.50"),
                    ),
                ),
                **fields,
            )
        )
    )


def test_expense_and_item_lines_and_a_job_cost(fresh_company: Any, validate_record: Any) -> None:
    company = fresh_company(Edition.US)
    added = _bill(company, memo="February supplies")
    (bill,) = company.pull(bills.STREAM)
    validate_record("bills", bill)
    assert (bill.id, bill.reference, bill.note) == (added.txn_id, "SUP-881", "February supplies")
    assert (bill.issue_date, bill.due_date) == ("2024-02-05T00:00:00", "2024-03-06T00:00:00")
    assert (bill.sub_total, bill.tax_amount, bill.total_amount) == (D(250), D(0), D(250))
    assert (bill.amount_due, bill.status, bill.currency) == (D(250), "Open", "USD")
    flyers, job, parts = bill.line_items
    assert (flyers.description, flyers.quantity, flyers.unit_amount) == ("Flyers", 1, D(120))
    assert flyers.account_ref is not None and flyers.account_ref.id
    assert flyers.tracking is None
    assert job.tracking is not None and job.tracking.customer_ref is not None
    assert (job.tracking.is_billed_to, job.tracking.is_rebilled_to) == ("Customer", "Customer")
    assert (parts.quantity, parts.unit_amount, parts.sub_total) == (D(4), D("12.5"), D(50))
    assert parts.item_ref is not None and parts.account_ref is None


def test_a_partly_paid_bill_and_a_voided_one(fresh_company: Any) -> None:
    company = fresh_company(Edition.CA)
    partly = _bill(company)
    voided = _bill(company, memo="Duplicate")
    vendor = m.PayeeEntityRef(list_id=partly.vendor_ref.list_id)
    payment = company.write(
        m.BillPaymentCheckAddRq(
            bill_payment_check_add=m.BillPaymentCheckAdd(
                payee_entity_ref=vendor,
                txn_date=date(2024, 3, 1),
                bank_account_ref=m.BankAccountRef(full_name=chart_for(Edition.CA).checking),
                ref_number="2001",
                applied_to_txn_add=(
                    m.AppliedToTxnAdd(txn_id=partly.txn_id, payment_amount=D("100.00")),
                ),
            )
        )
    )
    company.send(m.TxnVoidRq(txn_void_type="Bill", txn_id=voided.txn_id))
    by_id = {bill.id: bill for bill in company.pull(bills.STREAM)}
    bill = by_id[partly.txn_id]
    assert (bill.status, bill.amount_due) == ("PartiallyPaid", D(150))
    (allocation,) = bill.payment_allocations
    assert (allocation.payment.id, allocation.payment.reference) == (payment.txn_id, "2001")
    assert allocation.allocation.total_amount == D(-100)
    bill = by_id[voided.txn_id]
    assert (bill.status, bill.total_amount, bill.amount_due) == ("Void", 0, 0)
    assert bill.note == "VOID: Duplicate"
    assert all(line.sub_total == 0 and line.unit_amount == 0 for line in bill.line_items)
