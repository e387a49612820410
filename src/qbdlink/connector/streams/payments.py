"""Customer payments (data type ``payments``): QuickBooks' received payments as Codat's ``Payment``.

ReceivePaymentQuery (with an iterator) asks for the applied transactions (AppliedToTxnRet, its
"line items") and custom fields (OwnerID 0).

- customerRef: CustomerRef. accountRef: DepositToAccountRef (a bank account or Undeposited
  Funds). paymentMethodRef: PaymentMethodRef. date: TxnDate. reference: RefNumber (the cheque
  number). note: Memo. totalAmount: TotalAmount. currency: CurrencyRef, else the home currency;
  currencyRate: ExchangeRate.
- lines, in Codat's sign convention (a line's amount and its links' amounts add up to 0, and the
  lines add up to totalAmount): one line per AppliedToTxnRet, its amount the money applied
  (Amount), with a link to the paid transaction of minus everything that reduced its balance
  (Amount + DiscountAmount + the credits used), a CreditNote link of plus each credit memo used
  (AppliedToTxnRet/LinkedTxn) and a Discount link of plus the discount (its id the discount
  account). What the payment left unapplied (UnusedPayment) is a last line whose link is
  PaymentOnAccount with the customer's id, as Codat describes payments on account.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
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
    iso_date,
    iso_datetime,
    modified_range,
    not_deleted,
    ref_id,
    ref_name,
    txn_day,
)
from qbdlink.connector.streams.invoices import customer_ref
from qbdlink.model.accounting.payment import Payment, PaymentLine, PaymentLineLink
from qbdlink.model.base import AccountRef, PaymentMethodRef
from qbdlink.qbxml import QbxmlObject
from qbdlink.qbxml import messages as m

__all__ = ["STREAM", "account_ref", "applied_lines", "map_receive_payment"]

LineT = TypeVar("LineT", bound=BaseModel)
LinkT = TypeVar("LinkT", bound=BaseModel)

# qbXML TxnType of what a customer payment pays or uses -> Codat's link type.
RECEIVABLE_LINK_TYPES: Mapping[str, str] = {
    "Invoice": "Invoice",
    "CreditMemo": "CreditNote",
    "JournalEntry": "ManualJournal",
    "ReceivePayment": "Payment",
}


def build_receive_payment_query(window: QueryWindow) -> QbxmlObject:
    return m.ReceivePaymentQueryRq(
        modified_date_range_filter=modified_range(window),
        include_line_items=True,
        owner_id=("0",),
    )


def account_ref(ref: Any | None) -> AccountRef | None:
    if ref_id(ref) is None and ref_name(ref) is None:
        return None
    return AccountRef(id=ref_id(ref), name=ref_name(ref))


def applied_lines(
    applied: Iterable[m.AppliedToTxnRet],
    link_types: Mapping[str, str],
    line_class: type[LineT],
    link_class: type[LinkT],
    *,
    allocated_on: str | None,
) -> list[LineT]:
    """A payment's AppliedToTxnRet as Codat payment lines (see the module docstring).

    Shared with bill payments, whose lines follow the same convention with bills and vendor
    credits in place of invoices and credit memos.
    """
    lines = []
    for one in applied:
        cash = amount(one.amount)
        discount = amount(one.discount_amount)
        # QuickBooks' sign for a credit used varies with the transaction; what it gives is the
        # size of the credit.
        credits = [(link, abs(amount(link.amount))) for link in one.linked_txn]
        reduced = cash + discount + sum((size for _, size in credits), Decimal(0))
        links = [
            link_class(
                type=link_types.get(one.txn_type or "", "Other"),
                id=one.txn_id,
                amount=-reduced,
            )
        ]
        links += [
            link_class(
                type=link_types.get(link.txn_type or "", "Other"), id=link.txn_id, amount=size
            )
            for link, size in credits
        ]
        if discount:
            links.append(
                link_class(type="Discount", id=ref_id(one.discount_account_ref), amount=discount)
            )
        lines.append(line_class(amount=cash, links=links, allocated_on_date=allocated_on))
    return lines


def on_account_line(
    left: Decimal,
    party_id: str | None,
    line_class: type[LineT],
    link_class: type[LinkT],
    *,
    allocated_on: str | None,
) -> list[LineT]:
    """The part of a payment not applied to anything, as Codat's payment on account line."""
    if left <= 0:
        return []
    link = link_class(type="PaymentOnAccount", id=party_id, amount=-left)
    return [line_class(amount=left, links=[link], allocated_on_date=allocated_on)]


def map_receive_payment(ret: m.ReceivePaymentRet, ctx: MappingContext) -> BaseModel | None:
    paid_on = iso_date(ret.txn_date)
    lines = applied_lines(
        ret.applied_to_txn_ret,
        RECEIVABLE_LINK_TYPES,
        PaymentLine,
        PaymentLineLink,
        allocated_on=paid_on,
    )
    total = amount(ret.total_amount)
    if ret.unused_payment is not None:
        left = ret.unused_payment
    else:
        left = total - sum((line.amount for line in lines), Decimal(0))
    lines += on_account_line(
        left, ref_id(ret.customer_ref), PaymentLine, PaymentLineLink, allocated_on=paid_on
    )
    method_id = ref_id(ret.payment_method_ref)
    return Payment(
        id=ret.txn_id,
        customer_ref=customer_ref(ret.customer_ref),
        account_ref=account_ref(ret.deposit_to_account_ref),
        payment_method_ref=None
        if method_id is None
        else PaymentMethodRef(id=method_id, name=ref_name(ret.payment_method_ref)),
        total_amount=total,
        currency=currency_code(ret.currency_ref, ctx),
        currency_rate=ret.exchange_rate or None,
        date=txn_day(ret),
        note=ret.memo or None,
        lines=lines or None,
        reference=ret.ref_number or None,
        supplemental_data=custom_fields(ret.data_ext_ret),
        modified_date=iso_datetime(ctx.synced_at),
        source_modified_date=iso_datetime(ret.time_modified),
        metadata=not_deleted(),
    )


STREAM = Stream(
    data_type="payments",
    parts=(QueryPart(name="payments", build=build_receive_payment_query, map=map_receive_payment),),
    txn_del_types=("ReceivePayment",),
)
