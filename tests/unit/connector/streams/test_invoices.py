"""The invoices stream: QuickBooks' invoices as Codat invoices."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest

from qbdlink.connector.streams import invoices
from qbdlink.connector.streams.base import QueryWindow
from qbdlink.model.accounting.invoice import Invoice
from qbdlink.qbxml import Edition, EncodeTarget, QbxmlVersion, encode_request_set
from qbdlink.qbxml import messages as m

D = Decimal
EDITIONS = (Edition.US, Edition.UK, Edition.CA)
EVERYTHING = QueryWindow(modified_from=None, modified_to=None)
HOME = {Edition.US: "USD", Edition.UK: "GBP", Edition.CA: "CAD"}


def expected_status(invoice: Invoice) -> str:
    if invoice.note and invoice.note.startswith("VOID:") and invoice.total_amount == 0:
        return "Void"
    if invoice.total_amount > 0 and invoice.amount_due == 0:
        return "Paid"
    if 0 < invoice.amount_due < invoice.total_amount:
        return "PartiallyPaid"
    return "Submitted"


# ---- the query --------------------------------------------------------------------------------


def test_the_query_asks_for_lines_links_and_custom_fields_in_the_window() -> None:
    start = datetime(2024, 1, 1, tzinfo=UTC)
    end = datetime(2024, 2, 1, tzinfo=UTC)
    query = invoices.build_invoice_query(QueryWindow(modified_from=start, modified_to=end))
    assert isinstance(query, m.InvoiceQueryRq)
    assert query.modified_date_range_filter == m.ModifiedDateRangeFilter(
        from_modified_date=start, to_modified_date=end
    )
    assert (query.include_line_items, query.include_linked_txns) == (True, True)
    assert query.owner_id == ("0",)
    assert invoices.build_invoice_query(EVERYTHING).modified_date_range_filter is None
    opened = invoices.build_invoice_query(QueryWindow(modified_from=start, modified_to=None))
    assert opened.modified_date_range_filter == m.ModifiedDateRangeFilter(  # type: ignore[attr-defined]
        from_modified_date=start
    )
    for edition in EDITIONS:  # every edition's QuickBooks 2014 (qbXML 13.0) takes it
        encode_request_set([query], target=EncodeTarget(QbxmlVersion.parse("13.0"), edition))
    assert invoices.STREAM.txn_del_types == ("Invoice",)


# ---- a sample company of each edition ---------------------------------------------------------


@pytest.mark.parametrize("edition", EDITIONS, ids=lambda e: e.value)
def test_every_invoice_of_a_sample_company_is_valid_and_adds_up(
    edition: Edition, pull_txn_stream: Any, validate_record: Any
) -> None:
    pulled = pull_txn_stream(invoices.STREAM, edition)
    assert len(pulled) > 5
    ids = [item.record.id for item in pulled]
    assert all(ids) and len(set(ids)) == len(ids)
    statuses = set()
    for item in pulled:
        ret, invoice = item.ret, item.record
        dump = validate_record("invoices", invoice)
        assert invoice.id == ret.txn_id
        assert dump["modifiedDate"] == "2024-06-03T09:15:00Z"
        assert dump["sourceModifiedDate"].endswith("Z")
        assert dump["metadata"] == {"isDeleted": False}
        assert invoice.currency == HOME[edition]
        assert invoice.customer_ref is not None
        assert invoice.customer_ref.id == ret.customer_ref.list_id
        assert sum(line.sub_total for line in invoice.line_items) == invoice.sub_total
        assert all(
            line.quantity * line.unit_amount == line.sub_total
            or abs(line.quantity * line.unit_amount - line.sub_total) < D("0.01")
            for line in invoice.line_items
        )
        assert invoice.total_amount == invoice.sub_total + invoice.total_tax_amount
        assert invoice.total_tax_amount == ret.sales_tax_total
        assert 0 <= invoice.amount_due <= invoice.total_amount
        assert invoice.amount_due == ret.balance_remaining
        assert invoice.status == expected_status(invoice)
        paid = -sum((a.allocation.total_amount for a in invoice.payment_allocations or []), D(0))
        assert paid == invoice.total_amount - invoice.amount_due
        if invoice.status == "Paid":
            assert invoice.paid_on_date is not None
        statuses.add(invoice.status)
    assert {"Paid", "Submitted"} <= statuses
    if edition is not Edition.US:  # CA and UK: tax per line, through each line's tax code
        assert any(invoice.record.total_tax_amount > 0 for invoice in pulled)
        assert all(
            line.tax_rate_ref is not None
            for item in pulled
            for line in item.record.line_items
            if line.item_ref is not None
        )


# ---- focused cases, written through qbXML -----------------------------------------------------


def _names(company: Any) -> dict[str, Any]:
    return {
        "customer": company.first(m.CustomerQueryRq(max_returned=1)),
        "service": company.first(m.ItemServiceQueryRq(max_returned=1)),
        "group": company.first(m.ItemGroupQueryRq(max_returned=1)),
        "subtotal": company.first(m.ItemSubtotalQueryRq(max_returned=1)),
        "discount": company.first(m.ItemDiscountQueryRq(max_returned=1)),
    }


def _line(item: Any, quantity: str, rate: str) -> m.InvoiceLineAdd:
    return m.InvoiceLineAdd(
        item_ref=m.ItemRef(list_id=item.list_id), quantity=D(quantity), rate=D(rate)
    )


def _add_invoice(company: Any, customer: Any, *lines: Any, memo: str | None = None) -> Any:
    return company.write(
        m.InvoiceAddRq(
            invoice_add=m.InvoiceAdd(
                customer_ref=m.CustomerRef(list_id=customer.list_id),
                txn_date=date(2024, 3, 1),
                ref_number="T-100",
                due_date=date(2024, 3, 31),
                memo=memo,
                invoice_line_add=lines,
            )
        )
    )


def _pay(company: Any, customer: Any, txn_id: str, amount: str, day: date) -> Any:
    return company.write(
        m.ReceivePaymentAddRq(
            receive_payment_add=m.ReceivePaymentAdd(
                customer_ref=m.CustomerRef(list_id=customer.list_id),
                txn_date=day,
                total_amount=D(amount),
                applied_to_txn_add=(m.AppliedToTxnAdd(txn_id=txn_id, payment_amount=D(amount)),),
            )
        )
    )


def _read(company: Any, txn_id: str) -> Invoice:
    (invoice,) = [record for record in company.pull(invoices.STREAM) if record.id == txn_id]
    assert isinstance(invoice, Invoice)
    return invoice


def test_a_voided_invoice_is_void_with_zero_amounts(fresh_company: Any) -> None:
    company = fresh_company(Edition.US)
    names = _names(company)
    added = _add_invoice(
        company, names["customer"], _line(names["service"], "2", "150.00"), memo="March work"
    )
    company.send(m.TxnVoidRq(txn_void_type="Invoice", txn_id=added.txn_id))
    invoice = _read(company, added.txn_id)
    assert invoice.status == "Void"
    assert invoice.note == "VOID: March work"
    assert (invoice.sub_total, invoice.total_tax_amount, invoice.total_amount) == (0, 0, 0)
    assert invoice.amount_due == 0
    (line,) = invoice.line_items or []
    assert (line.quantity, line.unit_amount, line.sub_total) == (D(2), D(0), D(0))


def test_a_partly_paid_invoice_then_a_paid_one(fresh_company: Any) -> None:
    company = fresh_company(Edition.US)
    names = _names(company)
    added = _add_invoice(company, names["customer"], _line(names["service"], "4", "50.00"))
    total = added.subtotal + added.sales_tax_total
    first = _pay(company, names["customer"], added.txn_id, "80.00", date(2024, 3, 10))

    invoice = _read(company, added.txn_id)
    assert invoice.status == "PartiallyPaid"
    assert invoice.total_amount == total
    assert invoice.amount_due == total - D("80.00")
    assert invoice.paid_on_date is None
    (allocation,) = invoice.payment_allocations or []
    assert allocation.payment.id == first.txn_id
    assert allocation.payment.paid_on_date == "2024-03-10T00:00:00"
    assert allocation.allocation.total_amount == D("-80.00")

    second = _pay(company, names["customer"], added.txn_id, str(total - 80), date(2024, 3, 20))
    invoice = _read(company, added.txn_id)
    assert (invoice.status, invoice.amount_due) == ("Paid", 0)
    assert invoice.paid_on_date == "2024-03-20T00:00:00"
    assert [a.payment.id for a in invoice.payment_allocations or []] == [
        first.txn_id,
        second.txn_id,
    ]


def test_a_line_group_becomes_its_lines(fresh_company: Any) -> None:
    company = fresh_company(Edition.US)
    names = _names(company)
    group = names["group"]
    added = _add_invoice(
        company,
        names["customer"],
        _line(names["service"], "1", "10.00"),
        m.InvoiceLineGroupAdd(item_group_ref=m.ItemGroupRef(list_id=group.list_id), quantity=D(2)),
    )
    _, group_ret = added.invoice_line_ret
    invoice = _read(company, added.txn_id)
    lines = invoice.line_items or []
    assert [line.item_ref.id for line in lines[1:] if line.item_ref] == [
        component.item_ref.list_id for component in group_ret.invoice_line_ret
    ]
    assert len(lines) == 1 + len(group.item_group_line)
    assert sum(line.sub_total for line in lines[1:]) == group_ret.total_amount
    assert invoice.sub_total == D("10.00") + group_ret.total_amount
    assert sum(line.sub_total for line in lines) == invoice.sub_total


def test_a_subtotal_line_is_not_counted_twice_and_a_discount_is_a_line(
    fresh_company: Any,
) -> None:
    company = fresh_company(Edition.US)
    names = _names(company)
    added = _add_invoice(
        company,
        names["customer"],
        _line(names["service"], "2", "100.00"),
        _line(names["service"], "1", "50.00"),
        m.InvoiceLineAdd(item_ref=m.ItemRef(list_id=names["subtotal"].list_id)),
        m.InvoiceLineAdd(item_ref=m.ItemRef(list_id=names["discount"].list_id), amount=D("-25.00")),
    )
    assert [line.amount for line in added.invoice_line_ret] == [
        D("200.00"),
        D("50.00"),
        D("250.00"),
        D("-25.00"),
    ]
    invoice = _read(company, added.txn_id)
    assert [line.sub_total for line in invoice.line_items or []] == [
        D("200.00"),
        D("50.00"),
        D("-25.00"),
    ]
    assert invoice.sub_total == D("225.00")
    discount = (invoice.line_items or [])[-1]
    assert (discount.quantity, discount.unit_amount) == (D(1), D("-25.00"))


def test_uk_vat_is_per_line_through_the_tax_code(fresh_company: Any) -> None:
    company = fresh_company(Edition.UK)
    names = _names(company)
    standard = m.SalesTaxCodeRef(full_name="S")
    exempt = m.SalesTaxCodeRef(full_name="E")
    service = m.ItemRef(list_id=names["service"].list_id)
    added = _add_invoice(
        company,
        names["customer"],
        m.InvoiceLineAdd(
            item_ref=service, quantity=D(1), rate=D("100.00"), sales_tax_code_ref=standard
        ),
        m.InvoiceLineAdd(
            item_ref=service, quantity=D(1), rate=D("40.00"), sales_tax_code_ref=exempt
        ),
    )
    invoice = _read(company, added.txn_id)
    assert [line.tax_rate_ref.name for line in invoice.line_items or [] if line.tax_rate_ref] == [
        "S",
        "E",
    ]
    assert (invoice.sub_total, invoice.total_tax_amount) == (D("140.00"), D("20.00"))
    assert (invoice.total_amount, invoice.amount_due) == (D("160.00"), D("160.00"))
    assert (invoice.currency, invoice.status) == ("GBP", "Submitted")


def test_a_window_reads_what_changed_in_it(pull_txn_stream: Any) -> None:
    everything = pull_txn_stream(invoices.STREAM, Edition.CA)
    moments = sorted(item.ret.time_modified for item in everything)
    start, end = moments[len(moments) // 3], moments[2 * len(moments) // 3]
    window = QueryWindow(modified_from=start.astimezone(UTC), modified_to=end.astimezone(UTC))
    inside = pull_txn_stream(invoices.STREAM, Edition.CA, window)
    expected = {item.ret.txn_id for item in everything if start <= item.ret.time_modified <= end}
    assert {item.ret.txn_id for item in inside} == expected
    assert 0 < len(expected) < len(everything)


# ---- the mapping alone ------------------------------------------------------------------------


def test_a_pending_foreign_currency_invoice(make_txn_context: Any, validate_record: Any) -> None:
    ret = m.InvoiceRet(
        txn_id="1A-1700000000",
        time_modified=datetime(2024, 3, 1, 9, 30, tzinfo=UTC),
        customer_ref=m.CustomerRef(list_id="80000001-1700000000", full_name="Müller GmbH"),
        class_ref=m.ClassRef(list_id="80000009-1700000000", full_name="Export"),
        txn_date=date(2024, 3, 1),
        is_pending=True,
        subtotal=D("90.00"),
        sales_tax_total=D("0.00"),
        balance_remaining=D("90.00"),
        currency_ref=m.CurrencyRef(full_name="Euro"),
        exchange_rate=D("1.0875"),
        invoice_line_ret=(
            m.InvoiceLineRet(
                item_ref=m.ItemRef(list_id="8000000A-1700000000", full_name="Audit"),
                quantity=D(3),
                rate=D("33.33333"),
                amount=D("100.00"),
            ),
            m.InvoiceLineRet(
                item_ref=m.ItemRef(list_id="8000000B-1700000000", full_name="Early payment"),
                rate_percent=D("10"),
                amount=D("-10.00"),
            ),
            m.InvoiceLineRet(desc="Delivered by courier"),
        ),
    )
    invoice = invoices.map_invoice(ret, make_txn_context(Edition.US))
    dump = validate_record("invoices", invoice)
    assert (dump["status"], dump["currency"], dump["currencyRate"]) == ("Draft", "EUR", 1.0875)
    assert dump["customerRef"] == {"id": "80000001-1700000000", "companyName": "Müller GmbH"}
    audit, discount, text = invoice.line_items or []
    assert (audit.quantity, audit.unit_amount, audit.sub_total) == (D(3), D("33.33333"), 100)
    assert (discount.quantity, discount.unit_amount, discount.sub_total) == (1, D(-10), D(-10))
    assert (text.description, text.quantity, text.unit_amount, text.item_ref) == (
        "Delivered by courier",
        1,
        0,
        None,
    )
    # The form's class stands for the lines that have none (class per transaction).
    assert audit.tracking_category_refs is not None
    assert [ref.name for ref in audit.tracking_category_refs] == ["Export"]
    assert dump["sourceModifiedDate"] == "2024-03-01T09:30:00Z"
