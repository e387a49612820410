"""The job queue in the database: any number of worker processes may share it.

A job is claimed by moving it from ``queued`` to ``running`` with a lease (``locked_until``).
PostgreSQL picks candidates with ``FOR UPDATE SKIP LOCKED``, so workers never wait on each
other; SQLite runs the claim as one ``BEGIN IMMEDIATE`` transaction, which serialises claimers.
A job whose lease ran out (its worker died) is claimable again.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from qbdlink.platform.storage.tables import jobs
from qbdlink.platform.storage.types import utc_now

QUEUED = "queued"
RUNNING = "running"
DONE = "done"
FAILED = "failed"


@dataclass(frozen=True, kw_only=True)
class Job:
    id: int
    kind: str
    payload: Mapping[str, Any]
    attempts: int
    max_attempts: int


def enqueue(
    db: Connection,
    kind: str,
    payload: Mapping[str, Any],
    *,
    run_after: datetime | None = None,
    max_attempts: int = 10,
    dedupe_key: str | None = None,
) -> bool:
    """Queue a job; False when a queued or running job already has ``dedupe_key``."""
    values = {
        "kind": kind,
        "payload": dict(payload),
        "status": QUEUED,
        "run_after": run_after or utc_now(),
        "attempts": 0,
        "max_attempts": max_attempts,
        "dedupe_key": dedupe_key,
        "created": utc_now(),
    }
    if dedupe_key is None:
        db.execute(jobs.insert().values(**values))
        return True
    try:
        with db.begin_nested():
            db.execute(jobs.insert().values(**values))
    except IntegrityError:
        return False
    return True


def claim(
    db: Connection,
    *,
    worker: str,
    kinds: Sequence[str],
    lease: timedelta,
    limit: int = 1,
    now: datetime | None = None,
) -> Sequence[Job]:
    """Take up to ``limit`` due jobs (or jobs whose lease ran out) for ``worker``.

    ``now`` defaults to the wall clock; the workers pass their context's clock so that a test
    clock decides when a retry is due and when a lease has run out.
    """
    now = now or utc_now()
    column = jobs.c
    claimable = sa.or_(
        sa.and_(column.status == QUEUED, column.run_after <= now),
        sa.and_(column.status == RUNNING, column.locked_until < now),
    )
    select = (
        sa.select(column.id)
        .where(claimable, column.kind.in_(kinds))
        .order_by(column.run_after, column.id)
        .limit(limit)
    )
    if db.dialect.name == "postgresql":
        select = select.with_for_update(skip_locked=True)
    ids = list(db.execute(select).scalars())
    if not ids:
        return []
    db.execute(
        jobs.update()
        .where(column.id.in_(ids))
        .values(
            status=RUNNING,
            locked_by=worker,
            locked_until=now + lease,
            attempts=column.attempts + 1,
        )
    )
    rows = db.execute(jobs.select().where(column.id.in_(ids)).order_by(column.id))
    return [
        Job(
            id=r.id,
            kind=r.kind,
            payload=dict(r.payload),
            attempts=r.attempts,
            max_attempts=r.max_attempts,
        )
        for r in rows
    ]


def finish(db: Connection, job_id: int) -> None:
    db.execute(
        jobs.update()
        .where(jobs.c.id == job_id)
        .values(status=DONE, finished=utc_now(), locked_by=None, locked_until=None)
    )


def retry_or_fail(db: Connection, job: Job, *, error: str, retry_at: datetime | None) -> bool:
    """Back to the queue at ``retry_at``, or failed for good when out of attempts or None.

    Returns True when the job failed for good.
    """
    failed = retry_at is None or job.attempts >= job.max_attempts
    if failed:
        values: dict[str, Any] = {"status": FAILED, "finished": utc_now()}
    else:
        values = {"status": QUEUED, "run_after": retry_at}
    db.execute(
        jobs.update()
        .where(jobs.c.id == job.id)
        .values(last_error=error[:2000], locked_by=None, locked_until=None, **values)
    )
    return failed


def counts(db: Connection) -> dict[str, int]:
    rows = db.execute(sa.select(jobs.c.status, sa.func.count()).group_by(jobs.c.status))
    return {status: count for status, count in rows}
