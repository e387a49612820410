"""ReceivePayment: a customer's payment applied to invoices, with credit memos and discounts.

QuickBooks behaviour (qbxml.md section 4: ``CustomerRef``, ``TotalAmount``, ``IsAutoApply``
OR ``AppliedToTxnAdd``):

- ``AppliedToTxnAdd`` applies its ``PaymentAmount``, ``DiscountAmount`` and ``SetCredit``
  credit memos to one invoice (see ``applying``); paying more than the invoice's balance is
  status 3210 "You cannot pay more than the amount due.";
- ``IsAutoApply`` applies the payment to the customer's open invoices, oldest first;
- without ``TotalAmount`` the payment is what it applies; ``UnusedPayment`` is the total less
  what was applied (a credit the customer keeps);
- the deposit account defaults to Undeposited Funds and the A/R account to Accounts
  Receivable.

Approximations (FIDELITY.md): a payment without ``IsAutoApply`` or ``AppliedToTxnAdd`` stays
unapplied (QuickBooks may auto-apply by preference); ``UnusedCredits`` is always 0.00; until
the write machinery passes the request payload to rules (see ``common.request_payload``), an
``AppliedToTxnAdd`` without a visible ``PaymentAmount`` takes as much of the payment as the
invoice's balance allows, in the order sent.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from ...qbxml import messages as m
from ...qbxml.decode import decode_element
from ...qbxml.schema import QbxmlObject
from ..context import RequestContext
from ..kinds import KINDS
from ..records import replace
from ..store import RecordFilter
from ..writes import BusinessRule
from .applying import Application, Ledger, apply_all, unapply_all
from .balances import settle
from .common import ZERO, amount_of, request_payload, special_ref, stored

__all__ = ["RECEIVABLES", "applications_from", "auto_applications", "rules"]

RECEIVABLES = Ledger(("Invoice",), "balance_remaining", ("CreditMemo",), "credit_remaining")


def applications_from(record: QbxmlObject, payload: QbxmlObject | None) -> list[Application] | None:
    """The applications a payment asks for; None when it asks to be auto-applied."""
    sent: tuple[Any, ...] = ()
    if payload is not None:
        sent = getattr(payload, "applied_to_txn_add", ()) or getattr(
            payload, "applied_to_txn_mod", ()
        )
        if not sent and getattr(payload, "is_auto_apply", None):
            return None
    resolved = {a.txn_id: a for a in getattr(record, "applied_to_txn_ret", ())}
    if sent:
        return [_from_request(item, resolved.get(item.txn_id)) for item in sent]
    return [_from_record(applied) for applied in resolved.values()]


def _from_request(item: QbxmlObject, resolved: QbxmlObject | None) -> Application:
    credits = tuple(
        (str(credit.credit_txn_id), amount_of(credit.applied_amount))
        for credit in getattr(item, "set_credit", ())
    )
    return Application(
        txn_id=str(getattr(item, "txn_id")),  # noqa: B009
        amount=getattr(item, "payment_amount", None),
        discount=amount_of(getattr(item, "discount_amount", None)),
        discount_account_ref=getattr(resolved, "discount_account_ref", None),
        credits=credits,
    )


def _from_record(applied: m.AppliedToTxnRet) -> Application:
    credits = tuple(
        (str(link.txn_id), -amount_of(link.amount)) for link in applied.linked_txn if link.txn_id
    )
    return Application(
        txn_id=str(applied.txn_id),
        amount=applied.amount,
        discount=amount_of(applied.discount_amount),
        discount_account_ref=applied.discount_account_ref,
        credits=credits,
    )


def auto_applications(
    context: RequestContext, ledger: Ledger, entity_id: str, total: Decimal
) -> list[Application]:
    """Oldest open transactions first, until the payment is used up."""
    rows = context.store.select(
        RecordFilter(kinds=ledger.paid_kinds, entity_ids=(entity_id,), paid=False, active=None)
    )
    records = [decode_element(row.body, KINDS[row.kind].ret) for row in rows]
    records.sort(key=lambda record: getattr(record, "txn_date", None) or date.min)
    out = []
    left = total
    for record in records:
        open_amount = amount_of(getattr(record, ledger.open_field))
        if left <= 0 or open_amount <= 0:
            continue
        amount = min(left, open_amount)
        out.append(Application(str(getattr(record, "txn_id")), amount))  # noqa: B009
        left -= amount
    return out


def receive_payment(
    context: RequestContext, record: QbxmlObject, previous: QbxmlObject | None
) -> QbxmlObject:
    before = previous if previous is not None else stored(context, record)
    if before is not None:
        unapply_all(context, RECEIVABLES, before)
    payload = request_payload()
    total = getattr(record, "total_amount", None)
    wanted = applications_from(record, payload)
    if wanted is None:
        customer = str(record.customer_ref.list_id)  # type: ignore[attr-defined]
        wanted = auto_applications(context, RECEIVABLES, customer, amount_of(total))
    applied, used = apply_all(context, RECEIVABLES, record, wanted, total)
    total = used if total is None else amount_of(total)
    changes: dict[str, object] = {
        "applied_to_txn_ret": applied,
        "total_amount": total,
        "unused_payment": total - used,
        "unused_credits": ZERO,
    }
    if getattr(record, "ar_account_ref", None) is None:
        list_id, name = special_ref(context, "ar")
        changes["ar_account_ref"] = m.ARAccountRef(list_id=list_id, full_name=name)
    if getattr(record, "deposit_to_account_ref", None) is None:
        list_id, name = special_ref(context, "undeposited")
        changes["deposit_to_account_ref"] = m.DepositToAccountRef(list_id=list_id, full_name=name)
    result = replace(record, **changes)
    settle(context, result, before)
    return result


def rules() -> dict[str, BusinessRule]:
    return {"ReceivePayment": receive_payment}
