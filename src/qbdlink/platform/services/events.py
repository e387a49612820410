"""Webhook events, written in the same transaction as the change they announce.

Each matching consumer gets a delivery row and a job; a worker sends it later (jobs/webhooks).
So an event is never announced for a change that was rolled back, nor lost after a commit.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy.engine import Connection as Db

from qbdlink.platform.domain import Company
from qbdlink.platform.storage import jobs as job_queue
from qbdlink.platform.storage import webhooks as webhook_store

DELIVER_WEBHOOK = "webhook.deliver"


def iso(moment: datetime | None) -> str | None:
    """Codat's datetime text: UTC with milliseconds and a Z."""
    if moment is None:
        return None
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def _company_matches(tags: list[str] | None, company: Company | None) -> bool:
    if not tags:
        return True
    if company is None:
        return False
    have = {f"{key}:{value}" for key, value in company.tags.items()}
    return any(tag in have for tag in tags)


def publish(
    db: Db,
    *,
    client_id: str,
    event_type: str,
    payload: Mapping[str, Any],
    company: Company | None,
    now: datetime,
) -> str:
    """Queue ``event_type`` for every consumer of the client that subscribes to it."""
    event_id = str(uuid.uuid4())
    envelope: dict[str, Any] = {
        "id": event_id,
        "eventType": event_type,
        "generatedDate": iso(now),
        "payload": dict(payload),
    }
    body = json.dumps(envelope, separators=(",", ":"), sort_keys=True)
    for consumer in webhook_store.list_consumers(db, client_id):
        if consumer.disabled or event_type not in consumer.event_types:
            continue
        if not _company_matches(list(consumer.company_tags or []), company):
            continue
        delivery_id = str(uuid.uuid4())
        webhook_store.insert_delivery(
            db,
            {
                "id": delivery_id,
                "client_id": client_id,
                "consumer_id": consumer.id,
                "event_id": event_id,
                "event_type": event_type,
                "company_id": company.id if company else None,
                "body": body,
            },
        )
        job_queue.enqueue(db, DELIVER_WEBHOOK, {"deliveryId": delivery_id}, max_attempts=8)
    return event_id
