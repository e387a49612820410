"""Items (data type ``items``): codat-accounting's ``Item`` (the Lending spec has no items)."""

from __future__ import annotations

from typing import Literal

from qbdlink.model.base import (
    AccountingRecord,
    AccountRef,
    CodatModel,
    SupplementalData,
    TaxRateRef,
)
from qbdlink.model.types import Money

__all__ = ["Item", "ItemDetails", "ItemStatus", "ItemType"]

ItemStatus = Literal["Unknown", "Active", "Archived"]
ItemType = Literal["Unknown", "Inventory", "NonInventory", "Service"]


class ItemDetails(CodatModel):
    """The sale side (``invoiceItem``) or the purchase side (``billItem``) of an item."""

    description: str | None = None
    unit_price: Money | None = None
    account_ref: AccountRef | None = None
    tax_rate_ref: TaxRateRef | None = None


class Item(AccountingRecord):
    name: str | None = None
    code: str | None = None
    item_status: ItemStatus
    type: ItemType
    is_bill_item: bool
    is_invoice_item: bool
    bill_item: ItemDetails | None = None
    invoice_item: ItemDetails | None = None
    supplemental_data: SupplementalData | None = None
