"""Credit notes (data type ``creditNotes``): CreditMemoAdd and CreditMemoMod, the reverse of
the read (``streams/credit_notes.py``).

- customerRef.id: CustomerRef (required). creditNoteNumber: RefNumber (11). issueDate: TxnDate.
  note: Memo.
- lineItems (at least one): as an invoice's (``invoices.sales_lines``): an item on every line,
  a tax code on every CA and UK line, no line discounts.
- Totals, remainingCredit, status and paymentAllocations are QuickBooks' to compute; applying
  the credit to invoices is a payment's business (``payments``: CreditNote links).
- An update replaces the lines when the record has lineItems, else keeps them.

Deleting a credit note is not part of the push matrix for this product.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel

from qbdlink.connector.pushes.base import PushContext, Writer, external_guid
from qbdlink.connector.pushes.common import Draft, LineGroup, check_request, ref
from qbdlink.connector.pushes.invoices import sales_line_fields, sales_lines
from qbdlink.model.accounting.credit_note import CreditNote
from qbdlink.qbxml import QbxmlObject
from qbdlink.qbxml import messages as m

__all__ = ["WRITER"]

_HEADER = {
    "CustomerRef": "customerRef.id",
    "TxnDate": "issueDate",
    "RefNumber": "creditNoteNumber",
    "Memo": "note",
}


def _header(record: CreditNote, draft: Draft, *, creating: bool) -> dict[str, Any]:
    header: dict[str, Any] = {
        "txn_date": draft.day(record.issue_date, "issueDate"),
        "ref_number": draft.text(record.credit_note_number, "creditNoteNumber"),
        "memo": draft.text(record.note, "note"),
    }
    if creating or record.customer_ref is not None:
        header["customer_ref"] = ref(
            m.CustomerRef,
            draft.required_id(record.customer_ref, "customerRef.id", "QuickBooks needs a customer"),
        )
    return header


def add(record: BaseModel, ctx: PushContext) -> QbxmlObject:
    assert isinstance(record, CreditNote)
    draft = Draft(ctx, "credit note")
    header = _header(record, draft, creating=True)
    lines = sales_lines(draft, record.line_items, m.CreditMemoLineAdd)
    request = m.CreditMemoAddRq(
        credit_memo_add=m.CreditMemoAdd(
            **header, credit_memo_line_add=lines, external_guid=external_guid(ctx.idempotency_key)
        )
    )
    group = LineGroup(
        "credit_memo_line_add", "CreditMemoLineAdd", "lineItems", tuple(range(len(lines)))
    )
    check_request(draft, request, {**_HEADER, **sales_line_fields("CreditMemoLineAdd")}, [group])
    return request


def mod(record: BaseModel, current: Any, ctx: PushContext) -> QbxmlObject:
    assert isinstance(record, CreditNote)
    draft = Draft(ctx, "credit note")
    header = _header(record, draft, creating=False)
    lines = (
        ()
        if record.line_items is None
        else sales_lines(draft, record.line_items, m.CreditMemoLineMod)
    )
    request = m.CreditMemoModRq(
        credit_memo_mod=m.CreditMemoMod(
            txn_id=current.txn_id,
            edit_sequence=current.edit_sequence,
            **header,
            credit_memo_line_mod=lines,
        )
    )
    group = LineGroup(
        "credit_memo_line_mod", "CreditMemoLineMod", "lineItems", tuple(range(len(lines)))
    )
    check_request(draft, request, {**_HEADER, **sales_line_fields("CreditMemoLineMod")}, [group])
    return request


def query_by_id(record_id: str) -> QbxmlObject:
    return m.CreditMemoQueryRq(
        txn_id=(record_id,), include_line_items=True, include_linked_txns=True, owner_id=("0",)
    )


def query_by_key(ctx: PushContext, since: datetime) -> QbxmlObject:
    return m.CreditMemoQueryRq(
        modified_date_range_filter=m.ModifiedDateRangeFilter(from_modified_date=since)
    )


WRITER = Writer(
    data_type="creditNotes", add=add, mod=mod, query_by_id=query_by_id, query_by_key=query_by_key
)
