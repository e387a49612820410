"""Writers of sales records (invoices, credit notes, customer payments) against a simulated
company of each edition: lines, tax codes, dates and references read back through the streams."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from qbdlink.connector.pushes import credit_notes, invoices, payments
from qbdlink.connector.pushes.base import PushRejectedError, external_guid
from qbdlink.model.accounting.credit_note import CreditNote, CreditNoteLineItem
from qbdlink.model.accounting.invoice import Invoice, InvoiceLineItem
from qbdlink.model.accounting.payment import Payment, PaymentLine, PaymentLineLink
from qbdlink.model.base import CustomerRef, ItemRef, TaxRateRef, TrackingCategoryRef
from qbdlink.qbxml import Edition
from qbdlink.qbxml import messages as m

EDITIONS = (Edition.US, Edition.UK, Edition.CA)
D = Decimal


def rejected(call: Any) -> dict[str, str]:
    with pytest.raises(PushRejectedError) as caught:
        call()
    return caught.value.problems


def service_id(qb: Any, index: int = 0) -> str:
    return str(qb.items(m.ItemServiceRet)[index].list_id)


def lines(qb: Any, cls: type[Any] = InvoiceLineItem, *, taxed: bool = True) -> list[Any]:
    code = TaxRateRef(id=qb.tax_code(taxable=True).list_id) if taxed else None
    return [
        cls(
            description="Fitting",
            quantity=D(3),
            unit_amount=D("40.5"),
            item_ref=ItemRef(id=service_id(qb, 0)),
            tax_rate_ref=code,
            tracking_category_refs=[TrackingCategoryRef(id=qb.class_id())],
        ),
        cls(
            description="Call-out",
            quantity=D(1),
            unit_amount=D(25),
            item_ref=ItemRef(id=service_id(qb, 1)),
            tax_rate_ref=code,
        ),
    ]


def an_invoice(qb: Any, **changes: Any) -> Invoice:
    values: dict[str, Any] = {
        "invoice_number": "PUSH-1",
        "customer_ref": CustomerRef(id=qb.customers()[0].list_id),
        "issue_date": "2024-03-05T00:00:00",
        "due_date": "2024-04-04",
        "line_items": lines(qb),
        "note": "Thank you",
        "total_tax_amount": D(0),
        "total_amount": D(0),
        "amount_due": D(0),
        "status": "Submitted",
    }
    return Invoice(**{**values, **changes})


@pytest.mark.parametrize("edition", EDITIONS, ids=lambda e: e.value)
def test_an_invoice_is_added_updated_and_voided(edition: Edition, company: Any) -> None:
    qb = company(edition)
    ctx = qb.ctx()
    since = qb.since()
    record = an_invoice(qb)
    ret = qb.write(invoices.WRITER, record, ctx)
    assert ret.external_guid == external_guid(ctx.idempotency_key)
    back = qb.mapped("invoices", ret)
    assert back.customer_ref.id == record.customer_ref.id
    assert (back.invoice_number, back.note) == ("PUSH-1", "Thank you")
    assert (back.issue_date, back.due_date) == ("2024-03-05T00:00:00", "2024-04-04T00:00:00")
    assert [
        (li.item_ref.id, li.quantity, li.unit_amount, li.description) for li in back.line_items
    ] == [(li.item_ref.id, li.quantity, li.unit_amount, li.description) for li in record.line_items]
    assert [li.sub_total for li in back.line_items] == [D("121.50"), D(25)]
    assert back.sub_total == D("146.50")
    assert [li.tax_rate_ref.id for li in back.line_items] == [qb.tax_code().list_id] * 2
    assert back.line_items[0].tracking_category_refs[0].id == qb.class_id()
    assert [r.txn_id for r in qb.found_by_key(invoices.WRITER, ctx, since, record)] == [ret.txn_id]

    # An update with lines replaces them, and carries the EditSequence just read.
    current = qb.current(invoices.WRITER, ret.txn_id)
    update = an_invoice(qb, note="Revised", line_items=lines(qb)[1:])
    assert invoices.WRITER.mod is not None
    request = invoices.WRITER.mod(update, current, ctx)
    assert request.invoice_mod.edit_sequence == current.edit_sequence
    back = qb.mapped("invoices", qb.ok(request))
    assert back.note == "Revised"
    assert [li.description for li in back.line_items] == ["Call-out"]
    assert back.sub_total == D(25)
    assert qb.send(request).status.code == 3200

    # Delete voids: QuickBooks keeps the invoice with zero amounts.
    assert invoices.WRITER.delete is not None
    void = invoices.WRITER.delete(ret.txn_id, qb.current(invoices.WRITER, ret.txn_id), ctx)
    assert isinstance(void, m.TxnVoidRq) and void.txn_void_type == "Invoice"
    assert qb.send(void).status.code == 0
    assert qb.mapped("invoices", qb.current(invoices.WRITER, ret.txn_id)).status == "Void"


@pytest.mark.parametrize("edition", (Edition.UK, Edition.CA), ids=lambda e: e.value)
def test_uk_and_ca_lines_need_a_tax_code(edition: Edition, company: Any) -> None:
    qb = company(edition)
    record = an_invoice(qb, line_items=lines(qb, taxed=False))
    problems = rejected(lambda: invoices.WRITER.add(record, qb.ctx()))
    assert set(problems) == {"lineItems[0].taxRateRef.id", "lineItems[1].taxRateRef.id"}
    assert edition.value in problems["lineItems[0].taxRateRef.id"]


def test_us_lines_may_leave_the_tax_code_to_the_item(company: Any) -> None:
    qb = company(Edition.US)
    ret = qb.write(invoices.WRITER, an_invoice(qb, line_items=lines(qb, taxed=False)))
    assert len(ret.invoice_line_ret) == 2


def test_invoices_quickbooks_would_refuse_are_refused(company: Any) -> None:
    qb = company(Edition.US)
    ctx = qb.ctx()
    assert "customerRef.id" in rejected(
        lambda: invoices.WRITER.add(an_invoice(qb, customer_ref=None), ctx)
    )
    assert "lineItems" in rejected(lambda: invoices.WRITER.add(an_invoice(qb, line_items=[]), ctx))
    no_item = lines(qb)
    no_item[1] = no_item[1].model_copy(update={"item_ref": None})
    assert "lineItems[1].itemRef.id" in rejected(
        lambda: invoices.WRITER.add(an_invoice(qb, line_items=no_item), ctx)
    )
    assert "invoiceNumber" in rejected(
        lambda: invoices.WRITER.add(an_invoice(qb, invoice_number="INV-12345678"), ctx)
    )
    # The encoder's refusal names the model field and the line.
    fine = lines(qb)
    fine[1] = fine[1].model_copy(update={"unit_amount": D("1.234567")})
    problems = rejected(lambda: invoices.WRITER.add(an_invoice(qb, line_items=fine), ctx))
    assert "decimal places" in problems["lineItems[1].unitAmount"]
    discounted = lines(qb)
    discounted[0] = discounted[0].model_copy(update={"discount_amount": D(5)})
    assert "lineItems[0].discountAmount" in rejected(
        lambda: invoices.WRITER.add(an_invoice(qb, line_items=discounted), ctx)
    )
    curly = lines(qb)
    curly[0] = curly[0].model_copy(update={"description": "Fitting → wall"})
    assert "lineItems[0].description" in rejected(
        lambda: invoices.WRITER.add(an_invoice(qb, line_items=curly), qb.ctx(transliterate=False))
    )
    request = invoices.WRITER.add(an_invoice(qb, line_items=curly), ctx)
    assert request.invoice_add.invoice_line_add[0].desc == "Fitting -> wall"
    bad_date = an_invoice(qb).model_copy(update={"issue_date": "31/03/2024"})
    assert "issueDate" in rejected(lambda: invoices.WRITER.add(bad_date, ctx))


# ---- credit notes ------------------------------------------------------------------------------


def a_credit_note(qb: Any, **changes: Any) -> CreditNote:
    values: dict[str, Any] = {
        "credit_note_number": "CN-PUSH",
        "customer_ref": CustomerRef(id=qb.customers()[0].list_id),
        "issue_date": "2024-03-06",
        "line_items": lines(qb, CreditNoteLineItem)[1:],
        "note": "Returned",
        "total_amount": D(0),
        "total_discount": D(0),
        "sub_total": D(0),
        "total_tax_amount": D(0),
        "discount_percentage": D(0),
        "remaining_credit": D(0),
        "status": "Submitted",
    }
    return CreditNote(**{**values, **changes})


@pytest.mark.parametrize("edition", EDITIONS, ids=lambda e: e.value)
def test_a_credit_note_is_added_and_updated(edition: Edition, company: Any) -> None:
    qb = company(edition)
    ctx = qb.ctx()
    since = qb.since()
    record = a_credit_note(qb)
    ret = qb.write(credit_notes.WRITER, record, ctx)
    back = qb.mapped("creditNotes", ret)
    assert (back.credit_note_number, back.note, back.issue_date) == (
        "CN-PUSH",
        "Returned",
        "2024-03-06T00:00:00",
    )
    assert back.sub_total == D(25) and back.remaining_credit == back.total_amount
    assert [r.txn_id for r in qb.found_by_key(credit_notes.WRITER, ctx, since, record)] == [
        ret.txn_id
    ]
    current = qb.current(credit_notes.WRITER, ret.txn_id)
    assert credit_notes.WRITER.mod is not None
    request = credit_notes.WRITER.mod(a_credit_note(qb, note="Damaged"), current, ctx)
    assert request.credit_memo_mod.edit_sequence == current.edit_sequence
    assert qb.mapped("creditNotes", qb.ok(request)).note == "Damaged"
    assert qb.send(request).status.code == 3200


# ---- payments ----------------------------------------------------------------------------------


def a_payment(qb: Any, payment_lines: list[PaymentLine] | None, **changes: Any) -> Payment:
    values: dict[str, Any] = {
        "customer_ref": CustomerRef(id=qb.customers()[0].list_id),
        "date": "2024-03-10",
        "reference": "CHQ-77",
        "note": "Paid by cheque",
        "lines": payment_lines,
    }
    return Payment(**{**values, **changes})


@pytest.mark.parametrize("edition", EDITIONS, ids=lambda e: e.value)
def test_a_payment_applies_to_invoices_and_credits(edition: Edition, company: Any) -> None:
    qb = company(edition)
    invoice = qb.write(invoices.WRITER, an_invoice(qb, invoice_number="PAY-1"))
    credit = qb.write(credit_notes.WRITER, a_credit_note(qb, credit_note_number="PAY-CN"))
    total = invoice.subtotal + invoice.sales_tax_total
    credit_size = credit.total_amount
    ctx = qb.ctx()
    since = qb.since()
    cash = D(50)
    record = a_payment(
        qb,
        [
            PaymentLine(
                amount=cash,
                links=[
                    PaymentLineLink(
                        type="Invoice", id=invoice.txn_id, amount=-(cash + credit_size)
                    ),
                    PaymentLineLink(type="CreditNote", id=credit.txn_id, amount=credit_size),
                ],
            ),
            PaymentLine(
                amount=D(10), links=[PaymentLineLink(type="PaymentOnAccount", amount=D(-10))]
            ),
        ],
    )
    ret = qb.write(payments.WRITER, record, ctx)
    assert ret.total_amount == D(60)
    back = qb.mapped("payments", ret)
    assert (back.reference, back.note, back.date) == (
        "CHQ-77",
        "Paid by cheque",
        "2024-03-10T00:00:00",
    )
    applied, on_account = back.lines
    assert applied.amount == cash
    assert [(link.type, link.id, link.amount) for link in applied.links] == [
        ("Invoice", invoice.txn_id, -(cash + credit_size)),
        ("CreditNote", credit.txn_id, credit_size),
    ]
    assert on_account.amount == D(10) and on_account.links[0].type == "PaymentOnAccount"
    due = qb.mapped("invoices", qb.current(invoices.WRITER, invoice.txn_id)).amount_due
    assert due == total - cash - credit_size
    assert [r.txn_id for r in qb.found_by_key(payments.WRITER, ctx, since, record)] == [ret.txn_id]


def test_an_unapplied_payment_is_allowed(company: Any) -> None:
    qb = company(Edition.US)
    ret = qb.write(payments.WRITER, a_payment(qb, None, total_amount=D(75)))
    assert ret.total_amount == D(75) and not ret.applied_to_txn_ret
    assert qb.mapped("payments", ret).lines[0].links[0].type == "PaymentOnAccount"


def test_payments_quickbooks_cannot_hold_are_refused(company: Any) -> None:
    qb = company(Edition.US)
    ctx = qb.ctx()
    refund = a_payment(
        qb, [PaymentLine(amount=D(5), links=[PaymentLineLink(type="Refund", id="1")])]
    )
    assert "lines[0].links[0].type" in rejected(lambda: payments.WRITER.add(refund, ctx))
    assert "customerRef.id" in rejected(
        lambda: payments.WRITER.add(a_payment(qb, None, customer_ref=None, total_amount=D(1)), ctx)
    )
    short = a_payment(
        qb,
        [PaymentLine(amount=D(20), links=[PaymentLineLink(type="Invoice", id="1", amount=D(-20))])],
        total_amount=D(10),
    )
    assert "totalAmount" in rejected(lambda: payments.WRITER.add(short, ctx))
    split = a_payment(
        qb,
        [
            PaymentLine(
                amount=D(20),
                links=[
                    PaymentLineLink(type="Invoice", id="1", amount=D(-5)),
                    PaymentLineLink(type="Invoice", id="2", amount=D(-5)),
                ],
            )
        ],
    )
    assert "lines[0].links" in rejected(lambda: payments.WRITER.add(split, ctx))
