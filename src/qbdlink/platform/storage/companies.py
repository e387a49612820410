"""Companies, always scoped to their client."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Row

from qbdlink.model.fields import FieldKind
from qbdlink.platform.domain import Company, Page, PageRequest, TagFilter
from qbdlink.platform.storage.paging import fetch_page
from qbdlink.platform.storage.query_sql import column_resolver
from qbdlink.platform.storage.tables import companies
from qbdlink.platform.storage.types import utc_now

_QUERYABLE = column_resolver(
    {
        "id": (FieldKind.STRING, companies.c.id),
        "name": (FieldKind.STRING, companies.c.name),
        "description": (FieldKind.STRING, companies.c.description),
        "created": (FieldKind.DATETIME, companies.c.created),
        "lastSync": (FieldKind.DATETIME, companies.c.last_sync),
    }
)


def company_from_row(row: Row[Any]) -> Company:
    return Company(
        id=row.id,
        client_id=row.client_id,
        name=row.name,
        description=row.description,
        tags=dict(row.tags or {}),
        region=row.region,
        connector_mode=row.connector_mode,
        sync_settings_override_defaults=row.sync_settings_override_defaults,
        created=row.created,
        created_by_user_name=row.created_by_user_name,
        last_sync=row.last_sync,
    )


def insert_company(
    connection: Connection,
    *,
    company_id: str,
    client_id: str,
    name: str,
    description: str | None,
    tags: Mapping[str, str],
    region: str,
) -> Company:
    connection.execute(
        companies.insert().values(
            id=company_id,
            client_id=client_id,
            name=name,
            description=description,
            tags=dict(tags),
            region=region,
            sync_settings_override_defaults=False,
            created=utc_now(),
        )
    )
    found = get_company(connection, client_id, company_id)
    assert found is not None
    return found


def get_company(connection: Connection, client_id: str, company_id: str) -> Company | None:
    row = connection.execute(
        companies.select().where(companies.c.client_id == client_id, companies.c.id == company_id)
    ).first()
    return company_from_row(row) if row else None


def get_company_any_client(connection: Connection, company_id: str) -> Company | None:
    """For the connector API, where a licence key (not a client key) names the company."""
    row = connection.execute(companies.select().where(companies.c.id == company_id)).first()
    return company_from_row(row) if row else None


def _tag_condition(tag: TagFilter) -> sa.ColumnElement[bool]:
    # Tags are few and small: filter them in SQL through the JSON document.
    value: sa.ColumnElement[str] = companies.c.tags[tag.key].as_string()
    if tag.operator == "=":
        return value == tag.value
    if tag.operator == "!=":
        return sa.or_(value.is_(None), value != tag.value)
    escaped = tag.value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    contains: sa.ColumnElement[bool] = sa.func.lower(value).like(
        f"%{escaped.lower()}%", escape="\\"
    )
    return contains


def list_companies(
    connection: Connection,
    client_id: str,
    request: PageRequest,
    tags: Sequence[TagFilter] | None = None,
) -> Page[Company]:
    select = companies.select().where(companies.c.client_id == client_id)
    for tag in tags or ():
        select = select.where(_tag_condition(tag))
    return fetch_page(
        connection,
        select,
        request=request,
        resolver=_QUERYABLE,
        tie_breaker=companies.c.id,
        default_order=(companies.c.created,),
        convert=company_from_row,
    )


def update_company(
    connection: Connection, client_id: str, company_id: str, values: Mapping[str, Any]
) -> None:
    connection.execute(
        companies.update()
        .where(companies.c.client_id == client_id, companies.c.id == company_id)
        .values(**values)
    )


def delete_company(connection: Connection, client_id: str, company_id: str) -> bool:
    result = connection.execute(
        companies.delete().where(companies.c.client_id == client_id, companies.c.id == company_id)
    )
    return result.rowcount > 0


def touch_last_sync(connection: Connection, company_id: str) -> None:
    connection.execute(
        companies.update().where(companies.c.id == company_id).values(last_sync=utc_now())
    )
