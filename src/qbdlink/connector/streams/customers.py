"""Customers (data type ``customers``): QuickBooks' customers and jobs as Codat's ``Customer``.

CustomerQuery (with an iterator, ActiveStatus All) returns customers and their jobs alike: a job
is a customer record with a ParentRef, and QuickBooks invoices jobs directly (an invoice's
CustomerRef may name a job). Jobs are therefore customers here too, so every customerRef on a
transaction resolves; their customerName is FullName (``Customer:Job``), which tells a job from
its parent and is unique, and is the same as Name for a top-level customer.

- contactName: Contact, else the person's name (FirstName MiddleName LastName).
- emailAddress: Email. phone: Phone, else Mobile.
- addresses: BillAddress (Billing) and ShipAddress (Delivery); Addr1 is line1, Addr2-5 line2.
- contacts, in the shape of Codat's QuickBooks Desktop examples: the customer itself (its name,
  Email and phones: Phone Primary, Mobile Mobile, Fax Fax, AltPhone and Pager Unknown), then the
  Contact and AltContact people, then the contacts of QuickBooks' contact list (ContactsRet)
  with the phones and e-mail of their AdditionalContactRef entries. Each person once.
- taxNumber: TaxRegistrationNumber (UK VAT, Canadian GST/HST number), else ResaleNumber (the US
  resale certificate).
- defaultCurrency: CurrencyRef (multicurrency), else the home currency.
- status: Active, or Archived when the customer or job is inactive.
- supplementalData: custom fields (DataExtRet, OwnerID 0).
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
from qbdlink.model.accounting.customer import Customer
from qbdlink.model.base import Contact, Phone, PhoneNumberType, RecordStatus
from qbdlink.qbxml import QbxmlObject
from qbdlink.qbxml import messages as m

__all__ = ["STREAM", "map_customer"]


def build_customer_query(window: QueryWindow) -> QbxmlObject:
    return m.CustomerQueryRq(
        active_status="All",
        from_modified_date=window.modified_from,
        to_modified_date=window.modified_to,
        owner_id=("0",),
    )


def map_customer(ret: m.CustomerRet, ctx: MappingContext) -> BaseModel | None:
    status = record_status(ret.is_active)
    return Customer(
        id=ret.list_id,
        customer_name=ret.full_name or ret.name,
        contact_name=first_text(
            ret.contact, person_name(ret.first_name, ret.middle_name, ret.last_name)
        ),
        email_address=ret.email or None,
        phone=first_text(ret.phone, ret.mobile),
        addresses=non_empty(
            [
                codat_address("Billing", ret.bill_address),
                codat_address("Delivery", ret.ship_address),
            ]
        ),
        contacts=_contacts(ret, status),
        default_currency=currency_code(ret.currency_ref, ctx),
        tax_number=first_text(ret.tax_registration_number, ret.resale_number),
        status=status,
        modified_date=iso_datetime(ctx.synced_at),
        source_modified_date=iso_datetime(ret.time_modified),
        metadata=not_deleted(),
        supplemental_data=custom_fields(ret.data_ext_ret),
    )


def _contacts(ret: m.CustomerRet, status: RecordStatus) -> list[Contact] | None:
    own_phones = non_empty(
        [
            _phone(ret.phone, "Primary"),
            _phone(ret.mobile, "Mobile"),
            _phone(ret.fax, "Fax"),
            _phone(ret.alt_phone, "Unknown"),
            _phone(ret.pager, "Unknown"),
        ]
    )
    contacts = [Contact(name=ret.name, email=ret.email or None, phone=own_phones, status=status)]
    for person in (ret.contact, ret.alt_contact):
        if person:
            contacts.append(Contact(name=person, status=status))
    for listed in ret.contacts_ret:
        contacts.append(_listed_contact(listed, status))
    unique: dict[str | None, Contact] = {}
    for contact in contacts:
        # The same person often appears as Contact and in the contact list: keep the fuller one.
        kept = unique.get(contact.name)
        if kept is None or (not kept.email and not kept.phone):
            unique[contact.name] = contact
    return list(unique.values())


def _listed_contact(listed: m.ContactsRet, status: RecordStatus) -> Contact:
    email: str | None = None
    phones: list[Phone] = []
    for entry in listed.additional_contact_ref:
        label = (entry.contact_name or "").lower()
        value = entry.contact_value
        if not value:
            continue
        if "mail" in label:
            email = email or value
        elif "fax" in label:
            phones.append(Phone(number=value, type="Fax"))
        elif "mobile" in label or "cell" in label:
            phones.append(Phone(number=value, type="Mobile"))
        elif "main" in label:
            phones.append(Phone(number=value, type="Primary"))
        elif "phone" in label:
            phones.append(Phone(number=value, type="Landline"))
    return Contact(
        name=first_text(
            listed.contact,
            person_name(listed.first_name, listed.middle_name, listed.last_name),
        ),
        email=email,
        phone=phones or None,
        status=status,
    )


def _phone(number: str | None, kind: PhoneNumberType) -> Phone | None:
    return Phone(number=number, type=kind) if number else None


STREAM = Stream(
    data_type="customers",
    parts=(QueryPart(name="customers", build=build_customer_query, map=map_customer),),
    list_del_types=("Customer",),
)
