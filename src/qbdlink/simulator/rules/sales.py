"""Sales forms (Invoice, CreditMemo, SalesReceipt, Estimate): lines, subtotal, tax, totals.

QuickBooks behaviour, as its forms compute them:

- A line's amount, when not given, is quantity (1 if omitted) x rate, the rate defaulting to
  the item's price; a percentage (``RatePercent``, or a Discount item's percent) applies to the
  line just above (a Subtotal line above makes it a percent of that subtotal). Discount items
  give negative amounts. Amounts are rounded to cents half-up.
- A Subtotal item line totals the lines since the previous Subtotal line; it is not counted
  again in the form's subtotal. A group line totals its component lines; a group sent without
  components is expanded from the ItemGroup's lines (quantities times the group's quantity).
- ``Subtotal`` = the sum of the lines (taxable and non-taxable).
- US: one sales tax item (``ItemSalesTaxRef``, defaulting to the customer's) whose rate (an
  ItemSalesTaxGroup adds its components' rates) applies to the lines whose sales tax code is
  taxable (the code defaults to the item's); a non-taxable customer tax code taxes nothing.
  ``SalesTaxPercentage`` is that rate.
- CA/UK: tax is per line: the line's sales tax code (defaulting to the item's) names a tax item
  (``SalesTaxCodeRet/ItemSalesTaxRef``) whose rate applies to that line; ``SalesTaxTotal`` sums
  them. ``SalesTaxPercentage`` is not set.
- Invoice: ``AppliedAmount`` (negative, as QuickBooks shows it) is what payments and credits
  took off; ``BalanceRemaining`` = subtotal + tax + applied amount; ``IsPaid`` when it is 0.
  CreditMemo: ``TotalAmount`` and ``CreditRemaining`` (total less credit already used).
  SalesReceipt and Estimate: ``TotalAmount``. Missing A/R and deposit accounts default to
  Accounts Receivable and Undeposited Funds.

Approximations (FIDELITY.md): ``IsTaxIncluded`` (CA/UK) is ignored (amounts are net);
per-line tax amounts are not returned (``TaxAmount`` is not in the desktop editions' output);
price levels, units of measure and ``SetCredit``/``LinkToTxnID`` on InvoiceAdd are ignored.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from ...qbxml import messages as m
from ...qbxml.schema import QbxmlObject
from ...qbxml.versions import Edition
from ..context import RequestContext
from ..ledger import group_components
from ..records import replace
from ..writes import BusinessRule
from .balances import settle
from .common import ZERO, Lookup, amount_of, line_id, money, ref_as, special_ref, stored

__all__ = ["rules"]

LINE_FIELDS = {
    "Invoice": "invoice_line_ret",
    "CreditMemo": "credit_memo_line_ret",
    "SalesReceipt": "sales_receipt_line_ret",
    "Estimate": "estimate_line_ret",
}
_HUNDRED = Decimal(100)


@dataclass
class _Pricing:
    """The running state while pricing a form's lines in order."""

    lookup: Lookup
    context: RequestContext
    above: Decimal | None = None  # the amount of the line just above
    since_subtotal: Decimal = ZERO
    lines: list[tuple[QbxmlObject, Decimal]] = field(default_factory=list)  # (line, amount)


def _item_price(item: QbxmlObject) -> tuple[Decimal | None, Decimal | None]:
    """(price, percent) an item sells at by default."""
    if isinstance(item, m.ItemDiscountRet):
        return item.discount_rate, item.discount_rate_percent
    one = getattr(item, "sales_or_purchase", None)
    if one is not None:
        return one.price, one.price_percent
    both = getattr(item, "sales_and_purchase", None)
    if both is not None:
        return both.sales_price, None
    return getattr(item, "sales_price", None), None


def _price(pricing: _Pricing, line: QbxmlObject) -> QbxmlObject:
    item = pricing.lookup.item(getattr(line, "item_ref", None))
    if item is None:
        return line  # a description-only line carries no amount
    if isinstance(item, m.ItemSubtotalRet):
        amount = pricing.since_subtotal
        pricing.since_subtotal = ZERO
        pricing.above = amount
        return replace(line, amount=amount)
    changes: dict[str, Any] = {}
    if (
        getattr(line, "sales_tax_code_ref", None) is None
        and "sales_tax_code_ref" in line._spec.by_attr
    ):
        code = getattr(item, "sales_tax_code_ref", None)
        if code is not None:
            changes["sales_tax_code_ref"] = ref_as(line, "sales_tax_code_ref", code)
    amount = _line_amount(pricing, line, item, changes)
    changes["amount"] = amount
    pricing.above = amount
    pricing.since_subtotal += amount
    pricing.lines.append((line, amount))
    return replace(line, **changes)


def _line_amount(
    pricing: _Pricing, line: QbxmlObject, item: QbxmlObject, changes: dict[str, Any]
) -> Decimal:
    given = getattr(line, "amount", None)
    if given is not None:
        return money(given)
    sign = -1 if isinstance(item, m.ItemDiscountRet) else 1
    rate, percent = getattr(line, "rate", None), getattr(line, "rate_percent", None)
    if rate is None and percent is None:
        rate, percent = _item_price(item)
        if rate is not None:
            changes["rate"] = rate
        elif percent is not None:
            changes["rate_percent"] = percent
    if rate is not None:
        quantity = getattr(line, "quantity", None)
        return sign * abs(money(rate * (Decimal(1) if quantity is None else quantity)))
    if percent is not None:
        return sign * abs(money((pricing.above or ZERO) * percent / _HUNDRED))
    return ZERO


def _expand_group(
    pricing: _Pricing, line: QbxmlObject, line_class: type[QbxmlObject]
) -> tuple[QbxmlObject, ...]:
    group = pricing.lookup.get(getattr(line, "item_group_ref", None), ("ItemGroup",))
    if not isinstance(group, m.ItemGroupRet):
        return ()
    times = getattr(line, "quantity", None) or Decimal(1)
    make: Any = line_class
    return tuple(
        make(
            item_ref=m.ItemRef(list_id=part.item_ref.list_id, full_name=part.item_ref.full_name),
            quantity=(part.quantity or Decimal(1)) * times,
        )
        for part in group.item_group_line
        if part.item_ref is not None
    )


def _price_lines(pricing: _Pricing, lines: tuple[QbxmlObject, ...]) -> tuple[QbxmlObject, ...]:
    out = []
    for line in lines:
        components = group_components(line)
        if components is None:
            priced = _price(pricing, line)
        else:
            priced = _price_group(pricing, line, components)
        if getattr(priced, "txn_line_id", None) is None:
            priced = replace(priced, txn_line_id=line_id(pricing.context))
        out.append(priced)
    return tuple(out)


def _price_group(
    pricing: _Pricing, line: QbxmlObject, components: tuple[QbxmlObject, ...]
) -> QbxmlObject:
    nested = next(s for s in line._spec.fields if s.repeated and s.attr.endswith("line_ret"))
    if not components:
        components = _expand_group(pricing, line, nested.classes[0][1])
    priced = _price_lines(pricing, components)
    total = sum((amount_of(getattr(c, "amount", None)) for c in priced), ZERO)
    return replace(line, **{nested.attr: priced, "total_amount": total})


# ---- tax ------------------------------------------------------------------------------------


def _rate(lookup: Lookup, ref: QbxmlObject | None) -> Decimal:
    item = lookup.get(ref, ("ItemSalesTax", "ItemSalesTaxGroup"))
    if isinstance(item, m.ItemSalesTaxRet):
        return item.tax_rate or ZERO
    if isinstance(item, m.ItemSalesTaxGroupRet):
        return sum((_rate(lookup, part) for part in item.item_sales_tax_ref), ZERO)
    return ZERO


def _code(lookup: Lookup, ref: QbxmlObject | None) -> m.SalesTaxCodeRet | None:
    code = lookup.get(ref, ("SalesTaxCode",))
    return code if isinstance(code, m.SalesTaxCodeRet) else None


def _us_tax(lookup: Lookup, record: QbxmlObject, pricing: _Pricing) -> dict[str, Any]:
    customer = lookup.get(getattr(record, "customer_ref", None), ("Customer",))
    tax_item = getattr(record, "item_sales_tax_ref", None) or getattr(
        customer, "item_sales_tax_ref", None
    )
    customer_code = getattr(record, "customer_sales_tax_code_ref", None) or getattr(
        customer, "sales_tax_code_ref", None
    )
    rate = _rate(lookup, tax_item)
    exempt = (code := _code(lookup, customer_code)) is not None and not code.is_taxable
    base = ZERO
    for line, amount in pricing.lines:
        code = _code(lookup, getattr(line, "sales_tax_code_ref", None))
        if code is None and getattr(line, "sales_tax_code_ref", None) is None:
            item = lookup.item(getattr(line, "item_ref", None))
            code = _code(lookup, getattr(item, "sales_tax_code_ref", None))
        if code is not None and code.is_taxable:
            base += amount
    return {
        "item_sales_tax_ref": ref_as(record, "item_sales_tax_ref", tax_item),
        "customer_sales_tax_code_ref": ref_as(record, "customer_sales_tax_code_ref", customer_code),
        "sales_tax_percentage": rate,
        "sales_tax_total": ZERO if exempt else money(base * rate / _HUNDRED),
    }


def _line_tax(lookup: Lookup, line: QbxmlObject, amount: Decimal) -> Decimal:
    ref = getattr(line, "sales_tax_code_ref", None)
    if ref is None:
        ref = getattr(lookup.item(getattr(line, "item_ref", None)), "sales_tax_code_ref", None)
    code = _code(lookup, ref)
    if code is None or code.is_taxable is False:
        return ZERO
    return money(amount * _rate(lookup, code.item_sales_tax_ref) / _HUNDRED)


def _per_line_tax(lookup: Lookup, pricing: _Pricing) -> dict[str, Any]:
    total = sum((_line_tax(lookup, line, amount) for line, amount in pricing.lines), ZERO)
    return {"sales_tax_total": total, "sales_tax_percentage": None}


# ---- totals ---------------------------------------------------------------------------------


def _totals(
    kind: str, record: QbxmlObject, previous: QbxmlObject | None, subtotal: Decimal, tax: Decimal
) -> dict[str, Any]:
    total = subtotal + tax
    if kind == "Invoice":
        applied = amount_of(getattr(record, "applied_amount", None))
        balance = total + applied
        return {"applied_amount": applied, "balance_remaining": balance, "is_paid": balance <= 0}
    if kind == "CreditMemo":
        used = ZERO
        if previous is not None:
            used = amount_of(previous.total_amount) - amount_of(previous.credit_remaining)  # type: ignore[attr-defined]
        return {"total_amount": total, "credit_remaining": total - used}
    return {"total_amount": total}


def _defaults(context: RequestContext, kind: str, record: QbxmlObject) -> dict[str, Any]:
    if kind in ("Invoice", "CreditMemo") and getattr(record, "ar_account_ref", None) is None:
        list_id, name = special_ref(context, "ar")
        return {"ar_account_ref": m.ARAccountRef(list_id=list_id, full_name=name)}
    if kind == "SalesReceipt" and getattr(record, "deposit_to_account_ref", None) is None:
        list_id, name = special_ref(context, "undeposited")
        return {"deposit_to_account_ref": m.DepositToAccountRef(list_id=list_id, full_name=name)}
    return {}


def compute(
    context: RequestContext, kind: str, record: QbxmlObject, previous: QbxmlObject | None
) -> QbxmlObject:
    """``record`` with its lines priced and its subtotal, tax and totals computed."""
    lookup = Lookup(context)
    pricing = _Pricing(lookup, context)
    lines = _price_lines(pricing, getattr(record, LINE_FIELDS[kind]))
    subtotal = sum((amount for _, amount in pricing.lines), ZERO)
    if context.edition is Edition.US:
        tax = _us_tax(lookup, record, pricing)
    else:
        tax = _per_line_tax(lookup, pricing)
    changes = {LINE_FIELDS[kind]: lines, "subtotal": subtotal, **tax}
    changes.update(_totals(kind, record, previous, subtotal, tax["sales_tax_total"]))
    changes.update(_defaults(context, kind, record))
    return replace(record, **changes)


def _rule(kind: str) -> BusinessRule:
    def rule(
        context: RequestContext, record: QbxmlObject, previous: QbxmlObject | None
    ) -> QbxmlObject:
        before = previous if previous is not None else stored(context, record)
        computed = compute(context, kind, record, before)
        if kind != "Estimate":
            settle(context, computed, before)
        return computed

    return rule


def rules() -> dict[str, BusinessRule]:
    return {kind: _rule(kind) for kind in LINE_FIELDS}
