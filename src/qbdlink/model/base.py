"""The base model and the shapes Codat's data types share (refs, addresses, metadata...).

Field names are snake_case in Python and camelCase on the wire (Codat's spelling), through an
alias generator. Unknown properties are refused (``extra="forbid"``): a typo in a connector's
upload must be a clear error, not silently lost data. Free-form containers
(``supplementalData.content``, ``sourceUrls``) are plain dicts, so any key is accepted there.
Enums are ``Literal`` types with exactly Codat's values: the SDKs reject any other value.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict
from pydantic.alias_generators import to_camel

from qbdlink.model.types import IsoDateTime, Money

__all__ = [
    "AccountRef",
    "AccountingRecord",
    "AccountsPayableTracking",
    "AccountsReceivableTracking",
    "Address",
    "AddressType",
    "Allocation",
    "CodatModel",
    "Contact",
    "CustomerRef",
    "ItemRef",
    "Metadata",
    "PayableBilledToType",
    "PaymentAllocation",
    "PaymentAllocationPayment",
    "PaymentMethodRef",
    "Phone",
    "PhoneNumberType",
    "ProjectRef",
    "ReceivableBilledToType",
    "RecordRef",
    "RecordStatus",
    "SupplementalData",
    "SupplierRef",
    "TaxRateRef",
    "TrackingCategoryRef",
    "ValidDataTypeLinks",
    "WithholdingTax",
]


class CodatModel(BaseModel):
    """Base of every model: camelCase on the wire, unknown properties refused."""

    model_config = ConfigDict(
        alias_generator=to_camel,
        validate_by_name=True,
        validate_by_alias=True,
        serialize_by_alias=True,
        extra="forbid",
    )


# --- enums shared by several data types ------------------------------------------------------

RecordStatus = Literal["Unknown", "Active", "Archived"]
"""Customer, supplier, contact, tracking category, payment method and tax rate status."""

AddressType = Literal["Unknown", "Billing", "Delivery"]
PhoneNumberType = Literal["Primary", "Landline", "Mobile", "Fax", "Unknown"]
ReceivableBilledToType = Literal["Unknown", "NotApplicable", "Project"]
PayableBilledToType = Literal["Unknown", "NotApplicable", "Customer", "Project"]


# --- the fields most records carry -----------------------------------------------------------


class Metadata(CodatModel):
    is_deleted: bool | None = None


class SupplementalData(CodatModel):
    # Free-form by design: each integration configures its own keys.
    content: dict[str, dict[str, Any]] | None = None


class AccountingRecord(CodatModel):
    """The fields every company-data record has: its id, modified dates and metadata."""

    id: str | None = None
    modified_date: IsoDateTime | None = None
    source_modified_date: IsoDateTime | None = None
    metadata: Metadata | None = None


# --- references ------------------------------------------------------------------------------


class AccountRef(CodatModel):
    id: str | None = None
    name: str | None = None


class CustomerRef(CodatModel):
    """Codat's ``accountingCustomerRef``."""

    id: str
    company_name: str | None = None


class SupplierRef(CodatModel):
    id: str
    supplier_name: str | None = None


class ItemRef(CodatModel):
    id: str
    name: str | None = None


class TaxRateRef(CodatModel):
    id: str | None = None
    name: str | None = None
    effective_tax_rate: Money | None = None


class TrackingCategoryRef(CodatModel):
    id: str
    name: str | None = None


class PaymentMethodRef(CodatModel):
    id: str
    name: str | None = None


class ProjectRef(CodatModel):
    id: str
    name: str | None = None


class RecordRef(CodatModel):
    """A link to a record of any data type (``dataType`` is a data type key)."""

    id: str | None = None
    data_type: str | None = None


# --- contact details -------------------------------------------------------------------------


class Address(CodatModel):
    type: AddressType
    line1: str | None = None
    line2: str | None = None
    city: str | None = None
    region: str | None = None
    country: str | None = None
    postal_code: str | None = None


class Phone(CodatModel):
    """Codat's ``PhoneNumber``."""

    number: str | None = None
    type: PhoneNumberType


class Contact(CodatModel):
    """A person at a customer."""

    name: str | None = None
    email: str | None = None
    phone: list[Phone] | None = None
    address: Address | None = None
    status: RecordStatus
    modified_date: IsoDateTime | None = None


# --- pieces of transactions ------------------------------------------------------------------


class WithholdingTax(CodatModel):
    name: str
    amount: Money


class PaymentAllocationPayment(CodatModel):
    id: str | None = None
    note: str | None = None
    reference: str | None = None
    account_ref: AccountRef | None = None
    currency: str | None = None
    currency_rate: Money | None = None
    paid_on_date: IsoDateTime | None = None
    total_amount: Money | None = None


class Allocation(CodatModel):
    currency: str | None = None
    currency_rate: Money | None = None
    allocated_on_date: IsoDateTime | None = None
    total_amount: Money | None = None


class PaymentAllocation(CodatModel):
    """A payment applied to an invoice, credit note, bill or bill credit note."""

    payment: PaymentAllocationPayment
    allocation: Allocation


class AccountsReceivableTracking(CodatModel):
    """The ``tracking`` of an invoice or credit note line."""

    category_refs: list[TrackingCategoryRef]
    customer_ref: CustomerRef | None = None
    project_ref: ProjectRef | None = None
    is_billed_to: ReceivableBilledToType
    is_rebilled_to: ReceivableBilledToType
    record_ref: RecordRef | None = None


class AccountsPayableTracking(CodatModel):
    """The ``tracking`` of a bill or bill credit note line."""

    category_refs: list[TrackingCategoryRef]
    customer_ref: CustomerRef | None = None
    project_ref: ProjectRef | None = None
    is_billed_to: PayableBilledToType
    is_rebilled_to: PayableBilledToType


class ValidDataTypeLinks(CodatModel):
    """Which properties of other data types may point at this record (accounts, tax rates)."""

    property: str | None = None
    links: list[str] | None = None
