"""Journal entries (data type ``journalEntries``): QuickBooks' general journal entries as
Codat's ``JournalEntry``.

JournalEntryQuery (with an iterator) asks for the lines and custom fields (OwnerID 0).

- postedOn: TxnDate. createdOn: TimeCreated; updatedOn: TimeModified. description: Memo,
  which the desktop editions do not return for the entry (only its lines carry a Memo).
- journalLines, in QuickBooks' order: JournalDebitLine with netAmount +Amount, JournalCreditLine
  with -Amount (Codat: debits positive, credits negative), so the lines add up to zero.
  description: the line's Memo; accountRef: AccountRef; currency: the entry's CurrencyRef, else
  the home currency. tracking.recordRefs: the line's ClassRef (a tracking category) and
  EntityRef (a customer, vendor, employee or other name: qbXML does not say which, so its
  dataType is left unset).
- recordRef: none: these are journals entered as such, not postings of another transaction.
"""

from __future__ import annotations

from pydantic import BaseModel

from qbdlink.connector.streams.base import (
    MappingContext,
    QueryPart,
    QueryWindow,
    Stream,
    amount,
    currency_code,
    custom_fields,
    iso_date,
    iso_datetime,
    modified_range,
    non_empty,
    not_deleted,
    ref_id,
)
from qbdlink.connector.streams.payments import account_ref
from qbdlink.model.accounting.journal_entry import (
    JournalEntry,
    JournalLine,
    JournalLineTracking,
    TrackingRecordRef,
)
from qbdlink.qbxml import QbxmlObject
from qbdlink.qbxml import messages as m

__all__ = ["STREAM", "map_journal_entry"]


def build_journal_entry_query(window: QueryWindow) -> QbxmlObject:
    return m.JournalEntryQueryRq(
        modified_date_range_filter=modified_range(window),
        include_line_items=True,
        owner_id=("0",),
    )


def _tracking(line: m.JournalDebitLine | m.JournalCreditLine) -> JournalLineTracking | None:
    class_id, entity_id = ref_id(line.class_ref), ref_id(line.entity_ref)
    refs = non_empty(
        [
            None
            if class_id is None
            else TrackingRecordRef(id=class_id, data_type="trackingCategories"),
            None if entity_id is None else TrackingRecordRef(id=entity_id),
        ]
    )
    return None if refs is None else JournalLineTracking(record_refs=refs)


def _line(line: m.JournalDebitLine | m.JournalCreditLine, currency: str | None) -> JournalLine:
    size = amount(line.amount)
    return JournalLine(
        description=line.memo or None,
        net_amount=-size if isinstance(line, m.JournalCreditLine) else size,
        currency=currency,
        account_ref=account_ref(line.account_ref),
        tracking=_tracking(line),
    )


def map_journal_entry(ret: m.JournalEntryRet, ctx: MappingContext) -> BaseModel | None:
    currency = currency_code(ret.currency_ref, ctx)
    return JournalEntry(
        id=ret.txn_id,
        description=ret.memo or None,
        posted_on=iso_date(ret.txn_date),
        created_on=iso_datetime(ret.time_created),
        updated_on=iso_datetime(ret.time_modified),
        # qbXML names the repeated choice of debit and credit lines after its first branch.
        journal_lines=[_line(line, currency) for line in ret.journal_debit_line] or None,
        supplemental_data=custom_fields(ret.data_ext_ret),
        modified_date=iso_datetime(ctx.synced_at),
        source_modified_date=iso_datetime(ret.time_modified),
        metadata=not_deleted(),
    )


STREAM = Stream(
    data_type="journalEntries",
    parts=(
        QueryPart(name="journalEntries", build=build_journal_entry_query, map=map_journal_entry),
    ),
    txn_del_types=("JournalEntry",),
)
