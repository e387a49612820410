"""The ledger: balanced postings per transaction, and a trial balance that nets to zero."""

from __future__ import annotations

from decimal import Decimal

import pytest

from qbdlink.qbxml import Edition
from qbdlink.qbxml import messages as m
from qbdlink.simulator.ledger import (
    Chart,
    ItemAccounts,
    MissingAccountError,
    postings,
    trial_balance,
)
from qbdlink.simulator.store import RecordFilter

from .books import Books, D, applied, bill, expense, invoice, line, payment

_CREDIT_NORMAL = {"AccountsPayable", "CreditCard", "OtherCurrentLiability", "Equity", "Income"}


def _chart() -> Chart:
    items = {
        "W": ItemAccounts("Widget", "INC", "EXP"),
        "S": ItemAccounts("Sub", None, None, posts=False),
    }
    specials = {"ar": "AR", "ap": "AP", "undeposited": "UF", "sales_tax": "TAX"}
    return Chart(items.__getitem__, specials.__getitem__)


def test_invoice_postings_are_pure_and_balanced() -> None:
    record = m.InvoiceRet(
        invoice_line_ret=(
            m.InvoiceLineRet(item_ref=m.ItemRef(list_id="W"), amount=D("100.00")),
            m.InvoiceLineRet(item_ref=m.ItemRef(list_id="S"), amount=D("100.00")),
        ),
        sales_tax_total=D("8.25"),
    )
    result = {(p.account_id, p.amount) for p in postings(record, _chart())}
    assert result == {("INC", D("-100.00")), ("TAX", D("-8.25")), ("AR", D("108.25"))}


def test_credit_memo_reverses_an_invoice() -> None:
    record = m.CreditMemoRet(
        credit_memo_line_ret=(m.CreditMemoLineRet(item_ref=m.ItemRef(list_id="W"), amount=D("10")),)
    )
    result = {(p.account_id, p.amount) for p in postings(record, _chart())}
    assert result == {("INC", D("10")), ("AR", D("-10"))}


def test_bill_payment_debits_ap_and_credits_the_bank() -> None:
    record = m.BillPaymentCheckRet(bank_account_ref=m.BankAccountRef(list_id="BANK"), amount=D("5"))
    result = {(p.account_id, p.amount) for p in postings(record, _chart())}
    assert result == {("AP", D("5")), ("BANK", D("-5"))}


def test_an_item_without_an_account_cannot_post() -> None:
    chart = Chart(lambda _: ItemAccounts("Orphan", None, None), lambda key: key)
    record = m.InvoiceRet(
        invoice_line_ret=(m.InvoiceLineRet(item_ref=m.ItemRef(list_id="X"), amount=D("1.00")),)
    )
    with pytest.raises(MissingAccountError):
        postings(record, chart)


def test_non_posting_transactions_post_nothing() -> None:
    assert postings(m.EstimateRet(total_amount=D("10")), _chart()) == []


def _mixed(books: Books) -> None:
    """Invoices, a credit memo, payments, a sales receipt, bills, payments, a check, a deposit,
    a journal entry; then a void and a delete."""
    first = books.add("Invoice", invoice("Acme", line("Widget", "4"), line("Consulting"))).txn_id
    kit = m.InvoiceLineGroupAdd(item_group_ref=m.ItemGroupRef(full_name="Kit"))
    second = books.add(
        "Invoice", invoice("Acme:Project", kit, line("Subtotal"), line("Promo"))
    ).txn_id
    memo = books.add(
        "CreditMemo",
        m.CreditMemoAdd(
            customer_ref=m.CustomerRef(full_name="Acme"),
            credit_memo_line_add=(m.CreditMemoLineAdd(item_ref=m.ItemRef(full_name="Widget")),),
        ),
    )
    credit = m.SetCredit(credit_txn_id=memo.txn_id, applied_amount=memo.total_amount)
    books.add(
        "ReceivePayment", payment("Acme", "100.00", applied(first, "100.00", set_credit=(credit,)))
    )
    voided = books.add("ReceivePayment", payment("Acme:Project", "50.00", applied(second, "50.00")))
    books.add(
        "SalesReceipt",
        m.SalesReceiptAdd(
            customer_ref=m.CustomerRef(full_name="Beta"),
            sales_receipt_line_add=(m.SalesReceiptLineAdd(item_ref=m.ItemRef(full_name="Widget")),),
        ),
    )
    items = (m.ItemLineAdd(item_ref=m.ItemRef(full_name="Widget"), quantity=D("5")),)
    owed = books.add("Bill", bill("Paper Co", expense("Rent", "500.00"), items=items)).txn_id
    books.add(
        "BillPaymentCheck",
        m.BillPaymentCheckAdd(
            payee_entity_ref=m.PayeeEntityRef(full_name="Paper Co"),
            bank_account_ref=m.BankAccountRef(full_name="Checking"),
            is_to_be_printed=True,
            applied_to_txn_add=(applied(owed, "300.00"),),
        ),
    )
    books.add(
        "Check",
        m.CheckAdd(
            account_ref=m.AccountRef(full_name="Checking"),
            expense_line_add=(expense("Office Supplies", "33.33"),),
        ),
    )
    books.add(
        "Deposit",
        m.DepositAdd(
            deposit_to_account_ref=m.DepositToAccountRef(full_name="Checking"),
            deposit_line_add=(
                m.DepositLineAdd(
                    account_ref=m.AccountRef(full_name="Undeposited Funds"), amount=D("100.00")
                ),
            ),
        ),
    )
    books.add(
        "JournalEntry",
        m.JournalEntryAdd(
            journal_debit_line=(
                m.JournalDebitLine(
                    account_ref=m.AccountRef(full_name="Checking"), amount=D("1000")
                ),
                m.JournalCreditLine(
                    account_ref=m.AccountRef(full_name="Owner Equity"), amount=D("1000")
                ),
            )
        ),
    )
    books.void("ReceivePayment", voided.txn_id)
    extra = books.add(
        "Check",
        m.CheckAdd(
            account_ref=m.AccountRef(full_name="Checking"),
            expense_line_add=(expense("Rent", "9.99"),),
        ),
    )
    books.delete("Check", extra.txn_id)


@pytest.mark.parametrize("edition", list(Edition))
def test_trial_balance_nets_to_zero_after_mixed_transactions(edition: Edition) -> None:
    books = Books.create(edition)
    _mixed(books)
    balances = trial_balance(books.context.store)
    assert sum(balances.values(), Decimal(0)) == 0
    assert len([amount for amount in balances.values() if amount]) >= 8
    # deposit 100 + journal 1000 - bill payment 300 - check 33.33 (the deleted check is gone)
    assert balances[books.account("Checking").list_id] == D("766.67")


def test_account_balances_match_the_trial_balance() -> None:
    books = Books.create(Edition.US)
    _mixed(books)
    balances = trial_balance(books.context.store)
    for row in books.context.store.select(RecordFilter(kinds=("Account",), active=None)):
        account = books.get(row.id)
        expected = balances.get(account.list_id, Decimal(0))
        if account.account_type in _CREDIT_NORMAL:
            expected = -expected
        assert (account.balance or 0) == expected, account.name


def test_customer_and_vendor_balances_after_the_mixed_set() -> None:
    books = Books.create(Edition.US)
    _mixed(books)
    acme, job = (
        books.entity("Acme"),
        books.entity("Acme:Project"),
    )
    # Acme: 4 widgets + consulting + 8.25% on the 100.00 of widgets = 208.25, less 100.00 paid
    # and the 27.06 credit memo. The job's invoice stays open: its payment was voided.
    assert acme.balance == D("81.19")
    assert (
        job.balance
        == books.get(
            books.context.store.select(RecordFilter(kinds=("Invoice",), active=None))[1].id
        ).balance_remaining
    )
    assert acme.total_balance == acme.balance + job.balance
    assert books.entity("Paper Co").balance == D("250.00")
