"""Bill payments (data type ``billPayments``): QuickBooks' bill payments by cheque and by credit
card as Codat's ``BillPayment``.

Two queries, both with an iterator: BillPaymentCheckQuery and BillPaymentCreditCardQuery, with
the applied bills (AppliedToTxnRet) and custom fields (OwnerID 0).

- supplierRef: PayeeEntityRef (the vendor). accountRef: BankAccountRef (cheque) or
  CreditCardAccountRef (card). date: TxnDate. reference: RefNumber (the cheque number). note:
  Memo. totalAmount: Amount. currency: CurrencyRef, else the home currency; currencyRate:
  ExchangeRate. paymentMethodRef: none (qbXML bill payments name no payment method).
- lines, in Codat's sign convention (as for customer payments): one line per AppliedToTxnRet,
  its amount the money applied, with a Bill link of minus everything that reduced the bill
  (Amount + DiscountAmount + the vendor credits used), a CreditNote link of plus each vendor
  credit used and a Discount link of plus the discount. Any part of Amount left unapplied is a
  PaymentOnAccount line with the supplier's id.
"""

from __future__ import annotations

from collections.abc import Mapping
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
    iso_date,
    iso_datetime,
    modified_range,
    not_deleted,
    ref_id,
    txn_day,
)
from qbdlink.connector.streams.bills import supplier_ref
from qbdlink.connector.streams.payments import account_ref, applied_lines, on_account_line
from qbdlink.model.accounting.bill_payment import BillPayment, BillPaymentLine, BillPaymentLineLink
from qbdlink.qbxml import QbxmlObject
from qbdlink.qbxml import messages as m

__all__ = ["STREAM", "map_bill_payment"]

# qbXML TxnType of what a bill payment pays or uses -> Codat's link type.
PAYABLE_LINK_TYPES: Mapping[str, str] = {
    "Bill": "Bill",
    "VendorCredit": "CreditNote",
    "JournalEntry": "ManualJournal",
    "BillPaymentCheck": "BillPayment",
    "BillPaymentCreditCard": "BillPayment",
}


def build_check_query(window: QueryWindow) -> QbxmlObject:
    return m.BillPaymentCheckQueryRq(
        modified_date_range_filter=modified_range(window),
        include_line_items=True,
        owner_id=("0",),
    )


def build_credit_card_query(window: QueryWindow) -> QbxmlObject:
    return m.BillPaymentCreditCardQueryRq(
        modified_date_range_filter=modified_range(window),
        include_line_items=True,
        owner_id=("0",),
    )


def map_bill_payment(
    ret: m.BillPaymentCheckRet | m.BillPaymentCreditCardRet, ctx: MappingContext
) -> BaseModel | None:
    paid_on = iso_date(ret.txn_date)
    lines = applied_lines(
        ret.applied_to_txn_ret,
        PAYABLE_LINK_TYPES,
        BillPaymentLine,
        BillPaymentLineLink,
        allocated_on=paid_on,
    )
    total = amount(ret.amount)
    left = total - sum((line.amount for line in lines), Decimal(0))
    lines += on_account_line(
        left,
        ref_id(ret.payee_entity_ref),
        BillPaymentLine,
        BillPaymentLineLink,
        allocated_on=paid_on,
    )
    if isinstance(ret, m.BillPaymentCheckRet):
        account = account_ref(ret.bank_account_ref)
    else:
        account = account_ref(ret.credit_card_account_ref)
    return BillPayment(
        id=ret.txn_id,
        supplier_ref=supplier_ref(ret.payee_entity_ref),
        account_ref=account,
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
    data_type="billPayments",
    parts=(
        QueryPart(name="billPaymentChecks", build=build_check_query, map=map_bill_payment),
        QueryPart(
            name="billPaymentCreditCards", build=build_credit_card_query, map=map_bill_payment
        ),
    ),
    txn_del_types=("BillPaymentCheck", "BillPaymentCreditCard"),
)
