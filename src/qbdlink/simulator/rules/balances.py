"""Customer, vendor and account balances, kept as QuickBooks keeps them after every write.

- Customer ``Balance``: what the customer owes on its own transactions: open invoice balances,
  less unused credit memo credit and unused payments. ``TotalBalance``: the same over the
  customer and all of its jobs (sub-customers). QuickBooks behaviour (CustomerRet docs).
- Vendor ``Balance``: open bill amounts less open vendor credits.
- Account ``Balance`` / ``TotalBalance`` (with subaccounts): changed by the postings of each
  transaction write (``ledger.postings`` of the new version less those of the old), shown with
  the account's natural sign (debit-normal accounts positive when debited, credit-normal ones
  positive when credited). Kept by the rule, not computed on query, so a query costs nothing.

Approximations (FIDELITY.md): these balance updates do not change the customer's, vendor's or
account's EditSequence or TimeModified; income and expense accounts show a running balance
(QuickBooks' chart of accounts shows none for them); a ``TxnDel`` changes no balance until
``writes.delete`` runs rules (``after_delete`` is ready for it).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from decimal import Decimal

from ...qbxml import messages as m
from ...qbxml.decode import decode_element
from ...qbxml.schema import QbxmlObject
from .. import writes
from ..context import RequestContext, StatusError
from ..kinds import KINDS, kind_of_ret
from ..ledger import MissingAccountError, postings
from ..records import replace
from .common import ZERO, Lookup, amount_of, rule_chart

__all__ = [
    "OPEN_KINDS",
    "after_delete",
    "open_amount",
    "refresh_entity",
    "settle",
    "settle_deferred",
]

_CREDIT_NORMAL = {
    "AccountsPayable",
    "CreditCard",
    "OtherCurrentLiability",
    "LongTermLiability",
    "Equity",
    "Income",
    "OtherIncome",
}
# kind -> (field adding to what the entity owes, +1) or taking from it (-1)
_OPEN: dict[str, tuple[str, int]] = {
    "Invoice": ("balance_remaining", 1),
    "CreditMemo": ("credit_remaining", -1),
    "ReceivePayment": ("unused_payment", -1),
    "Bill": ("open_amount", 1),
    "VendorCredit": ("open_amount", -1),
}
OPEN_KINDS = tuple(_OPEN)
_CUSTOMER_KINDS = ("Invoice", "CreditMemo", "ReceivePayment")
_VENDOR_KINDS = ("Bill", "VendorCredit")


def settle(context: RequestContext, record: QbxmlObject, previous: QbxmlObject | None) -> None:
    """Post the change from ``previous`` to ``record`` and refresh the entities' balances."""
    deferred = context.deferred_balances
    if deferred is not None:
        for account_id, debit in _deltas(context, record, previous).items():
            deferred.account_debits[account_id] = (
                deferred.account_debits.get(account_id, ZERO) + debit
            )
        deferred.entities.update(e for e in map(_entity_id, (previous, record)) if e)
        return
    post_accounts(context, record, previous)
    for version in (previous, record):
        entity = _entity_id(version)
        if entity is not None:
            refresh_entity(context, entity, record)


def settle_deferred(context: RequestContext) -> None:
    """Apply the balance upkeep a bulk load put off; balances are then as if kept all along."""
    deferred = context.deferred_balances
    if deferred is None:
        return
    context.deferred_balances = None
    with context.store.write():
        for account_id, debit in sorted(deferred.account_debits.items()):
            if debit:
                _post(context, account_id, debit)
        for entity_id in sorted(deferred.entities):
            refresh_entity(context, entity_id, None)


def after_delete(context: RequestContext, record: QbxmlObject) -> None:
    """What a deleted transaction leaves behind: reversed postings, refreshed balances."""
    post_accounts(context, None, record)
    entity = _entity_id(record)
    if entity is not None:
        refresh_entity(context, entity, None)


def _entity_id(record: QbxmlObject | None) -> str | None:
    if record is None:
        return None
    for name in ("customer_ref", "vendor_ref", "payee_entity_ref"):
        ref = getattr(record, name, None)
        if ref is not None and getattr(ref, "list_id", None):
            return str(ref.list_id)
    return None


# ---- accounts -----------------------------------------------------------------------------


def _deltas(
    context: RequestContext, new: QbxmlObject | None, old: QbxmlObject | None
) -> dict[str, Decimal]:
    chart = rule_chart(context, Lookup(context))
    deltas: dict[str, Decimal] = defaultdict(lambda: ZERO)
    try:
        for version, sign in ((new, 1), (old, -1)):
            if version is not None:
                for posting in postings(version, chart):
                    deltas[posting.account_id] += sign * posting.amount
    except MissingAccountError as missing:
        raise StatusError(
            3140,
            f"There is an invalid reference to a QuickBooks Account: {missing.what}.  "
            "QuickBooks error message: Invalid argument.  The specified record does not exist "
            "in the list.",
        ) from None
    return {account: amount for account, amount in deltas.items() if amount}


def post_accounts(
    context: RequestContext, new: QbxmlObject | None, old: QbxmlObject | None
) -> None:
    for account_id, debit in _deltas(context, new, old).items():
        _post(context, account_id, debit)


def _post(context: RequestContext, account_id: str, debit: Decimal) -> None:
    account = writes.load(context, account_id, ("Account",))
    change = -debit if account.account_type in _CREDIT_NORMAL else debit  # type: ignore[attr-defined]
    account = replace(
        account,
        balance=amount_of(account.balance) + change,  # type: ignore[attr-defined]
        total_balance=amount_of(account.total_balance) + change,  # type: ignore[attr-defined]
    )
    writes.save(context, KINDS["Account"], account, new=False)
    _add_to_parents(context, account, change)


def _add_to_parents(context: RequestContext, account: QbxmlObject, change: Decimal) -> None:
    parent_ref = getattr(account, "parent_ref", None)
    while parent_ref is not None and parent_ref.list_id:
        parent = writes.load(context, parent_ref.list_id, ("Account",))
        total = amount_of(parent.total_balance) + change  # type: ignore[attr-defined]
        parent = replace(parent, total_balance=total)
        writes.save(context, KINDS["Account"], parent, new=False)
        parent_ref = getattr(parent, "parent_ref", None)


# ---- customers and vendors ----------------------------------------------------------------


def _own_balance(
    context: RequestContext, entity_id: str, kinds: tuple[str, ...], current: QbxmlObject | None
) -> Decimal:
    """Open amounts of the entity's stored transactions, with ``current`` (not yet stored)
    in place of its stored version."""
    current_id = None if current is None else getattr(current, "txn_id", None)
    total = Decimal(context.store.open_cents(entity_id, kinds, current_id)) / 100
    if current is not None and _entity_id(current) == entity_id:
        kind = kind_of_ret(current).name
        if kind in kinds:
            total += _open(current, kind)
    return total


def open_amount(kind: str) -> Callable[[QbxmlObject], Decimal]:
    return lambda record: _open(record, kind)


def _open(record: QbxmlObject, kind: str) -> Decimal:
    field, sign = _OPEN[kind]
    return sign * amount_of(getattr(record, field, None))


def refresh_entity(context: RequestContext, entity_id: str, current: QbxmlObject | None) -> None:
    """Recompute the customer's or vendor's balance (``current``: the record being written)."""
    row = context.store.get(entity_id, ("Customer", "Vendor"))
    if row is None:
        return
    if row.kind == "Vendor":
        vendor = decode_element(row.body, m.VendorRet)
        balance = _own_balance(context, entity_id, _VENDOR_KINDS, current)
        writes.save(context, KINDS["Vendor"], replace(vendor, balance=balance), new=False)
        return
    customer = decode_element(row.body, m.CustomerRet)
    balance = _own_balance(context, entity_id, _CUSTOMER_KINDS, current)
    customer = replace(customer, balance=balance)
    writes.save(context, KINDS["Customer"], customer, new=False)
    _refresh_totals(context, customer)


def _refresh_totals(context: RequestContext, customer: QbxmlObject) -> None:
    """TotalBalance of the customer and each of its parents: own balance plus all jobs'."""
    node: QbxmlObject | None = customer
    while node is not None:
        full_name = str(getattr(node, "full_name", ""))
        below = Decimal(context.store.balance_cents_below("Entity", full_name)) / 100
        node = replace(node, total_balance=amount_of(getattr(node, "balance", None)) + below)
        writes.save(context, KINDS["Customer"], node, new=False)
        parent_ref = getattr(node, "parent_ref", None)
        node = (
            None if parent_ref is None else writes.load(context, parent_ref.list_id, ("Customer",))
        )
