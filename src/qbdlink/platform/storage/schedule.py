"""What the sync scheduler reads: linked companies, and when each data type was last pulled.

Both reads cover every linked company in one query each, whatever their number, so a tick costs
the same few statements for ten companies or ten thousand.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from qbdlink.platform.domain import LINKED, Company
from qbdlink.platform.storage.companies import company_from_row
from qbdlink.platform.storage.tables import companies, connections, pull_operations

# The first key of the scheduler's PostgreSQL advisory locks (the second is the company's
# hash): an arbitrary constant that keeps them apart from any other advisory lock.
_SCHEDULER_LOCK_CLASS = 0x5CED


@dataclass(frozen=True, kw_only=True)
class PullTimes:
    """One company's data type: when it was last asked for, and whether a pull is open."""

    last_requested: datetime | None
    running: bool


def _linked_company_ids() -> Any:
    return sa.select(connections.c.company_id).where(connections.c.status == LINKED)


def linked_companies(db: Connection) -> Sequence[tuple[Company, str]]:
    """Every company with a Linked connection, with that connection's id (its newest one)."""
    rows = db.execute(
        sa.select(companies, connections.c.id.label("linked_connection_id"))
        .join(connections, connections.c.company_id == companies.c.id)
        .where(connections.c.status == LINKED)
        .order_by(companies.c.id, connections.c.created.desc(), connections.c.id.desc())
    )
    found: dict[str, tuple[Company, str]] = {}
    for row in rows:
        if row.id not in found:
            found[row.id] = (company_from_row(row), row.linked_connection_id)
    return list(found.values())


def pull_times(db: Connection, company_id: str | None = None) -> dict[tuple[str, str], PullTimes]:
    """(company id, data type) → its pull times: for one company, or every linked company."""
    column = pull_operations.c
    select = sa.select(
        column.company_id,
        column.data_type,
        sa.func.max(column.requested).label("last_requested"),
        sa.func.max(sa.case((column.is_completed.is_(False), 1), else_=0)).label("running"),
    ).group_by(column.company_id, column.data_type)
    if company_id is None:
        select = select.where(column.company_id.in_(_linked_company_ids()))
    else:
        select = select.where(column.company_id == company_id)
    result: dict[tuple[str, str], PullTimes] = {}
    for row in db.execute(select):
        result[(row.company_id, row.data_type)] = PullTimes(
            last_requested=row.last_requested, running=bool(row.running)
        )
    return result


def try_lock_company(db: Connection, company_id: str) -> bool:
    """Hold the company's scheduler lock for this transaction; False if another holds it.

    PostgreSQL: a transaction-scoped advisory lock, so schedulers in several processes never
    queue the same company at once, while nothing else that writes the company waits on it.
    SQLite: write transactions begin IMMEDIATE and so already run one at a time.
    """
    if db.dialect.name != "postgresql":
        return True
    locked = db.execute(
        sa.select(
            sa.func.pg_try_advisory_xact_lock(
                sa.cast(sa.literal(_SCHEDULER_LOCK_CLASS), sa.Integer),
                sa.func.hashtext(company_id),
            )
        )
    ).scalar()
    return bool(locked)
