"""Sync settings: client-wide rows (company_id NULL) and per-company overrides."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.engine import Connection, Row

from qbdlink.platform.domain import SyncSetting
from qbdlink.platform.storage.tables import sync_settings


def _setting(row: Row[Any]) -> SyncSetting:
    return SyncSetting(
        data_type=row.data_type,
        fetch_on_first_link=row.fetch_on_first_link,
        sync_schedule=row.sync_schedule,
        sync_order=row.sync_order,
        sync_from_utc=row.sync_from_utc,
        sync_from_window=row.sync_from_window,
        months_to_sync=row.months_to_sync,
        is_locked=row.is_locked,
    )


def _scope(client_id: str, company_id: str | None) -> Any:
    column = sync_settings.c.company_id
    owner = column.is_(None) if company_id is None else column == company_id
    return (sync_settings.c.client_id == client_id) & owner


def stored_settings(
    connection: Connection, client_id: str, company_id: str | None
) -> Sequence[SyncSetting]:
    rows = connection.execute(
        sync_settings.select()
        .where(_scope(client_id, company_id))
        .order_by(sync_settings.c.sync_order, sync_settings.c.data_type)
    )
    return [_setting(r) for r in rows]


def replace_settings(
    connection: Connection,
    client_id: str,
    company_id: str | None,
    settings: Sequence[SyncSetting],
) -> None:
    """Store ``settings`` as the scope's settings, replacing those of the same data types."""
    if not settings:
        return
    connection.execute(
        sync_settings.delete().where(
            _scope(client_id, company_id),
            sync_settings.c.data_type.in_([s.data_type for s in settings]),
        )
    )
    connection.execute(
        sync_settings.insert(),
        [
            {
                "client_id": client_id,
                "company_id": company_id,
                "data_type": s.data_type,
                "fetch_on_first_link": s.fetch_on_first_link,
                "sync_schedule": s.sync_schedule,
                "sync_order": s.sync_order,
                "sync_from_utc": s.sync_from_utc,
                "sync_from_window": s.sync_from_window,
                "months_to_sync": s.months_to_sync,
                "is_locked": s.is_locked,
            }
            for s in settings
        ],
    )
