"""Journal entries (data type ``journalEntries``): Codat's ``AccountingJournalEntry``."""

from __future__ import annotations

from typing import Literal

from qbdlink.model.base import AccountingRecord, AccountRef, CodatModel, SupplementalData
from qbdlink.model.types import IsoDateTime, Money

__all__ = [
    "ContactRef",
    "JournalEntry",
    "JournalEntryRecordRef",
    "JournalLine",
    "JournalLineTracking",
    "JournalRef",
    "TrackingRecordRef",
]


class JournalRef(CodatModel):
    id: str
    name: str | None = None


class TrackingRecordRef(CodatModel):
    id: str | None = None
    data_type: Literal["customers", "suppliers", "trackingCategories"] | None = None


class JournalLineTracking(CodatModel):
    record_refs: list[TrackingRecordRef] | None = None


class ContactRef(CodatModel):
    id: str
    data_type: Literal["customers", "suppliers"] | None = None


class JournalLine(CodatModel):
    description: str | None = None
    # Positive for a debit, negative for a credit.
    net_amount: Money
    transaction_amount: Money | None = None
    currency: str | None = None
    transaction_currency: str | None = None
    account_ref: AccountRef | None = None
    tracking: JournalLineTracking | None = None
    contact_ref: ContactRef | None = None


class JournalEntryRecordRef(CodatModel):
    """The transaction behind the entry, when it was not entered as a journal."""

    id: str | None = None
    data_type: (
        Literal[
            "bankTransactions",
            "billCreditNotes",
            "billPayments",
            "bills",
            "creditNotes",
            "directCosts",
            "directIncomes",
            "invoices",
            "journalEntries",
            "payments",
            "transfers",
        ]
        | None
    ) = None


class JournalEntry(AccountingRecord):
    description: str | None = None
    posted_on: IsoDateTime | None = None
    created_on: IsoDateTime | None = None
    updated_on: IsoDateTime | None = None
    journal_ref: JournalRef | None = None
    journal_lines: list[JournalLine] | None = None
    record_ref: JournalEntryRecordRef | None = None
    supplemental_data: SupplementalData | None = None
