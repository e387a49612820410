"""Invoices (data type ``invoices``): QuickBooks' invoices as Codat's ``Invoice``.

InvoiceQuery (with an iterator) asks for line items and linked transactions (the payments and
credits applied, the sales orders invoiced) and custom fields (OwnerID 0).

- invoiceNumber: RefNumber. customerRef: CustomerRef (a customer or a job). note: Memo.
- issueDate: TxnDate; dueDate: DueDate. currency: CurrencyRef, else the home currency;
  currencyRate: ExchangeRate.
- lineItems: every InvoiceLineRet, the lines inside an InvoiceLineGroupRet in place of the group
  (the group line only totals them). A Subtotal item line repeats the lines above it, so it is
  left out (see ``sales_line_items``), and the lines add up to subTotal.
- subTotal: Subtotal (the lines, before tax); totalTaxAmount: SalesTaxTotal (US: the form's
  sales tax item; CA and UK: the sum of the lines' tax codes); totalAmount: Subtotal +
  SalesTaxTotal, as QuickBooks computes BalanceRemaining from them; amountDue: BalanceRemaining.
- paymentAllocations: the LinkedTxn payments and credits (amounts negative: they reduce what
  the customer owes, as in Codat's QuickBooks Desktop examples); salesOrderRefs: linked sales
  orders.
- status: Void (voided: amounts zero, memo "VOID:..."), Draft (IsPending), Paid (nothing due on
  a positive total), PartiallyPaid (0 < amountDue < total), else Submitted. paidOnDate: the
  latest payment's date when Paid.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import TypeVar

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
from qbdlink.model.accounting.invoice import (
    Invoice,
    InvoiceLineItem,
    InvoiceStatus,
    SalesOrderRef,
)
from qbdlink.model.base import CustomerRef, ItemRef, PaymentAllocation
from qbdlink.qbxml import QbxmlObject
from qbdlink.qbxml import messages as m

__all__ = [
    "STREAM",
    "customer_ref",
    "map_invoice",
    "sales_line_items",
]

SalesLine = m.InvoiceLineRet | m.CreditMemoLineRet
Line = TypeVar("Line", bound=InvoiceLineItem)

# LinkedTxn types that are not money applied to the invoice: the documents it came from.
_SOURCE_TYPES = frozenset({"Estimate", "SalesOrder"})


def build_invoice_query(window: QueryWindow) -> QbxmlObject:
    return m.InvoiceQueryRq(
        modified_date_range_filter=modified_range(window),
        include_line_items=True,
        include_linked_txns=True,
        owner_id=("0",),
    )


def customer_ref(ref: m.CustomerRef | None) -> CustomerRef | None:
    customer_id = ref_id(ref)
    return None if customer_id is None else CustomerRef(id=customer_id, company_name=ref_name(ref))


def _flat(
    lines: Iterable[
        m.InvoiceLineRet | m.InvoiceLineGroupRet | m.CreditMemoLineRet | m.CreditMemoLineGroupRet
    ],
) -> list[SalesLine]:
    flat: list[SalesLine] = []
    for line in lines:
        if isinstance(line, m.InvoiceLineGroupRet):
            flat.extend(line.invoice_line_ret)
        elif isinstance(line, m.CreditMemoLineGroupRet):
            flat.extend(line.credit_memo_line_ret)
        else:
            flat.append(line)
    return flat


def _is_subtotal_line(line: SalesLine, since_subtotal: Decimal, lines_since: int) -> bool:
    # qbXML does not say which item a line uses, only its name. A Subtotal item line is the one
    # line with an item but no quantity, rate or percent whose amount is the sum of the lines
    # since the previous subtotal: QuickBooks fills in the rate of every other item line.
    return (
        line.item_ref is not None
        and line.quantity is None
        and line.rate is None
        and line.rate_percent is None
        and line.amount is not None
        and line.amount != 0
        and lines_since > 0
        and line.amount == since_subtotal
    )


def sales_line_items(
    lines: Iterable[
        m.InvoiceLineRet | m.InvoiceLineGroupRet | m.CreditMemoLineRet | m.CreditMemoLineGroupRet
    ],
    header_class: m.ClassRef | None,
    line_class: type[Line],
    *,
    voided: bool,
) -> list[Line]:
    """Invoice or credit memo lines (groups flattened, subtotal lines left out) as Codat's.

    A line without its own ClassRef takes the form's: QuickBooks' "class per transaction"
    setting puts the class on the form only, and Codat has no form-level tracking.
    """
    items: list[Line] = []
    since_subtotal, lines_since = Decimal(0), 0
    for line in _flat(lines):
        if _is_subtotal_line(line, since_subtotal, lines_since):
            since_subtotal, lines_since = Decimal(0), 0
            continue
        since_subtotal += amount(line.amount)
        lines_since += 1
        items.append(_sales_line(line, header_class, line_class, voided=voided))
    return items


def _sales_line(
    line: SalesLine, header_class: m.ClassRef | None, line_class: type[Line], *, voided: bool
) -> Line:
    line_amount = amount(line.amount)
    # QuickBooks leaves Quantity out when the line has none (an amount-only line): one unit.
    quantity = Decimal(1) if line.quantity is None else line.quantity
    if voided:
        unit = Decimal(0)  # voiding zeroes the amounts but keeps the rates
    elif line.rate is not None:
        unit = line.rate
    else:
        unit = unit_amount(line_amount, quantity)  # RatePercent lines, amount-only lines
    item_id = ref_id(line.item_ref)
    return line_class(
        description=line.desc or None,
        quantity=quantity,
        unit_amount=unit,
        sub_total=line_amount,
        # Desktop editions do not return a line's tax (TaxAmount is QuickBooks Online's).
        tax_amount=line.tax_amount,
        total_amount=line_amount + amount(line.tax_amount),
        item_ref=None if item_id is None else ItemRef(id=item_id, name=ref_name(line.item_ref)),
        tax_rate_ref=tax_rate_ref(line.sales_tax_code_ref),
        tracking_category_refs=tracking_category_refs(line.class_ref or header_class),
    )


def _allocations(
    links: Sequence[m.LinkedTxn], currency: str | None
) -> list[PaymentAllocation] | None:
    return non_empty(
        linked_allocation(link, currency, -abs(amount(link.amount)))
        for link in links
        if link.txn_type not in _SOURCE_TYPES and link.link_type != "QUANTYPE"
    )


def _status(ret: m.InvoiceRet, total: Decimal, due: Decimal) -> InvoiceStatus:
    if is_voided(ret.memo, ret.subtotal, ret.sales_tax_total, ret.balance_remaining):
        return "Void"
    if ret.is_pending:
        return "Draft"
    if total > 0 and due <= 0:
        return "Paid"
    if 0 < due < total:
        return "PartiallyPaid"
    return "Submitted"


def map_invoice(ret: m.InvoiceRet, ctx: MappingContext) -> BaseModel | None:
    subtotal = amount(ret.subtotal)
    tax = amount(ret.sales_tax_total)
    total = subtotal + tax
    if ret.balance_remaining is not None:
        due = ret.balance_remaining
    else:
        due = Decimal(0) if ret.is_paid else total
    status = _status(ret, total, due)
    currency = currency_code(ret.currency_ref, ctx)
    allocations = _allocations(ret.linked_txn, currency)
    paid_on = None
    if status == "Paid" and allocations:
        paid_on = max(a.allocation.allocated_on_date or "" for a in allocations) or None
    return Invoice(
        id=ret.txn_id,
        invoice_number=ret.ref_number or None,
        customer_ref=customer_ref(ret.customer_ref),
        sales_order_refs=non_empty(
            SalesOrderRef(id=link.txn_id, data_type="salesOrders")
            for link in ret.linked_txn
            if link.txn_type == "SalesOrder"
        ),
        issue_date=txn_day(ret),
        due_date=iso_date(ret.due_date),
        paid_on_date=paid_on,
        currency=currency,
        currency_rate=ret.exchange_rate or None,
        line_items=sales_line_items(
            ret.invoice_line_ret, ret.class_ref, InvoiceLineItem, voided=status == "Void"
        ),
        payment_allocations=allocations,
        sub_total=subtotal,
        total_tax_amount=tax,
        total_amount=total,
        amount_due=due,
        status=status,
        note=ret.memo or None,
        supplemental_data=custom_fields(ret.data_ext_ret),
        modified_date=iso_datetime(ctx.synced_at),
        source_modified_date=iso_datetime(ret.time_modified),
        metadata=not_deleted(),
    )


STREAM = Stream(
    data_type="invoices",
    parts=(QueryPart(name="invoices", build=build_invoice_query, map=map_invoice),),
    txn_del_types=("Invoice",),
)
