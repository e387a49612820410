"""Invoices (data type ``invoices``): InvoiceAdd, InvoiceMod and TxnVoid, the reverse of the
read (``streams/invoices.py``).

- customerRef.id: CustomerRef (a customer or a job). Required.
- invoiceNumber: RefNumber (11 characters; QuickBooks numbers the invoice when absent).
- issueDate: TxnDate; dueDate: DueDate (QuickBooks' days, see ``Draft.day``). note: Memo.
- lineItems (at least one): InvoiceLineAdd with itemRef.id as ItemRef (required: an amount on a
  QuickBooks sales form comes from an item), description as Desc, quantity as Quantity,
  unitAmount as Rate; QuickBooks computes the amount, rounded to cents. taxRateRef.id: the
  line's SalesTaxCodeRef (required in CA and UK, where each line carries its code; optional in
  the US, where the code only says taxable or not). trackingCategoryRefs (or
  tracking.categoryRefs): the line's ClassRef; QuickBooks keeps one class per line.
- Line discounts (discountAmount, discountPercentage) are refused: QuickBooks Desktop has no
  line discounts, only discount items on their own lines, which a client can send as lines.
- Totals (subTotal, totalTaxAmount, totalAmount, amountDue) and status are QuickBooks' to
  compute from the lines and their tax codes; they are not sent. currency is the customer's in
  QuickBooks (multicurrency) and is not sent either.
- An update replaces the lines when the record has lineItems (every line is sent as a new line,
  TxnLineID -1, so QuickBooks drops the ones not listed; Codat lines carry no line id to match
  on), and otherwise keeps them.

Delete voids: QuickBooks Desktop keeps a voided invoice (amounts zero, "VOID:" before its memo),
as its users do, so the number sequence and audit trail stay whole; the read reports it with
status Void.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from pydantic import BaseModel

from qbdlink.connector.pushes.base import PushContext, Writer, external_guid
from qbdlink.connector.pushes.common import Draft, LineGroup, check_request, ref
from qbdlink.model.accounting.invoice import Invoice, InvoiceLineItem
from qbdlink.qbxml import QbxmlObject
from qbdlink.qbxml import messages as m

__all__ = ["WRITER", "sales_line_fields", "sales_lines"]

_HEADER = {
    "CustomerRef": "customerRef.id",
    "TxnDate": "issueDate",
    "DueDate": "dueDate",
    "RefNumber": "invoiceNumber",
    "Memo": "note",
}
_LINE = {
    "ItemRef": "itemRef.id",
    "Desc": "description",
    "Quantity": "quantity",
    "Rate": "unitAmount",
    "SalesTaxCodeRef": "taxRateRef.id",
    "ClassRef": "trackingCategoryRefs",
}


def sales_line_fields(tag: str) -> dict[str, str]:
    """The encoder-path map of a sales line element (``{i}``: the line's index)."""
    return {f"{tag}/{qb}": f"lineItems[{{i}}].{codat}" for qb, codat in _LINE.items()}


def class_ref(draft: Draft, line: Any, path: str) -> m.ClassRef | None:
    """A line's tracking category as its ClassRef (QuickBooks' one class per line)."""
    refs = list(line.tracking_category_refs or ())
    tracking = getattr(line, "tracking", None)
    if not refs and tracking is not None:
        refs = list(tracking.category_refs or ())
    if len(refs) > 1:
        draft.problem(f"{path}.trackingCategoryRefs", "QuickBooks Desktop keeps one class per line")
    return ref(m.ClassRef, refs[0].id) if refs else None


def sales_lines(
    draft: Draft, lines: Sequence[InvoiceLineItem] | None, line_class: type[QbxmlObject]
) -> tuple[Any, ...]:
    """Invoice or credit memo lines (``*LineAdd``, or ``*LineMod`` as new lines)."""
    if not lines:
        draft.problem("lineItems", "QuickBooks needs at least one line")
        return ()
    made = []
    new_line = {"txn_line_id": "-1"} if "txn_line_id" in line_class._spec.by_attr else {}
    for index, line in enumerate(lines):
        path = f"lineItems[{index}]"
        item_id = draft.required_id(
            line.item_ref,
            f"{path}.itemRef.id",
            "QuickBooks Desktop sales lines need an item: set itemRef.id",
        )
        for name, value in (
            ("discountAmount", line.discount_amount),
            ("discountPercentage", line.discount_percentage),
        ):
            if value:
                draft.problem(
                    f"{path}.{name}",
                    "QuickBooks Desktop has no line discounts: add a line with a discount "
                    "item instead",
                )
        maker: Any = line_class
        made.append(
            maker(
                **new_line,
                item_ref=ref(m.ItemRef, item_id),
                desc=draft.text(line.description, f"{path}.description"),
                quantity=line.quantity,
                rate=line.unit_amount,
                class_ref=class_ref(draft, line, path),
                sales_tax_code_ref=draft.tax_code(
                    line.tax_rate_ref, f"{path}.taxRateRef.id", required=draft.needs_line_tax()
                ),
            )
        )
    return tuple(made)


def _header(record: Invoice, draft: Draft, *, creating: bool) -> dict[str, Any]:
    header: dict[str, Any] = {
        "txn_date": draft.day(record.issue_date, "issueDate"),
        "due_date": draft.day(record.due_date, "dueDate"),
        "ref_number": draft.text(record.invoice_number, "invoiceNumber"),
        "memo": draft.text(record.note, "note"),
    }
    if creating or record.customer_ref is not None:  # an update may keep the customer
        header["customer_ref"] = ref(
            m.CustomerRef,
            draft.required_id(record.customer_ref, "customerRef.id", "QuickBooks needs a customer"),
        )
    return header


def add(record: BaseModel, ctx: PushContext) -> QbxmlObject:
    assert isinstance(record, Invoice)
    draft = Draft(ctx, "invoice")
    header = _header(record, draft, creating=True)
    lines = sales_lines(draft, record.line_items, m.InvoiceLineAdd)
    request = m.InvoiceAddRq(
        invoice_add=m.InvoiceAdd(
            **header, invoice_line_add=lines, external_guid=external_guid(ctx.idempotency_key)
        )
    )
    group = LineGroup("invoice_line_add", "InvoiceLineAdd", "lineItems", tuple(range(len(lines))))
    check_request(draft, request, {**_HEADER, **sales_line_fields("InvoiceLineAdd")}, [group])
    return request


def mod(record: BaseModel, current: Any, ctx: PushContext) -> QbxmlObject:
    assert isinstance(record, Invoice)
    draft = Draft(ctx, "invoice")
    header = _header(record, draft, creating=False)
    lines = (
        () if record.line_items is None else sales_lines(draft, record.line_items, m.InvoiceLineMod)
    )
    request = m.InvoiceModRq(
        invoice_mod=m.InvoiceMod(
            txn_id=current.txn_id,
            edit_sequence=current.edit_sequence,
            **header,
            invoice_line_mod=lines,
        )
    )
    group = LineGroup("invoice_line_mod", "InvoiceLineMod", "lineItems", tuple(range(len(lines))))
    check_request(draft, request, {**_HEADER, **sales_line_fields("InvoiceLineMod")}, [group])
    return request


def delete(record_id: str, current: Any, ctx: PushContext) -> QbxmlObject:
    return m.TxnVoidRq(txn_void_type="Invoice", txn_id=record_id)


def query_by_id(record_id: str) -> QbxmlObject:
    return m.InvoiceQueryRq(
        txn_id=(record_id,), include_line_items=True, include_linked_txns=True, owner_id=("0",)
    )


def query_by_key(ctx: PushContext, since: datetime) -> QbxmlObject:
    return m.InvoiceQueryRq(
        modified_date_range_filter=m.ModifiedDateRangeFilter(from_modified_date=since)
    )


WRITER = Writer(
    data_type="invoices",
    add=add,
    mod=mod,
    delete=delete,
    query_by_id=query_by_id,
    query_by_key=query_by_key,
)
