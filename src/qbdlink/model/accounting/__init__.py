"""Codat's accounting data types, one module per data type."""

from __future__ import annotations

from qbdlink.model.accounting.account import Account
from qbdlink.model.accounting.bill import Bill
from qbdlink.model.accounting.bill_credit_note import BillCreditNote
from qbdlink.model.accounting.bill_payment import BillPayment
from qbdlink.model.accounting.company_info import CompanyInfo
from qbdlink.model.accounting.credit_note import CreditNote
from qbdlink.model.accounting.customer import Customer
from qbdlink.model.accounting.invoice import Invoice
from qbdlink.model.accounting.item import Item
from qbdlink.model.accounting.journal_entry import JournalEntry
from qbdlink.model.accounting.payment import Payment
from qbdlink.model.accounting.payment_method import PaymentMethod
from qbdlink.model.accounting.supplier import Supplier
from qbdlink.model.accounting.tax_rate import TaxRate
from qbdlink.model.accounting.tracking_category import TrackingCategory

__all__ = [
    "Account",
    "Bill",
    "BillCreditNote",
    "BillPayment",
    "CompanyInfo",
    "CreditNote",
    "Customer",
    "Invoice",
    "Item",
    "JournalEntry",
    "Payment",
    "PaymentMethod",
    "Supplier",
    "TaxRate",
    "TrackingCategory",
]
