"""The journal entries stream: QuickBooks' general journal entries as Codat journal entries."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from qbdlink.connector.streams import journal_entries
from qbdlink.connector.streams.base import QueryWindow
from qbdlink.qbxml import Edition
from qbdlink.qbxml import messages as m
from qbdlink.simulator.samples.chart import chart_for

D = Decimal
EDITIONS = (Edition.US, Edition.UK, Edition.CA)
EVERYTHING = QueryWindow(modified_from=None, modified_to=None)


def test_the_query_asks_for_lines_and_custom_fields() -> None:
    query = journal_entries.build_journal_entry_query(EVERYTHING)
    assert isinstance(query, m.JournalEntryQueryRq)
    assert (query.include_line_items, query.owner_id) == (True, ("0",))
    assert journal_entries.STREAM.txn_del_types == ("JournalEntry",)


@pytest.mark.parametrize("edition", EDITIONS, ids=lambda e: e.value)
def test_every_journal_entry_of_a_sample_company_balances(
    edition: Edition, pull_txn_stream: Any, validate_record: Any
) -> None:
    pulled = pull_txn_stream(journal_entries.STREAM, edition)
    if edition is Edition.US:
        assert pulled
    ids = [item.record.id for item in pulled]
    assert len(set(ids)) == len(ids)
    for item in pulled:
        entry = item.record
        validate_record("journalEntries", entry)
        assert entry.id == item.ret.txn_id
        assert len(entry.journal_lines) == len(item.ret.journal_debit_line) >= 2
        assert sum(line.net_amount for line in entry.journal_lines) == 0
        assert all(line.account_ref and line.account_ref.id for line in entry.journal_lines)


@pytest.mark.parametrize("edition", EDITIONS, ids=lambda e: e.value)
def test_debits_are_positive_credits_negative_and_they_balance(
    edition: Edition, fresh_company: Any, validate_record: Any
) -> None:
    company = fresh_company(edition)
    chart = chart_for(edition)
    class_ref = company.first(m.ClassQueryRq(max_returned=1))
    employee = company.first(m.EmployeeQueryRq(max_returned=1))
    added = company.write(
        m.JournalEntryAddRq(
            journal_entry_add=m.JournalEntryAdd(
                txn_date=date(2024, 8, 31),
                ref_number="JE-9",
                journal_debit_line=(
                    m.JournalDebitLine(
                        account_ref=m.AccountRef(full_name=chart.wages),
                        amount=D("1000.00"),
                        memo="August wages",
                        entity_ref=m.EntityRef(list_id=employee.list_id),
                        class_ref=m.ClassRef(list_id=class_ref.list_id),
                    ),
                    m.JournalCreditLine(
                        account_ref=m.AccountRef(full_name=chart.payroll_liabilities),
                        amount=D("600.00"),
                    ),
                    m.JournalCreditLine(
                        account_ref=m.AccountRef(full_name=chart.payroll_liabilities),
                        amount=D("400.00"),
                    ),
                ),
            )
        )
    )
    (entry,) = company.pull(journal_entries.STREAM)
    dump = validate_record("journalEntries", entry)
    assert entry.id == added.txn_id
    # JournalEntryAdd has no Memo in any edition: only the lines carry one.
    assert (entry.description, entry.posted_on) == (None, "2024-08-31T00:00:00")
    assert dump["createdOn"].endswith("Z") and dump["updatedOn"].endswith("Z")
    assert [line.net_amount for line in entry.journal_lines] == [D(1000), D(-600), D(-400)]
    assert sum(line.net_amount for line in entry.journal_lines) == 0
    wages = entry.journal_lines[0]
    assert (wages.description, wages.account_ref.name) == ("August wages", chart.wages)
    assert wages.currency == {"US": "USD", "UK": "GBP", "CA": "CAD"}[edition.value]
    assert [(ref.id, ref.data_type) for ref in wages.tracking.record_refs] == [
        (class_ref.list_id, "trackingCategories"),
        (employee.list_id, None),
    ]
    assert entry.journal_lines[1].tracking is None
