"""What a stream is: its qbXML queries, how each answer maps to a model record, its deletions.

Everything here is pure: no QuickBooks session, no HTTP. The sync engine runs the queries (with
iterators where qbXML has them), hands each ``*Ret`` to its part's ``map`` and uploads the result.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from pydantic import BaseModel

from qbdlink.model.base import (
    Address,
    AddressType,
    Allocation,
    Metadata,
    PaymentAllocation,
    PaymentAllocationPayment,
    RecordStatus,
    SupplementalData,
    TaxRateRef,
    TrackingCategoryRef,
)
from qbdlink.qbxml import Edition, QbxmlObject
from qbdlink.qbxml import messages as m

HOME_CURRENCY = {Edition.US: "USD", Edition.UK: "GBP", Edition.CA: "CAD"}


@dataclass(frozen=True, kw_only=True)
class MappingContext:
    """What a mapping may need to know about the company file beyond the record itself."""

    edition: Edition
    # When this sync started (UTC): the records' ``modifiedDate`` (Codat: last changed in the
    # platform's copy); QuickBooks' own TimeModified becomes ``sourceModifiedDate``.
    synced_at: datetime

    @property
    def home_currency(self) -> str:
        return HOME_CURRENCY[self.edition]


@dataclass(frozen=True, kw_only=True)
class QueryWindow:
    """Which records a pull asks for: modified in [modified_from, modified_to]."""

    # None: everything (a first pull). Else the bookmark minus the lookback.
    modified_from: datetime | None
    # The sync's start, so a record changed during the pull is read again next time.
    modified_to: datetime | None


Mapper = Callable[[Any, MappingContext], BaseModel | None]


@dataclass(frozen=True, kw_only=True)
class QueryPart:
    """One qbXML query of a stream and the mapping of its ``*Ret`` records.

    A stream may need several (bill payments: by check and by credit card). ``build`` makes the
    query for a window (without iterator attributes: the engine adds them when ``iterator``).
    ``map`` returns None for a record the data type does not include (e.g. an item kind that is
    not an item in Codat's sense).
    """

    name: str
    build: Callable[[QueryWindow], QbxmlObject]
    map: Mapper
    iterator: bool = True


@dataclass(frozen=True, kw_only=True)
class Stream:
    """A data type's reading: ``data_type`` is the model's key (``qbdlink.model.datatypes``)."""

    data_type: str
    parts: tuple[QueryPart, ...]
    # ListDelType or TxnDelType values whose deletions this data type reports.
    list_del_types: tuple[str, ...] = ()
    txn_del_types: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.list_del_types and self.txn_del_types:
            raise ValueError(f"{self.data_type}: a stream reads list or transaction deletions")


# --- small pure helpers the mappings share ----------------------------------------------------


def iso_date(value: date | None) -> str | None:
    """A QuickBooks date (no time, the company's local day) as Codat's datetime text."""
    return None if value is None else f"{value.isoformat()}T00:00:00"


def iso_datetime(value: datetime | None) -> str | None:
    """A QuickBooks timestamp (with its offset) in UTC, as ``YYYY-MM-DDTHH:MM:SSZ``."""
    if value is None:
        return None
    if value.tzinfo is None:
        return value.replace(microsecond=0).isoformat()
    return value.astimezone(UTC).replace(microsecond=0, tzinfo=None).isoformat() + "Z"


def amount(value: Decimal | None) -> Decimal:
    return Decimal(0) if value is None else value


def first_text(*values: str | None) -> str | None:
    for value in values:
        if value:
            return value
    return None


def non_empty(items: Iterable[Any]) -> list[Any] | None:
    found = [item for item in items if item is not None]
    return found or None


# --- helpers the list streams share (names, addresses, status, currency, custom fields) ---------


def record_status(is_active: bool | None) -> RecordStatus:
    """QuickBooks' IsActive as Codat's status: an inactive list record is "Archived".

    QuickBooks leaves IsActive out of some answers (IncludeRetElement, old versions); a record
    is active unless it says otherwise.
    """
    return "Archived" if is_active is False else "Active"


def codat_address(address_type: AddressType, qb_address: Any | None) -> Address | None:
    """A qbXML address aggregate (BillAddress, ShipAddress, VendorAddress...) as Codat's.

    Codat has two street lines and QuickBooks five (Addr1 is often the addressee's name, as in
    Codat's own QuickBooks Desktop examples): Addr1 is line1 and Addr2-Addr5 are joined into
    line2, so nothing is dropped. None when the aggregate has no text at all.
    """
    if qb_address is None:
        return None
    extra_lines = [getattr(qb_address, name, None) for name in ("addr2", "addr3", "addr4", "addr5")]
    address = Address(
        type=address_type,
        line1=getattr(qb_address, "addr1", None) or None,
        line2=", ".join(line for line in extra_lines if line) or None,
        city=getattr(qb_address, "city", None) or None,
        region=getattr(qb_address, "state", None) or None,
        country=getattr(qb_address, "country", None) or None,
        postal_code=getattr(qb_address, "postal_code", None) or None,
    )
    has_text = any(
        (address.line1, address.line2, address.city, address.region, address.country)
    ) or bool(address.postal_code)
    return address if has_text else None


# The names QuickBooks Desktop gives the currencies of its built-in currency list (CurrencyRef
# carries the name, not the ISO code); a company may add or rename currencies, hence the fallback
# in currency_code.
QUICKBOOKS_CURRENCY_CODES = {
    "US Dollar": "USD",
    "Canadian Dollar": "CAD",
    "British Pound Sterling": "GBP",
    "Euro": "EUR",
    "Australian Dollar": "AUD",
    "New Zealand Dollar": "NZD",
    "Japanese Yen": "JPY",
    "Swiss Franc": "CHF",
    "Mexican Peso": "MXN",
    "Hong Kong Dollar": "HKD",
    "Singapore Dollar": "SGD",
    "Indian Rupee": "INR",
    "Chinese Yuan Renminbi": "CNY",
    "South African Rand": "ZAR",
    "Swedish Krona": "SEK",
    "Norwegian Krone": "NOK",
    "Danish Krone": "DKK",
}


def currency_code(currency_ref: Any | None, ctx: MappingContext) -> str | None:
    """The ISO code of a record's CurrencyRef; the home currency when it has none.

    QuickBooks sends CurrencyRef only when multicurrency is on; without it every amount is in
    the home currency. A currency name outside QuickBooks' built-in list that is not already an
    ISO code gives None rather than a guess.
    """
    name = getattr(currency_ref, "full_name", None) if currency_ref is not None else None
    if not isinstance(name, str) or not name:
        return ctx.home_currency
    if name in QUICKBOOKS_CURRENCY_CODES:
        return QUICKBOOKS_CURRENCY_CODES[name]
    if len(name) == 3 and name.isalpha() and name.isupper():
        return name
    return None


def custom_fields(data_ext_ret: Iterable[Any]) -> SupplementalData | None:
    """DataExtRet values (custom fields, asked for with OwnerID 0) as supplementalData.

    Codat leaves supplementalData's keys to each integration: qbdlink puts QuickBooks' custom
    fields under "customFields", by DataExtName.
    """
    fields = {
        ext.data_ext_name: ext.data_ext_value
        for ext in data_ext_ret
        if getattr(ext, "data_ext_name", None)
    }
    return SupplementalData(content={"customFields": fields}) if fields else None


def not_deleted() -> Metadata:
    """The metadata of a record read from QuickBooks (deletions come from the deleted queries)."""
    return Metadata(is_deleted=False)


def person_name(*parts: str | None) -> str | None:
    """A person's name from QuickBooks' FirstName, MiddleName and LastName (those present)."""
    return " ".join(part for part in parts if part) or None


# --- helpers the transaction streams share (windows, references, voids, lines) ----------------


def modified_range(window: QueryWindow) -> m.ModifiedDateRangeFilter | None:
    """A transaction query's ModifiedDateRangeFilter for ``window``; None reads everything.

    Transaction queries take the window in ModifiedDateRangeFilter (list queries take
    FromModifiedDate/ToModifiedDate directly); an empty filter element is not allowed.
    """
    if window.modified_from is None and window.modified_to is None:
        return None
    return m.ModifiedDateRangeFilter(
        from_modified_date=window.modified_from, to_modified_date=window.modified_to
    )


def ref_id(ref: Any | None) -> str | None:
    """The ListID of a qbXML reference (``*Ref``), if it has one."""
    list_id = getattr(ref, "list_id", None) if ref is not None else None
    return list_id if isinstance(list_id, str) and list_id else None


def ref_name(ref: Any | None) -> str | None:
    full_name = getattr(ref, "full_name", None) if ref is not None else None
    return full_name if isinstance(full_name, str) and full_name else None


def is_voided(memo: str | None, *amounts: Decimal | None) -> bool:
    """Whether a transaction was voided: QuickBooks keeps it, with every amount set to zero and
    "VOID:" put before its memo. Both are checked, as a memo alone may start with the word."""
    return bool(memo) and str(memo).startswith("VOID:") and all(amount(a) == 0 for a in amounts)


# QuickBooks keeps rates and quantities to 5 decimal places.
_UNIT_PLACES = Decimal("0.00001")


def unit_amount(line_amount: Decimal, quantity: Decimal) -> Decimal:
    """A line's price per unit when QuickBooks gives only its amount (and quantity).

    A quantity of 0 (QuickBooks allows it on expense-like lines) leaves the amount as the unit
    price rather than dividing by zero.
    """
    if quantity == 0:
        return line_amount
    unit = line_amount / quantity
    return unit if unit == unit.quantize(_UNIT_PLACES) else unit.quantize(_UNIT_PLACES)


def tracking_category_refs(class_ref: Any | None) -> list[TrackingCategoryRef] | None:
    """A line's ClassRef as Codat's trackingCategoryRefs (classes are tracking categories)."""
    class_id = ref_id(class_ref)
    if class_id is None:
        return None
    return [TrackingCategoryRef(id=class_id, name=ref_name(class_ref))]


def tax_rate_ref(sales_tax_code_ref: Any | None) -> TaxRateRef | None:
    """A line's SalesTaxCodeRef as Codat's taxRateRef, as Codat's own QuickBooks Desktop data
    does: the code is what each line carries in every edition (in CA and UK it also names the
    tax item, hence the rate; in the US the rate is the form's ItemSalesTaxRef)."""
    if ref_id(sales_tax_code_ref) is None and ref_name(sales_tax_code_ref) is None:
        return None
    return TaxRateRef(id=ref_id(sales_tax_code_ref), name=ref_name(sales_tax_code_ref))


# Linked transactions that are documents (a credit applied to an invoice or bill links the two
# documents): their date is when the document was issued, not when it was applied.
_LINKED_DOCUMENTS = frozenset({"Invoice", "CreditMemo", "Bill", "VendorCredit"})


def linked_allocation(link: Any, currency: str | None, allocated: Decimal) -> PaymentAllocation:
    """A LinkedTxn (a payment, credit or refund applied to the record) as a paymentAllocation.

    A LinkedTxn carries the other transaction's id, date, number and the amount applied, not
    that transaction's own total or account: those stay unset. The other transaction is in the
    record's currency (QuickBooks keeps one A/R and A/P account per currency). A payment's date
    is when it was paid and applied; a credit's application date is not in qbXML, so a link
    to a document (invoice, bill, credit memo, vendor credit) leaves the dates unset.
    """
    is_document = getattr(link, "txn_type", None) in _LINKED_DOCUMENTS
    when = None if is_document else iso_date(getattr(link, "txn_date", None))
    return PaymentAllocation(
        payment=PaymentAllocationPayment(
            id=getattr(link, "txn_id", None),
            reference=getattr(link, "ref_number", None) or None,
            currency=currency,
            paid_on_date=when,
        ),
        allocation=Allocation(currency=currency, allocated_on_date=when, total_amount=allocated),
    )


def txn_day(ret: Any) -> str:
    """A transaction's date (TxnDate), required by Codat; QuickBooks always sends it, but a
    trimmed answer (IncludeRetElement) may not: then the day it was created. Neither gives "",
    which the model refuses by name rather than inventing a date."""
    return (
        iso_date(getattr(ret, "txn_date", None))
        or iso_datetime(getattr(ret, "time_created", None))
        or ""
    )
