"""Business rules kept as QuickBooks keeps them; importing this package registers them.

Each module holds one family (``sales``, ``payments``, ``purchases``, ``journal``) and
``balances`` keeps customer, vendor and account balances after every write; the postings
behind the account balances are ``qbdlink.simulator.ledger``. Rules run inside the write's
store transaction, after identity is assigned and before the record is stored
(``writes.RULES``). Names unique across Customer/Vendor/Employee (3100) and references that
exist (3140) are checked by ``writes`` itself.

The balance and payment clean-up for deleted transactions registers in
``writes.DELETE_RULES``.
"""

from __future__ import annotations

from ...qbxml import messages as m
from ...qbxml.schema import QbxmlObject
from .. import writes
from ..context import RequestContext
from . import journal, payments, purchases, sales
from .applying import unapply_all
from .balances import OPEN_KINDS, after_delete, open_amount

__all__ = ["after_txn_delete", "register"]


def after_txn_delete(context: RequestContext, record: QbxmlObject) -> None:
    """Undo what a deleted transaction did to other records and to balances."""
    if isinstance(record, m.ReceivePaymentRet):
        unapply_all(context, payments.RECEIVABLES, record)
    elif isinstance(record, m.BillPaymentCheckRet | m.BillPaymentCreditCardRet):
        unapply_all(context, purchases.PAYABLES, record)
    after_delete(context, record)


def register() -> None:
    for module in (sales, payments, purchases, journal):
        writes.RULES.update(module.rules())
    for kind in (*sales.LINE_FIELDS, *payments.rules(), *purchases.rules(), *journal.rules()):
        writes.DELETE_RULES[kind] = after_txn_delete
    for kind in OPEN_KINDS:
        writes.OPEN_AMOUNTS[kind] = open_amount(kind)


register()
