"""Accounts (data type ``accounts``, pushed as ``chartOfAccounts``): ``AccountingAccount``."""

from __future__ import annotations

from typing import Literal

from qbdlink.model.base import AccountingRecord, SupplementalData, ValidDataTypeLinks
from qbdlink.model.types import Money

__all__ = ["Account", "AccountStatus", "AccountType"]

AccountType = Literal["Unknown", "Asset", "Expense", "Income", "Liability", "Equity"]
AccountStatus = Literal["Unknown", "Active", "Archived", "Pending"]


class Account(AccountingRecord):
    nominal_code: str | None = None
    name: str | None = None
    description: str | None = None
    # e.g. "Asset.CurrentAsset.AccountsReceivable"
    fully_qualified_category: str | None = None
    fully_qualified_name: str | None = None
    currency: str | None = None
    current_balance: Money | None = None
    type: AccountType | None = None
    status: AccountStatus | None = None
    is_bank_account: bool | None = None
    valid_datatype_links: list[ValidDataTypeLinks] | None = None
    supplemental_data: SupplementalData | None = None
