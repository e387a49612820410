"""Bill credit notes (data type ``billCreditNotes``): Codat's ``AccountingBillCreditNote``."""

from __future__ import annotations

from typing import Literal

from qbdlink.model.accounting.bill import LineRef
from qbdlink.model.base import (
    AccountingRecord,
    AccountRef,
    AccountsPayableTracking,
    CodatModel,
    ItemRef,
    PaymentAllocation,
    RecordRef,
    SupplementalData,
    SupplierRef,
    TaxRateRef,
    TrackingCategoryRef,
    WithholdingTax,
)
from qbdlink.model.types import IsoDateTime, Money

__all__ = ["BillCreditNote", "BillCreditNoteLineItem", "BillCreditNoteStatus"]

BillCreditNoteStatus = Literal["Unknown", "Draft", "Submitted", "Paid", "Void", "PartiallyPaid"]


class BillCreditNoteLineItem(CodatModel):
    description: str | None = None
    unit_amount: Money
    quantity: Money
    unit_of_measurement: str | None = None
    discount_amount: Money | None = None
    sub_total: Money | None = None
    tax_amount: Money | None = None
    total_amount: Money | None = None
    account_ref: AccountRef | None = None
    discount_percentage: Money | None = None
    tax_rate_ref: TaxRateRef | None = None
    item_ref: ItemRef | None = None
    created_from_line_ref: LineRef | None = None
    tracking_category_refs: list[TrackingCategoryRef] | None = None
    tracking: AccountsPayableTracking | None = None


class BillCreditNote(AccountingRecord):
    bill_credit_note_number: str | None = None
    supplier_ref: SupplierRef | None = None
    withholding_tax: list[WithholdingTax] | None = None
    total_amount: Money
    total_discount: Money
    sub_total: Money
    total_tax_amount: Money
    discount_percentage: Money
    remaining_credit: Money | None = None
    status: BillCreditNoteStatus
    issue_date: IsoDateTime | None = None
    allocated_on_date: IsoDateTime | None = None
    currency: str | None = None
    currency_rate: Money | None = None
    line_items: list[BillCreditNoteLineItem] | None = None
    payment_allocations: list[PaymentAllocation] | None = None
    created_from_refs: list[RecordRef] | None = None
    note: str | None = None
    supplemental_data: SupplementalData | None = None
