"""Writers of purchase records (bills, bill credit notes, bill payments) against a simulated
company of each edition."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from qbdlink.connector.pushes import bill_credit_notes, bill_payments, bills
from qbdlink.connector.pushes.base import PushRejectedError, external_guid
from qbdlink.model.accounting.bill import Bill, BillLineItem
from qbdlink.model.accounting.bill_credit_note import BillCreditNote, BillCreditNoteLineItem
from qbdlink.model.accounting.bill_payment import BillPayment, BillPaymentLine, BillPaymentLineLink
from qbdlink.model.base import (
    AccountRef,
    AccountsPayableTracking,
    CustomerRef,
    ItemRef,
    SupplementalData,
    SupplierRef,
    TaxRateRef,
)
from qbdlink.qbxml import Edition
from qbdlink.qbxml import messages as m

EDITIONS = (Edition.US, Edition.UK, Edition.CA)
D = Decimal


def rejected(call: Any) -> dict[str, str]:
    with pytest.raises(PushRejectedError) as caught:
        call()
    return caught.value.problems


def purchase_lines(qb: Any, cls: type[Any] = BillLineItem, *, taxed: bool = True) -> list[Any]:
    code = TaxRateRef(id=qb.tax_code(taxable=True).list_id) if taxed else None
    customer = qb.customers()[1].list_id
    return [
        cls(
            description="Skip hire",
            quantity=D(1),
            unit_amount=D("180.25"),
            account_ref=AccountRef(id=qb.account("Expense").list_id),
            tax_rate_ref=code,
            tracking=AccountsPayableTracking(
                category_refs=[],
                customer_ref=CustomerRef(id=customer),
                is_billed_to="Customer",
                is_rebilled_to="NotApplicable",
            ),
        ),
        cls(
            description="Subcontracted labour",
            quantity=D(2),
            unit_amount=D(60),
            item_ref=ItemRef(id=qb.items(m.ItemServiceRet)[0].list_id),
            tax_rate_ref=code,
        ),
    ]


def a_bill(qb: Any, **changes: Any) -> Bill:
    values: dict[str, Any] = {
        "reference": "SUP-INV-1",
        "supplier_ref": SupplierRef(id=qb.vendors()[0].list_id),
        "issue_date": "2024-02-01",
        "due_date": "2024-03-02",
        "line_items": purchase_lines(qb),
        "note": "February",
        "status": "Open",
        "sub_total": D(0),
        "tax_amount": D(0),
        "total_amount": D(0),
    }
    return Bill(**{**values, **changes})


@pytest.mark.parametrize("edition", EDITIONS, ids=lambda e: e.value)
def test_a_bill_is_added_updated_and_deleted(edition: Edition, company: Any) -> None:
    qb = company(edition)
    ctx = qb.ctx()
    since = qb.since()
    record = a_bill(qb)
    ret = qb.write(bills.WRITER, record, ctx)
    assert ret.external_guid == external_guid(ctx.idempotency_key)
    back = qb.mapped("bills", ret)
    assert (back.reference, back.note, back.issue_date, back.due_date) == (
        "SUP-INV-1",
        "February",
        "2024-02-01T00:00:00",
        "2024-03-02T00:00:00",
    )
    assert back.supplier_ref.id == record.supplier_ref.id
    expense, item = back.line_items
    assert (expense.account_ref.id, expense.sub_total, expense.description) == (
        qb.account("Expense").list_id,
        D("180.25"),
        "Skip hire",
    )
    assert expense.tracking.customer_ref.id == qb.customers()[1].list_id
    assert (item.item_ref.id, item.quantity, item.unit_amount, item.sub_total) == (
        qb.items(m.ItemServiceRet)[0].list_id,
        D(2),
        D(60),
        D(120),
    )
    assert back.total_amount == D("300.25")
    if edition is not Edition.US:
        assert expense.tax_rate_ref.id == qb.tax_code().list_id
    assert [r.txn_id for r in qb.found_by_key(bills.WRITER, ctx, since, record)] == [ret.txn_id]

    current = qb.current(bills.WRITER, ret.txn_id)
    changed = purchase_lines(qb)
    changed[0] = changed[0].model_copy(update={"unit_amount": D(200), "description": "Skip x2"})
    assert bills.WRITER.mod is not None
    request = bills.WRITER.mod(a_bill(qb, line_items=changed, reference="SUP-INV-1A"), current, ctx)
    assert request.bill_mod.edit_sequence == current.edit_sequence
    back = qb.mapped("bills", qb.ok(request))
    assert back.reference == "SUP-INV-1A"
    assert [li.description for li in back.line_items] == ["Skip x2", "Subcontracted labour"]
    assert back.total_amount == D(320)
    assert qb.send(request).status.code == 3200

    assert bills.WRITER.delete is not None
    delete = bills.WRITER.delete(ret.txn_id, qb.current(bills.WRITER, ret.txn_id), ctx)
    assert delete == m.TxnDelRq(txn_del_type="Bill", txn_id=ret.txn_id)
    assert qb.send(delete).status.code == 0
    assert not qb.send(bills.WRITER.query_by_id(ret.txn_id)).records


@pytest.mark.parametrize("edition", (Edition.UK, Edition.CA), ids=lambda e: e.value)
def test_uk_and_ca_purchase_lines_need_a_tax_code(edition: Edition, company: Any) -> None:
    qb = company(edition)
    record = a_bill(qb, line_items=purchase_lines(qb, taxed=False))
    problems = rejected(lambda: bills.WRITER.add(record, qb.ctx()))
    assert set(problems) == {"lineItems[0].taxRateRef.id", "lineItems[1].taxRateRef.id"}


def test_bills_quickbooks_would_refuse_are_refused(company: Any) -> None:
    qb = company(Edition.US)
    ctx = qb.ctx()
    assert "supplierRef.id" in rejected(
        lambda: bills.WRITER.add(a_bill(qb, supplier_ref=None), ctx)
    )
    bare = purchase_lines(qb)
    bare[0] = bare[0].model_copy(update={"account_ref": None})
    assert "lineItems[0]" in rejected(lambda: bills.WRITER.add(a_bill(qb, line_items=bare), ctx))
    assert "reference" in rejected(lambda: bills.WRITER.add(a_bill(qb, reference="R" * 21), ctx))
    # The second model line is the first qbXML item line: the problem names the model's index.
    odd = purchase_lines(qb)
    odd[1] = odd[1].model_copy(update={"description": "D" * 4096})
    assert "lineItems[1].description" in rejected(
        lambda: bills.WRITER.add(a_bill(qb, line_items=odd), ctx)
    )


@pytest.mark.parametrize("edition", EDITIONS, ids=lambda e: e.value)
def test_a_bill_credit_note_is_added(edition: Edition, company: Any) -> None:
    qb = company(edition)
    ctx = qb.ctx()
    since = qb.since()
    record = BillCreditNote(
        bill_credit_note_number="VC-PUSH",
        supplier_ref=SupplierRef(id=qb.vendors()[0].list_id),
        issue_date="2024-02-10",
        line_items=purchase_lines(qb, BillCreditNoteLineItem)[:1],
        note="Overcharge",
        total_amount=D(0),
        total_discount=D(0),
        sub_total=D(0),
        total_tax_amount=D(0),
        discount_percentage=D(0),
        status="Submitted",
    )
    ret = qb.write(bill_credit_notes.WRITER, record, ctx)
    back = qb.mapped("billCreditNotes", ret)
    assert (back.bill_credit_note_number, back.note, back.issue_date) == (
        "VC-PUSH",
        "Overcharge",
        "2024-02-10T00:00:00",
    )
    assert back.total_amount == D("180.25") == back.remaining_credit
    assert [r.txn_id for r in qb.found_by_key(bill_credit_notes.WRITER, ctx, since, record)] == [
        ret.txn_id
    ]


# ---- bill payments -----------------------------------------------------------------------------


def a_bill_payment(qb: Any, bill: Any, amount: Decimal, **changes: Any) -> BillPayment:
    values: dict[str, Any] = {
        "supplier_ref": SupplierRef(id=qb.vendors()[0].list_id),
        "account_ref": AccountRef(id=qb.account("Bank").list_id),
        "date": "2024-02-20",
        "reference": "1001",
        "note": "Part payment",
        "lines": [
            BillPaymentLine(
                amount=amount,
                links=[BillPaymentLineLink(type="Bill", id=bill.txn_id, amount=-amount)],
            )
        ],
    }
    return BillPayment(**{**values, **changes})


@pytest.mark.parametrize("edition", EDITIONS, ids=lambda e: e.value)
def test_a_bill_is_paid_by_cheque_and_the_payment_deleted(edition: Edition, company: Any) -> None:
    qb = company(edition)
    bill = qb.write(bills.WRITER, a_bill(qb, reference="TO-PAY"))
    ctx = qb.ctx()
    since = qb.since()
    record = a_bill_payment(qb, bill, D(100))
    request = bill_payments.WRITER.add(record, ctx)
    assert isinstance(request, m.BillPaymentCheckAddRq)
    ret = qb.ok(request)
    assert isinstance(ret, m.BillPaymentCheckRet)
    back = qb.mapped("billPayments", ret)
    assert (back.reference, back.note, back.date, back.total_amount) == (
        "1001",
        "Part payment",
        "2024-02-20T00:00:00",
        D(100),
    )
    assert back.account_ref.id == qb.account("Bank").list_id
    assert [(link.type, link.id) for link in back.lines[0].links] == [("Bill", bill.txn_id)]
    assert qb.mapped("bills", qb.current(bills.WRITER, bill.txn_id)).amount_due == D("200.25")
    assert [r.txn_id for r in qb.found_by_key(bill_payments.WRITER, ctx, since, record)] == [
        ret.txn_id
    ]

    current = qb.current(bill_payments.WRITER, ret.txn_id)
    assert bill_payments.WRITER.delete is not None
    delete = bill_payments.WRITER.delete(ret.txn_id, current, ctx)
    assert delete == m.TxnDelRq(txn_del_type="BillPaymentCheck", txn_id=ret.txn_id)
    assert qb.send(delete).status.code == 0
    assert qb.mapped("bills", qb.current(bills.WRITER, bill.txn_id)).amount_due == D("300.25")


def test_a_credit_card_bill_payment_follows_the_hint(company: Any) -> None:
    qb = company(Edition.UK)
    bill = qb.write(bills.WRITER, a_bill(qb, reference="BY-CARD"))
    ctx = qb.ctx()
    since = qb.since()
    record = a_bill_payment(
        qb,
        bill,
        D("300.25"),
        reference=None,
        account_ref=AccountRef(id=qb.account("CreditCard").list_id),
        supplemental_data=SupplementalData(content={"qbdlink": {"accountType": "CreditCard"}}),
    )
    ret = qb.write(bill_payments.WRITER, record, ctx)
    assert isinstance(ret, m.BillPaymentCreditCardRet)
    assert qb.mapped("bills", qb.current(bills.WRITER, bill.txn_id)).status == "Paid"
    # Read by id: not a cheque, so the card query finds it.
    assert not qb.send(bill_payments.WRITER.query_by_id(ret.txn_id)).records
    (card_query,) = bill_payments.WRITER.more_queries_by_id(ret.txn_id)
    current = qb.ok(card_query)
    assert [r.txn_id for r in qb.found_by_key(bill_payments.WRITER, ctx, since, record)] == [
        ret.txn_id
    ]
    delete = bill_payments.WRITER.delete(ret.txn_id, current, ctx)
    assert delete.txn_del_type == "BillPaymentCreditCard"
    assert qb.send(delete).status.code == 0


def test_bill_payments_quickbooks_cannot_hold_are_refused(company: Any) -> None:
    qb = company(Edition.US)
    ctx = qb.ctx()
    bill = qb.write(bills.WRITER, a_bill(qb, reference="NOT-PAID"))
    on_account = a_bill_payment(
        qb,
        bill,
        D(10),
        lines=[BillPaymentLine(amount=D(10), links=[BillPaymentLineLink(type="PaymentOnAccount")])],
    )
    assert "lines" in rejected(lambda: bill_payments.WRITER.add(on_account, ctx))
    odd_hint = a_bill_payment(
        qb,
        bill,
        D(10),
        supplemental_data=SupplementalData(content={"qbdlink": {"accountType": "Cash"}}),
    )
    assert "supplementalData.content.qbdlink.accountType" in rejected(
        lambda: bill_payments.WRITER.add(odd_hint, ctx)
    )
    wrong_total = a_bill_payment(qb, bill, D(10), total_amount=D(12))
    assert "totalAmount" in rejected(lambda: bill_payments.WRITER.add(wrong_total, ctx))
    assert "accountRef.id" in rejected(
        lambda: bill_payments.WRITER.add(a_bill_payment(qb, bill, D(10), account_ref=None), ctx)
    )
    long_cheque = a_bill_payment(qb, bill, D(10), reference="123456789012")
    assert "reference" in rejected(lambda: bill_payments.WRITER.add(long_cheque, ctx))
