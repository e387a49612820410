"""Webhook consumers: where a client wants its events sent, and which events."""

from __future__ import annotations

import base64
import secrets
import uuid
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urlsplit

from qbdlink.model.datatypes import ALL_DATA_TYPE_KEYS
from qbdlink.platform.domain import WebhookConsumer, WebhookDelivery
from qbdlink.platform.services.context import Context, Tenant
from qbdlink.platform.services.errors import InvalidRequestError, NotFoundError, ValidationProblem
from qbdlink.platform.storage import webhooks as store

FIXED_EVENT_TYPES = (
    "company.created",
    "company.deleted",
    "connection.created",
    "connection.connected",
    "connection.failed",
    "connection.disconnected",
    "connection.reconnected",
    "connection.deleted",
    "read.completed",
    "read.completed.initial",
    "client.rateLimit.reached",
    "client.rateLimit.reset",
)
EVENT_TYPES = FIXED_EVENT_TYPES + tuple(
    f"{data_type}.write.{outcome}"
    for data_type in ALL_DATA_TYPE_KEYS
    for outcome in ("successful", "unsuccessful")
)
_KNOWN = frozenset(EVENT_TYPES)


def new_signing_secret() -> str:
    """A Standard Webhooks secret: ``whsec_`` and 32 random bytes in Base64."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode("ascii")


def _check(body: Mapping[str, Any]) -> tuple[str, list[str], list[str] | None, bool]:
    problems: list[ValidationProblem] = []
    url = body.get("url")
    parts = urlsplit(url) if isinstance(url, str) else None
    if parts is None or parts.scheme not in ("http", "https") or not parts.netloc:
        problems.append(ValidationProblem("url", "Required: an http(s) URL."))
    event_types = body.get("eventTypes")
    if not isinstance(event_types, list) or not event_types:
        problems.append(ValidationProblem("eventTypes", "Required: a list of event types."))
    else:
        for event_type in event_types:
            if event_type not in _KNOWN:
                problems.append(
                    ValidationProblem("eventTypes", f"Unknown event type {event_type!r}.")
                )
    tags = body.get("companyTags")
    if tags is not None and (
        not isinstance(tags, list)
        or len(tags) > 10
        or not all(isinstance(t, str) and 0 < len(t) <= 128 for t in tags)
    ):
        problems.append(ValidationProblem("companyTags", "Up to 10 'tagKey:tagValue' texts."))
    disabled = body.get("disabled", False)
    if disabled is not None and not isinstance(disabled, bool):
        problems.append(ValidationProblem("disabled", "true or false."))
    if problems:
        raise InvalidRequestError("This webhook consumer is not valid.", problems=problems)
    assert isinstance(url, str) and isinstance(event_types, list)
    return url, list(event_types), None if tags is None else list(tags), bool(disabled)


def create_consumer(ctx: Context, tenant: Tenant, body: Mapping[str, Any]) -> WebhookConsumer:
    url, event_types, tags, disabled = _check(body)
    with ctx.database.write() as db:
        return store.insert_consumer(
            db,
            {
                "id": str(uuid.uuid4()),
                "client_id": tenant.client_id,
                "url": url,
                "event_types": event_types,
                "company_tags": tags,
                "disabled": disabled,
                "secret": new_signing_secret(),
            },
        )


def list_consumers(ctx: Context, tenant: Tenant) -> Sequence[WebhookConsumer]:
    with ctx.database.read() as db:
        return store.list_consumers(db, tenant.client_id)


def delete_consumer(ctx: Context, tenant: Tenant, consumer_id: str) -> None:
    with ctx.database.write() as db:
        if not store.delete_consumer(db, tenant.client_id, consumer_id):
            raise NotFoundError(
                f"No webhook consumer with id {consumer_id!r}.", code="webhook.not_found"
            )


def recent_deliveries(
    ctx: Context, tenant: Tenant, consumer_id: str | None = None, limit: int = 50
) -> Sequence[WebhookDelivery]:
    with ctx.database.read() as db:
        return store.recent_deliveries(db, tenant.client_id, consumer_id, limit)
