"""Customers (data type ``customers``): CustomerAdd and CustomerMod, the reverse of the read
(``streams/customers.py``).

- customerName: Name. A name ``Parent:Job`` (the reads give a job its full name) is the job
  ``Job`` under the customer ``Parent`` (ParentRef by full name). Required (QuickBooks' Name).
- contactName: Contact. emailAddress: Email. phone: Phone.
- addresses: the first Billing (else Unknown) address is BillAddress, the first Delivery one
  ShipAddress; line1 is Addr1, line2 Addr2.
- taxNumber: TaxRegistrationNumber in CA and UK (the GST/HST or VAT number, 30 characters);
  ResaleNumber in the US (15 characters), as the reads take them.
- status: Archived makes the customer inactive; Active (on an update) makes it active again.
- The Add carries the push key as ExternalGUID.

Not written: contacts (QuickBooks' contact list needs its own requests), registrationNumber
(no such field), defaultCurrency (a customer's currency is set once, in QuickBooks, with
multicurrency on), supplementalData (custom fields are DataExt requests).
An update sends only the fields the record sets; the others keep their QuickBooks values.
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
    split_full_name,
)
from qbdlink.model.accounting.customer import Customer
from qbdlink.qbxml import Edition, QbxmlObject
from qbdlink.qbxml import messages as m

__all__ = ["WRITER", "customer_fields"]

_FIELDS = {
    "Name": "customerName",
    "ParentRef": "customerName",
    "IsActive": "status",
    "Contact": "contactName",
    "Email": "emailAddress",
    "Phone": "phone",
    "ResaleNumber": "taxNumber",
    "TaxRegistrationNumber": "taxNumber",
}


def customer_fields(record: Customer, draft: Draft, *, creating: bool) -> dict[str, Any]:
    """The CustomerAdd/CustomerMod values of ``record`` (those both have)."""
    values: dict[str, Any] = {}
    if creating or record.customer_name is not None:
        full_name = draft.required_text(
            record.customer_name, "customerName", "QuickBooks needs a customer name"
        )
        parent, name = split_full_name(full_name)
        values["name"] = name
        if parent is not None:
            values["parent_ref"] = m.ParentRef(full_name=parent)
    if record.status == "Archived":
        values["is_active"] = False
    elif record.status == "Active" and not creating:
        values["is_active"] = True
    values["contact"] = draft.text(record.contact_name, "contactName")
    values["email"] = draft.text(record.email_address, "emailAddress")
    values["phone"] = draft.text(record.phone, "phone")
    values["bill_address"] = qb_address(
        draft, m.BillAddress, pick_address(record.addresses, "Billing")
    )
    values["ship_address"] = qb_address(
        draft, m.ShipAddress, pick_address(record.addresses, "Delivery")
    )
    tax_number = draft.text(record.tax_number, "taxNumber")
    if draft.edition is Edition.US:
        values["resale_number"] = tax_number
    else:
        values["tax_registration_number"] = tax_number
    return {key: value for key, value in values.items() if value is not None}


def _fields_map(record: Customer) -> dict[str, str]:
    return {
        **_FIELDS,
        **address_fields("BillAddress", pick_address(record.addresses, "Billing")),
        **address_fields("ShipAddress", pick_address(record.addresses, "Delivery")),
    }


def add(record: BaseModel, ctx: PushContext) -> QbxmlObject:
    assert isinstance(record, Customer)
    draft = Draft(ctx, "customer")
    values = customer_fields(record, draft, creating=True)
    request = m.CustomerAddRq(
        customer_add=m.CustomerAdd(external_guid=external_guid(ctx.idempotency_key), **values)
    )
    check_request(draft, request, _fields_map(record))
    return request


def mod(record: BaseModel, current: Any, ctx: PushContext) -> QbxmlObject:
    assert isinstance(record, Customer)
    draft = Draft(ctx, "customer")
    values = customer_fields(record, draft, creating=False)
    request = m.CustomerModRq(
        customer_mod=m.CustomerMod(
            list_id=current.list_id, edit_sequence=current.edit_sequence, **values
        )
    )
    check_request(draft, request, _fields_map(record))
    return request


def query_by_id(record_id: str) -> QbxmlObject:
    return m.CustomerQueryRq(list_id=(record_id,), owner_id=("0",))


def query_by_key(ctx: PushContext, since: datetime) -> QbxmlObject:
    return m.CustomerQueryRq(active_status="All", from_modified_date=since)


WRITER = Writer(
    data_type="customers", add=add, mod=mod, query_by_id=query_by_id, query_by_key=query_by_key
)
