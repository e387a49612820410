"""Push operations: writes a client asked for, carried out by the connector in order."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.engine import Connection, Row

from qbdlink.model.fields import FieldKind
from qbdlink.platform.domain import Page, PageRequest, PushOperation
from qbdlink.platform.storage.paging import fetch_page
from qbdlink.platform.storage.query_sql import column_resolver
from qbdlink.platform.storage.tables import push_operations
from qbdlink.platform.storage.types import utc_now

_QUERYABLE = column_resolver(
    {
        "pushOperationKey": (FieldKind.STRING, push_operations.c.key),
        "dataType": (FieldKind.STRING, push_operations.c.data_type),
        "status": (FieldKind.STRING, push_operations.c.status),
        "requestedOnUtc": (FieldKind.DATETIME, push_operations.c.requested),
        "completedOnUtc": (FieldKind.DATETIME, push_operations.c.completed),
        "dataConnectionKey": (FieldKind.STRING, push_operations.c.connection_id),
        "statusCode": (FieldKind.NUMBER, push_operations.c.status_code),
    }
)


def push_from_row(row: Row[Any]) -> PushOperation:
    return PushOperation(
        key=row.key,
        client_id=row.client_id,
        company_id=row.company_id,
        connection_id=row.connection_id,
        data_type=row.data_type,
        operation=row.operation,
        record_id=row.record_id,
        status=row.status,
        status_code=row.status_code,
        requested=row.requested,
        completed=row.completed,
        timeout_in_minutes=row.timeout_in_minutes,
        error_message=row.error_message,
        body=row.body,
        changes=row.changes,
        validation=row.validation,
        claimed=row.claimed,
    )


def insert_push(db: Connection, values: Mapping[str, Any]) -> PushOperation:
    db.execute(push_operations.insert().values(requested=utc_now(), **values))
    found = get_push(db, values["company_id"], values["key"])
    assert found is not None
    return found


def get_push(db: Connection, company_id: str, key: str) -> PushOperation | None:
    row = db.execute(
        push_operations.select().where(
            push_operations.c.company_id == company_id, push_operations.c.key == key
        )
    ).first()
    return push_from_row(row) if row else None


def lock_push(db: Connection, company_id: str, key: str) -> PushOperation | None:
    """The push, locked for this transaction (PostgreSQL), so its outcome is decided once."""
    row = db.execute(
        push_operations.select()
        .where(push_operations.c.company_id == company_id, push_operations.c.key == key)
        .with_for_update()
    ).first()
    return push_from_row(row) if row else None


def list_pushes(db: Connection, company_id: str, request: PageRequest) -> Page[PushOperation]:
    return fetch_page(
        db,
        push_operations.select().where(push_operations.c.company_id == company_id),
        request=request,
        resolver=_QUERYABLE,
        tie_breaker=push_operations.c.key,
        default_order=(push_operations.c.requested.desc(),),
        convert=push_from_row,
    )


def update_push(db: Connection, key: str, values: Mapping[str, Any]) -> None:
    db.execute(push_operations.update().where(push_operations.c.key == key).values(**values))


def pending_pushes(db: Connection, company_id: str, limit: int) -> Sequence[PushOperation]:
    rows = db.execute(
        push_operations.select()
        .where(push_operations.c.company_id == company_id, push_operations.c.status == "Pending")
        .order_by(push_operations.c.requested, push_operations.c.key)
        .limit(limit)
    )
    return [push_from_row(r) for r in rows]


def overdue_pushes(db: Connection, now: datetime) -> Sequence[PushOperation]:
    """Pending pushes with a timeout: the caller checks each one's deadline."""
    select = (
        push_operations.select()
        .where(
            push_operations.c.status == "Pending",
            push_operations.c.timeout_in_minutes.is_not(None),
            push_operations.c.requested < now,
        )
        .order_by(push_operations.c.requested)
    )
    if db.dialect.name == "postgresql":
        select = select.with_for_update(skip_locked=True)
    return [push_from_row(r) for r in db.execute(select)]
