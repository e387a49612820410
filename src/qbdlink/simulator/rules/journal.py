"""Journal entries, checks and deposits: balanced entries and computed totals.

QuickBooks behaviour:

- JournalEntry: the debit lines must equal the credit lines, else QuickBooks refuses the entry
  ("Transaction must be balanced."), given here as status 3210 (a business-rule refusal,
  qbxml.md section 2); a line without an account is refused with 3140;
- Check: ``Amount`` is the sum of its expense and item lines (priced as on a bill);
- Deposit: ``DepositTotal`` is the sum of its lines less the cash back.

Approximations (FIDELITY.md): the exact QuickBooks wording and status for an unbalanced
journal entry are not documented in our sources; payment lines of a deposit
(``PaymentTxnID``) are not linked to the payments they deposit (the generic conversion drops
``PaymentTxnID``), so a deposit line must carry its own account and amount.
"""

from __future__ import annotations

from ...qbxml import messages as m
from ...qbxml.schema import QbxmlObject
from ..context import RequestContext, StatusError
from ..records import replace
from ..writes import BusinessRule
from .balances import settle
from .common import ZERO, amount_of, line_id, stored
from .purchases import purchase_lines

__all__ = ["rules"]


def journal_entry(
    context: RequestContext, record: QbxmlObject, previous: QbxmlObject | None
) -> QbxmlObject:
    before = previous if previous is not None else stored(context, record)
    debits = credits = ZERO
    lines = []
    for line in record.journal_debit_line:  # type: ignore[attr-defined]
        amount = amount_of(line.amount)
        if line.account_ref is None:
            raise StatusError(
                3140,
                'There is an invalid reference to QuickBooks Account "" in the JournalEntry '
                "line.  QuickBooks error message: Invalid argument.  The specified record does "
                "not exist in the list.",
            )
        if isinstance(line, m.JournalDebitLine):
            debits += amount
        else:
            credits += amount
        lines.append(replace(line, amount=amount, txn_line_id=line.txn_line_id or line_id(context)))
    if debits != credits:
        raise StatusError(
            3210,
            f"The debits ({debits}) and credits ({credits}) of the JournalEntry are not equal.  "
            "QuickBooks error message: Transaction must be balanced.",
        )
    result = replace(record, journal_debit_line=tuple(lines))
    settle(context, result, before)
    return result


def check(
    context: RequestContext, record: QbxmlObject, previous: QbxmlObject | None
) -> QbxmlObject:
    before = previous if previous is not None else stored(context, record)
    priced, total = purchase_lines(context, record)
    result = replace(priced, amount=total)
    settle(context, result, before)
    return result


def deposit(
    context: RequestContext, record: QbxmlObject, previous: QbxmlObject | None
) -> QbxmlObject:
    before = previous if previous is not None else stored(context, record)
    lines = tuple(
        replace(
            line, amount=amount_of(line.amount), txn_line_id=line.txn_line_id or line_id(context)
        )
        for line in record.deposit_line_ret  # type: ignore[attr-defined]
    )
    cash_back = record.cash_back_info_ret  # type: ignore[attr-defined]
    back = ZERO if cash_back is None else amount_of(cash_back.amount)
    total = sum((amount_of(getattr(line, "amount", None)) for line in lines), ZERO) - back
    result = replace(record, deposit_line_ret=lines, deposit_total=total)
    settle(context, result, before)
    return result


def rules() -> dict[str, BusinessRule]:
    return {"JournalEntry": journal_entry, "Check": check, "Deposit": deposit}
