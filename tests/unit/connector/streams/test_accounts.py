"""The accounts stream: QuickBooks' chart of accounts as Codat accounts."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest

from qbdlink.connector.streams import accounts
from qbdlink.connector.streams.base import QueryWindow
from qbdlink.model.accounting.account import Account
from qbdlink.qbxml import Edition
from qbdlink.qbxml import messages as m

EDITIONS = (Edition.US, Edition.UK, Edition.CA)
EVERYTHING = QueryWindow(modified_from=None, modified_to=None)


def test_quickbooks_own_answer_maps_to_valid_accounts(
    sample_rets: Any, make_list_context: Any, validate_record: Any
) -> None:
    rets = sample_rets("account_query_rs.xml")
    dumps = [
        validate_record("accounts", accounts.map_account(ret, make_list_context(Edition.US)))
        for ret in rets
    ]
    checking, receivable = dumps
    assert checking["id"] == "80000020-1209525941"
    assert checking["name"] == "Checking"
    assert checking["type"] == "Asset"
    assert checking["fullyQualifiedCategory"] == "Asset.CurrentAsset.Bank"
    assert checking["fullyQualifiedName"] == "Asset.CurrentAsset.Bank.Checking"
    assert checking["isBankAccount"] is True
    assert checking["currentBalance"] == -197.02
    assert checking["currency"] == "USD"
    assert checking["status"] == "Active"
    assert checking["sourceModifiedDate"] == "2008-04-30T04:25:41Z"
    assert checking["modifiedDate"] == "2024-05-17T12:30:00Z"
    assert checking["metadata"] == {"isDeleted": False}
    assert "nominalCode" not in checking
    assert receivable["nominalCode"] == "11000"
    assert receivable["fullyQualifiedCategory"] == "Asset.CurrentAsset.AccountsReceivable"
    assert receivable["description"] == "Unpaid or unapplied customer "  # as QuickBooks wrote it
    assert receivable["isBankAccount"] is False


@pytest.mark.parametrize(
    ("account_type", "codat_type", "category"),
    [
        ("Bank", "Asset", "Asset.CurrentAsset.Bank"),
        ("AccountsReceivable", "Asset", "Asset.CurrentAsset.AccountsReceivable"),
        ("OtherCurrentAsset", "Asset", "Asset.CurrentAsset.OtherCurrentAsset"),
        ("FixedAsset", "Asset", "Asset.NonCurrentAsset.FixedAsset"),
        ("OtherAsset", "Asset", "Asset.NonCurrentAsset.OtherAsset"),
        ("AccountsPayable", "Liability", "Liability.CurrentLiability.AccountsPayable"),
        ("CreditCard", "Liability", "Liability.CurrentLiability.CreditCard"),
        ("OtherCurrentLiability", "Liability", "Liability.CurrentLiability.OtherCurrentLiability"),
        ("LongTermLiability", "Liability", "Liability.NonCurrentLiability.LongTermLiability"),
        ("Equity", "Equity", "Equity.Equity.Equity"),
        ("Income", "Income", "Income.Revenue.Income"),
        ("OtherIncome", "Income", "Income.OtherIncome.OtherIncome"),
        ("CostOfGoodsSold", "Expense", "Expense.CostOfSales.CostOfGoodsSold"),
        ("Expense", "Expense", "Expense.Operating.Expense"),
        ("OtherExpense", "Expense", "Expense.OtherExpense.OtherExpense"),
    ],
)
def test_each_ledger_account_type_has_its_category(
    account_type: str, codat_type: str, category: str, make_list_context: Any
) -> None:
    ret = m.AccountRet(list_id="1-1", name="Sub", full_name="Parent:Sub", account_type=account_type)
    account = accounts.map_account(ret, make_list_context(Edition.US))
    assert isinstance(account, Account)
    assert (account.type, account.fully_qualified_category) == (codat_type, category)
    assert account.fully_qualified_name == f"{category}.Parent:Sub"
    assert account.is_bank_account is (account_type == "Bank")


@pytest.mark.parametrize("account_type", ["NonPosting", "SomethingNew", None])
def test_accounts_outside_the_ledger_have_no_category(
    account_type: str | None, make_list_context: Any
) -> None:
    ret = m.AccountRet(list_id="1-1", name="Purchase Orders", account_type=account_type)
    account = accounts.map_account(ret, make_list_context(Edition.US))
    assert isinstance(account, Account)
    assert account.type == "Unknown"
    assert account.fully_qualified_category is None
    assert account.fully_qualified_name is None


def test_inactive_accounts_are_archived_and_currency_comes_from_the_ref(
    make_list_context: Any,
) -> None:
    ret = m.AccountRet(
        list_id="1-1",
        name="Euro Bank",
        account_type="Bank",
        is_active=False,
        balance=Decimal("10.50"),
        currency_ref=m.CurrencyRef(list_id="9-9", full_name="Euro"),
    )
    account = accounts.map_account(ret, make_list_context(Edition.UK))
    assert isinstance(account, Account)
    assert account.status == "Archived"
    assert account.currency == "EUR"
    assert account.current_balance == Decimal("10.50")
    home = accounts.map_account(m.AccountRet(list_id="2-2"), make_list_context(Edition.UK))
    assert isinstance(home, Account)
    assert home.currency == "GBP"


def test_deletions_are_account_deletions() -> None:
    assert accounts.STREAM.list_del_types == ("Account",)
    assert accounts.STREAM.data_type == "accounts"
    assert not accounts.STREAM.parts[0].iterator


@pytest.mark.parametrize("edition", EDITIONS)
def test_a_simulated_chart_maps_to_valid_unique_accounts(
    edition: Edition, pull_stream: Any, validate_record: Any
) -> None:
    pulled = pull_stream(accounts.STREAM, edition, EVERYTHING)
    dumps = [validate_record("accounts", item.record) for item in pulled]
    assert len(dumps) > 30
    ids = [dump["id"] for dump in dumps]
    assert len(set(ids)) == len(ids)
    banks = [dump for dump in dumps if dump["isBankAccount"]]
    assert len(banks) >= 2
    assert all(bank["fullyQualifiedCategory"] == "Asset.CurrentAsset.Bank" for bank in banks)
    assert all(
        dump["currency"] == {"US": "USD", "UK": "GBP", "CA": "CAD"}[edition.value] for dump in dumps
    )


def test_a_modified_date_window_excludes_other_accounts(
    pull_stream: Callable[..., Any],
) -> None:
    everything = pull_stream(accounts.STREAM, Edition.US, EVERYTHING)
    times = sorted({item.ret.time_modified for item in everything})
    assert len(times) >= 2
    cut = times[-1]
    newest = pull_stream(
        accounts.STREAM, Edition.US, QueryWindow(modified_from=cut, modified_to=None)
    )
    older = pull_stream(
        accounts.STREAM,
        Edition.US,
        QueryWindow(modified_from=None, modified_to=cut - timedelta(seconds=1)),
    )
    assert newest and all(item.ret.time_modified >= cut for item in newest)
    assert older and all(item.ret.time_modified < cut for item in older)
    assert len(newest) + len(older) == len(everything)
