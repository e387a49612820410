"""Customer payments (data type ``payments``): ReceivePaymentAdd, the reverse of the read
(``streams/payments.py``).

- customerRef.id: CustomerRef (required). date: TxnDate. reference: RefNumber (20). note: Memo.
  accountRef.id: DepositToAccountRef (QuickBooks defaults to Undeposited Funds).
  paymentMethodRef.id: PaymentMethodRef. totalAmount: TotalAmount (else the lines' amounts).
- lines, in Codat's convention (the reads'): each line applies its ``amount`` of cash.
  - A line with one Invoice link: AppliedToTxnAdd for that invoice, PaymentAmount the line's
    amount; its CreditNote links are credit memos used on the invoice (SetCredit, the link's
    amount as the credit applied) and its Discount links a discount (DiscountAmount, the link's
    id the discount account).
  - A line with several Invoice links: one AppliedToTxnAdd each, PaymentAmount minus the link's
    amount; the amounts must add up to the line's (credits and discounts need one invoice).
  - A line with only PaymentOnAccount or Unlinked links (or none): money left unapplied, a
    credit on the customer's account, as QuickBooks keeps an unapplied payment.
  - Other link types are refused.
- A payment applied to nothing is written unapplied (IsAutoApply false), not auto-applied: the
  client said where the money goes.

Only creation is in the push matrix for this data type.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from pydantic import BaseModel

from qbdlink.connector.pushes.base import PushContext, Writer, external_guid
from qbdlink.connector.pushes.common import Draft, LineGroup, check_request, ref
from qbdlink.model.accounting.payment import Payment
from qbdlink.qbxml import QbxmlObject
from qbdlink.qbxml import messages as m

__all__ = ["WRITER", "Applications", "applications", "applied_fields"]

_ON_ACCOUNT = frozenset({"PaymentOnAccount", "Unlinked"})
_HEADER = {
    "CustomerRef": "customerRef.id",
    "TxnDate": "date",
    "RefNumber": "reference",
    "TotalAmount": "totalAmount",
    "PaymentMethodRef": "paymentMethodRef.id",
    "Memo": "note",
    "DepositToAccountRef": "accountRef.id",
}


def applied_fields() -> dict[str, str]:
    """The encoder-path map of AppliedToTxnAdd (``{i}``: the payment line's index)."""
    return {
        "AppliedToTxnAdd/TxnID": "lines[{i}].links",
        "AppliedToTxnAdd/PaymentAmount": "lines[{i}].amount",
        "AppliedToTxnAdd/SetCredit": "lines[{i}].links",
        "AppliedToTxnAdd/DiscountAmount": "lines[{i}].links",
        "AppliedToTxnAdd/DiscountAccountRef": "lines[{i}].links",
    }


@dataclass
class Applications:
    """A payment's lines as AppliedToTxnAdd, with each one's line index and what is left
    unapplied."""

    applied: list[m.AppliedToTxnAdd] = field(default_factory=list)
    indices: list[int] = field(default_factory=list)
    unapplied: Decimal = Decimal(0)

    @property
    def applied_amount(self) -> Decimal:
        return sum((a.payment_amount or Decimal(0) for a in self.applied), Decimal(0))

    def group(self) -> LineGroup:
        return LineGroup("applied_to_txn_add", "AppliedToTxnAdd", "lines", tuple(self.indices))


def applications(draft: Draft, lines: Sequence[Any] | None, document: str) -> Applications:
    """Payment lines (customer or supplier) as applications to ``document`` transactions
    (Invoice or Bill), per the module docstring."""
    out = Applications()
    for index, line in enumerate(lines or ()):
        path = f"lines[{index}]"
        links = list(line.links or ())
        documents = [link for link in links if link.type == document]
        credits = [link for link in links if link.type == "CreditNote"]
        discounts = [link for link in links if link.type == "Discount"]
        for number, link in enumerate(links):
            if link.type not in {document, "CreditNote", "Discount", *_ON_ACCOUNT}:
                draft.problem(
                    f"{path}.links[{number}].type",
                    f"a {link.type} link cannot be written to QuickBooks Desktop; use "
                    f"{document}, CreditNote, Discount or PaymentOnAccount",
                )
            elif link.type in (document, "CreditNote", "Discount") and not link.id:
                draft.problem(f"{path}.links[{number}].id", f"a {link.type} link needs its id")
        if not documents:
            if credits or discounts:
                draft.problem(
                    f"{path}.links", f"credits and discounts apply to a {document}: link one"
                )
            out.unapplied += line.amount
            continue
        if len(documents) == 1:
            out.applied.append(
                m.AppliedToTxnAdd(
                    txn_id=documents[0].id or "",
                    payment_amount=line.amount,
                    set_credit=tuple(
                        m.SetCredit(
                            credit_txn_id=link.id or "",
                            applied_amount=abs(link.amount or Decimal(0)),
                        )
                        for link in credits
                    ),
                    discount_amount=sum(
                        (abs(d.amount or Decimal(0)) for d in discounts), Decimal(0)
                    )
                    if discounts
                    else None,
                    discount_account_ref=ref(m.DiscountAccountRef, discounts[0].id)
                    if discounts
                    else None,
                )
            )
            out.indices.append(index)
            continue
        if credits or discounts:
            draft.problem(
                f"{path}.links",
                f"credits and discounts need a line of their own, with one {document} link",
            )
        if any(link.amount is None for link in documents):
            draft.problem(f"{path}.links", f"with several {document} links, each needs its amount")
            continue
        if sum((-(link.amount or Decimal(0)) for link in documents), Decimal(0)) != line.amount:
            draft.problem(
                f"{path}.links", f"the {document} links' amounts must add up to the line's amount"
            )
        for link in documents:
            out.applied.append(
                m.AppliedToTxnAdd(txn_id=link.id or "", payment_amount=-(link.amount or Decimal(0)))
            )
            out.indices.append(index)
    return out


def add(record: BaseModel, ctx: PushContext) -> QbxmlObject:
    assert isinstance(record, Payment)
    draft = Draft(ctx, "payment")
    customer = draft.required_id(
        record.customer_ref, "customerRef.id", "QuickBooks needs a customer"
    )
    applied = applications(draft, record.lines, "Invoice")
    total = record.total_amount
    if total is None:
        total = applied.applied_amount + applied.unapplied
    if total < 0:
        draft.problem("totalAmount", "a payment cannot be negative (refunds are not supported)")
    elif total < applied.applied_amount:
        draft.problem("totalAmount", "is less than the lines apply to invoices")
    request = m.ReceivePaymentAddRq(
        receive_payment_add=m.ReceivePaymentAdd(
            customer_ref=m.CustomerRef(list_id=customer),
            txn_date=draft.day(record.date, "date"),
            ref_number=draft.text(record.reference, "reference"),
            total_amount=total,
            payment_method_ref=ref(
                m.PaymentMethodRef,
                record.payment_method_ref.id if record.payment_method_ref else None,
            ),
            memo=draft.text(record.note, "note"),
            deposit_to_account_ref=ref(
                m.DepositToAccountRef, record.account_ref.id if record.account_ref else None
            ),
            external_guid=external_guid(ctx.idempotency_key),
            applied_to_txn_add=tuple(applied.applied),
            # Nothing to apply: an unapplied payment, not one QuickBooks applies as it likes.
            is_auto_apply=None if applied.applied else False,
        )
    )
    check_request(draft, request, {**_HEADER, **applied_fields()}, [applied.group()])
    return request


def query_by_id(record_id: str) -> QbxmlObject:
    return m.ReceivePaymentQueryRq(txn_id=(record_id,), include_line_items=True, owner_id=("0",))


def query_by_key(ctx: PushContext, since: datetime) -> QbxmlObject:
    return m.ReceivePaymentQueryRq(
        modified_date_range_filter=m.ModifiedDateRangeFilter(from_modified_date=since)
    )


WRITER = Writer(data_type="payments", add=add, query_by_id=query_by_id, query_by_key=query_by_key)
