"""Suppliers (data type ``suppliers``): VendorAdd and VendorMod, the reverse of the read
(``streams/suppliers.py``).

- supplierName: Name (vendors have no hierarchy). Required.
- contactName: Contact. emailAddress: Email. phone: Phone.
- addresses: the first Billing (else Unknown) address is VendorAddress, the first Delivery
  one ShipAddress.
- taxNumber: TaxRegistrationNumber in CA and UK (30 characters); VendorTaxIdent in the US (the
  1099 tax id, 15 characters), as the reads take them.
- status: Archived makes the vendor inactive; Active (on an update) active again.
- The Add carries the push key as ExternalGUID.

Not written: registrationNumber, defaultCurrency, supplementalData (see customers).
An update sends only the fields the record sets.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel

from qbdlink.connector.pushes.base import PushContext, Writer, external_guid
from qbdlink.connector.pushes.common import (
    Draft,
    address_fields,
    check_request,
    pick_address,
    qb_address,
)
from qbdlink.model.accounting.supplier import Supplier
from qbdlink.qbxml import Edition, QbxmlObject
from qbdlink.qbxml import messages as m

__all__ = ["WRITER"]

_FIELDS = {
    "Name": "supplierName",
    "IsActive": "status",
    "Contact": "contactName",
    "Email": "emailAddress",
    "Phone": "phone",
    "VendorTaxIdent": "taxNumber",
    "TaxRegistrationNumber": "taxNumber",
}


def _values(record: Supplier, draft: Draft, *, creating: bool) -> dict[str, Any]:
    values: dict[str, Any] = {}
    if creating or record.supplier_name is not None:
        name = draft.required_text(
            record.supplier_name, "supplierName", "QuickBooks needs a supplier name"
        )
        if ":" in name:
            draft.problem("supplierName", "QuickBooks names cannot contain ':'")
        values["name"] = name
    if record.status == "Archived":
        values["is_active"] = False
    elif record.status == "Active" and not creating:
        values["is_active"] = True
    values["contact"] = draft.text(record.contact_name, "contactName")
    values["email"] = draft.text(record.email_address, "emailAddress")
    values["phone"] = draft.text(record.phone, "phone")
    values["vendor_address"] = qb_address(
        draft, m.VendorAddress, pick_address(record.addresses, "Billing")
    )
    values["ship_address"] = qb_address(
        draft, m.ShipAddress, pick_address(record.addresses, "Delivery")
    )
    tax_number = draft.text(record.tax_number, "taxNumber")
    if draft.edition is Edition.US:
        values["vendor_tax_ident"] = tax_number
    else:
        values["tax_registration_number"] = tax_number
    return {key: value for key, value in values.items() if value is not None}


def _fields_map(record: Supplier) -> dict[str, str]:
    return {
        **_FIELDS,
        **address_fields("VendorAddress", pick_address(record.addresses, "Billing")),
        **address_fields("ShipAddress", pick_address(record.addresses, "Delivery")),
    }


def add(record: BaseModel, ctx: PushContext) -> QbxmlObject:
    assert isinstance(record, Supplier)
    draft = Draft(ctx, "supplier")
    values = _values(record, draft, creating=True)
    request = m.VendorAddRq(
        vendor_add=m.VendorAdd(external_guid=external_guid(ctx.idempotency_key), **values)
    )
    check_request(draft, request, _fields_map(record))
    return request


def mod(record: BaseModel, current: Any, ctx: PushContext) -> QbxmlObject:
    assert isinstance(record, Supplier)
    draft = Draft(ctx, "supplier")
    values = _values(record, draft, creating=False)
    request = m.VendorModRq(
        vendor_mod=m.VendorMod(
            list_id=current.list_id, edit_sequence=current.edit_sequence, **values
        )
    )
    check_request(draft, request, _fields_map(record))
    return request


def query_by_id(record_id: str) -> QbxmlObject:
    return m.VendorQueryRq(list_id=(record_id,), owner_id=("0",))


def query_by_key(ctx: PushContext, since: datetime) -> QbxmlObject:
    return m.VendorQueryRq(active_status="All", from_modified_date=since)


WRITER = Writer(
    data_type="suppliers", add=add, mod=mod, query_by_id=query_by_id, query_by_key=query_by_key
)
