"""Credit notes (data type ``creditNotes``): QuickBooks' credit memos as Codat's ``CreditNote``.

CreditMemoQuery (with an iterator) asks for line items, linked transactions (the invoices the
credit was applied to, refunds) and custom fields (OwnerID 0).

- creditNoteNumber: RefNumber. customerRef: CustomerRef. issueDate: TxnDate. note: Memo.
- lineItems: as an invoice's (groups flattened, Subtotal item lines left out).
- subTotal: Subtotal; totalTaxAmount: SalesTaxTotal; totalAmount: TotalAmount (Subtotal +
  SalesTaxTotal when absent); remainingCredit: CreditRemaining. totalDiscount and
  discountPercentage (required by Codat): 0, discounts being lines in QuickBooks.
- paymentAllocations: the LinkedTxn applications and refunds, amounts positive (credit used), as
  in Codat's QuickBooks Desktop examples. A link to the invoice the credit paid carries that
  invoice's date, not the day the credit was applied, so only refunds are dated.
  allocatedOnDate: the latest dated one once the credit is used up.
- status: Void (voided), Draft (IsPending), Paid (no credit left on a positive total),
  PartiallyPaid (some used), else Submitted.
"""

from __future__ import annotations

from decimal import Decimal

from pydantic import BaseModel

from qbdlink.connector.streams.base import (
    MappingContext,
    QueryPart,
    QueryWindow,
    Stream,
    amount,
    currency_code,
    custom_fields,
    is_voided,
    iso_datetime,
    linked_allocation,
    modified_range,
    non_empty,
    not_deleted,
    txn_day,
)
from qbdlink.connector.streams.invoices import customer_ref, sales_line_items
from qbdlink.model.accounting.credit_note import CreditNote, CreditNoteLineItem, CreditNoteStatus
from qbdlink.qbxml import QbxmlObject
from qbdlink.qbxml import messages as m

__all__ = ["STREAM", "map_credit_memo"]

# LinkedTxn types that are documents a credit memo came from, not uses of the credit.
_SOURCE_TYPES = frozenset({"Estimate", "SalesOrder"})


def build_credit_memo_query(window: QueryWindow) -> QbxmlObject:
    return m.CreditMemoQueryRq(
        modified_date_range_filter=modified_range(window),
        include_line_items=True,
        include_linked_txns=True,
        owner_id=("0",),
    )


def _status(ret: m.CreditMemoRet, total: Decimal, remaining: Decimal) -> CreditNoteStatus:
    if is_voided(ret.memo, ret.subtotal, ret.sales_tax_total, ret.total_amount):
        return "Void"
    if ret.is_pending:
        return "Draft"
    if total > 0 and remaining <= 0:
        return "Paid"
    if 0 < remaining < total:
        return "PartiallyPaid"
    return "Submitted"


def map_credit_memo(ret: m.CreditMemoRet, ctx: MappingContext) -> BaseModel | None:
    subtotal = amount(ret.subtotal)
    tax = amount(ret.sales_tax_total)
    total = ret.total_amount if ret.total_amount is not None else subtotal + tax
    remaining = total if ret.credit_remaining is None else ret.credit_remaining
    status = _status(ret, total, remaining)
    currency = currency_code(ret.currency_ref, ctx)
    allocations = non_empty(
        linked_allocation(link, currency, abs(amount(link.amount)))
        for link in ret.linked_txn
        if link.txn_type not in _SOURCE_TYPES and link.link_type != "QUANTYPE"
    )
    allocated_on = None
    if status == "Paid" and allocations:
        allocated_on = max(a.allocation.allocated_on_date or "" for a in allocations) or None
    return CreditNote(
        id=ret.txn_id,
        credit_note_number=ret.ref_number or None,
        customer_ref=customer_ref(ret.customer_ref),
        total_amount=total,
        total_discount=Decimal(0),
        sub_total=subtotal,
        total_tax_amount=tax,
        discount_percentage=Decimal(0),
        remaining_credit=remaining,
        status=status,
        issue_date=txn_day(ret),
        allocated_on_date=allocated_on,
        currency=currency,
        currency_rate=ret.exchange_rate or None,
        line_items=sales_line_items(
            ret.credit_memo_line_ret, ret.class_ref, CreditNoteLineItem, voided=status == "Void"
        ),
        payment_allocations=allocations,
        note=ret.memo or None,
        supplemental_data=custom_fields(ret.data_ext_ret),
        modified_date=iso_datetime(ctx.synced_at),
        source_modified_date=iso_datetime(ret.time_modified),
        metadata=not_deleted(),
    )


STREAM = Stream(
    data_type="creditNotes",
    parts=(QueryPart(name="creditNotes", build=build_credit_memo_query, map=map_credit_memo),),
    txn_del_types=("CreditMemo",),
)
