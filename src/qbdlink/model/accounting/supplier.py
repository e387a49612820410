"""Suppliers (data type ``suppliers``): Codat's ``AccountingSupplier``."""

from __future__ import annotations

from qbdlink.model.base import AccountingRecord, Address, RecordStatus, SupplementalData

__all__ = ["Supplier"]


class Supplier(AccountingRecord):
    supplier_name: str | None = None
    contact_name: str | None = None
    email_address: str | None = None
    phone: str | None = None
    addresses: list[Address] | None = None
    registration_number: str | None = None
    tax_number: str | None = None
    status: RecordStatus
    default_currency: str | None = None
    supplemental_data: SupplementalData | None = None
