"""Payments to suppliers (data type ``billPayments``): Codat's ``AccountingBillPayment``."""

from __future__ import annotations

from typing import Literal

from qbdlink.model.base import (
    AccountingRecord,
    AccountRef,
    CodatModel,
    PaymentMethodRef,
    SupplementalData,
    SupplierRef,
)
from qbdlink.model.types import IsoDateTime, Money

__all__ = ["BillPayment", "BillPaymentLine", "BillPaymentLineLink", "BillPaymentLineLinkType"]

BillPaymentLineLinkType = Literal[
    "Unknown",
    "Unlinked",
    "Bill",
    "Other",
    "CreditNote",
    "BillPayment",
    "PaymentOnAccount",
    "Refund",
    "ManualJournal",
    "Discount",
]


class BillPaymentLineLink(CodatModel):
    type: BillPaymentLineLinkType
    id: str | None = None
    amount: Money | None = None
    currency_rate: Money | None = None


class BillPaymentLine(CodatModel):
    amount: Money
    links: list[BillPaymentLineLink] | None = None
    allocated_on_date: IsoDateTime | None = None


class BillPayment(AccountingRecord):
    supplier_ref: SupplierRef | None = None
    account_ref: AccountRef | None = None
    total_amount: Money | None = None
    currency: str | None = None
    currency_rate: Money | None = None
    date: IsoDateTime
    note: str | None = None
    payment_method_ref: PaymentMethodRef | None = None
    lines: list[BillPaymentLine] | None = None
    reference: str | None = None
    supplemental_data: SupplementalData | None = None
