"""What QuickBooks Desktop accepts in the fields a push sets: the longest text per edition.

The platform checks pushes against this table before queueing them, and describes it in the
push options endpoint. Each entry names the qbXML element it lands in; a test compares every
limit with Intuit's schema annotations (``qbdlink.qbxml``), so the table cannot drift.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType


@dataclass(frozen=True)
class FieldLimit:
    """``path``: the model field (dots into objects and lists); ``qbxml``: where it lands."""

    path: str
    qbxml: str
    max_length: Mapping[str, int]  # by edition: US, UK, CA

    def limit_for(self, edition: str | None) -> int:
        """The edition's limit; without a known edition the strictest of them."""
        if edition is not None and edition in self.max_length:
            return self.max_length[edition]
        return min(self.max_length.values())


def _same(length: int) -> Mapping[str, int]:
    return MappingProxyType({"US": length, "UK": length, "CA": length})


def _limits(*entries: tuple[str, str, int]) -> tuple[FieldLimit, ...]:
    return tuple(FieldLimit(path, qbxml, _same(length)) for path, qbxml, length in entries)


PUSH_FIELD_LIMITS: Mapping[str, tuple[FieldLimit, ...]] = MappingProxyType(
    {
        "customers": _limits(
            ("customerName", "CustomerAddRq/CustomerAdd/Name", 41),
            ("contactName", "CustomerAddRq/CustomerAdd/Contact", 41),
            ("emailAddress", "CustomerAddRq/CustomerAdd/Email", 1023),
            ("phone", "CustomerAddRq/CustomerAdd/Phone", 21),
            ("addresses.line1", "CustomerAddRq/CustomerAdd/BillAddress/Addr1", 41),
            ("addresses.city", "CustomerAddRq/CustomerAdd/BillAddress/City", 31),
            ("addresses.region", "CustomerAddRq/CustomerAdd/BillAddress/State", 21),
            ("addresses.postalCode", "CustomerAddRq/CustomerAdd/BillAddress/PostalCode", 13),
            ("addresses.country", "CustomerAddRq/CustomerAdd/BillAddress/Country", 31),
        ),
        "suppliers": _limits(
            ("supplierName", "VendorAddRq/VendorAdd/Name", 41),
            ("contactName", "VendorAddRq/VendorAdd/Contact", 41),
            ("emailAddress", "VendorAddRq/VendorAdd/Email", 1023),
            ("phone", "VendorAddRq/VendorAdd/Phone", 21),
        ),
        "invoices": _limits(
            ("invoiceNumber", "InvoiceAddRq/InvoiceAdd/RefNumber", 11),
            ("note", "InvoiceAddRq/InvoiceAdd/Memo", 4095),
            ("lineItems.description", "InvoiceAddRq/InvoiceAdd/InvoiceLineAdd/Desc", 4095),
        ),
        "creditNotes": _limits(
            ("creditNoteNumber", "CreditMemoAddRq/CreditMemoAdd/RefNumber", 11),
            ("note", "CreditMemoAddRq/CreditMemoAdd/Memo", 4095),
        ),
        "bills": _limits(
            ("reference", "BillAddRq/BillAdd/RefNumber", 20),
            ("note", "BillAddRq/BillAdd/Memo", 4095),
        ),
        "billCreditNotes": _limits(
            ("billCreditNoteNumber", "VendorCreditAddRq/VendorCreditAdd/RefNumber", 20),
            ("note", "VendorCreditAddRq/VendorCreditAdd/Memo", 4095),
        ),
        "payments": _limits(
            ("reference", "ReceivePaymentAddRq/ReceivePaymentAdd/RefNumber", 20),
            ("note", "ReceivePaymentAddRq/ReceivePaymentAdd/Memo", 4095),
        ),
        "billPayments": _limits(
            ("reference", "BillPaymentCheckAddRq/BillPaymentCheckAdd/RefNumber", 11),
            ("note", "BillPaymentCheckAddRq/BillPaymentCheckAdd/Memo", 4095),
        ),
        "journalEntries": _limits(
            (
                "journalLines.description",
                "JournalEntryAddRq/JournalEntryAdd/JournalDebitLine/Memo",
                4095,
            ),
        ),
        "items": _limits(
            ("name", "ItemServiceAddRq/ItemServiceAdd/Name", 31),
            ("description", "ItemServiceAddRq/ItemServiceAdd/SalesOrPurchase/Desc", 4095),
        ),
        "accounts": _limits(
            ("name", "AccountAddRq/AccountAdd/Name", 31),
            ("nominalCode", "AccountAddRq/AccountAdd/AccountNumber", 7),
            ("description", "AccountAddRq/AccountAdd/Desc", 200),
        ),
    }
)


def values_at(document: object, path: str) -> list[tuple[str, object]]:
    """Every value at a dotted path, through lists, with its concrete path (``a[0].b``)."""
    found: list[tuple[str, object]] = [("", document)]
    for part in path.split("."):
        step: list[tuple[str, object]] = []
        for where, value in found:
            items = value if isinstance(value, list) else [value]
            for index, item in enumerate(items):
                if isinstance(item, dict) and item.get(part) is not None:
                    prefix = f"{where}[{index}]" if isinstance(value, list) else where
                    step.append((f"{prefix}.{part}" if prefix else part, item[part]))
        found = step
    return found


def too_long(data_type: str, document: object, edition: str | None) -> list[tuple[str, str]]:
    """(field, why) for each text longer than QuickBooks keeps in ``edition``."""
    problems = []
    for limit in PUSH_FIELD_LIMITS.get(data_type, ()):
        most = limit.limit_for(edition)
        for where, value in values_at(document, limit.path):
            if isinstance(value, str) and len(value) > most:
                problems.append(
                    (
                        where,
                        f"QuickBooks Desktop ({edition or 'every edition'}) keeps at most {most} "
                        f"characters here, not {len(value)}.",
                    )
                )
    return problems
