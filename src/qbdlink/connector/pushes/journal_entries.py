"""Journal entries (data type ``journalEntries``): JournalEntryAdd and TxnDel, the reverse of
the read (``streams/journal_entries.py``).

- postedOn: TxnDate (QuickBooks uses today without one).
- journalLines (debits and credits must balance, as QuickBooks requires): netAmount > 0 is a
  JournalDebitLine, < 0 a JournalCreditLine, of the amount's size (0 is a debit of 0).
  accountRef.id: AccountRef (required). description: Memo. contactRef.id (else a tracking
  record of dataType customers or suppliers): EntityRef. A tracking record of dataType
  trackingCategories: ClassRef (one per line).
- description: QuickBooks Desktop has no memo on the entry itself (JournalEntryAdd/Memo is not
  in the desktop editions), so it becomes the memo of each line that has no description of its
  own, where QuickBooks shows it in the register, rather than being lost.
- currency and journalRef are not sent (QuickBooks keeps one general journal; an entry's currency
  follows its accounts).

Delete: TxnDel, not TxnVoid. QuickBooks allows both for journal entries. A voided entry stays
in the books with every line at zero, and the read keeps reporting it as a live journal entry
(journal entries have no Void status in Codat's model); a deleted one is gone, and the read
reports it deleted (TxnDeletedQuery, metadata.isDeleted), which is what a Codat delete means.
Nothing else hangs on a journal entry the way payments and a number sequence hang on an invoice,
which is why invoices are voided instead (the read reports those with status Void).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from pydantic import BaseModel

from qbdlink.connector.pushes.base import PushContext, Writer, external_guid
from qbdlink.connector.pushes.common import Draft, LineGroup, check_request, ref
from qbdlink.model.accounting.journal_entry import JournalEntry, JournalLine
from qbdlink.qbxml import QbxmlObject
from qbdlink.qbxml import messages as m

__all__ = ["WRITER"]

_LINE = {
    "AccountRef": "accountRef.id",
    "Amount": "netAmount",
    "Memo": "description",
    "EntityRef": "contactRef.id",
    "ClassRef": "tracking.recordRefs",
}
_FIELDS = {
    "TxnDate": "postedOn",
    **{f"JournalDebitLine/{qb}": f"journalLines[{{i}}].{c}" for qb, c in _LINE.items()},
    **{f"JournalCreditLine/{qb}": f"journalLines[{{i}}].{c}" for qb, c in _LINE.items()},
}


def _refs(line: JournalLine) -> tuple[list[str], list[str]]:
    """(class ids, entity ids) among the line's tracking records."""
    classes: list[str] = []
    entities: list[str] = []
    records = line.tracking.record_refs if line.tracking is not None else None
    for record in records or ():
        if not record.id:
            continue
        if record.data_type == "trackingCategories":
            classes.append(record.id)
        elif record.data_type in ("customers", "suppliers"):
            entities.append(record.id)
    return classes, entities


def _line(draft: Draft, line: JournalLine, index: int, entry_memo: str | None) -> Any:
    path = f"journalLines[{index}]"
    account = draft.required_id(line.account_ref, f"{path}.accountRef.id", "needs an account")
    classes, entities = _refs(line)
    if len(classes) > 1:
        draft.problem(f"{path}.tracking.recordRefs", "QuickBooks keeps one class per line")
    entity = line.contact_ref.id if line.contact_ref is not None else None
    if entity is None and entities:
        entity = entities[0]
    line_class: Any = m.JournalCreditLine if line.net_amount < 0 else m.JournalDebitLine
    return line_class(
        account_ref=m.AccountRef(list_id=account),
        amount=abs(line.net_amount),
        memo=draft.text(line.description, f"{path}.description") or entry_memo,
        entity_ref=ref(m.EntityRef, entity),
        class_ref=ref(m.ClassRef, classes[0] if classes else None),
    )


def add(record: BaseModel, ctx: PushContext) -> QbxmlObject:
    assert isinstance(record, JournalEntry)
    draft = Draft(ctx, "journal entry")
    entry_memo = draft.text(record.description, "description")
    lines = list(record.journal_lines or ())
    if not lines:
        draft.problem("journalLines", "QuickBooks needs debit and credit lines")
    elif sum((line.net_amount for line in lines), Decimal(0)) != 0:
        draft.problem(
            "journalLines",
            "the debits (positive netAmount) and credits (negative) must balance, "
            "as QuickBooks requires",
        )
    qb_lines = tuple(_line(draft, line, index, entry_memo) for index, line in enumerate(lines))
    request = m.JournalEntryAddRq(
        journal_entry_add=m.JournalEntryAdd(
            txn_date=draft.day(record.posted_on, "postedOn"),
            external_guid=external_guid(ctx.idempotency_key),
            journal_debit_line=qb_lines,
        )
    )
    indices = tuple(range(len(qb_lines)))
    groups = [
        LineGroup("journal_debit_line", tag, "journalLines", indices)
        for tag in ("JournalDebitLine", "JournalCreditLine")
    ]
    check_request(draft, request, _FIELDS, groups)
    return request


def delete(record_id: str, current: Any, ctx: PushContext) -> QbxmlObject:
    return m.TxnDelRq(txn_del_type="JournalEntry", txn_id=record_id)


def query_by_id(record_id: str) -> QbxmlObject:
    return m.JournalEntryQueryRq(txn_id=(record_id,), include_line_items=True, owner_id=("0",))


def query_by_key(ctx: PushContext, since: datetime) -> QbxmlObject:
    return m.JournalEntryQueryRq(
        modified_date_range_filter=m.ModifiedDateRangeFilter(from_modified_date=since)
    )


WRITER = Writer(
    data_type="journalEntries",
    add=add,
    delete=delete,
    query_by_id=query_by_id,
    query_by_key=query_by_key,
)
