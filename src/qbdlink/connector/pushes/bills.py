"""Bills (data type ``bills``): BillAdd, BillMod and TxnDel, the reverse of the read
(``streams/bills.py``).

- supplierRef.id: VendorRef (required). reference: RefNumber (the supplier's invoice number,
  20 characters). issueDate: TxnDate; dueDate: DueDate. note: Memo.
- lineItems (at least one), each by what it names:
  - itemRef.id: an item line (ItemLineAdd): description as Desc, quantity as Quantity,
    unitAmount as Cost; QuickBooks computes the amount.
  - else accountRef.id: an expense line (ExpenseLineAdd): subTotal as Amount (else quantity x
    unitAmount rounded to cents, as QuickBooks rounds), description as Memo.
  - neither: refused. Line discounts: refused (QuickBooks has none on purchases).
  - taxRateRef.id: the line's SalesTaxCodeRef, required in CA and UK (each line carries its VAT
    or GST code); US purchase lines have no tax code (qbXML has none outside CA and UK), so it
    is not sent there.
  - trackingCategoryRefs (or tracking.categoryRefs): ClassRef; tracking.customerRef.id: the
    line's CustomerRef (a cost charged to a customer or job).
- Totals, amountDue and status are QuickBooks' to compute; currency is the vendor's.
- An update replaces the lines when the record has lineItems: every line is sent as a new one
  (TxnLineID -1, so QuickBooks drops those not listed), and a kind of line the record no longer
  has is cleared (ClearExpenseLines / ClearItemLines); without lineItems the lines stay.

Delete: TxnDel (QuickBooks deletes a bill outright, and the read reports the deletion).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from pydantic import BaseModel

from qbdlink.connector.pushes.base import PushContext, Writer, external_guid
from qbdlink.connector.pushes.common import Draft, LineGroup, cents, check_request, ref
from qbdlink.connector.pushes.invoices import class_ref
from qbdlink.model.accounting.bill import Bill
from qbdlink.qbxml import Edition, QbxmlObject
from qbdlink.qbxml import messages as m

__all__ = ["WRITER", "PurchaseLines", "purchase_line_fields", "purchase_lines"]

_HEADER = {
    "VendorRef": "supplierRef.id",
    "TxnDate": "issueDate",
    "DueDate": "dueDate",
    "RefNumber": "reference",
    "Memo": "note",
}
_EXPENSE = {
    "AccountRef": "accountRef.id",
    "Amount": "subTotal",
    "Memo": "description",
    "CustomerRef": "tracking.customerRef.id",
    "ClassRef": "trackingCategoryRefs",
    "SalesTaxCodeRef": "taxRateRef.id",
}
_ITEM = {
    "ItemRef": "itemRef.id",
    "Desc": "description",
    "Quantity": "quantity",
    "Cost": "unitAmount",
    "CustomerRef": "tracking.customerRef.id",
    "ClassRef": "trackingCategoryRefs",
    "SalesTaxCodeRef": "taxRateRef.id",
}


class PurchaseLines:
    """A bill's or vendor credit's lines split as qbXML keeps them, with their model indices."""

    def __init__(self) -> None:
        self.expense: list[Any] = []
        self.expense_indices: list[int] = []
        self.item: list[Any] = []
        self.item_indices: list[int] = []

    def groups(self, suffix: str) -> list[LineGroup]:
        return [
            LineGroup(
                f"expense_line_{suffix.lower()}",
                f"ExpenseLine{suffix}",
                "lineItems",
                tuple(self.expense_indices),
            ),
            LineGroup(
                f"item_line_{suffix.lower()}",
                f"ItemLine{suffix}",
                "lineItems",
                tuple(self.item_indices),
            ),
        ]


def purchase_line_fields(suffix: str) -> dict[str, str]:
    """The encoder-path map of expense and item lines (``suffix``: Add or Mod)."""
    fields = {f"ExpenseLine{suffix}/{qb}": f"lineItems[{{i}}].{c}" for qb, c in _EXPENSE.items()}
    fields.update({f"ItemLine{suffix}/{qb}": f"lineItems[{{i}}].{c}" for qb, c in _ITEM.items()})
    return fields


def purchase_lines(draft: Draft, lines: Sequence[Any] | None, *, mod: bool) -> PurchaseLines:
    """Bill or bill credit note lines as ExpenseLine/ItemLine Add (or Mod, as new lines)."""
    out = PurchaseLines()
    if not lines:
        draft.problem("lineItems", "QuickBooks needs at least one line")
        return out
    new_line: dict[str, Any] = {"txn_line_id": "-1"} if mod else {}
    for index, line in enumerate(lines):
        path = f"lineItems[{index}]"
        for name, value in (
            ("discountAmount", line.discount_amount),
            ("discountPercentage", line.discount_percentage),
        ):
            if value:
                draft.problem(f"{path}.{name}", "QuickBooks Desktop has no discounts on purchases")
        common: dict[str, Any] = {
            "class_ref": class_ref(draft, line, path),
            "customer_ref": ref(m.CustomerRef, _billed_customer(line)),
        }
        if draft.edition is not Edition.US:
            common["sales_tax_code_ref"] = draft.tax_code(
                line.tax_rate_ref, f"{path}.taxRateRef.id", required=True
            )
        item_id = line.item_ref.id if line.item_ref is not None else None
        account_id = line.account_ref.id if line.account_ref is not None else None
        if item_id:
            item_class: Any = m.ItemLineMod if mod else m.ItemLineAdd
            out.item.append(
                item_class(
                    **new_line,
                    item_ref=m.ItemRef(list_id=item_id),
                    desc=draft.text(line.description, f"{path}.description"),
                    quantity=line.quantity,
                    cost=line.unit_amount,
                    **common,
                )
            )
            out.item_indices.append(index)
        elif account_id:
            amount = line.sub_total
            if amount is None:
                amount = cents(Decimal(line.quantity) * Decimal(line.unit_amount))
            expense_class: Any = m.ExpenseLineMod if mod else m.ExpenseLineAdd
            out.expense.append(
                expense_class(
                    **new_line,
                    account_ref=m.AccountRef(list_id=account_id),
                    amount=amount,
                    memo=draft.text(line.description, f"{path}.description"),
                    **common,
                )
            )
            out.expense_indices.append(index)
        else:
            draft.problem(
                path,
                "a line needs itemRef.id (an item line) or accountRef.id (an expense line)",
            )
    return out


def _billed_customer(line: Any) -> str | None:
    tracking = getattr(line, "tracking", None)
    customer = getattr(tracking, "customer_ref", None) if tracking is not None else None
    return getattr(customer, "id", None) or None


def _header(record: Bill, draft: Draft, *, creating: bool) -> dict[str, Any]:
    header: dict[str, Any] = {
        "txn_date": draft.day(record.issue_date, "issueDate"),
        "due_date": draft.day(record.due_date, "dueDate"),
        "ref_number": draft.text(record.reference, "reference"),
        "memo": draft.text(record.note, "note"),
    }
    if creating or record.supplier_ref is not None:
        header["vendor_ref"] = ref(
            m.VendorRef,
            draft.required_id(record.supplier_ref, "supplierRef.id", "QuickBooks needs a supplier"),
        )
    return header


def add(record: BaseModel, ctx: PushContext) -> QbxmlObject:
    assert isinstance(record, Bill)
    draft = Draft(ctx, "bill")
    header = _header(record, draft, creating=True)
    lines = purchase_lines(draft, record.line_items, mod=False)
    request = m.BillAddRq(
        bill_add=m.BillAdd(
            **header,
            expense_line_add=tuple(lines.expense),
            item_line_add=tuple(lines.item),
            external_guid=external_guid(ctx.idempotency_key),
        )
    )
    check_request(draft, request, {**_HEADER, **purchase_line_fields("Add")}, lines.groups("Add"))
    return request


def mod(record: BaseModel, current: Any, ctx: PushContext) -> QbxmlObject:
    assert isinstance(record, Bill)
    draft = Draft(ctx, "bill")
    header = _header(record, draft, creating=False)
    replacing: dict[str, Any] = {}
    lines = PurchaseLines()
    if record.line_items is not None:
        lines = purchase_lines(draft, record.line_items, mod=True)
        replacing = {
            "expense_line_mod": tuple(lines.expense),
            "item_line_mod": tuple(lines.item),
            "clear_expense_lines": True if not lines.expense else None,
            "clear_item_lines": True if not lines.item else None,
        }
    request = m.BillModRq(
        bill_mod=m.BillMod(
            txn_id=current.txn_id, edit_sequence=current.edit_sequence, **header, **replacing
        )
    )
    check_request(draft, request, {**_HEADER, **purchase_line_fields("Mod")}, lines.groups("Mod"))
    return request


def delete(record_id: str, current: Any, ctx: PushContext) -> QbxmlObject:
    return m.TxnDelRq(txn_del_type="Bill", txn_id=record_id)


def query_by_id(record_id: str) -> QbxmlObject:
    return m.BillQueryRq(
        txn_id=(record_id,), include_line_items=True, include_linked_txns=True, owner_id=("0",)
    )


def query_by_key(ctx: PushContext, since: datetime) -> QbxmlObject:
    return m.BillQueryRq(
        modified_date_range_filter=m.ModifiedDateRangeFilter(from_modified_date=since)
    )


WRITER = Writer(
    data_type="bills",
    add=add,
    mod=mod,
    delete=delete,
    query_by_id=query_by_id,
    query_by_key=query_by_key,
)
