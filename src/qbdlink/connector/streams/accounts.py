"""Accounts (data type ``accounts``): QuickBooks' chart of accounts as Codat's ``Account``.

AccountQuery has no iterator: the chart is read whole (filtered by the window), which is small.

The category follows the shape of Codat's own QuickBooks Desktop examples
(``Asset.CurrentAsset.AccountsReceivable``, ``Asset.CurrentAsset.Bank``): Codat's type, then the
section of QuickBooks' financial statements the account type falls in, then qbXML's AccountType
itself, so the category can always be turned back into an AccountType.
``fullyQualifiedName`` is the category followed by QuickBooks' FullName (``Parent:Child`` for a
subaccount), again as Codat's examples write it (``...Bank.Checking``).

| AccountType           | type      | fullyQualifiedCategory                           |
|-----------------------|-----------|--------------------------------------------------|
| Bank                  | Asset     | Asset.CurrentAsset.Bank                          |
| AccountsReceivable    | Asset     | Asset.CurrentAsset.AccountsReceivable            |
| OtherCurrentAsset     | Asset     | Asset.CurrentAsset.OtherCurrentAsset             |
| FixedAsset            | Asset     | Asset.NonCurrentAsset.FixedAsset                 |
| OtherAsset            | Asset     | Asset.NonCurrentAsset.OtherAsset                 |
| AccountsPayable       | Liability | Liability.CurrentLiability.AccountsPayable       |
| CreditCard            | Liability | Liability.CurrentLiability.CreditCard            |
| OtherCurrentLiability | Liability | Liability.CurrentLiability.OtherCurrentLiability |
| LongTermLiability     | Liability | Liability.NonCurrentLiability.LongTermLiability  |
| Equity                | Equity    | Equity.Equity.Equity                             |
| Income                | Income    | Income.Revenue.Income                            |
| OtherIncome           | Income    | Income.OtherIncome.OtherIncome                   |
| CostOfGoodsSold       | Expense   | Expense.CostOfSales.CostOfGoodsSold              |
| Expense               | Expense   | Expense.Operating.Expense                        |
| OtherExpense          | Expense   | Expense.OtherExpense.OtherExpense                |
| NonPosting            | Unknown   | (none)                                           |

NonPosting accounts (estimates, purchase orders) hold no ledger amounts; Codat gives an account
outside the ledger's categories type Unknown and no category or qualified name. An AccountType
this table does not know is treated the same way.

- isBankAccount: Bank only. Codat's QuickBooks Desktop bank accounts are the Bank accounts
  (checking, savings, petty cash); a credit card is a liability account, not a bank account.
- currentBalance: TotalBalance (the account with its subaccounts, what QuickBooks' chart shows),
  else Balance.
- currency: CurrencyRef (multicurrency), else the home currency.
- status: Active, or Archived when QuickBooks marks the account inactive.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel

from qbdlink.connector.streams.base import (
    MappingContext,
    QueryPart,
    QueryWindow,
    Stream,
    currency_code,
    custom_fields,
    iso_datetime,
    not_deleted,
    record_status,
)
from qbdlink.model.accounting.account import Account, AccountType
from qbdlink.qbxml import QbxmlObject
from qbdlink.qbxml import messages as m

__all__ = ["ACCOUNT_CATEGORIES", "STREAM", "category_of", "map_account"]

Category = tuple[Literal["Asset", "Expense", "Income", "Liability", "Equity"], str]

# qbXML AccountType -> (Codat type, statement section); the category is type.section.AccountType.
ACCOUNT_CATEGORIES: dict[str, Category] = {
    "Bank": ("Asset", "CurrentAsset"),
    "AccountsReceivable": ("Asset", "CurrentAsset"),
    "OtherCurrentAsset": ("Asset", "CurrentAsset"),
    "FixedAsset": ("Asset", "NonCurrentAsset"),
    "OtherAsset": ("Asset", "NonCurrentAsset"),
    "AccountsPayable": ("Liability", "CurrentLiability"),
    "CreditCard": ("Liability", "CurrentLiability"),
    "OtherCurrentLiability": ("Liability", "CurrentLiability"),
    "LongTermLiability": ("Liability", "NonCurrentLiability"),
    "Equity": ("Equity", "Equity"),
    "Income": ("Income", "Revenue"),
    "OtherIncome": ("Income", "OtherIncome"),
    "CostOfGoodsSold": ("Expense", "CostOfSales"),
    "Expense": ("Expense", "Operating"),
    "OtherExpense": ("Expense", "OtherExpense"),
}


def category_of(account_type: str | None) -> tuple[AccountType, str | None]:
    """Codat's type and fullyQualifiedCategory for a qbXML AccountType."""
    known = ACCOUNT_CATEGORIES.get(account_type or "")
    if known is None or account_type is None:
        return "Unknown", None
    codat_type, section = known
    return codat_type, f"{codat_type}.{section}.{account_type}"


def build_account_query(window: QueryWindow) -> QbxmlObject:
    return m.AccountQueryRq(
        active_status="All",
        from_modified_date=window.modified_from,
        to_modified_date=window.modified_to,
        owner_id=("0",),
    )


def map_account(ret: m.AccountRet, ctx: MappingContext) -> BaseModel | None:
    codat_type, category = category_of(ret.account_type)
    name = ret.full_name or ret.name
    balance = ret.total_balance if ret.total_balance is not None else ret.balance
    return Account(
        id=ret.list_id,
        nominal_code=ret.account_number or None,
        name=ret.name,
        description=ret.desc or None,
        fully_qualified_category=category,
        fully_qualified_name=f"{category}.{name}" if category and name else None,
        currency=currency_code(ret.currency_ref, ctx),
        current_balance=balance,
        type=codat_type,
        status=record_status(ret.is_active),
        is_bank_account=ret.account_type == "Bank",
        modified_date=iso_datetime(ctx.synced_at),
        source_modified_date=iso_datetime(ret.time_modified),
        metadata=not_deleted(),
        supplemental_data=custom_fields(ret.data_ext_ret),
    )


STREAM = Stream(
    data_type="accounts",
    parts=(QueryPart(name="accounts", build=build_account_query, map=map_account, iterator=False),),
    list_del_types=("Account",),
)
