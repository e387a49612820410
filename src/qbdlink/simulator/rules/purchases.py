"""Bills, vendor credits and bill payments.

QuickBooks behaviour (qbxml.md section 4: Bill ``ExpenseLineAdd`` / ``ItemLineAdd``;
BillPaymentCheck / BillPaymentCreditCard ``PayeeEntityRef``, the bank or card account,
``AppliedToTxnAdd``):

- an item line's amount, when not given, is quantity (1 if omitted) x cost, the cost
  defaulting to the item's purchase cost; a group line totals its components;
- Bill ``AmountDue`` and VendorCredit ``CreditAmount`` are the sum of the expense and item
  lines; ``OpenAmount`` is what is still unpaid (or unused); a Bill ``IsPaid`` when it is 0;
- a bill payment applies to bills as a customer payment applies to invoices (``applying``:
  status 3210 when paying more than the amount due; vendor credits through ``SetCredit``), and
  its ``Amount`` is what it applies;
- the A/P account defaults to Accounts Payable.

Approximations (FIDELITY.md): purchase tax (CA/UK ``TaxAmount``, ``IsTaxIncluded``) is not
computed or posted; group lines sent without components are not expanded.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ...qbxml import messages as m
from ...qbxml.schema import QbxmlObject
from ..context import RequestContext
from ..ledger import group_components
from ..records import replace
from ..writes import BusinessRule
from .applying import Ledger, apply_all, unapply_all
from .balances import settle
from .common import ZERO, Lookup, amount_of, line_id, money, request_payload, special_ref, stored
from .payments import applications_from

__all__ = ["PAYABLES", "purchase_lines", "rules"]

PAYABLES = Ledger(("Bill",), "open_amount", ("VendorCredit",), "open_amount")


def _cost(item: QbxmlObject | None) -> Decimal | None:
    if item is None:
        return None
    one = getattr(item, "sales_or_purchase", None)
    if one is not None:
        return one.price  # type: ignore[no-any-return]
    both = getattr(item, "sales_and_purchase", None)
    if both is not None:
        return both.purchase_cost  # type: ignore[no-any-return]
    return getattr(item, "purchase_cost", None)


def _item_line(context: RequestContext, lookup: Lookup, line: QbxmlObject) -> QbxmlObject:
    components = group_components(line)
    if components is not None:
        priced = tuple(_item_line(context, lookup, part) for part in components)
        total = sum((amount_of(part.amount) for part in priced), ZERO)  # type: ignore[attr-defined]
        line = replace(line, item_line_ret=priced, total_amount=total)
    else:
        changes: dict[str, Any] = {}
        cost = line.cost  # type: ignore[attr-defined]
        if line.amount is None:  # type: ignore[attr-defined]
            if cost is None:
                cost = _cost(lookup.item(line.item_ref))  # type: ignore[attr-defined]
                changes["cost"] = cost
            quantity = line.quantity or Decimal(1)  # type: ignore[attr-defined]
            changes["amount"] = money((cost or ZERO) * quantity)
        else:
            changes["amount"] = money(line.amount)  # type: ignore[attr-defined]
        line = replace(line, **changes)
    if line.txn_line_id is None:  # type: ignore[attr-defined]
        line = replace(line, txn_line_id=line_id(context))
    return line


def purchase_lines(context: RequestContext, record: QbxmlObject) -> tuple[QbxmlObject, Decimal]:
    """``record`` with its lines priced and ids assigned, and the lines' total."""
    lookup = Lookup(context)
    expenses = tuple(
        replace(
            line,
            amount=amount_of(line.amount),
            txn_line_id=line.txn_line_id or line_id(context),
        )
        for line in getattr(record, "expense_line_ret", ())
    )
    items = tuple(
        _item_line(context, lookup, line) for line in getattr(record, "item_line_ret", ())
    )
    total = sum((amount_of(getattr(line, "amount", None)) for line in expenses), ZERO)
    for line in items:
        total += amount_of(getattr(line, "total_amount", None) or getattr(line, "amount", None))
    return replace(record, expense_line_ret=expenses, item_line_ret=items), total


def _ap_default(context: RequestContext, record: QbxmlObject) -> dict[str, Any]:
    if getattr(record, "ap_account_ref", None) is not None:
        return {}
    list_id, name = special_ref(context, "ap")
    return {"ap_account_ref": m.APAccountRef(list_id=list_id, full_name=name)}


def _open_bill(
    context: RequestContext, record: QbxmlObject, previous: QbxmlObject | None, total_field: str
) -> QbxmlObject:
    before = previous if previous is not None else stored(context, record)
    priced, total = purchase_lines(context, record)
    used = ZERO
    if before is not None:
        used = amount_of(getattr(before, total_field)) - amount_of(before.open_amount)  # type: ignore[attr-defined]
    changes: dict[str, Any] = {total_field: total, "open_amount": total - used}
    if "is_paid" in record._spec.by_attr:
        changes["is_paid"] = total - used <= 0
    result = replace(priced, **changes, **_ap_default(context, record))
    settle(context, result, before)
    return result


def bill(context: RequestContext, record: QbxmlObject, previous: QbxmlObject | None) -> QbxmlObject:
    return _open_bill(context, record, previous, "amount_due")


def vendor_credit(
    context: RequestContext, record: QbxmlObject, previous: QbxmlObject | None
) -> QbxmlObject:
    return _open_bill(context, record, previous, "credit_amount")


def bill_payment(
    context: RequestContext, record: QbxmlObject, previous: QbxmlObject | None
) -> QbxmlObject:
    before = previous if previous is not None else stored(context, record)
    if before is not None:
        unapply_all(context, PAYABLES, before)
    wanted = applications_from(record, request_payload()) or []
    applied, used = apply_all(context, PAYABLES, record, wanted, None)
    result = replace(
        record, applied_to_txn_ret=applied, amount=used, **_ap_default(context, record)
    )
    settle(context, result, before)
    return result


def rules() -> dict[str, BusinessRule]:
    return {
        "Bill": bill,
        "VendorCredit": vendor_credit,
        "BillPaymentCheck": bill_payment,
        "BillPaymentCreditCard": bill_payment,
    }
