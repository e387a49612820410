"""What every business rule shares: money, lookups, special accounts, the request payload.

Money is rounded to cents half-up, as QuickBooks rounds line amounts and tax. QuickBooks
creates its special accounts (Accounts Receivable, Accounts Payable, Undeposited Funds, the
sales tax liability) the first time a transaction needs them; ``special_ref`` does the same.

The request payload: a rule receives the record built from the payload, and a few request
elements have no place in the record (``AppliedToTxnAdd/PaymentAmount``, ``SetCredit``,
``IsAutoApply``). ``request_payload`` returns the payload being written: from
``writes.current_payload()`` once the write machinery offers it, else from ``writing()``, a
context manager callers (and tests) may wrap around a write.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from ...qbxml import messages as m
from ...qbxml.decode import decode_element
from ...qbxml.schema import QbxmlObject
from .. import writes
from ..context import RequestContext, StatusError
from ..identity import make_id, next_edit_sequence
from ..kinds import ITEM_KINDS, KINDS, kind_of_ret
from ..ledger import Chart, ItemAccounts, find_special_account, item_accounts
from ..ledger import special_account_spec as _spec
from ..records import replace

__all__ = [
    "CENT",
    "ZERO",
    "Lookup",
    "amount_of",
    "line_id",
    "money",
    "ref_as",
    "request_payload",
    "rule_chart",
    "special_ref",
    "stored",
    "touch",
    "writing",
]

CENT = Decimal("0.01")
ZERO = Decimal("0.00")

_PAYLOAD: ContextVar[QbxmlObject | None] = ContextVar("qbdlink_rules_payload", default=None)


def money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def amount_of(value: Decimal | None) -> Decimal:
    return ZERO if value is None else money(value)


@contextmanager
def writing(payload: QbxmlObject) -> Iterator[None]:
    """Make ``payload`` visible to the rules of the write run inside this block."""
    token = _PAYLOAD.set(payload)
    try:
        yield
    finally:
        _PAYLOAD.reset(token)


def request_payload() -> QbxmlObject | None:
    """The Add/Mod payload of the write whose rules are running (None if unknown or a void)."""
    return writes.current_payload() or _PAYLOAD.get()


class Lookup:
    """Records read during one rule, each decoded once."""

    def __init__(self, context: RequestContext) -> None:
        self.context = context
        self._cache: dict[str, QbxmlObject | None] = {}

    def get(self, ref: QbxmlObject | None, kinds: tuple[str, ...]) -> QbxmlObject | None:
        list_id = None if ref is None else getattr(ref, "list_id", None)
        if not list_id:
            return None
        if list_id not in self._cache:
            row = self.context.store.get(list_id, kinds)
            self._cache[list_id] = None if row is None else writes.decode_row(self.context, row)
        return self._cache[list_id]

    def item(self, ref: QbxmlObject | None) -> QbxmlObject | None:
        return self.get(ref, ITEM_KINDS)


def special_ref(context: RequestContext, key: str) -> tuple[str, str]:
    """(ListID, FullName) of a special account, created as QuickBooks creates it if missing."""
    name, account_type = _spec(key, context.store.get_meta("edition") or "US")
    found = find_special_account(context.store, key)
    if found is not None:
        record = writes.load(context, found, ("Account",))
        return found, str(getattr(record, "full_name", None) or name)
    created = writes.add(
        context, KINDS["Account"], m.AccountAdd(name=name, account_type=account_type)
    )
    return str(getattr(created, "list_id")), name  # noqa: B009


def rule_chart(context: RequestContext, lookup: Lookup) -> Chart:
    """A ledger chart over the company file, creating special accounts on demand."""

    def item(item_id: str) -> ItemAccounts:
        record = lookup.item(m.ItemRef(list_id=item_id))
        if record is None:
            raise StatusError(
                3140, f'There is an invalid reference to QuickBooks Item "{item_id}".'
            )
        return item_accounts(record)

    def special(key: str) -> str:
        return special_ref(context, key)[0]

    return Chart(item, special)


def ref_as(record: QbxmlObject, field: str, ref: QbxmlObject | None) -> QbxmlObject | None:
    """``ref`` (any *Ref) as the reference class ``record``'s ``field`` holds."""
    if ref is None:
        return None
    target: Any = record._spec.by_attr[field].classes[0][1]
    return target(list_id=getattr(ref, "list_id", None), full_name=getattr(ref, "full_name", None))  # type: ignore[no-any-return]


def stored(context: RequestContext, record: QbxmlObject) -> QbxmlObject | None:
    """The stored version of ``record`` (a void re-runs the rules with no previous record)."""
    kind = kind_of_ret(record)
    record_id = getattr(record, "list_id" if kind.is_list else "txn_id", None)
    row = None if record_id is None else context.store.get(record_id, (kind.name,))
    return None if row is None else decode_element(row.body, kind.ret)


def line_id(context: RequestContext) -> str:
    """A new TxnLineID, shaped as QuickBooks shapes them (counter-time)."""
    return make_id(context.store.next_counter("txn_counter"), context.now())


def touch(context: RequestContext, record: QbxmlObject, **changes: Any) -> QbxmlObject:
    """``record`` changed by another transaction: saved with a new EditSequence/TimeModified."""
    now = context.now()
    kind = kind_of_ret(record)
    changed = replace(
        record,
        **changes,
        time_modified=now,
        edit_sequence=next_edit_sequence(getattr(record, "edit_sequence", None), now),
    )
    writes.save(context, kind, changed, new=False)
    return changed
