"""Accounting records: one row per company, data type and record id, as a JSON document.

The fields that queries and ordering use most are copied into indexed columns; any other
field is read from the document by the query compiler (JSONB on PostgreSQL, JSON1 on SQLite).
Lists return the stored JSON text as is, so a page of 5,000 records is not re-parsed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from qbdlink.model.datatypes import data_type as data_type_info
from qbdlink.model.fields import field_kind
from qbdlink.platform.domain import Page, PageRequest
from qbdlink.platform.storage.paging import Resolver, fetch_page
from qbdlink.platform.storage.query_sql import json_record_resolver
from qbdlink.platform.storage.tables import records

_STATUS_PATHS = ("status", "itemStatus")
_AMOUNT_PATH = "totalAmount"


@dataclass(frozen=True)
class IndexedPaths:
    """Which record field each indexed column copies, for one data type."""

    record_date: str | None
    status: str | None
    reference_id: str | None
    amount: str | None

    def as_columns(self) -> dict[str, sa.ColumnElement[Any]]:
        columns: dict[str, sa.ColumnElement[Any]] = {
            "id": records.c.record_id,
            "modifiedDate": records.c.modified_date,
        }
        for path, column in (
            (self.record_date, records.c.record_date),
            (self.status, records.c.status),
            (self.reference_id, records.c.reference_id),
            (self.amount, records.c.amount),
        ):
            if path:
                columns[path] = column
        return columns


@cache
def indexed_paths(data_type: str) -> IndexedPaths:
    info = data_type_info(data_type)
    fields = info.model.model_fields
    aliases = {f.alias or name for name, f in fields.items()}
    return IndexedPaths(
        record_date=info.date_path,
        status=next((p for p in _STATUS_PATHS if p in aliases), None),
        reference_id=info.reference_path,
        amount=_AMOUNT_PATH if _AMOUNT_PATH in aliases else None,
    )


@cache
def record_resolver(data_type: str) -> Resolver:
    model = data_type_info(data_type).model
    return json_record_resolver(
        records.c.data,
        lambda path: field_kind(model, path),
        indexed_paths(data_type).as_columns(),
    )


def _dig(document: Mapping[str, Any], path: str | None) -> Any:
    if path is None:
        return None
    value: Any = document
    for part in path.split("."):
        if not isinstance(value, Mapping):
            return None
        value = value.get(part)
    return value


def _text(value: Any, limit: int) -> str | None:
    return None if value is None else str(value)[:limit]


def storage_key(data_type: str) -> str:
    """Records are stored under the model's key ("accounts", not Codat's "chartOfAccounts")."""
    return data_type_info(data_type).key


def _row(
    company_id: str, data_type: str, pull_id: str | None, doc: Mapping[str, Any]
) -> dict[str, Any]:
    paths = indexed_paths(data_type)
    amount = _dig(doc, paths.amount)
    metadata = doc.get("metadata") or {}
    return {
        "company_id": company_id,
        "data_type": data_type,
        "record_id": str(doc["id"]),
        "data": doc,
        "modified_date": _text(doc.get("modifiedDate"), 32),
        "record_date": _text(_dig(doc, paths.record_date), 32),
        "status": _text(_dig(doc, paths.status), 40),
        "reference_id": _text(_dig(doc, paths.reference_id), 100),
        "amount": None if amount is None else Decimal(str(amount)),
        "is_deleted": bool(metadata.get("isDeleted")),
        "pull_id": pull_id,
    }


def upsert_records(
    db: Connection,
    *,
    company_id: str,
    data_type: str,
    documents: Iterable[Mapping[str, Any]],
    pull_id: str | None,
) -> int:
    """Insert or replace records by id, in bulk (one multi-row statement per chunk)."""
    data_type = storage_key(data_type)
    rows = [_row(company_id, data_type, pull_id, doc) for doc in documents]
    if not rows:
        return 0
    insert: Any = (postgresql if db.dialect.name == "postgresql" else sqlite).insert(records)
    replaced = {
        name: insert.excluded[name]
        for name in (
            "data",
            "modified_date",
            "record_date",
            "status",
            "reference_id",
            "amount",
            "is_deleted",
            "pull_id",
        )
    }
    statement = insert.on_conflict_do_update(
        index_elements=[records.c.company_id, records.c.data_type, records.c.record_id],
        set_=replaced,
    )
    db.execute(statement, rows)
    return len(rows)


def _document_text() -> sa.ColumnElement[str]:
    # The stored JSON as text: not parsed into Python objects only to be serialised again.
    return sa.cast(records.c.data, sa.Text).label("document")


def list_records(
    db: Connection, company_id: str, data_type: str, request: PageRequest
) -> Page[str]:
    data_type = storage_key(data_type)
    select = sa.select(_document_text()).where(
        records.c.company_id == company_id, records.c.data_type == data_type
    )
    return fetch_page(
        db,
        select,
        request=request,
        resolver=record_resolver(data_type),
        tie_breaker=records.c.record_id,
        convert=lambda row: str(row.document),
    )


def get_record(db: Connection, company_id: str, data_type: str, record_id: str) -> str | None:
    data_type = storage_key(data_type)
    found = db.execute(
        sa.select(_document_text()).where(
            records.c.company_id == company_id,
            records.c.data_type == data_type,
            records.c.record_id == record_id,
        )
    ).scalar_one_or_none()
    return None if found is None else str(found)


def count_records(db: Connection, company_id: str, data_types: Sequence[str]) -> dict[str, int]:
    rows = db.execute(
        sa.select(records.c.data_type, sa.func.count())
        .where(records.c.company_id == company_id, records.c.data_type.in_(data_types))
        .group_by(records.c.data_type)
    )
    return {data_type: count for data_type, count in rows}
