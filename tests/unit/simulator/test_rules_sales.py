"""Sales forms: line amounts, subtotal and discount items, groups, US and CA/UK tax, totals."""

from __future__ import annotations

from typing import Any

import pytest

from qbdlink.qbxml import (
    Edition,
    EncodeTarget,
    QbxmlVersion,
    decode_response_set,
    encode_request_set,
)
from qbdlink.qbxml import messages as m
from qbdlink.simulator.context import StatusError
from qbdlink.simulator.processor import Processor

from .books import Books, D, invoice, line


@pytest.fixture
def us() -> Books:
    return Books.create(Edition.US)


def test_amount_is_quantity_times_rate_rounded_half_up(us: Books) -> None:
    record = us.add("Invoice", invoice("Beta", line("Consulting", "3", rate=D("0.335"))))
    assert record.invoice_line_ret[0].amount == D("1.01")
    assert record.subtotal == D("1.01")


def test_rate_defaults_to_the_item_price_and_line_ids_are_assigned(us: Books) -> None:
    record = us.add("Invoice", invoice("Beta", line("Consulting", "2"), line("Widget")))
    first, second = record.invoice_line_ret
    assert (first.rate, first.amount) == (D("100.00"), D("200.00"))
    assert second.amount == D("25.00")
    assert first.txn_line_id and second.txn_line_id and first.txn_line_id != second.txn_line_id


def test_given_amount_wins(us: Books) -> None:
    record = us.add("Invoice", invoice("Beta", line("Consulting", "2", amount=D("150.00"))))
    assert record.invoice_line_ret[0].amount == D("150.00")


def test_subtotal_item_and_percent_discount_of_the_subtotal(us: Books) -> None:
    record = us.add(
        "Invoice",
        invoice("Beta", line("Consulting"), line("Widget", "2"), line("Subtotal"), line("Promo")),
    )
    amounts = [item.amount for item in record.invoice_line_ret]
    assert amounts == [D("100.00"), D("50.00"), D("150.00"), D("-15.00")]
    assert record.subtotal == D("135.00")


def test_rate_percent_applies_to_the_line_above(us: Books) -> None:
    record = us.add(
        "Invoice",
        invoice("Beta", line("Consulting"), line("Promo", rate_percent=D("5"))),
    )
    assert record.invoice_line_ret[1].amount == D("-5.00")


def test_group_line_is_expanded_and_totals_its_components(us: Books) -> None:
    group = m.InvoiceLineGroupAdd(item_group_ref=m.ItemGroupRef(full_name="Kit"), quantity=D("2"))
    record = us.add("Invoice", invoice("Beta", group))
    kit = record.invoice_line_ret[0]
    assert [(c.quantity, c.amount) for c in kit.invoice_line_ret] == [
        (D("4"), D("100.00")),
        (D("2"), D("200.00")),
    ]
    assert kit.total_amount == D("300.00")
    assert record.subtotal == D("300.00")


def test_us_tax_applies_the_tax_item_rate_to_taxable_lines(us: Books) -> None:
    # Consulting is non-taxable, Widget taxable; Beta's tax item is State, 8.25%.
    record = us.add("Invoice", invoice("Beta", line("Consulting"), line("Widget", "2")))
    assert record.subtotal == D("150.00")
    assert record.sales_tax_percentage == D("8.25")
    assert record.sales_tax_total == D("4.13")  # 50.00 x 8.25% = 4.125, half-up
    assert record.balance_remaining == D("154.13")
    assert record.applied_amount == D("0.00")
    assert record.is_paid is False
    assert record.item_sales_tax_ref.full_name == "State"
    assert record.ar_account_ref.full_name == "Accounts Receivable"


def test_us_non_taxable_customer_code_taxes_nothing(us: Books) -> None:
    record = us.add(
        "Invoice",
        invoice(
            "Beta",
            line("Widget", "2"),
            customer_sales_tax_code_ref=m.CustomerSalesTaxCodeRef(full_name="Non"),
        ),
    )
    assert record.sales_tax_total == D("0.00")
    assert record.balance_remaining == D("50.00")


def test_us_line_code_overrides_the_item_code(us: Books) -> None:
    record = us.add(
        "Invoice",
        invoice("Beta", line("Consulting", sales_tax_code_ref=m.SalesTaxCodeRef(full_name="Tax"))),
    )
    assert record.sales_tax_total == D("8.25")


def test_ca_tax_is_per_line_through_sales_tax_codes() -> None:
    ca = Books.create(Edition.CA)
    # Consulting: code G (GST 5%); Widget: code S (GST+PST group, 12%); a line coded E: exempt.
    record = ca.add(
        "Invoice",
        invoice(
            "Beta",
            line("Consulting"),
            line("Widget", "2"),
            line("Widget", sales_tax_code_ref=m.SalesTaxCodeRef(full_name="E")),
        ),
    )
    assert record.subtotal == D("175.00")
    assert record.sales_tax_total == D("11.00")  # 5.00 + 6.00
    assert record.sales_tax_percentage is None
    assert record.balance_remaining == D("186.00")


def test_uk_vat_per_line_with_zero_rate() -> None:
    uk = Books.create(Edition.UK)
    record = uk.add(
        "Invoice",
        invoice(
            "Beta",
            line("Widget", "3", rate=D("33.33")),
            line("Widget", sales_tax_code_ref=m.SalesTaxCodeRef(full_name="Z")),
        ),
    )
    assert record.subtotal == D("124.99")
    assert record.sales_tax_total == D("20.00")  # 99.99 x 20% = 19.998
    assert record.balance_remaining == D("144.99")


def test_credit_memo_total_and_credit_remaining(us: Books) -> None:
    memo = m.CreditMemoAdd(
        customer_ref=m.CustomerRef(full_name="Beta"),
        credit_memo_line_add=(m.CreditMemoLineAdd(item_ref=m.ItemRef(full_name="Widget")),),
    )
    record = us.add("CreditMemo", memo)
    assert record.total_amount == D("27.06")  # 25.00 + 2.06 tax
    assert record.credit_remaining == D("27.06")


def test_sales_receipt_defaults_to_undeposited_funds(us: Books) -> None:
    receipt = m.SalesReceiptAdd(
        customer_ref=m.CustomerRef(full_name="Beta"),
        sales_receipt_line_add=(
            m.SalesReceiptLineAdd(item_ref=m.ItemRef(full_name="Consulting"), quantity=D("1.5")),
        ),
    )
    record = us.add("SalesReceipt", receipt)
    assert record.total_amount == D("150.00")
    assert record.deposit_to_account_ref.full_name == "Undeposited Funds"
    assert us.account("Undeposited Funds").balance == D("150.00")


def test_estimate_totals_but_posts_nothing(us: Books) -> None:
    estimate = m.EstimateAdd(
        customer_ref=m.CustomerRef(full_name="Beta"),
        estimate_line_add=(m.EstimateLineAdd(item_ref=m.ItemRef(full_name="Widget")),),
    )
    record = us.add("Estimate", estimate)
    assert record.total_amount == D("27.06")
    assert us.entity("Beta").balance in (None, D("0.00"))


def test_mod_replacing_lines_recomputes_totals(us: Books) -> None:
    record = us.add("Invoice", invoice("Beta", line("Consulting")))
    changed = us.mod(
        "Invoice",
        m.InvoiceMod(
            txn_id=record.txn_id,
            edit_sequence=record.edit_sequence,
            invoice_line_mod=(
                m.InvoiceLineMod(
                    txn_line_id="-1", item_ref=m.ItemRef(full_name="Consulting"), quantity=D("3")
                ),
            ),
        ),
    )
    assert changed.subtotal == D("300.00")
    assert us.entity("Beta").balance == D("300.00")


def test_item_without_income_account_is_refused_with_3140(us: Books) -> None:
    us.add(
        "ItemService",
        m.ItemServiceAdd(name="Orphan", sales_or_purchase=m.SalesOrPurchase(price=D("5"))),
    )
    with pytest.raises(StatusError) as refused:
        us.add("Invoice", invoice("Beta", line("Orphan")))
    assert refused.value.code == 3140
    assert "Orphan" in refused.value.message


def test_invoice_through_the_request_processor(us: Books) -> None:
    processor = Processor(us.context, None)
    document = encode_request_set(
        [m.InvoiceAddRq(invoice_add=invoice("Acme", line("Widget", "4")))],
        target=EncodeTarget(QbxmlVersion(16, 0), Edition.US),
    )
    response = decode_response_set(processor.process(document)).responses[0]
    assert response.status.code == 0, response.status.message
    ret: Any = response.records[0]
    assert (ret.subtotal, ret.sales_tax_total, ret.balance_remaining) == (
        D("100.00"),
        D("8.25"),
        D("108.25"),
    )


def test_customer_balance_follows_invoices(us: Books) -> None:
    us.add("Invoice", invoice("Beta", line("Consulting")))
    us.add("Invoice", invoice("Beta", line("Consulting", "2")))
    assert us.entity("Beta").balance == D("300.00")
    assert us.entity("Beta").total_balance == D("300.00")


def test_total_balance_includes_jobs(us: Books) -> None:
    us.add("Invoice", invoice("Acme", line("Consulting")))
    us.add("Invoice", invoice("Acme:Project", line("Consulting", "2")))
    acme = us.entity("Acme")
    assert (acme.balance, acme.total_balance) == (D("100.00"), D("300.00"))
    job = us.entity("Acme:Project")
    assert (job.balance, job.total_balance) == (D("200.00"), D("200.00"))
