"""Credit notes (data type ``creditNotes``): Codat's ``AccountingCreditNote``."""

from __future__ import annotations

from typing import Literal

from qbdlink.model.accounting.invoice import InvoiceLineItem
from qbdlink.model.base import (
    AccountingRecord,
    CustomerRef,
    PaymentAllocation,
    SupplementalData,
    WithholdingTax,
)
from qbdlink.model.types import IsoDateTime, Money

__all__ = ["CreditNote", "CreditNoteLineItem", "CreditNoteStatus"]

CreditNoteStatus = Literal["Unknown", "Draft", "Submitted", "Paid", "Void", "PartiallyPaid"]


class CreditNoteLineItem(InvoiceLineItem):
    """Codat's ``creditNoteLineItem``: the same shape as an invoice line."""


class CreditNote(AccountingRecord):
    credit_note_number: str | None = None
    customer_ref: CustomerRef | None = None
    withholding_tax: list[WithholdingTax] | None = None
    total_amount: Money
    total_discount: Money
    sub_total: Money
    additional_tax_amount: Money | None = None
    additional_tax_percentage: Money | None = None
    total_tax_amount: Money
    discount_percentage: Money
    remaining_credit: Money
    status: CreditNoteStatus
    issue_date: IsoDateTime | None = None
    allocated_on_date: IsoDateTime | None = None
    currency: str | None = None
    currency_rate: Money | None = None
    line_items: list[CreditNoteLineItem] | None = None
    payment_allocations: list[PaymentAllocation] | None = None
    note: str | None = None
    supplemental_data: SupplementalData | None = None
