"""Connections, the connector credentials that act for them, and connector health."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.engine import Connection as Db
from sqlalchemy.engine import Row

from qbdlink.model.fields import FieldKind
from qbdlink.platform.domain import Connection, ConnectorHealth, Page, PageRequest
from qbdlink.platform.storage.paging import fetch_page
from qbdlink.platform.storage.query_sql import column_resolver
from qbdlink.platform.storage.tables import connections, connector_credentials, connector_health
from qbdlink.platform.storage.types import utc_now

_QUERYABLE = column_resolver(
    {
        "id": (FieldKind.STRING, connections.c.id),
        "status": (FieldKind.STRING, connections.c.status),
        "created": (FieldKind.DATETIME, connections.c.created),
        "integrationKey": (FieldKind.STRING, connections.c.platform_key),
        "lastSync": (FieldKind.DATETIME, connections.c.last_sync),
    }
)


def connection_from_row(row: Row[Any]) -> Connection:
    return Connection(
        id=row.id,
        client_id=row.client_id,
        company_id=row.company_id,
        platform_key=row.platform_key,
        status=row.status,
        created=row.created,
        linked=row.linked,
        last_sync=row.last_sync,
        connection_info=dict(row.connection_info or {}),
        authorization=dict(row.authorization or {}),
        errors=list(row.errors or []),
        quickbooks=dict(row.quickbooks or {}),
    )


def insert_connection(
    db: Db, *, connection_id: str, client_id: str, company_id: str, platform_key: str, status: str
) -> Connection:
    db.execute(
        connections.insert().values(
            id=connection_id,
            client_id=client_id,
            company_id=company_id,
            platform_key=platform_key,
            status=status,
            created=utc_now(),
            connection_info={},
            authorization={},
            errors=[],
            quickbooks={},
        )
    )
    found = get_connection(db, company_id, connection_id)
    assert found is not None
    return found


def get_connection(db: Db, company_id: str, connection_id: str) -> Connection | None:
    row = db.execute(
        connections.select().where(
            connections.c.company_id == company_id, connections.c.id == connection_id
        )
    ).first()
    return connection_from_row(row) if row else None


def connections_of_company(db: Db, company_id: str) -> Sequence[Connection]:
    rows = db.execute(
        connections.select()
        .where(connections.c.company_id == company_id)
        .order_by(connections.c.created, connections.c.id)
    )
    return [connection_from_row(r) for r in rows]


def connections_of_companies(db: Db, company_ids: Sequence[str]) -> dict[str, list[Connection]]:
    found: dict[str, list[Connection]] = {company_id: [] for company_id in company_ids}
    if not company_ids:
        return found
    rows = db.execute(
        connections.select()
        .where(connections.c.company_id.in_(company_ids))
        .order_by(connections.c.created, connections.c.id)
    )
    for row in rows:
        found[row.company_id].append(connection_from_row(row))
    return found


def list_connections(db: Db, company_id: str, request: PageRequest) -> Page[Connection]:
    return fetch_page(
        db,
        connections.select().where(connections.c.company_id == company_id),
        request=request,
        resolver=_QUERYABLE,
        tie_breaker=connections.c.id,
        default_order=(connections.c.created,),
        convert=connection_from_row,
    )


def update_connection(db: Db, connection_id: str, values: Mapping[str, Any]) -> None:
    db.execute(connections.update().where(connections.c.id == connection_id).values(**values))


def delete_connection(db: Db, company_id: str, connection_id: str) -> bool:
    result = db.execute(
        connections.delete().where(
            connections.c.company_id == company_id, connections.c.id == connection_id
        )
    )
    return result.rowcount > 0


def insert_credential(
    db: Db, *, credential_id: str, token_hash: str, connection: Connection
) -> None:
    db.execute(
        connector_credentials.insert().values(
            id=credential_id,
            client_id=connection.client_id,
            company_id=connection.company_id,
            connection_id=connection.id,
            token_hash=token_hash,
            created=utc_now(),
        )
    )


def connection_for_token_hash(db: Db, token_hash: str) -> Connection | None:
    """The connection a live (not revoked) connector credential acts for."""
    row = db.execute(
        connections.select()
        .join(connector_credentials, connector_credentials.c.connection_id == connections.c.id)
        .where(
            connector_credentials.c.token_hash == token_hash,
            connector_credentials.c.revoked.is_(None),
        )
    ).first()
    return connection_from_row(row) if row else None


def revoke_credentials(db: Db, connection_id: str) -> int:
    result = db.execute(
        connector_credentials.update()
        .where(
            connector_credentials.c.connection_id == connection_id,
            connector_credentials.c.revoked.is_(None),
        )
        .values(revoked=utc_now())
    )
    return result.rowcount


def save_health(db: Db, *, connection: Connection, report: Mapping[str, Any], at: datetime) -> None:
    updated = db.execute(
        connector_health.update()
        .where(connector_health.c.connection_id == connection.id)
        .values(last_heartbeat=at, report=dict(report))
    )
    if updated.rowcount == 0:
        db.execute(
            connector_health.insert().values(
                connection_id=connection.id,
                company_id=connection.company_id,
                last_heartbeat=at,
                report=dict(report),
            )
        )


def get_health(db: Db, connection_id: str) -> ConnectorHealth | None:
    row = db.execute(
        connector_health.select().where(connector_health.c.connection_id == connection_id)
    ).first()
    if row is None:
        return None
    return ConnectorHealth(
        connection_id=row.connection_id,
        company_id=row.company_id,
        last_heartbeat=row.last_heartbeat,
        report=dict(row.report or {}),
    )
