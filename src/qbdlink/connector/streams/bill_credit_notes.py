"""Bill credit notes (data type ``billCreditNotes``): QuickBooks' vendor credits as Codat's
``BillCreditNote``.

VendorCreditQuery (with an iterator) asks for line items, linked transactions (the bill
payments that used the credit) and custom fields (OwnerID 0).

- billCreditNoteNumber: RefNumber. supplierRef: VendorRef. issueDate: TxnDate. note: Memo.
  currency: CurrencyRef, else the home currency; currencyRate: ExchangeRate.
- lineItems: as a bill's (expense lines, then item lines with groups flattened).
- totalAmount: CreditAmount; subTotal: the lines; totalTaxAmount: the difference (CA and UK
  purchase tax; 0 in the US). remainingCredit: OpenAmount. totalDiscount and
  discountPercentage (required by Codat): 0.
- paymentAllocations: the LinkedTxn uses of the credit, amounts positive, as in Codat's
  QuickBooks Desktop examples. A link to the bill the credit paid carries that bill's date, not
  the day the credit was applied, so only refunds are dated. allocatedOnDate: the latest dated
  one once the credit is used up.
- status: Void (voided), Paid (no credit left on a positive total), PartiallyPaid (some used),
  else Submitted.
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
    modified_range,
    not_deleted,
    txn_day,
)
from qbdlink.connector.streams.bills import allocations, purchase_line_items, supplier_ref
from qbdlink.model.accounting.bill_credit_note import (
    BillCreditNote,
    BillCreditNoteLineItem,
    BillCreditNoteStatus,
)
from qbdlink.qbxml import QbxmlObject
from qbdlink.qbxml import messages as m

__all__ = ["STREAM", "map_vendor_credit"]


def build_vendor_credit_query(window: QueryWindow) -> QbxmlObject:
    return m.VendorCreditQueryRq(
        modified_date_range_filter=modified_range(window),
        include_line_items=True,
        include_linked_txns=True,
        owner_id=("0",),
    )


def _status(voided: bool, total: Decimal, remaining: Decimal) -> BillCreditNoteStatus:
    if voided:
        return "Void"
    if total > 0 and remaining <= 0:
        return "Paid"
    if 0 < remaining < total:
        return "PartiallyPaid"
    return "Submitted"


def map_vendor_credit(ret: m.VendorCreditRet, ctx: MappingContext) -> BaseModel | None:
    voided = is_voided(ret.memo, ret.credit_amount, ret.open_amount)
    lines = purchase_line_items(
        ret.expense_line_ret, ret.item_line_ret, None, BillCreditNoteLineItem, voided=voided
    )
    subtotal = sum((line.sub_total or Decimal(0) for line in lines), Decimal(0))
    total = amount(ret.credit_amount)
    remaining = total if ret.open_amount is None else ret.open_amount
    status = _status(voided, total, remaining)
    currency = currency_code(ret.currency_ref, ctx)
    used = allocations(ret.linked_txn, currency, sign=1)
    allocated_on = None
    if status == "Paid" and used:
        allocated_on = max(a.allocation.allocated_on_date or "" for a in used) or None
    return BillCreditNote(
        id=ret.txn_id,
        bill_credit_note_number=ret.ref_number or None,
        supplier_ref=supplier_ref(ret.vendor_ref),
        total_amount=total,
        total_discount=Decimal(0),
        sub_total=subtotal,
        total_tax_amount=total - subtotal,
        discount_percentage=Decimal(0),
        remaining_credit=remaining,
        status=status,
        issue_date=txn_day(ret),
        allocated_on_date=allocated_on,
        currency=currency,
        currency_rate=ret.exchange_rate or None,
        line_items=lines or None,
        payment_allocations=used,
        note=ret.memo or None,
        supplemental_data=custom_fields(ret.data_ext_ret),
        modified_date=iso_datetime(ctx.synced_at),
        source_modified_date=iso_datetime(ret.time_modified),
        metadata=not_deleted(),
    )


STREAM = Stream(
    data_type="billCreditNotes",
    parts=(
        QueryPart(name="billCreditNotes", build=build_vendor_credit_query, map=map_vendor_credit),
    ),
    txn_del_types=("VendorCredit",),
)
