"""Bills (data type ``bills``): QuickBooks' bills as Codat's ``Bill``.

BillQuery (with an iterator) asks for line items, linked transactions (bill payments, vendor
credits used, purchase orders received) and custom fields (OwnerID 0).

- reference: RefNumber (the supplier's invoice number). supplierRef: VendorRef. note: Memo.
  issueDate: TxnDate; dueDate: DueDate. currency: CurrencyRef, else the home currency;
  currencyRate: ExchangeRate.
- lineItems: expense lines (ExpenseLineRet: accountRef, Memo as description, one unit) then
  item lines (ItemLineRet, and the lines inside an ItemGroupLineRet: itemRef, Desc, Quantity,
  Cost). taxRateRef: the line's SalesTaxCodeRef (CA and UK only). trackingCategoryRefs: the
  line's ClassRef, else the bill's. A line charged to a customer or job (CustomerRef) has a
  tracking block naming it, rebilled to the customer when BillableStatus is Billable or
  HasBeenBilled.
- totalAmount: AmountDue (qbXML's name for the bill's total); subTotal: the lines; taxAmount:
  the difference (CA and UK purchase tax that QuickBooks adds to net lines; 0 in the US).
  amountDue: OpenAmount (what is still unpaid).
- paymentAllocations: LinkedTxn bill payments and vendor credits (amounts negative: they reduce
  what is owed, as in Codat's QuickBooks Desktop examples). purchaseOrderRefs: linked purchase
  orders.
- status: Void (voided: amounts zero, memo "VOID:..."), Draft (IsPending, qbXML 16.0), Paid
  (nothing open on a positive total), PartiallyPaid (0 < open < total), else Open.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any, TypeVar

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
    iso_date,
    iso_datetime,
    linked_allocation,
    modified_range,
    non_empty,
    not_deleted,
    ref_id,
    ref_name,
    tax_rate_ref,
    tracking_category_refs,
    txn_day,
    unit_amount,
)
from qbdlink.connector.streams.invoices import customer_ref
from qbdlink.connector.streams.payments import account_ref
from qbdlink.model.accounting.bill import Bill, BillLineItem, BillStatus, PurchaseOrderRef
from qbdlink.model.base import AccountsPayableTracking, ItemRef, PaymentAllocation, SupplierRef
from qbdlink.qbxml import QbxmlObject
from qbdlink.qbxml import messages as m

__all__ = [
    "STREAM",
    "allocations",
    "map_bill",
    "purchase_line_items",
    "supplier_ref",
]

LineT = TypeVar("LineT", bound=BaseModel)

# LinkedTxn types that are documents a bill or credit came from, not money applied to it.
_SOURCE_TYPES = frozenset({"PurchaseOrder", "ItemReceipt"})
_REBILLED = frozenset({"Billable", "HasBeenBilled"})


def build_bill_query(window: QueryWindow) -> QbxmlObject:
    return m.BillQueryRq(
        modified_date_range_filter=modified_range(window),
        include_line_items=True,
        include_linked_txns=True,
        owner_id=("0",),
    )


def supplier_ref(ref: m.VendorRef | m.PayeeEntityRef | None) -> SupplierRef | None:
    vendor_id = ref_id(ref)
    return None if vendor_id is None else SupplierRef(id=vendor_id, supplier_name=ref_name(ref))


def _tracking(
    line: m.ExpenseLineRet | m.ItemLineRet, header_class: Any | None
) -> AccountsPayableTracking | None:
    customer = customer_ref(line.customer_ref)
    if customer is None:
        return None
    return AccountsPayableTracking(
        category_refs=tracking_category_refs(line.class_ref or header_class) or [],
        customer_ref=customer,
        is_billed_to="Customer",
        is_rebilled_to="Customer" if line.billable_status in _REBILLED else "NotApplicable",
    )


def _expense_line(
    line: m.ExpenseLineRet, header_class: Any | None, line_class: type[LineT], *, voided: bool
) -> LineT:
    line_amount = amount(line.amount)
    return line_class(
        description=line.memo or None,
        quantity=Decimal(1),
        unit_amount=Decimal(0) if voided else line_amount,
        sub_total=line_amount,
        tax_amount=line.tax_amount,
        total_amount=line_amount + amount(line.tax_amount),
        account_ref=account_ref(line.account_ref),
        tax_rate_ref=tax_rate_ref(line.sales_tax_code_ref),
        tracking_category_refs=tracking_category_refs(line.class_ref or header_class),
        tracking=_tracking(line, header_class),
    )


def _item_line(
    line: m.ItemLineRet, header_class: Any | None, line_class: type[LineT], *, voided: bool
) -> LineT:
    line_amount = amount(line.amount)
    quantity = Decimal(1) if line.quantity is None else line.quantity
    if voided:
        unit = Decimal(0)  # voiding zeroes the amounts but keeps the costs
    elif line.cost is not None:
        unit = line.cost
    else:
        unit = unit_amount(line_amount, quantity)
    item_id = ref_id(line.item_ref)
    return line_class(
        description=line.desc or None,
        quantity=quantity,
        unit_amount=unit,
        sub_total=line_amount,
        tax_amount=line.tax_amount,
        total_amount=line_amount + amount(line.tax_amount),
        item_ref=None if item_id is None else ItemRef(id=item_id, name=ref_name(line.item_ref)),
        tax_rate_ref=tax_rate_ref(line.sales_tax_code_ref),
        tracking_category_refs=tracking_category_refs(line.class_ref or header_class),
        tracking=_tracking(line, header_class),
    )


def purchase_line_items(
    expense_lines: Iterable[m.ExpenseLineRet],
    item_lines: Iterable[m.ItemLineRet | m.ItemGroupLineRet],
    header_class: Any | None,
    line_class: type[LineT],
    *,
    voided: bool,
) -> list[LineT]:
    """A bill's or vendor credit's lines as Codat's (expense lines, then item lines, groups
    replaced by their lines: the group line only totals them)."""
    items = [_expense_line(line, header_class, line_class, voided=voided) for line in expense_lines]
    for line in item_lines:
        parts = line.item_line_ret if isinstance(line, m.ItemGroupLineRet) else (line,)
        items += [_item_line(part, header_class, line_class, voided=voided) for part in parts]
    return items


def allocations(
    links: Sequence[m.LinkedTxn], currency: str | None, *, sign: int
) -> list[PaymentAllocation] | None:
    """The money applied to a bill (sign -1) or taken from a vendor credit (sign +1)."""
    return non_empty(
        linked_allocation(link, currency, sign * abs(amount(link.amount)))
        for link in links
        if link.txn_type not in _SOURCE_TYPES and link.link_type != "QUANTYPE"
    )


def _status(ret: m.BillRet, total: Decimal, due: Decimal) -> BillStatus:
    if is_voided(ret.memo, ret.amount_due, ret.open_amount):
        return "Void"
    if ret.is_pending:
        return "Draft"
    if total > 0 and due <= 0:
        return "Paid"
    if 0 < due < total:
        return "PartiallyPaid"
    return "Open"


def map_bill(ret: m.BillRet, ctx: MappingContext) -> BaseModel | None:
    voided = is_voided(ret.memo, ret.amount_due, ret.open_amount)
    lines = purchase_line_items(
        ret.expense_line_ret, ret.item_line_ret, ret.class_ref, BillLineItem, voided=voided
    )
    subtotal = sum((line.sub_total or Decimal(0) for line in lines), Decimal(0))
    total = amount(ret.amount_due)
    if ret.open_amount is not None:
        due = ret.open_amount
    else:
        due = Decimal(0) if ret.is_paid else total
    currency = currency_code(ret.currency_ref, ctx)
    return Bill(
        id=ret.txn_id,
        reference=ret.ref_number or None,
        supplier_ref=supplier_ref(ret.vendor_ref),
        purchase_order_refs=non_empty(
            PurchaseOrderRef(id=link.txn_id, purchase_order_number=link.ref_number)
            for link in ret.linked_txn
            if link.txn_type == "PurchaseOrder"
        ),
        issue_date=txn_day(ret),
        due_date=iso_date(ret.due_date),
        currency=currency,
        currency_rate=ret.exchange_rate or None,
        line_items=lines or None,
        status=_status(ret, total, due),
        sub_total=subtotal,
        tax_amount=total - subtotal,
        total_amount=total,
        amount_due=due,
        note=ret.memo or None,
        payment_allocations=allocations(ret.linked_txn, currency, sign=-1),
        supplemental_data=custom_fields(ret.data_ext_ret),
        modified_date=iso_datetime(ctx.synced_at),
        source_modified_date=iso_datetime(ret.time_modified),
        metadata=not_deleted(),
    )


STREAM = Stream(
    data_type="bills",
    parts=(QueryPart(name="bills", build=build_bill_query, map=map_bill),),
    txn_del_types=("Bill",),
)
