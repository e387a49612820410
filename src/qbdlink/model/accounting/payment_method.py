"""Payment methods (data type ``paymentMethods``): Codat's ``PaymentMethod``.

Codat gives payment methods no ``supplementalData``.
"""

from __future__ import annotations

from typing import Literal

from qbdlink.model.base import AccountingRecord, RecordStatus

__all__ = ["PaymentMethod", "PaymentMethodType"]

PaymentMethodType = Literal[
    "Unknown", "Cash", "Check", "CreditCard", "DebitCard", "BankTransfer", "Other"
]


class PaymentMethod(AccountingRecord):
    name: str | None = None
    type: PaymentMethodType | None = None
    status: RecordStatus | None = None
