"""Clients (the platform's tenants) and their API keys."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Row

from qbdlink.platform.domain import ApiKey, Client
from qbdlink.platform.storage.tables import api_keys, clients
from qbdlink.platform.storage.types import utc_now


def _client(row: Row[Any]) -> Client:
    return Client(
        id=row.id,
        name=row.name,
        logo_url=row.logo_url,
        icon_url=row.icon_url,
        redirect_url=row.redirect_url,
        white_list_urls=tuple(row.white_list_urls or ()),
        confirm_company_name=row.confirm_company_name,
        connector_mode=row.connector_mode,
        sync_settings_override_defaults=row.sync_settings_override_defaults,
        created=row.created,
    )


def _api_key(row: Row[Any]) -> ApiKey:
    return ApiKey(
        id=row.id,
        client_id=row.client_id,
        name=row.name,
        key_hint=row.key_hint,
        created=row.created,
    )


def insert_client(connection: Connection, *, client_id: str, name: str) -> Client:
    connection.execute(
        clients.insert().values(
            id=client_id,
            name=name,
            white_list_urls=[],
            confirm_company_name=False,
            connector_mode="ongoing",
            sync_settings_override_defaults=False,
            created=utc_now(),
        )
    )
    found = get_client(connection, client_id)
    assert found is not None
    return found


def get_client(connection: Connection, client_id: str) -> Client | None:
    row = connection.execute(clients.select().where(clients.c.id == client_id)).first()
    return _client(row) if row else None


def find_client_by_name(connection: Connection, name: str) -> Client | None:
    row = connection.execute(clients.select().where(clients.c.name == name)).first()
    return _client(row) if row else None


def list_clients(connection: Connection) -> Sequence[Client]:
    return [_client(r) for r in connection.execute(clients.select().order_by(clients.c.name))]


def update_client(connection: Connection, client_id: str, values: Mapping[str, Any]) -> None:
    connection.execute(clients.update().where(clients.c.id == client_id).values(**values))


def insert_api_key(
    connection: Connection,
    *,
    key_id: str,
    client_id: str,
    name: str | None,
    key_hash: str,
    key_hint: str,
) -> ApiKey:
    created = utc_now()
    connection.execute(
        api_keys.insert().values(
            id=key_id,
            client_id=client_id,
            name=name,
            key_hash=key_hash,
            key_hint=key_hint,
            created=created,
        )
    )
    return ApiKey(id=key_id, client_id=client_id, name=name, key_hint=key_hint, created=created)


def client_id_for_key_hash(connection: Connection, key_hash: str) -> str | None:
    return connection.execute(
        sa.select(api_keys.c.client_id).where(api_keys.c.key_hash == key_hash)
    ).scalar_one_or_none()


def list_api_keys(connection: Connection, client_id: str) -> Sequence[ApiKey]:
    rows = connection.execute(
        api_keys.select()
        .where(api_keys.c.client_id == client_id)
        .order_by(api_keys.c.created, api_keys.c.id)
    )
    return [_api_key(r) for r in rows]


def delete_api_key(connection: Connection, client_id: str, key_id: str) -> bool:
    result = connection.execute(
        api_keys.delete().where(api_keys.c.client_id == client_id, api_keys.c.id == key_id)
    )
    return result.rowcount > 0
