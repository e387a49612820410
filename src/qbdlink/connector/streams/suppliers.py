"""Suppliers (data type ``suppliers``): QuickBooks' vendors as Codat's ``Supplier``.

VendorQuery (with an iterator, ActiveStatus All) returns every vendor, tax agencies included:
QuickBooks pays sales tax and VAT through vendor records, and bills and bill payments name them.

- supplierName: Name (vendors have no hierarchy), as in Codat's QuickBooks Desktop examples.
- contactName: Contact, else the person's name (FirstName MiddleName LastName).
- emailAddress: Email. phone: Phone, else Mobile.
- addresses: VendorAddress is Billing (where the vendor bills from and is paid: Codat's examples
  give QuickBooks Desktop suppliers a Billing address) and ShipAddress, when present, Delivery.
- taxNumber: TaxRegistrationNumber (UK VAT, Canadian GST/HST number), else VendorTaxIdent (the
  US 1099 tax id, which QuickBooks returns only with personal-data access).
- defaultCurrency: CurrencyRef (multicurrency), else the home currency.
- status: Active, or Archived when the vendor is inactive.
- supplementalData: custom fields (DataExtRet, OwnerID 0).

Codat's supplier has no contacts list, so Contact, AltContact and QuickBooks' contact list
(ContactsRet) beyond contactName are not carried.
"""

from __future__ import annotations

from pydantic import BaseModel

from qbdlink.connector.streams.base import (
    MappingContext,
    QueryPart,
    QueryWindow,
    Stream,
    codat_address,
    currency_code,
    custom_fields,
    first_text,
    iso_datetime,
    non_empty,
    not_deleted,
    person_name,
    record_status,
)
from qbdlink.model.accounting.supplier import Supplier
from qbdlink.qbxml import QbxmlObject
from qbdlink.qbxml import messages as m

__all__ = ["STREAM", "map_supplier"]


def build_vendor_query(window: QueryWindow) -> QbxmlObject:
    return m.VendorQueryRq(
        active_status="All",
        from_modified_date=window.modified_from,
        to_modified_date=window.modified_to,
        owner_id=("0",),
    )


def map_supplier(ret: m.VendorRet, ctx: MappingContext) -> BaseModel | None:
    return Supplier(
        id=ret.list_id,
        supplier_name=ret.name,
        contact_name=first_text(
            ret.contact, person_name(ret.first_name, ret.middle_name, ret.last_name)
        ),
        email_address=ret.email or None,
        phone=first_text(ret.phone, ret.mobile),
        addresses=non_empty(
            [
                codat_address("Billing", ret.vendor_address),
                codat_address("Delivery", ret.ship_address),
            ]
        ),
        tax_number=first_text(ret.tax_registration_number, ret.vendor_tax_ident),
        default_currency=currency_code(ret.currency_ref, ctx),
        status=record_status(ret.is_active),
        modified_date=iso_datetime(ctx.synced_at),
        source_modified_date=iso_datetime(ret.time_modified),
        metadata=not_deleted(),
        supplemental_data=custom_fields(ret.data_ext_ret),
    )


STREAM = Stream(
    data_type="suppliers",
    parts=(QueryPart(name="suppliers", build=build_vendor_query, map=map_supplier),),
    list_del_types=("Vendor",),
)
