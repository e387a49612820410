"""Bills (data type ``bills``): Codat's ``AccountingBill``."""

from __future__ import annotations

from typing import Literal

from qbdlink.model.base import (
    AccountingRecord,
    AccountRef,
    AccountsPayableTracking,
    CodatModel,
    ItemRef,
    PaymentAllocation,
    SupplementalData,
    SupplierRef,
    TaxRateRef,
    TrackingCategoryRef,
    WithholdingTax,
)
from qbdlink.model.types import IsoDateTime, Money

__all__ = ["Bill", "BillLineItem", "BillStatus", "LineRef", "PurchaseOrderRef"]

BillStatus = Literal["Unknown", "Open", "PartiallyPaid", "Paid", "Void", "Draft"]


class PurchaseOrderRef(CodatModel):
    id: str | None = None
    purchase_order_number: str | None = None


class LineRef(CodatModel):
    """A line of a purchase order or bill that a line was created from."""

    id: str | None = None
    data_type: Literal["purchaseOrders", "bills"] | None = None
    line_number: str | None = None


class BillLineItem(CodatModel):
    line_number: str | None = None
    description: str | None = None
    # Optional in the Lending spec but required by codat-accounting: send both, always.
    unit_amount: Money
    quantity: Money
    unit_of_measurement: str | None = None
    discount_amount: Money | None = None
    sub_total: Money | None = None
    tax_amount: Money | None = None
    total_amount: Money | None = None
    discount_percentage: Money | None = None
    account_ref: AccountRef | None = None
    tax_rate_ref: TaxRateRef | None = None
    item_ref: ItemRef | None = None
    purchase_order_line_ref: LineRef | None = None
    tracking_category_refs: list[TrackingCategoryRef] | None = None
    tracking: AccountsPayableTracking | None = None
    is_direct_cost: bool | None = None


class Bill(AccountingRecord):
    reference: str | None = None
    supplier_ref: SupplierRef | None = None
    purchase_order_refs: list[PurchaseOrderRef] | None = None
    issue_date: IsoDateTime
    due_date: IsoDateTime | None = None
    currency: str | None = None
    currency_rate: Money | None = None
    line_items: list[BillLineItem] | None = None
    withholding_tax: list[WithholdingTax] | None = None
    status: BillStatus
    sub_total: Money
    tax_amount: Money
    total_amount: Money
    amount_due: Money | None = None
    note: str | None = None
    payment_allocations: list[PaymentAllocation] | None = None
    supplemental_data: SupplementalData | None = None
