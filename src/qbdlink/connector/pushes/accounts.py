"""Accounts (data type ``accounts``, pushed as ``chartOfAccounts``): AccountAdd, the reverse of
the read (``streams/accounts.py``).

- name: Name (31 characters); required. A subaccount: ``fullyQualifiedName`` is the category
  followed by QuickBooks' full name (``Asset.CurrentAsset.Bank.Parent:Child``), so the part
  after the category gives the parent (ParentRef by full name); a name ``Parent:Child`` does
  too.
- AccountType, the reverse of the read's table (``ACCOUNT_CATEGORIES``):
  - from fullyQualifiedCategory, whose last part is the AccountType
    (``Asset.CurrentAsset.Bank`` -> Bank); its first part must agree with ``type``;
  - else from ``type`` alone: Asset -> Bank when isBankAccount, else OtherCurrentAsset;
    Liability -> OtherCurrentLiability; Equity -> Equity; Income -> Income; Expense -> Expense
    (the general type of each family; a client wanting another gives the category);
  - type Unknown without a category is refused. isBankAccount on a type other than Bank is
    refused (only Bank accounts are bank accounts in QuickBooks' terms, as the read says).
- nominalCode: AccountNumber (7). description: Desc (200). status Archived: inactive.
- currency, currentBalance (an opening balance is a journal entry) are not sent.

AccountAdd has no ExternalGUID; QuickBooks account names are unique, so the executor finds an
account this push already created by its full name among the accounts modified since the push
began (``matches_key``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel

from qbdlink.connector.pushes.base import PushContext, Writer
from qbdlink.connector.pushes.common import Draft, check_request, split_full_name, transliterate
from qbdlink.connector.streams.accounts import ACCOUNT_CATEGORIES
from qbdlink.model.accounting.account import Account
from qbdlink.qbxml import QbxmlObject
from qbdlink.qbxml import messages as m

__all__ = ["WRITER", "account_type", "full_name"]

# Codat type -> the AccountType an account of that type gets when no category says more.
_BY_TYPE = {
    "Asset": "OtherCurrentAsset",
    "Liability": "OtherCurrentLiability",
    "Equity": "Equity",
    "Income": "Income",
    "Expense": "Expense",
}
_FIELDS = {
    "Name": "name",
    "ParentRef": "fullyQualifiedName",
    "IsActive": "status",
    "AccountType": "fullyQualifiedCategory",
    "AccountNumber": "nominalCode",
    "Desc": "description",
}


def account_type(record: Account, draft: Draft) -> str:
    """The qbXML AccountType for ``record`` (see the module docstring)."""
    category = record.fully_qualified_category
    if category:
        parts = category.split(".")
        known = ACCOUNT_CATEGORIES.get(parts[-1])
        if known is None:
            draft.problem(
                "fullyQualifiedCategory",
                f"{category!r} names no QuickBooks account type; end it with one of "
                + ", ".join(ACCOUNT_CATEGORIES),
            )
            return ""
        codat_type = known[0]
        if len(parts) > 1 and parts[0] != codat_type:
            draft.problem(
                "fullyQualifiedCategory", f"a {parts[-1]} account is of type {codat_type}"
            )
        if record.type not in (None, "Unknown", codat_type):
            draft.problem("type", f"a {parts[-1]} account is of type {codat_type}")
        chosen = parts[-1]
    elif record.type in _BY_TYPE:
        chosen = (
            "Bank" if record.type == "Asset" and record.is_bank_account else _BY_TYPE[record.type]
        )
    else:
        draft.problem("type", "give the account's type (or its fullyQualifiedCategory)")
        return ""
    if record.is_bank_account and chosen != "Bank":
        draft.problem("isBankAccount", f"a {chosen} account is not a bank account in QuickBooks")
    return chosen


def full_name(record: Account) -> str:
    """The account's QuickBooks full name (``Parent:Child`` for a subaccount)."""
    name = record.name or ""
    qualified = record.fully_qualified_name or ""
    category = record.fully_qualified_category or ""
    if category and qualified.startswith(f"{category}."):
        below = qualified[len(category) + 1 :]
        parent, own = split_full_name(below)
        if parent is not None and own == name:
            return below
    return name


def add(record: BaseModel, ctx: PushContext) -> QbxmlObject:
    assert isinstance(record, Account)
    draft = Draft(ctx, "account")
    draft.required_text(record.name, "name", "QuickBooks needs an account name")
    parent, name = split_full_name(draft.text(full_name(record), "name") or "")
    values: dict[str, Any] = {
        "name": name,
        "parent_ref": m.ParentRef(full_name=parent) if parent is not None else None,
        "is_active": False if record.status == "Archived" else None,
        "account_type": account_type(record, draft),
        "account_number": draft.text(record.nominal_code, "nominalCode"),
        "desc": draft.text(record.description, "description"),
    }
    request = m.AccountAddRq(account_add=m.AccountAdd(**values))
    check_request(draft, request, _FIELDS)
    return request


def query_by_id(record_id: str) -> QbxmlObject:
    return m.AccountQueryRq(list_id=(record_id,), owner_id=("0",))


def query_by_key(ctx: PushContext, since: datetime) -> QbxmlObject:
    # AccountAdd has no ExternalGUID: the accounts changed since the push began, matched by
    # name in matches_key. (AccountQuery has no iterator; the chart is small.)
    return m.AccountQueryRq(active_status="All", from_modified_date=since)


def matches_key(ret: Any, ctx: PushContext, record: BaseModel | None) -> bool:
    """Whether ``ret`` is the account ``record`` names (QuickBooks compares names without
    regard to case, and stores the transliterated name when transliteration is on)."""
    if not isinstance(record, Account) or not record.name:
        return False
    wanted = full_name(record)
    if ctx.transliterate:
        wanted = transliterate(wanted)[0]
    found = getattr(ret, "full_name", None) or getattr(ret, "name", None) or ""
    return bool(found) and str(found).casefold() == wanted.casefold()


WRITER = Writer(
    data_type="accounts",
    add=add,
    query_by_id=query_by_id,
    query_by_key=query_by_key,
    matches_key=matches_key,
)
