"""Pull operations (Codat's datasets) and the batches a connector uploads into them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Row
from sqlalchemy.exc import IntegrityError

from qbdlink.errors import PermanentError
from qbdlink.model.fields import FieldKind
from qbdlink.platform.domain import Page, PageRequest, PullOperation
from qbdlink.platform.storage.paging import fetch_page
from qbdlink.platform.storage.query_sql import column_resolver
from qbdlink.platform.storage.tables import pull_batches, pull_operations
from qbdlink.platform.storage.types import utc_now

_QUERYABLE = column_resolver(
    {
        "id": (FieldKind.STRING, pull_operations.c.id),
        "dataType": (FieldKind.STRING, pull_operations.c.data_type),
        "status": (FieldKind.STRING, pull_operations.c.status),
        "requested": (FieldKind.DATETIME, pull_operations.c.requested),
        "completed": (FieldKind.DATETIME, pull_operations.c.completed),
        "connectionId": (FieldKind.STRING, pull_operations.c.connection_id),
        "isCompleted": (FieldKind.BOOLEAN, pull_operations.c.is_completed),
        "isErrored": (FieldKind.BOOLEAN, pull_operations.c.is_errored),
        "progress": (FieldKind.NUMBER, pull_operations.c.progress),
    }
)


class PullAlreadyRunningError(PermanentError):
    default_code = "pull.already_running"


def pull_from_row(row: Row[Any]) -> PullOperation:
    return PullOperation(
        id=row.id,
        client_id=row.client_id,
        company_id=row.company_id,
        connection_id=row.connection_id,
        data_type=row.data_type,
        status=row.status,
        status_description=row.status_description,
        error_message=row.error_message,
        error=row.error,
        requested=row.requested,
        started=row.started,
        completed=row.completed,
        progress=row.progress,
        is_completed=row.is_completed,
        is_errored=row.is_errored,
        is_initial=row.is_initial,
        records_received=row.records_received,
        records_expected=row.records_expected,
        last_batch_seq=row.last_batch_seq,
        claimed=row.claimed,
    )


def insert_pull(
    db: Connection,
    *,
    pull_id: str,
    client_id: str,
    company_id: str,
    connection_id: str,
    data_type: str,
    status: str,
    status_description: str | None,
    is_initial: bool,
) -> PullOperation:
    """Queue a pull; raises :class:`PullAlreadyRunningError` when one of that type is running."""
    values = {
        "id": pull_id,
        "client_id": client_id,
        "company_id": company_id,
        "connection_id": connection_id,
        "data_type": data_type,
        "status": status,
        "status_description": status_description,
        "requested": utc_now(),
        "progress": 0,
        "is_completed": False,
        "is_errored": False,
        "is_initial": is_initial,
        "records_received": 0,
        "last_batch_seq": 0,
    }
    try:
        with db.begin_nested():
            db.execute(pull_operations.insert().values(**values))
    except IntegrityError as exc:
        raise PullAlreadyRunningError(
            f"DatasetAlreadyInProgressException: Cannot queue {data_type} sync for company "
            f"{company_id}: a {data_type} pull is already queued or running.",
            fix="Wait for it to finish (GET /companies/{companyId}/data/history) and queue again.",
        ) from exc
    found = get_pull(db, company_id, pull_id)
    assert found is not None
    return found


def get_pull(db: Connection, company_id: str, pull_id: str) -> PullOperation | None:
    row = db.execute(
        pull_operations.select().where(
            pull_operations.c.company_id == company_id, pull_operations.c.id == pull_id
        )
    ).first()
    return pull_from_row(row) if row else None


def lock_pull(db: Connection, company_id: str, pull_id: str) -> PullOperation | None:
    """The pull, locked for this transaction (PostgreSQL), so concurrent uploads serialise."""
    row = db.execute(
        pull_operations.select()
        .where(pull_operations.c.company_id == company_id, pull_operations.c.id == pull_id)
        .with_for_update()
    ).first()
    return pull_from_row(row) if row else None


def list_pulls(db: Connection, company_id: str, request: PageRequest) -> Page[PullOperation]:
    return fetch_page(
        db,
        pull_operations.select().where(pull_operations.c.company_id == company_id),
        request=request,
        resolver=_QUERYABLE,
        tie_breaker=pull_operations.c.id,
        default_order=(pull_operations.c.requested.desc(),),
        convert=pull_from_row,
    )


def running_pulls(db: Connection, company_id: str) -> Sequence[PullOperation]:
    rows = db.execute(
        pull_operations.select()
        .where(
            pull_operations.c.company_id == company_id, pull_operations.c.is_completed.is_(False)
        )
        .order_by(pull_operations.c.requested, pull_operations.c.id)
    )
    return [pull_from_row(r) for r in rows]


def update_pull(db: Connection, pull_id: str, values: Mapping[str, Any]) -> None:
    db.execute(pull_operations.update().where(pull_operations.c.id == pull_id).values(**values))


def claim_pulls(
    db: Connection, company_id: str, *, stale_before: datetime, limit: int
) -> Sequence[PullOperation]:
    """Take the company's unclaimed pulls (or ones claimed before ``stale_before``), oldest first.

    ``FOR UPDATE SKIP LOCKED`` on PostgreSQL, so two connector requests never take the same
    pull; SQLite serialises writers, which gives the same guarantee.
    """
    column = pull_operations.c
    select = (
        sa.select(column.id)
        .where(
            column.company_id == company_id,
            column.is_completed.is_(False),
            sa.or_(column.claimed.is_(None), column.claimed < stale_before),
        )
        .order_by(column.requested, column.id)
        .limit(limit)
    )
    if db.dialect.name == "postgresql":
        select = select.with_for_update(skip_locked=True)
    ids = list(db.execute(select).scalars())
    if not ids:
        return []
    now = utc_now()
    db.execute(
        pull_operations.update()
        .where(column.id.in_(ids))
        .values(claimed=now, started=sa.func.coalesce(column.started, now))
    )
    rows = db.execute(
        pull_operations.select().where(column.id.in_(ids)).order_by(column.requested, column.id)
    )
    return [pull_from_row(r) for r in rows]


def latest_pulls_by_type(db: Connection, company_id: str) -> dict[str, PullOperation]:
    """Each data type's most recent pull."""
    column = pull_operations.c
    ranked = (
        sa.select(
            pull_operations,
            sa.func.row_number()
            .over(
                partition_by=column.data_type,
                order_by=(column.requested.desc(), column.id.desc()),
            )
            .label("rank"),
        )
        .where(column.company_id == company_id)
        .subquery()
    )
    rows = db.execute(sa.select(ranked).where(ranked.c.rank == 1))
    return {row.data_type: pull_from_row(row) for row in rows}


def latest_successful_by_type(db: Connection, company_id: str) -> dict[str, PullOperation]:
    column = pull_operations.c
    ranked = (
        sa.select(
            pull_operations,
            sa.func.row_number()
            .over(
                partition_by=column.data_type,
                order_by=(column.completed.desc(), column.id.desc()),
            )
            .label("rank"),
        )
        .where(column.company_id == company_id, column.status == "Complete")
        .subquery()
    )
    rows = db.execute(sa.select(ranked).where(ranked.c.rank == 1))
    return {row.data_type: pull_from_row(row) for row in rows}


def has_completed(db: Connection, company_id: str, data_type: str) -> bool:
    column = pull_operations.c
    found = db.execute(
        sa.select(column.id)
        .where(
            column.company_id == company_id,
            column.data_type == data_type,
            column.status == "Complete",
        )
        .limit(1)
    ).first()
    return found is not None


def record_batch(db: Connection, pull_id: str, seq: int, record_count: int) -> bool:
    """Note that batch ``seq`` arrived; False when it had already arrived (a retry)."""
    try:
        with db.begin_nested():
            db.execute(
                pull_batches.insert().values(
                    pull_id=pull_id, seq=seq, record_count=record_count, received=utc_now()
                )
            )
    except IntegrityError:
        return False
    return True


def received_batches(db: Connection, pull_id: str) -> Sequence[int]:
    return list(
        db.execute(
            sa.select(pull_batches.c.seq)
            .where(pull_batches.c.pull_id == pull_id)
            .order_by(pull_batches.c.seq)
        ).scalars()
    )
