"""Invoices (data type ``invoices``): Codat's ``AccountingInvoice``."""

from __future__ import annotations

from typing import Literal

from qbdlink.model.base import (
    AccountingRecord,
    AccountRef,
    AccountsReceivableTracking,
    CodatModel,
    CustomerRef,
    ItemRef,
    PaymentAllocation,
    SupplementalData,
    TaxRateRef,
    TrackingCategoryRef,
    WithholdingTax,
)
from qbdlink.model.types import IsoDateTime, Money

__all__ = ["Invoice", "InvoiceLineItem", "InvoiceStatus", "SalesOrderRef"]

InvoiceStatus = Literal["Unknown", "Draft", "Submitted", "PartiallyPaid", "Paid", "Void"]


class SalesOrderRef(CodatModel):
    id: str | None = None
    data_type: Literal["salesOrders"] | None = None


class InvoiceLineItem(CodatModel):
    description: str | None = None
    unit_amount: Money
    quantity: Money
    discount_amount: Money | None = None
    sub_total: Money | None = None
    tax_amount: Money | None = None
    total_amount: Money | None = None
    account_ref: AccountRef | None = None
    discount_percentage: Money | None = None
    tax_rate_ref: TaxRateRef | None = None
    item_ref: ItemRef | None = None
    tracking_category_refs: list[TrackingCategoryRef] | None = None
    tracking: AccountsReceivableTracking | None = None
    is_direct_income: bool | None = None


class Invoice(AccountingRecord):
    invoice_number: str | None = None
    customer_ref: CustomerRef | None = None
    sales_order_refs: list[SalesOrderRef] | None = None
    issue_date: IsoDateTime
    due_date: IsoDateTime | None = None
    paid_on_date: IsoDateTime | None = None
    currency: str | None = None
    currency_rate: Money | None = None
    line_items: list[InvoiceLineItem] | None = None
    payment_allocations: list[PaymentAllocation] | None = None
    withholding_tax: list[WithholdingTax] | None = None
    total_discount: Money | None = None
    sub_total: Money | None = None
    additional_tax_amount: Money | None = None
    additional_tax_percentage: Money | None = None
    total_tax_amount: Money
    total_amount: Money
    amount_due: Money
    # A percentage from 0 to 100: 5 means 5%.
    discount_percentage: Money | None = None
    status: InvoiceStatus
    note: str | None = None
    supplemental_data: SupplementalData | None = None
