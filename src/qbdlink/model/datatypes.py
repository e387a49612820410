"""The registry of the data types qbdlink serves, and Codat's closed list of data type keys.

Codat names one data type two ways: accounts are read at ``/data/accounts`` but are
``chartOfAccounts`` wherever a ``dataType`` is written (data status, sync settings, queue, push
operations, push options). ``DataTypeInfo.codat_data_type`` is that name, and :func:`data_type`
accepts either.

``DATA_TYPES`` is in sync order: lists before the transactions that point at them, so a client
reading in this order never meets a reference to a record it has not seen.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from types import MappingProxyType

from pydantic import BaseModel

from qbdlink.model.accounting import (
    Account,
    Bill,
    BillCreditNote,
    BillPayment,
    CompanyInfo,
    CreditNote,
    Customer,
    Invoice,
    Item,
    JournalEntry,
    Payment,
    PaymentMethod,
    Supplier,
    TaxRate,
    TrackingCategory,
)
from qbdlink.model.errors import UnknownDataTypeError

__all__ = ["ALL_DATA_TYPE_KEYS", "DATA_TYPES", "DataTypeInfo", "data_type"]


@dataclass(frozen=True)
class DataTypeInfo:
    """One data type: its key, where it is read, its model and its default sync settings."""

    key: str
    # The path segment after /data/ ("info" for company, else the key).
    read_path: str
    # The name in Codat's closed dataType enum ("chartOfAccounts" for accounts, else the key).
    codat_data_type: str
    model: type[BaseModel]
    display_name: str
    default_fetch_on_first_link: bool
    default_sync_schedule_hours: int
    default_sync_order: int
    # The record's own date (for date-range filters and partitions), when it has one.
    date_path: str | None
    # The counterparty reference (customer or supplier id), when it has one.
    reference_path: str | None


def _info(
    key: str,
    model: type[BaseModel],
    display_name: str,
    *,
    date_path: str | None = None,
    reference_path: str | None = None,
    read_path: str | None = None,
    codat_data_type: str | None = None,
) -> DataTypeInfo:
    return DataTypeInfo(
        key=key,
        read_path=read_path or key,
        codat_data_type=codat_data_type or key,
        model=model,
        display_name=display_name,
        # Codat's defaults for an accounting integration: everything on first link, daily.
        default_fetch_on_first_link=True,
        default_sync_schedule_hours=24,
        default_sync_order=0,  # set from the position in _ORDERED below
        date_path=date_path,
        reference_path=reference_path,
    )


_ORDERED = (
    _info("company", CompanyInfo, "Company info", read_path="info"),
    _info("accounts", Account, "Accounts", codat_data_type="chartOfAccounts"),
    _info("taxRates", TaxRate, "Tax rates"),
    _info("trackingCategories", TrackingCategory, "Tracking categories"),
    _info("paymentMethods", PaymentMethod, "Payment methods"),
    _info("customers", Customer, "Customers"),
    _info("suppliers", Supplier, "Suppliers"),
    _info("items", Item, "Items"),
    _info("invoices", Invoice, "Invoices", date_path="issueDate", reference_path="customerRef.id"),
    _info(
        "creditNotes",
        CreditNote,
        "Credit notes",
        date_path="issueDate",
        reference_path="customerRef.id",
    ),
    _info("payments", Payment, "Payments", date_path="date", reference_path="customerRef.id"),
    _info("bills", Bill, "Bills", date_path="issueDate", reference_path="supplierRef.id"),
    _info(
        "billCreditNotes",
        BillCreditNote,
        "Bill credit notes",
        date_path="issueDate",
        reference_path="supplierRef.id",
    ),
    _info(
        "billPayments",
        BillPayment,
        "Bill payments",
        date_path="date",
        reference_path="supplierRef.id",
    ),
    _info("journalEntries", JournalEntry, "Journal entries", date_path="postedOn"),
)

DATA_TYPES: Mapping[str, DataTypeInfo] = MappingProxyType(
    {info.key: replace(info, default_sync_order=order) for order, info in enumerate(_ORDERED)}
)

# Codat's closed dataType enum (DataStatus, PushOperation): a valid key we do not serve is a
# "not supported" answer, anything else a bad request.
ALL_DATA_TYPE_KEYS: tuple[str, ...] = (
    "accountTransactions",
    "balanceSheet",
    "bankAccounts",
    "bankTransactions",
    "billCreditNotes",
    "billPayments",
    "bills",
    "cashFlowStatement",
    "chartOfAccounts",
    "company",
    "creditNotes",
    "customers",
    "directCosts",
    "directIncomes",
    "invoices",
    "itemReceipts",
    "items",
    "journalEntries",
    "journals",
    "paymentMethods",
    "payments",
    "profitAndLoss",
    "purchaseOrders",
    "salesOrders",
    "suppliers",
    "taxRates",
    "trackingCategories",
    "transfers",
    "banking-accountBalances",
    "banking-accounts",
    "banking-transactionCategories",
    "banking-transactions",
    "commerce-companyInfo",
    "commerce-customers",
    "commerce-disputes",
    "commerce-locations",
    "commerce-orders",
    "commerce-paymentMethods",
    "commerce-payments",
    "commerce-productCategories",
    "commerce-products",
    "commerce-taxComponents",
    "commerce-transactions",
)


_BY_CODAT_DATA_TYPE: Mapping[str, DataTypeInfo] = MappingProxyType(
    {info.codat_data_type: info for info in DATA_TYPES.values()}
)


def data_type(key: str) -> DataTypeInfo:
    """The data type ``key`` names (a registry key or its Codat ``dataType``, such as
    ``chartOfAccounts``); ``UnknownDataTypeError`` if qbdlink does not serve it."""
    info = DATA_TYPES.get(key) or _BY_CODAT_DATA_TYPE.get(key)
    if info is None:
        raise UnknownDataTypeError(key, tuple(DATA_TYPES))
    return info
