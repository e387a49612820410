"""The journal entries writer against a simulated company."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from qbdlink.connector.pushes import journal_entries
from qbdlink.connector.pushes.base import PushRejectedError, external_guid
from qbdlink.model.accounting.journal_entry import (
    ContactRef,
    JournalEntry,
    JournalLine,
    JournalLineTracking,
    TrackingRecordRef,
)
from qbdlink.model.base import AccountRef
from qbdlink.qbxml import Edition
from qbdlink.qbxml import messages as m

D = Decimal


def rejected(call: Any) -> dict[str, str]:
    with pytest.raises(PushRejectedError) as caught:
        call()
    return caught.value.problems


def an_entry(qb: Any, *amounts: Decimal, **changes: Any) -> JournalEntry:
    accounts = [
        qb.account("Expense").list_id,
        qb.account("Bank").list_id,
        qb.account("Equity").list_id,
    ]
    journal_lines = [
        JournalLine(net_amount=amount, account_ref=AccountRef(id=accounts[index % 3]))
        for index, amount in enumerate(amounts)
    ]
    journal_lines[0] = journal_lines[0].model_copy(
        update={
            "description": "Accrual",
            "contact_ref": ContactRef(id=qb.vendors()[0].list_id, data_type="suppliers"),
            "tracking": JournalLineTracking(
                record_refs=[TrackingRecordRef(id=qb.class_id(), data_type="trackingCategories")]
            ),
        }
    )
    values: dict[str, Any] = {
        "posted_on": "2024-01-31",
        "description": "Month end",
        "journal_lines": journal_lines,
    }
    return JournalEntry(**{**values, **changes})


@pytest.mark.parametrize("edition", (Edition.US, Edition.UK, Edition.CA), ids=lambda e: e.value)
def test_a_journal_entry_is_added_and_deleted(edition: Edition, company: Any) -> None:
    qb = company(edition)
    ctx = qb.ctx()
    since = qb.since()
    record = an_entry(qb, D("150.75"), D(-100), D("-50.75"))
    ret = qb.write(journal_entries.WRITER, record, ctx)
    assert ret.external_guid == external_guid(ctx.idempotency_key)
    assert [type(line) for line in ret.journal_debit_line] == [
        m.JournalDebitLine,
        m.JournalCreditLine,
        m.JournalCreditLine,
    ]
    back = qb.mapped("journalEntries", ret)
    assert back.posted_on == "2024-01-31T00:00:00"
    assert [line.net_amount for line in back.journal_lines] == [D("150.75"), D(-100), D("-50.75")]
    assert [line.account_ref.id for line in back.journal_lines] == [
        line.account_ref.id for line in record.journal_lines
    ]
    # The entry's description goes where QuickBooks keeps text: on lines without their own.
    assert [line.description for line in back.journal_lines] == [
        "Accrual",
        "Month end",
        "Month end",
    ]
    refs = {(r.id, r.data_type) for r in back.journal_lines[0].tracking.record_refs}
    assert refs == {(qb.class_id(), "trackingCategories"), (qb.vendors()[0].list_id, None)}
    assert [r.txn_id for r in qb.found_by_key(journal_entries.WRITER, ctx, since, record)] == [
        ret.txn_id
    ]

    assert journal_entries.WRITER.delete is not None
    delete = journal_entries.WRITER.delete(ret.txn_id, ret, ctx)
    assert delete == m.TxnDelRq(txn_del_type="JournalEntry", txn_id=ret.txn_id)
    assert qb.send(delete).status.code == 0
    assert not qb.send(journal_entries.WRITER.query_by_id(ret.txn_id)).records


def test_journal_entries_quickbooks_would_refuse_are_refused(company: Any) -> None:
    qb = company(Edition.US)
    ctx = qb.ctx()
    assert "journalLines" in rejected(
        lambda: journal_entries.WRITER.add(an_entry(qb, D(10), D(-9)), ctx)
    )
    assert "journalLines" in rejected(
        lambda: journal_entries.WRITER.add(JournalEntry(posted_on="2024-01-31"), ctx)
    )
    no_account = an_entry(qb, D(10), D(-10))
    no_account.journal_lines[1] = no_account.journal_lines[1].model_copy(
        update={"account_ref": None}
    )
    assert "journalLines[1].accountRef.id" in rejected(
        lambda: journal_entries.WRITER.add(no_account, ctx)
    )
    too_precise = an_entry(qb, D("10.001"), D("-10.001"))
    problems = rejected(lambda: journal_entries.WRITER.add(too_precise, ctx))
    assert "decimal places" in problems["journalLines[0].netAmount"]
