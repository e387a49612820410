"""Webhook consumers and the log of every delivery made to them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy.engine import Connection, Row

from qbdlink.platform.domain import WebhookConsumer, WebhookDelivery
from qbdlink.platform.storage.tables import webhook_consumers, webhook_deliveries
from qbdlink.platform.storage.types import utc_now


def _consumer(row: Row[Any]) -> WebhookConsumer:
    return WebhookConsumer(
        id=row.id,
        client_id=row.client_id,
        url=row.url,
        event_types=list(row.event_types or []),
        company_tags=None if row.company_tags is None else list(row.company_tags),
        disabled=row.disabled,
        secret=row.secret,
        created=row.created,
    )


def _delivery(row: Row[Any]) -> WebhookDelivery:
    return WebhookDelivery(
        id=row.id,
        client_id=row.client_id,
        consumer_id=row.consumer_id,
        event_id=row.event_id,
        event_type=row.event_type,
        company_id=row.company_id,
        body=row.body,
        status=row.status,
        attempts=row.attempts,
        last_status_code=row.last_status_code,
        last_error=row.last_error,
        created=row.created,
        last_attempt=row.last_attempt,
        delivered=row.delivered,
    )


def insert_consumer(db: Connection, values: Mapping[str, Any]) -> WebhookConsumer:
    db.execute(webhook_consumers.insert().values(created=utc_now(), **values))
    found = get_consumer(db, values["client_id"], values["id"])
    assert found is not None
    return found


def get_consumer(db: Connection, client_id: str, consumer_id: str) -> WebhookConsumer | None:
    row = db.execute(
        webhook_consumers.select().where(
            webhook_consumers.c.client_id == client_id, webhook_consumers.c.id == consumer_id
        )
    ).first()
    return _consumer(row) if row else None


def list_consumers(db: Connection, client_id: str) -> Sequence[WebhookConsumer]:
    rows = db.execute(
        webhook_consumers.select()
        .where(webhook_consumers.c.client_id == client_id)
        .order_by(webhook_consumers.c.created, webhook_consumers.c.id)
    )
    return [_consumer(r) for r in rows]


def delete_consumer(db: Connection, client_id: str, consumer_id: str) -> bool:
    result = db.execute(
        webhook_consumers.delete().where(
            webhook_consumers.c.client_id == client_id, webhook_consumers.c.id == consumer_id
        )
    )
    return result.rowcount > 0


def insert_delivery(db: Connection, values: Mapping[str, Any]) -> None:
    db.execute(
        webhook_deliveries.insert().values(
            created=utc_now(), status="Pending", attempts=0, **values
        )
    )


def get_delivery(db: Connection, delivery_id: str) -> WebhookDelivery | None:
    row = db.execute(
        webhook_deliveries.select().where(webhook_deliveries.c.id == delivery_id)
    ).first()
    return _delivery(row) if row else None


def update_delivery(db: Connection, delivery_id: str, values: Mapping[str, Any]) -> None:
    db.execute(
        webhook_deliveries.update().where(webhook_deliveries.c.id == delivery_id).values(**values)
    )


def recent_deliveries(
    db: Connection, client_id: str, consumer_id: str | None = None, limit: int = 50
) -> Sequence[WebhookDelivery]:
    select = webhook_deliveries.select().where(webhook_deliveries.c.client_id == client_id)
    if consumer_id is not None:
        select = select.where(webhook_deliveries.c.consumer_id == consumer_id)
    rows = db.execute(
        select.order_by(webhook_deliveries.c.created.desc(), webhook_deliveries.c.id).limit(limit)
    )
    return [_delivery(r) for r in rows]
