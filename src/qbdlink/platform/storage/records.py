"""Accounting records: one row per company, data type and record id, as a JSON document.

The fields that queries and ordering use most are copied into indexed columns; any other
field is read from the document by the query compiler (JSONB on PostgreSQL, JSON1 on SQLite).
Lists return the stored JSON text as is, so a page of 5,000 records is not re-parsed.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import Any

import sqlalchemy as sa
from pydantic import BaseModel
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


# Company info is one record per company and has no id of its own in Codat's model.
SINGLETON_RECORD_ID = "info"


def record_key(document: Mapping[str, Any]) -> str:
    found = document.get("id")
    return SINGLETON_RECORD_ID if found is None else str(found)


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
        "record_id": record_key(doc),
        "document": _compact_json(doc),
        "modified_date": _text(doc.get("modifiedDate"), 32),
        "record_date": _text(_dig(doc, paths.record_date), 32),
        "status": _text(_dig(doc, paths.status), 40),
        "reference_id": _text(_dig(doc, paths.reference_id), 100),
        "amount": None if amount is None else Decimal(str(amount)),
        "is_deleted": bool(metadata.get("isDeleted")),
        "pull_id": pull_id,
    }


def _compact_json(document: Mapping[str, Any]) -> str:
    # Exactly what the engine's JSON serialiser writes (storage/database.py).
    return json.dumps(document, separators=(",", ":"), ensure_ascii=False)


@cache
def _attribute_names(model: type[BaseModel]) -> dict[str, str]:
    """Each field's wire name (alias) to its attribute name."""
    return {field.alias or name: name for name, field in model.model_fields.items()}


def _attribute(record: BaseModel, path: str | None) -> Any:
    """The value at a camelCase ``path`` of a validated record (what ``_dig`` reads of its dump)."""
    if path is None:
        return None
    value: Any = record
    for part in path.split("."):
        if not isinstance(value, BaseModel):
            return None
        name = _attribute_names(type(value)).get(part)
        if name is None:
            return None
        value = getattr(value, name)
    return value


def _amount(value: Any) -> Decimal | None:
    if value is None:
        return None
    if isinstance(value, Decimal):
        # As the JSON dump writes it (an int, else a float), so both paths store the same value.
        value = int(value) if value == value.to_integral_value() else float(value)
    return Decimal(str(value))


def _model_row(
    company_id: str, data_type: str, pull_id: str | None, record: BaseModel
) -> dict[str, Any]:
    paths = indexed_paths(data_type)
    return {
        "company_id": company_id,
        "data_type": data_type,
        "record_id": str(_attribute(record, "id")),
        # Codat's JSON (camelCase, no nulls, decimals as numbers), serialised by pydantic-core
        # in one call: no dict of the record is built only to be serialised again.
        "document": record.model_dump_json(by_alias=True, exclude_none=True),
        "modified_date": _text(_attribute(record, "modifiedDate"), 32),
        "record_date": _text(_attribute(record, paths.record_date), 32),
        "status": _text(_attribute(record, paths.status), 40),
        "reference_id": _text(_attribute(record, paths.reference_id), 100),
        "amount": _amount(_attribute(record, paths.amount)),
        "is_deleted": bool(_attribute(record, "metadata.isDeleted")),
        "pull_id": pull_id,
    }


_REPLACED = (
    "data",
    "modified_date",
    "record_date",
    "status",
    "reference_id",
    "amount",
    "is_deleted",
    "pull_id",
)


@cache
def _upsert_statement(dialect: str) -> Any:
    """INSERT ... ON CONFLICT DO UPDATE for executemany; the document is bound as JSON text."""
    if dialect == "postgresql":
        insert: Any = postgresql.insert(records)
        document: sa.ColumnElement[Any] = sa.cast(
            sa.bindparam("document", type_=sa.Text()), postgresql.JSONB()
        )
    else:
        insert = sqlite.insert(records)
        document = sa.type_coerce(sa.bindparam("document", type_=sa.Text()), sa.Text())
    insert = insert.values(data=document)
    return insert.on_conflict_do_update(
        index_elements=[records.c.company_id, records.c.data_type, records.c.record_id],
        set_={name: insert.excluded[name] for name in _REPLACED},
    )


def _upsert_rows(db: Connection, rows: Sequence[dict[str, Any]]) -> int:
    if rows:
        db.execute(_upsert_statement(db.dialect.name), rows)
    return len(rows)


def upsert_records(
    db: Connection,
    *,
    company_id: str,
    data_type: str,
    documents: Iterable[Mapping[str, Any]],
    pull_id: str | None,
) -> int:
    """Insert or replace records (Codat JSON objects) by id, in one executemany."""
    data_type = storage_key(data_type)
    return _upsert_rows(db, [_row(company_id, data_type, pull_id, doc) for doc in documents])


def upsert_record_models(
    db: Connection,
    *,
    company_id: str,
    data_type: str,
    models: Iterable[BaseModel],
    pull_id: str | None,
) -> int:
    """Insert or replace validated records by id, in one executemany.

    Stores what :func:`upsert_records` stores for ``dump_record(model)``; each document is
    serialised straight from the model (``model_dump_json``) and the indexed columns are read
    from its attributes. The JSON text differs from ``json.dumps`` only in the spelling of a
    float below 1e-4 (``0.00001`` and ``1e-7``, not ``1e-05`` and ``1e-07``): the same numbers.
    """
    data_type = storage_key(data_type)
    return _upsert_rows(db, [_model_row(company_id, data_type, pull_id, m) for m in models])


def _document_text() -> sa.ColumnElement[str]:
    # The stored JSON as text: not parsed into Python objects only to be serialised again.
    return sa.cast(records.c.data, sa.Text).label("document")


def list_records(
    db: Connection, company_id: str, data_type: str, request: PageRequest
) -> Page[str]:
    """A page of stored JSON texts, filtered and ordered in SQL.

    The page is chosen on the record ids alone (count, filter, order, offset, limit), then its
    documents are read by primary key. Selecting the documents in the paging query would make
    PostgreSQL turn every row it sorts or skips over from JSONB into text first: all of them
    for an ``orderBy``, ``offset`` of them for a deep page.
    """
    data_type = storage_key(data_type)
    scope = (records.c.company_id == company_id, records.c.data_type == data_type)
    keys = fetch_page(
        db,
        sa.select(records.c.record_id).where(*scope),
        request=request,
        resolver=record_resolver(data_type),
        tie_breaker=records.c.record_id,
        convert=lambda row: str(row.record_id),
    )
    if not keys.items:
        return Page(items=[], page=keys.page, page_size=keys.page_size, total=keys.total)
    documents = db.execute(
        sa.select(records.c.record_id, _document_text()).where(*scope, _one_of(db, keys.items))
    )
    found = {str(row.record_id): str(row.document) for row in documents}
    return Page(
        # A record deleted in between (its company deleted) is left out, not an error.
        items=[found[key] for key in keys.items if key in found],
        page=keys.page,
        page_size=keys.page_size,
        total=keys.total,
    )


def _one_of(db: Connection, record_ids: Sequence[str]) -> sa.ColumnElement[bool]:
    if db.dialect.name == "postgresql":
        # One array parameter: an IN list of 5,000 parameters costs more to send and plan.
        ids = sa.bindparam("page_ids", list(record_ids), type_=postgresql.ARRAY(sa.Text()))
        return records.c.record_id == sa.any_(ids)
    return records.c.record_id.in_(record_ids)


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


def mark_deleted(
    db: Connection, *, company_id: str, data_type: str, record_ids: Sequence[str]
) -> int:
    """Set ``metadata.isDeleted`` on the stored records with these ids; returns how many."""
    if not record_ids:
        return 0
    key = storage_key(data_type)
    rows = db.execute(
        sa.select(records.c.record_id, records.c.data).where(
            records.c.company_id == company_id,
            records.c.data_type == key,
            records.c.record_id.in_(list(record_ids)),
        )
    ).all()
    documents = []
    for row in rows:
        document = dict(row.data)
        document["metadata"] = {**(document.get("metadata") or {}), "isDeleted": True}
        documents.append(document)
    return upsert_records(
        db, company_id=company_id, data_type=data_type, documents=documents, pull_id=None
    )
