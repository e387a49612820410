"""Bill payments (data type ``billPayments``): BillPaymentCheckAdd or BillPaymentCreditCardAdd,
and TxnDel; the reverse of the read (``streams/bill_payments.py``).

- supplierRef.id: PayeeEntityRef (required). accountRef.id: the account paid from (required):
  BankAccountRef for a cheque, CreditCardAccountRef for a card. date: TxnDate. reference:
  RefNumber (the cheque number, 11 characters; without one the cheque is not marked to print).
  note: Memo.
- lines, as a customer payment's (``payments.applications``) with Bill links: one Bill link per
  line pays that bill (PaymentAmount the line's amount; CreditNote links use vendor credits,
  Discount links take a discount). QuickBooks has no unapplied bill payment, so at least one
  bill must be paid and PaymentOnAccount lines are refused; totalAmount, when given, must be
  what the lines pay (QuickBooks' Amount is the sum applied).
- paymentMethodRef and currency are not sent (qbXML bill payments have neither).

Which kind: a bill payment is a cheque or a card payment by the account it draws on, and the
writer does not know the account's type (the record names it by id only; a writer makes no
queries). The rule (``payment_kind``): the hint ``supplementalData.content.qbdlink.accountType``
says ``CreditCard`` (a card payment) or ``Bank`` (a cheque); without it, a cheque, the usual
way of paying bills. A card account sent as a cheque's bank account is QuickBooks' to refuse,
and the executor reports its answer.

Delete: TxnDel of the kind the current record is (BillPaymentCheck or BillPaymentCreditCard);
QuickBooks then reopens the bills it paid. Reading a bill payment by id or by key tries the
cheques, then the card payments (``more_queries_by_id`` / ``more_queries_by_key``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel

from qbdlink.connector.pushes.base import PushContext, Writer, external_guid
from qbdlink.connector.pushes.common import Draft, check_request, hint
from qbdlink.connector.pushes.payments import applications, applied_fields
from qbdlink.model.accounting.bill_payment import BillPayment
from qbdlink.qbxml import QbxmlObject
from qbdlink.qbxml import messages as m

__all__ = ["WRITER", "payment_kind"]

PaymentKind = Literal["BillPaymentCheck", "BillPaymentCreditCard"]

_HEADER = {
    "PayeeEntityRef": "supplierRef.id",
    "TxnDate": "date",
    "BankAccountRef": "accountRef.id",
    "CreditCardAccountRef": "accountRef.id",
    "RefNumber": "reference",
    "Memo": "note",
}
_KINDS: dict[str, PaymentKind] = {"Bank": "BillPaymentCheck", "CreditCard": "BillPaymentCreditCard"}


def payment_kind(record: BillPayment) -> PaymentKind | None:
    """Cheque or card (see the module docstring); None for a hint that is neither."""
    said = hint(record, "accountType")
    if said is None:
        return "BillPaymentCheck"
    return _KINDS.get(str(said))


def add(record: BaseModel, ctx: PushContext) -> QbxmlObject:
    assert isinstance(record, BillPayment)
    draft = Draft(ctx, "bill payment")
    vendor = draft.required_id(record.supplier_ref, "supplierRef.id", "QuickBooks needs a supplier")
    account = draft.required_id(
        record.account_ref, "accountRef.id", "QuickBooks needs the bank or credit card account"
    )
    kind = payment_kind(record)
    if kind is None:
        draft.problem("supplementalData.content.qbdlink.accountType", "must be Bank or CreditCard")
    applied = applications(draft, record.lines, "Bill")
    if applied.unapplied:
        draft.problem(
            "lines", "QuickBooks Desktop bill payments pay bills: every line needs a Bill link"
        )
    if not applied.applied:
        draft.problem("lines", "QuickBooks needs at least one bill to pay")
    if record.total_amount is not None and record.total_amount != applied.applied_amount:
        draft.problem("totalAmount", "must be what the lines pay (QuickBooks keeps no remainder)")
    common: dict[str, Any] = {
        "payee_entity_ref": m.PayeeEntityRef(list_id=vendor),
        "txn_date": draft.day(record.date, "date"),
        "ref_number": draft.text(record.reference, "reference"),
        "memo": draft.text(record.note, "note"),
        "external_guid": external_guid(ctx.idempotency_key),
        "applied_to_txn_add": tuple(applied.applied),
    }
    request: QbxmlObject
    if kind == "BillPaymentCreditCard":
        request = m.BillPaymentCreditCardAddRq(
            bill_payment_credit_card_add=m.BillPaymentCreditCardAdd(
                credit_card_account_ref=m.CreditCardAccountRef(list_id=account), **common
            )
        )
    else:
        request = m.BillPaymentCheckAddRq(
            bill_payment_check_add=m.BillPaymentCheckAdd(
                bank_account_ref=m.BankAccountRef(list_id=account),
                is_to_be_printed=None if common["ref_number"] else False,
                **common,
            )
        )
    check_request(draft, request, {**_HEADER, **applied_fields()}, [applied.group()])
    return request


def delete(record_id: str, current: Any, ctx: PushContext) -> QbxmlObject:
    kind = (
        "BillPaymentCreditCard"
        if isinstance(current, m.BillPaymentCreditCardRet)
        else "BillPaymentCheck"
    )
    return m.TxnDelRq(txn_del_type=kind, txn_id=record_id)


def query_by_id(record_id: str) -> QbxmlObject:
    return m.BillPaymentCheckQueryRq(txn_id=(record_id,), include_line_items=True, owner_id=("0",))


def more_queries_by_id(record_id: str) -> tuple[QbxmlObject, ...]:
    return (
        m.BillPaymentCreditCardQueryRq(
            txn_id=(record_id,), include_line_items=True, owner_id=("0",)
        ),
    )


def query_by_key(ctx: PushContext, since: datetime) -> QbxmlObject:
    return m.BillPaymentCheckQueryRq(
        modified_date_range_filter=m.ModifiedDateRangeFilter(from_modified_date=since)
    )


def more_queries_by_key(ctx: PushContext, since: datetime) -> tuple[QbxmlObject, ...]:
    return (
        m.BillPaymentCreditCardQueryRq(
            modified_date_range_filter=m.ModifiedDateRangeFilter(from_modified_date=since)
        ),
    )


WRITER = Writer(
    data_type="billPayments",
    add=add,
    delete=delete,
    query_by_id=query_by_id,
    query_by_key=query_by_key,
    more_queries_by_id=more_queries_by_id,
    more_queries_by_key=more_queries_by_key,
)
