"""ReceivePayment: partial and full payments, overpayment, auto-apply, credits, mods and voids."""

from __future__ import annotations

import pytest

from qbdlink.qbxml import Edition
from qbdlink.qbxml import messages as m
from qbdlink.simulator import writes
from qbdlink.simulator.context import StatusError
from qbdlink.simulator.kinds import KINDS

from .books import Books, D, applied, invoice, line, payment


@pytest.fixture
def books() -> Books:
    return Books.create(Edition.US)


def _invoice(books: Books, customer: str = "Beta", quantity: str = "1") -> str:
    # Consulting is non-taxable: the invoice is 100.00 per unit.
    return str(books.add("Invoice", invoice(customer, line("Consulting", quantity))).txn_id)


def test_partial_payment_reduces_the_invoice_balance(books: Books) -> None:
    txn = _invoice(books)
    before = books.get(txn)
    paid = books.add("ReceivePayment", payment("Beta", "40.00", applied(txn, "40.00")))
    after = books.get(txn)
    assert (after.applied_amount, after.balance_remaining, after.is_paid) == (
        D("-40.00"),
        D("60.00"),
        False,
    )
    assert after.edit_sequence != before.edit_sequence
    assert after.time_modified > before.time_modified
    (link,) = after.linked_txn
    assert (link.txn_id, link.txn_type, link.link_type, link.amount) == (
        paid.txn_id,
        "ReceivePayment",
        "AMTTYPE",
        D("-40.00"),
    )
    (applied_to,) = paid.applied_to_txn_ret
    assert (applied_to.txn_type, applied_to.amount, applied_to.balance_remaining) == (
        "Invoice",
        D("40.00"),
        D("60.00"),
    )
    assert paid.unused_payment == D("0.00")
    assert paid.deposit_to_account_ref.full_name == "Undeposited Funds"
    assert books.entity("Beta").balance == D("60.00")


def test_full_payment_marks_the_invoice_paid(books: Books) -> None:
    txn = _invoice(books)
    books.add("ReceivePayment", payment("Beta", "40.00", applied(txn, "40.00")))
    books.add("ReceivePayment", payment("Beta", "60.00", applied(txn, "60.00")))
    after = books.get(txn)
    assert (after.balance_remaining, after.is_paid, len(after.linked_txn)) == (D("0.00"), True, 2)
    assert books.entity("Beta").balance == D("0.00")


def test_paying_more_than_the_amount_due_is_3210_and_changes_nothing(books: Books) -> None:
    txn = _invoice(books)
    before = books.get(txn)
    with pytest.raises(StatusError) as refused:
        books.add("ReceivePayment", payment("Beta", "150.00", applied(txn, "150.00")))
    assert refused.value.code == 3210
    assert "You cannot pay more than the amount due." in refused.value.message
    assert books.get(txn) == before
    assert books.entity("Beta").balance == D("100.00")


def test_applying_more_than_the_payment_is_refused(books: Books) -> None:
    txn = _invoice(books)
    with pytest.raises(StatusError) as refused:
        books.add("ReceivePayment", payment("Beta", "10.00", applied(txn, "50.00")))
    assert refused.value.code == 3210


def test_unused_payment_is_a_credit_for_the_customer(books: Books) -> None:
    txn = _invoice(books)
    paid = books.add("ReceivePayment", payment("Beta", "130.00", applied(txn, "100.00")))
    assert paid.unused_payment == D("30.00")
    assert books.entity("Beta").balance == D("-30.00")


def test_total_defaults_to_what_is_applied(books: Books) -> None:
    txn = _invoice(books)
    paid = books.add("ReceivePayment", payment("Beta", None, applied(txn, "25.00")))
    assert paid.total_amount == D("25.00")


def test_auto_apply_pays_the_oldest_invoices_first(books: Books) -> None:
    first = _invoice(books)
    second = _invoice(books, quantity="2")
    paid = books.add("ReceivePayment", payment("Beta", "180.00", is_auto_apply=True))
    assert [a.txn_id for a in paid.applied_to_txn_ret] == [first, second]
    assert books.get(first).is_paid is True
    assert books.get(second).balance_remaining == D("120.00")
    assert paid.unused_payment == D("0.00")


def test_credit_memo_applied_with_set_credit(books: Books) -> None:
    txn = _invoice(books)
    memo = books.add(
        "CreditMemo",
        m.CreditMemoAdd(
            customer_ref=m.CustomerRef(full_name="Beta"),
            credit_memo_line_add=(
                m.CreditMemoLineAdd(item_ref=m.ItemRef(full_name="Consulting"), amount=D("30.00")),
            ),
        ),
    )
    assert books.entity("Beta").balance == D("70.00")
    credit = m.SetCredit(credit_txn_id=memo.txn_id, applied_amount=D("30.00"))
    paid = books.add(
        "ReceivePayment", payment("Beta", "70.00", applied(txn, "70.00", set_credit=(credit,)))
    )
    invoice_after = books.get(txn)
    memo_after = books.get(memo)
    assert (invoice_after.balance_remaining, invoice_after.is_paid) == (D("0.00"), True)
    assert invoice_after.applied_amount == D("-100.00")
    assert {link.txn_type for link in invoice_after.linked_txn} == {"ReceivePayment", "CreditMemo"}
    assert memo_after.credit_remaining == D("0.00")
    assert [link.txn_id for link in memo_after.linked_txn] == [txn]
    assert paid.applied_to_txn_ret[0].linked_txn[0].txn_id == memo.txn_id
    assert books.entity("Beta").balance == D("0.00")


def test_more_credit_than_the_memo_has_is_refused(books: Books) -> None:
    txn = _invoice(books)
    memo = books.add(
        "CreditMemo",
        m.CreditMemoAdd(
            customer_ref=m.CustomerRef(full_name="Beta"),
            credit_memo_line_add=(
                m.CreditMemoLineAdd(item_ref=m.ItemRef(full_name="Consulting"), amount=D("10.00")),
            ),
        ),
    )
    credit = m.SetCredit(credit_txn_id=memo.txn_id, applied_amount=D("20.00"))
    with pytest.raises(StatusError) as refused:
        books.add(
            "ReceivePayment", payment("Beta", "0.00", applied(txn, "0.00", set_credit=(credit,)))
        )
    assert refused.value.code == 3210


def test_void_takes_the_payment_back_off_the_invoice(books: Books) -> None:
    txn = _invoice(books)
    paid = books.add("ReceivePayment", payment("Beta", "100.00", applied(txn, "100.00")))
    assert books.get(txn).is_paid is True
    books.void("ReceivePayment", paid.txn_id)
    after = books.get(txn)
    assert (after.balance_remaining, after.is_paid, after.linked_txn) == (D("100.00"), False, ())
    assert books.entity("Beta").balance == D("100.00")


def test_mod_reapplies_the_new_amounts(books: Books) -> None:
    txn = _invoice(books)
    paid = books.add("ReceivePayment", payment("Beta", "40.00", applied(txn, "40.00")))
    books.mod(
        "ReceivePayment",
        m.ReceivePaymentMod(
            txn_id=paid.txn_id,
            edit_sequence=paid.edit_sequence,
            total_amount=D("75.00"),
            applied_to_txn_mod=(m.AppliedToTxnMod(txn_id=txn, payment_amount=D("75.00")),),
        ),
    )
    after = books.get(txn)
    assert (after.balance_remaining, len(after.linked_txn)) == (D("25.00"), 1)
    assert books.entity("Beta").balance == D("25.00")


def test_without_the_payload_the_payment_takes_what_the_invoice_allows(books: Books) -> None:
    # The generic writer drops PaymentAmount (no such element in AppliedToTxnRet); until it hands
    # the payload to the rules, a listed invoice takes as much of the payment as it can.
    txn = _invoice(books)
    record = writes.add(
        books.context,
        KINDS["ReceivePayment"],
        payment("Beta", "30.00", applied(txn, "30.00")),
    )
    assert record.applied_to_txn_ret[0].amount == D("30.00")  # type: ignore[attr-defined]
    assert books.get(txn).balance_remaining == D("70.00")


def test_a_payment_for_a_missing_invoice_is_3140(books: Books) -> None:
    with pytest.raises(StatusError) as refused:
        books.add("ReceivePayment", payment("Beta", "5.00", applied("FFFF-1", "5.00")))
    assert refused.value.code == 3140


def test_after_txn_delete_undoes_a_deleted_payment(books: Books) -> None:
    # writes.delete runs no rule yet; this is the hook it would call (rules.after_txn_delete).
    from qbdlink.simulator.rules import after_txn_delete

    txn = _invoice(books)
    paid = books.add("ReceivePayment", payment("Beta", "100.00", applied(txn, "100.00")))
    with books.context.store.write():
        books.context.store.remove(paid.txn_id)
        after_txn_delete(books.context, paid)
    assert (books.get(txn).balance_remaining, books.get(txn).is_paid) == (D("100.00"), False)
    assert books.entity("Beta").balance == D("100.00")
    assert books.account("Undeposited Funds").balance == D("0.00")
    assert books.account("Accounts Receivable").balance == D("100.00")
