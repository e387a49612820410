"""Applying a payment to the transactions it pays, as QuickBooks links them.

Shared by ReceivePayment (to invoices, with credit memos) and BillPaymentCheck /
BillPaymentCreditCard (to bills, with vendor credits). QuickBooks behaviour:

- each ``AppliedToTxn`` takes its payment amount, its discount and the credits it sets
  (``SetCredit``) off the open balance of the transaction it names; more than that balance is
  refused with status 3210 "You cannot pay more than the amount due.";
- the paid transaction gets a ``LinkedTxn`` (link type AMTTYPE, negative amount) for the
  payment and for each credit; it is saved again with a new EditSequence and TimeModified, as
  any change to a transaction in QuickBooks gives it; a credit gets a ``LinkedTxn`` for the
  transaction it paid and loses what it gave;
- the payment's ``AppliedToTxnRet`` shows the paid transaction's type, date, number, the amount
  applied, the balance left and the credits as ``LinkedTxn``;
- a Mod or a Void first takes the old applications back off, then applies the new ones.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ...qbxml import messages as m
from ...qbxml.decode import decode_element
from ...qbxml.schema import QbxmlObject
from ..context import RequestContext, StatusError
from ..kinds import KINDS, kind_of_ret
from .common import ZERO, amount_of, touch

__all__ = ["Application", "Ledger", "apply_all", "unapply_all"]


@dataclass(frozen=True)
class Ledger:
    """What one payment kind pays and with what: the kinds and their open-amount fields."""

    paid_kinds: tuple[str, ...]  # ("Invoice",) or ("Bill",)
    open_field: str  # "balance_remaining" or "open_amount"
    credit_kinds: tuple[str, ...]  # ("CreditMemo",) or ("VendorCredit",)
    credit_field: str  # "credit_remaining" or "open_amount"


@dataclass(frozen=True)
class Application:
    txn_id: str
    amount: Decimal | None  # None: as much of the payment as the balance takes
    discount: Decimal = ZERO
    discount_account_ref: QbxmlObject | None = None
    credits: tuple[tuple[str, Decimal], ...] = ()  # (credit TxnID, amount)


def _overpaid(value: Decimal) -> StatusError:
    return StatusError(
        3210,
        f'The field "PaymentAmount" has an invalid value "{value}".  '
        "QuickBooks error message: You cannot pay more than the amount due.",
    )


def _load(context: RequestContext, txn_id: str, kinds: tuple[str, ...]) -> QbxmlObject:
    row = context.store.get(txn_id, kinds)
    if row is None:
        raise StatusError(
            3140,
            f'There is an invalid reference to QuickBooks {kinds[0]} "{txn_id}".  QuickBooks '
            "error message: Invalid argument.  The specified record does not exist in the list.",
        )
    return decode_element(row.body, KINDS[row.kind].ret)


def _link(record: QbxmlObject, amount: Decimal) -> m.LinkedTxn:
    return m.LinkedTxn(
        txn_id=getattr(record, "txn_id", None),
        txn_type=kind_of_ret(record).name,
        txn_date=getattr(record, "txn_date", None),
        ref_number=getattr(record, "ref_number", None),
        link_type="AMTTYPE",
        amount=amount,
    )


def _without_link(record: QbxmlObject, txn_id: str) -> tuple[m.LinkedTxn, ...]:
    return tuple(link for link in record.linked_txn if link.txn_id != txn_id)  # type: ignore[attr-defined]


def _change_open(
    context: RequestContext,
    record: QbxmlObject,
    field: str,
    change: Decimal,
    links: tuple[m.LinkedTxn, ...],
) -> QbxmlObject:
    """``record`` with ``change`` added to its open amount, its links replaced, and saved."""
    remaining = amount_of(getattr(record, field)) + change
    changes: dict[str, object] = {field: remaining, "linked_txn": links}
    if "applied_amount" in record._spec.by_attr:
        changes["applied_amount"] = amount_of(getattr(record, "applied_amount", None)) + change
    if "is_paid" in record._spec.by_attr:
        changes["is_paid"] = remaining <= 0
    return touch(context, record, **changes)


def unapply_all(context: RequestContext, ledger: Ledger, payment: QbxmlObject) -> None:
    """Take ``payment``'s applications back off what it paid and the credits it used."""
    payment_id = str(getattr(payment, "txn_id"))  # noqa: B009
    for applied in getattr(payment, "applied_to_txn_ret", ()):
        row = context.store.get(applied.txn_id, ledger.paid_kinds)
        if row is None:
            continue
        paid = decode_element(row.body, KINDS[row.kind].ret)
        credits = [link for link in applied.linked_txn if link.txn_id]
        given = amount_of(applied.amount) + amount_of(applied.discount_amount)
        given += sum((-amount_of(link.amount) for link in credits), ZERO)
        links = _without_link(paid, payment_id)
        for link in credits:
            links = tuple(x for x in links if x.txn_id != link.txn_id)
            _give_back_credit(context, ledger, link.txn_id, paid, -amount_of(link.amount))
        _change_open(context, paid, ledger.open_field, given, links)


def _give_back_credit(
    context: RequestContext, ledger: Ledger, credit_id: str, paid: QbxmlObject, amount: Decimal
) -> None:
    row = context.store.get(credit_id, ledger.credit_kinds)
    if row is None:
        return
    credit = decode_element(row.body, KINDS[row.kind].ret)
    links = _without_link(credit, str(getattr(paid, "txn_id")))  # noqa: B009
    _change_open(context, credit, ledger.credit_field, amount, links)


def _use_credits(
    context: RequestContext,
    ledger: Ledger,
    paid: QbxmlObject,
    credits: Sequence[tuple[str, Decimal]],
) -> tuple[m.LinkedTxn, ...]:
    links = []
    for credit_id, amount in credits:
        credit = _load(context, credit_id, ledger.credit_kinds)
        if amount > amount_of(getattr(credit, ledger.credit_field)):
            raise StatusError(
                3210,
                f'The field "AppliedAmount" has an invalid value "{amount}".  QuickBooks error '
                "message: The amount of the credit applied is greater than the credit available.",
            )
        links.append(_link(credit, -amount))
        _change_open(
            context,
            credit,
            ledger.credit_field,
            -amount,
            (*credit.linked_txn, _link(paid, -amount)),  # type: ignore[attr-defined]
        )
    return tuple(links)


def apply_one(
    context: RequestContext,
    ledger: Ledger,
    payment: QbxmlObject,
    application: Application,
    available: Decimal | None,
) -> m.AppliedToTxnRet:
    """Apply one application; an amount of None takes what is ``available`` (None: no limit)."""
    paid = _load(context, application.txn_id, ledger.paid_kinds)
    open_amount = amount_of(getattr(paid, ledger.open_field))
    credits = sum((amount for _, amount in application.credits), ZERO)
    amount = application.amount
    if amount is None:
        due = open_amount - credits - application.discount
        amount = max(ZERO, due if available is None else min(available, due))
    taken = amount + application.discount + credits
    if taken > open_amount:
        raise _overpaid(amount)
    credit_links = _use_credits(context, ledger, paid, application.credits)
    links = tuple(paid.linked_txn)  # type: ignore[attr-defined]
    if amount + application.discount:
        links += (_link(payment, -(amount + application.discount)),)
    paid = _change_open(context, paid, ledger.open_field, -taken, links + credit_links)
    discount_ref: Any = application.discount_account_ref
    return m.AppliedToTxnRet(
        txn_id=application.txn_id,
        txn_type=kind_of_ret(paid).name,
        txn_date=getattr(paid, "txn_date", None),
        ref_number=getattr(paid, "ref_number", None),
        balance_remaining=amount_of(getattr(paid, ledger.open_field)),
        amount=amount,
        discount_amount=application.discount or None,
        discount_account_ref=discount_ref,
        linked_txn=credit_links,
    )


def apply_all(
    context: RequestContext,
    ledger: Ledger,
    payment: QbxmlObject,
    applications: Sequence[Application],
    total: Decimal | None,
) -> tuple[tuple[m.AppliedToTxnRet, ...], Decimal]:
    """Apply every application; returns the AppliedToTxnRet list and the amount applied."""
    applied: list[m.AppliedToTxnRet] = []
    used = ZERO
    for application in applications:
        available = None if total is None else total - used
        result = apply_one(context, ledger, payment, application, available)
        applied.append(result)
        used += amount_of(result.amount)
    if total is not None and used > total:
        raise StatusError(
            3210,
            f'The field "TotalAmount" has an invalid value "{total}".  QuickBooks error '
            "message: The amounts applied to transactions are more than the amount of the "
            "payment.",
        )
    return tuple(applied), used
