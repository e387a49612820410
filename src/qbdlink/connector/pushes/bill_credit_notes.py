"""Bill credit notes (data type ``billCreditNotes``): VendorCreditAdd, the reverse of the read
(``streams/bill_credit_notes.py``).

- supplierRef.id: VendorRef (required). billCreditNoteNumber: RefNumber (20). issueDate:
  TxnDate. note: Memo.
- lineItems (at least one): as a bill's (``bills.purchase_lines``): item lines by itemRef.id,
  expense lines by accountRef.id, a tax code on every CA and UK line.
- Totals, remainingCredit and status are QuickBooks' to compute; using the credit against bills
  is a bill payment's business (``billPayments``: CreditNote links).

Only creation is in the push matrix for this data type.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from qbdlink.connector.pushes.base import PushContext, Writer, external_guid
from qbdlink.connector.pushes.bills import purchase_line_fields, purchase_lines
from qbdlink.connector.pushes.common import Draft, check_request
from qbdlink.model.accounting.bill_credit_note import BillCreditNote
from qbdlink.qbxml import QbxmlObject
from qbdlink.qbxml import messages as m

__all__ = ["WRITER"]

_HEADER = {
    "VendorRef": "supplierRef.id",
    "TxnDate": "issueDate",
    "RefNumber": "billCreditNoteNumber",
    "Memo": "note",
}


def add(record: BaseModel, ctx: PushContext) -> QbxmlObject:
    assert isinstance(record, BillCreditNote)
    draft = Draft(ctx, "bill credit note")
    vendor = draft.required_id(record.supplier_ref, "supplierRef.id", "QuickBooks needs a supplier")
    lines = purchase_lines(draft, record.line_items, mod=False)
    request = m.VendorCreditAddRq(
        vendor_credit_add=m.VendorCreditAdd(
            vendor_ref=m.VendorRef(list_id=vendor),
            txn_date=draft.day(record.issue_date, "issueDate"),
            ref_number=draft.text(record.bill_credit_note_number, "billCreditNoteNumber"),
            memo=draft.text(record.note, "note"),
            expense_line_add=tuple(lines.expense),
            item_line_add=tuple(lines.item),
            external_guid=external_guid(ctx.idempotency_key),
        )
    )
    check_request(draft, request, {**_HEADER, **purchase_line_fields("Add")}, lines.groups("Add"))
    return request


def query_by_id(record_id: str) -> QbxmlObject:
    return m.VendorCreditQueryRq(
        txn_id=(record_id,), include_line_items=True, include_linked_txns=True, owner_id=("0",)
    )


def query_by_key(ctx: PushContext, since: datetime) -> QbxmlObject:
    return m.VendorCreditQueryRq(
        modified_date_range_filter=m.ModifiedDateRangeFilter(from_modified_date=since)
    )


WRITER = Writer(
    data_type="billCreditNotes", add=add, query_by_id=query_by_id, query_by_key=query_by_key
)
