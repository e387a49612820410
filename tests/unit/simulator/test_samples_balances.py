"""A generated company's balances, settled once at the end, equal the books recomputed."""

from __future__ import annotations

from decimal import Decimal

import pytest

from qbdlink.qbxml import Edition
from qbdlink.qbxml import messages as m
from qbdlink.qbxml.decode import decode_element
from qbdlink.simulator.ledger import trial_balance
from qbdlink.simulator.rules.balances import _CREDIT_NORMAL, OPEN_KINDS, _open
from qbdlink.simulator.samples import generate_company
from qbdlink.simulator.store import RecordFilter


@pytest.mark.parametrize("edition", list(Edition))
def test_generated_balances_match_the_books(edition: Edition) -> None:
    store = generate_company(":memory:", edition=edition, size=400, seed=7)
    balances = trial_balance(store)
    assert sum(balances.values(), Decimal(0)) == 0  # the books balance
    for row in store.select(RecordFilter(kinds=("Account",), active=None)):
        account = decode_element(row.body, m.AccountRet)
        assert isinstance(account, m.AccountRet)
        expected = balances.get(str(account.list_id), Decimal(0))
        if account.account_type in _CREDIT_NORMAL:
            expected = -expected
        assert (account.balance or 0) == expected, account.name
    owed: dict[str, Decimal] = {}
    for kind in OPEN_KINDS:
        for row in store.select(RecordFilter(kinds=(kind,), active=None)):
            record = decode_element(row.body, m.RECORDS[f"{kind}Ret"])
            ref = getattr(record, "customer_ref", None) or getattr(record, "vendor_ref", None)
            owed[ref.list_id] = owed.get(ref.list_id, Decimal(0)) + _open(record, kind)
    for row in store.select(RecordFilter(kinds=("Customer", "Vendor"), active=None)):
        entity = decode_element(row.body, m.RECORDS[f"{row.kind}Ret"])
        assert (getattr(entity, "balance", None) or 0) == owed.get(row.id, 0), row.kind
