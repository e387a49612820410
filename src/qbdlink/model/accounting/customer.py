"""Customers (data type ``customers``): Codat's ``AccountingCustomer``."""

from __future__ import annotations

from qbdlink.model.base import AccountingRecord, Address, Contact, RecordStatus, SupplementalData

__all__ = ["Customer"]


class Customer(AccountingRecord):
    customer_name: str | None = None
    contact_name: str | None = None
    email_address: str | None = None
    default_currency: str | None = None
    phone: str | None = None
    addresses: list[Address] | None = None
    contacts: list[Contact] | None = None
    registration_number: str | None = None
    tax_number: str | None = None
    status: RecordStatus
    supplemental_data: SupplementalData | None = None
