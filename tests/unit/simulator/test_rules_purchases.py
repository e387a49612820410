"""Bills, vendor credits, bill payments, checks, deposits and journal entries."""

from __future__ import annotations

import pytest

from qbdlink.qbxml import Edition
from qbdlink.qbxml import messages as m
from qbdlink.simulator.context import StatusError
from qbdlink.simulator.store import RecordFilter

from .books import Books, D, applied, bill, expense


@pytest.fixture
def books() -> Books:
    return Books.create(Edition.US)


def _bill(books: Books) -> str:
    # 40.00 of rent and three widgets at their 10.00 purchase cost: 70.00.
    items = (m.ItemLineAdd(item_ref=m.ItemRef(full_name="Widget"), quantity=D("3")),)
    return str(books.add("Bill", bill("Paper Co", expense("Rent", "40.00"), items=items)).txn_id)


def _pay(books: Books, txn: str, amount: str, **fields: object) -> m.BillPaymentCheckRet:
    return books.add(  # type: ignore[no-any-return]
        "BillPaymentCheck",
        m.BillPaymentCheckAdd(
            payee_entity_ref=m.PayeeEntityRef(full_name="Paper Co"),
            bank_account_ref=m.BankAccountRef(full_name="Checking"),
            ref_number="101",
            applied_to_txn_add=(applied(txn, amount, **fields),),
        ),
    )


def test_bill_amount_due_from_expense_and_item_lines(books: Books) -> None:
    record = books.get(_bill(books))
    assert record.amount_due == D("70.00")
    assert record.open_amount == D("70.00")
    assert record.is_paid is False
    assert record.item_line_ret[0].amount == D("30.00")
    assert record.item_line_ret[0].cost == D("10.00")
    assert record.ap_account_ref.full_name == "Accounts Payable"
    assert books.entity("Paper Co").balance == D("70.00")
    assert books.account("Accounts Payable").balance == D("70.00")
    assert books.account("Rent").balance == D("40.00")


def test_bill_payment_check_pays_part_then_all(books: Books) -> None:
    txn = _bill(books)
    first = _pay(books, txn, "50.00")
    assert first.amount == D("50.00")
    assert books.get(txn).open_amount == D("20.00")
    assert books.entity("Paper Co").balance == D("20.00")
    _pay(books, txn, "20.00")
    after = books.get(txn)
    assert (after.open_amount, after.is_paid, len(after.linked_txn)) == (D("0.00"), True, 2)
    assert books.account("Checking").balance == D("-70.00")
    assert books.account("Accounts Payable").balance == D("0.00")


def test_paying_more_than_the_bill_is_3210(books: Books) -> None:
    txn = _bill(books)
    with pytest.raises(StatusError) as refused:
        _pay(books, txn, "70.01")
    assert refused.value.code == 3210
    assert "You cannot pay more than the amount due." in refused.value.message


def test_bill_payment_credit_card_with_a_vendor_credit(books: Books) -> None:
    txn = _bill(books)
    credit = books.add(
        "VendorCredit",
        m.VendorCreditAdd(
            vendor_ref=m.VendorRef(full_name="Paper Co"),
            expense_line_add=(expense("Rent", "15.00"),),
        ),
    )
    assert (credit.credit_amount, credit.open_amount) == (D("15.00"), D("15.00"))
    assert books.entity("Paper Co").balance == D("55.00")
    used = m.SetCredit(credit_txn_id=credit.txn_id, applied_amount=D("15.00"))
    paid = books.add(
        "BillPaymentCreditCard",
        m.BillPaymentCreditCardAdd(
            payee_entity_ref=m.PayeeEntityRef(full_name="Paper Co"),
            credit_card_account_ref=m.CreditCardAccountRef(full_name="Visa"),
            applied_to_txn_add=(applied(txn, "55.00", set_credit=(used,)),),
        ),
    )
    assert paid.amount == D("55.00")
    assert books.get(txn).is_paid is True
    assert books.get(credit).open_amount == D("0.00")
    assert books.entity("Paper Co").balance == D("0.00")
    assert books.account("Visa").balance == D("55.00")  # a credit card: owed, credit-normal


def test_void_bill_payment_reopens_the_bill(books: Books) -> None:
    txn = _bill(books)
    paid = _pay(books, txn, "70.00")
    books.void("BillPaymentCheck", str(paid.txn_id))
    assert books.get(txn).open_amount == D("70.00")
    assert books.account("Checking").balance == D("0.00")


def test_check_amount_is_the_sum_of_its_lines(books: Books) -> None:
    check = books.add(
        "Check",
        m.CheckAdd(
            account_ref=m.AccountRef(full_name="Checking"),
            payee_entity_ref=m.PayeeEntityRef(full_name="Paper Co"),
            expense_line_add=(expense("Rent", "12.50"), expense("Office Supplies", "7.25")),
        ),
    )
    assert check.amount == D("19.75")
    assert books.account("Checking").balance == D("-19.75")


def test_deposit_total_less_cash_back(books: Books) -> None:
    deposit = books.add(
        "Deposit",
        m.DepositAdd(
            deposit_to_account_ref=m.DepositToAccountRef(full_name="Checking"),
            cash_back_info_add=m.CashBackInfoAdd(
                account_ref=m.AccountRef(full_name="Petty Cash"), amount=D("20.00")
            ),
            deposit_line_add=(
                m.DepositLineAdd(
                    account_ref=m.AccountRef(full_name="Owner Equity"), amount=D("100")
                ),
            ),
        ),
    )
    assert deposit.deposit_total == D("80.00")
    assert books.account("Checking").balance == D("80.00")
    assert books.account("Petty Cash").balance == D("20.00")
    assert books.account("Owner Equity").balance == D("100.00")


def _journal(debit: str, credit: str) -> m.JournalEntryAdd:
    return m.JournalEntryAdd(
        journal_debit_line=(
            m.JournalDebitLine(account_ref=m.AccountRef(full_name="Checking"), amount=D(debit)),
            m.JournalCreditLine(
                account_ref=m.AccountRef(full_name="Owner Equity"), amount=D(credit)
            ),
        )
    )


def test_journal_entry_must_balance(books: Books) -> None:
    with pytest.raises(StatusError) as refused:
        books.add("JournalEntry", _journal("100.00", "99.99"))
    assert refused.value.code == 3210
    assert "Transaction must be balanced." in refused.value.message
    assert books.context.store.count(RecordFilter(kinds=("JournalEntry",), active=None)) == 0


def test_balanced_journal_entry_posts_its_lines(books: Books) -> None:
    entry = books.add("JournalEntry", _journal("250.00", "250.00"))
    assert all(line.txn_line_id for line in entry.journal_debit_line)
    assert books.account("Checking").balance == D("250.00")
    assert books.account("Owner Equity").balance == D("250.00")


def test_journal_line_without_an_account_is_3140(books: Books) -> None:
    entry = m.JournalEntryAdd(
        journal_debit_line=(
            m.JournalDebitLine(amount=D("1.00")),
            m.JournalCreditLine(
                account_ref=m.AccountRef(full_name="Owner Equity"), amount=D("1.00")
            ),
        )
    )
    with pytest.raises(StatusError) as refused:
        books.add("JournalEntry", entry)
    assert refused.value.code == 3140
