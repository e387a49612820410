"""Payments from customers (data type ``payments``): Codat's ``AccountingPayment``."""

from __future__ import annotations

from typing import Literal

from qbdlink.model.base import (
    AccountingRecord,
    AccountRef,
    CodatModel,
    CustomerRef,
    PaymentMethodRef,
    SupplementalData,
)
from qbdlink.model.types import IsoDateTime, Money

__all__ = ["Payment", "PaymentLine", "PaymentLineLink", "PaymentLinkType"]

PaymentLinkType = Literal[
    "Unknown",
    "Unlinked",
    "Invoice",
    "CreditNote",
    "Other",
    "Refund",
    "Payment",
    "PaymentOnAccount",
    "ManualJournal",
    "Discount",
]


class PaymentLineLink(CodatModel):
    type: PaymentLinkType
    id: str | None = None
    # In the linked record's currency; negative when it reduces what the customer owes.
    amount: Money | None = None
    currency_rate: Money | None = None


class PaymentLine(CodatModel):
    amount: Money
    links: list[PaymentLineLink] | None = None
    allocated_on_date: IsoDateTime | None = None


class Payment(AccountingRecord):
    customer_ref: CustomerRef | None = None
    account_ref: AccountRef | None = None
    payment_method_ref: PaymentMethodRef | None = None
    total_amount: Money | None = None
    currency: str | None = None
    currency_rate: Money | None = None
    date: IsoDateTime
    note: str | None = None
    lines: list[PaymentLine] | None = None
    reference: str | None = None
    supplemental_data: SupplementalData | None = None
