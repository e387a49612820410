"""Webhook delivery: the ``webhook.deliver`` job POSTs one stored event to one consumer.

The request follows Standard Webhooks (https://www.standardwebhooks.com): the body is the
stored envelope ``{id, eventType, generatedDate, payload}`` as JSON, with the headers

- ``webhook-id``: the event id (the same on every retry, so a consumer can drop duplicates);
- ``webhook-timestamp``: when this attempt was made, in Unix seconds;
- ``webhook-signature``: ``v1,`` and the Base64 HMAC-SHA256 of ``{id}.{timestamp}.{body}``,
  keyed with the Base64-decoded part of the consumer's secret after ``whsec_``.

A 2xx answer delivers it. Anything else (another status, a refused connection, a timeout) is
recorded on the delivery row and raised, so the job runner retries with backoff; when the runner
gives up, :func:`give_up` marks the delivery Failed. A consumer disabled or deleted meanwhile
gets nothing: its delivery is Failed (or, deleted, gone with it) without a request.

The consumer's secret is used to sign and is never logged nor stored in an error.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import logging
from datetime import UTC, datetime
from typing import Any

import httpx
from sqlalchemy.engine import Connection as Db

import qbdlink
from qbdlink.errors import PermanentError, RetryLaterError
from qbdlink.platform.domain import WebhookConsumer, WebhookDelivery
from qbdlink.platform.services.context import Context
from qbdlink.platform.storage import jobs as queue
from qbdlink.platform.storage import webhooks as store

log = logging.getLogger("qbdlink.platform.webhooks")

PENDING = "Pending"
DELIVERED = "Delivered"
FAILED = "Failed"
SECRET_PREFIX = "whsec_"
SIGNATURE_VERSION = "v1"
# A consumer must answer within this; it should queue the event and answer at once.
DELIVERY_TIMEOUT = httpx.Timeout(15.0, connect=5.0)
# Standard Webhooks' advice to consumers: refuse timestamps further than this from now.
DEFAULT_TOLERANCE_SECONDS = 300
_MAX_ERROR_TEXT = 500


class WebhookDeliveryError(RetryLaterError):
    """The consumer did not accept the event this time; the job is retried later."""

    default_code = "webhook.delivery_failed"


class WebhookSignatureError(PermanentError):
    """A webhook request's signature or timestamp does not check out: reject the request."""

    default_code = "webhook.signature_invalid"
    default_fix = (
        "Check the signing secret (the consumer's signingSecret, whsec_...), that the body is "
        "verified exactly as received (raw bytes, before any JSON parsing), and the clock."
    )


# -- signing (pure; also for clients that receive our webhooks) ---------------------------------


def _key(secret: str) -> bytes:
    encoded = secret.removeprefix(SECRET_PREFIX)
    try:
        return base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError) as exc:
        # Say nothing of the secret's content: it must never appear in a log.
        raise WebhookSignatureError(
            "The webhook signing secret is not 'whsec_' followed by Base64.",
            code="webhook.secret_malformed",
        ) from exc


def _as_bytes(body: str | bytes) -> bytes:
    return body.encode("utf-8") if isinstance(body, str) else body


def sign(secret: str, msg_id: str, timestamp: int, body: str | bytes) -> str:
    """The ``webhook-signature`` value for one request: ``v1,<base64 HMAC-SHA256>``.

    The signed content is ``f"{msg_id}.{timestamp}.{body}"`` (body as UTF-8 bytes, exactly as
    sent); the key is the Base64-decoded part of ``secret`` after ``whsec_``.
    """
    content = f"{msg_id}.{timestamp}.".encode() + _as_bytes(body)
    digest = hmac.new(_key(secret), content, hashlib.sha256).digest()
    return f"{SIGNATURE_VERSION},{base64.b64encode(digest).decode('ascii')}"


def verify(
    secret: str,
    msg_id: str,
    timestamp: str | int,
    body: str | bytes,
    signatures: str,
    *,
    now: datetime | None = None,
    tolerance_seconds: int = DEFAULT_TOLERANCE_SECONDS,
) -> None:
    """Check a received webhook; raises :class:`WebhookSignatureError` if it is not genuine.

    For consumers of qbdlink's webhooks. Pass the ``webhook-id``, ``webhook-timestamp`` and
    ``webhook-signature`` headers and the raw body as received::

        verify(secret, headers["webhook-id"], headers["webhook-timestamp"], raw_body,
               headers["webhook-signature"])

    ``signatures`` may hold several space-separated ``v1,<sig>`` entries (as during a secret
    rotation): one match is enough. The timestamp must be within ``tolerance_seconds`` of
    ``now`` (default: the current time), which stops replays of old requests.
    """
    try:
        sent_at = int(timestamp)
    except (TypeError, ValueError) as exc:
        raise WebhookSignatureError(
            f"The webhook timestamp {timestamp!r} is not a number."
        ) from exc
    moment = (now or datetime.now(UTC)).timestamp()
    if abs(moment - sent_at) > tolerance_seconds:
        raise WebhookSignatureError(
            f"The webhook timestamp {sent_at} is more than {tolerance_seconds} s from now.",
            code="webhook.timestamp_out_of_range",
        )
    expected = sign(secret, msg_id, sent_at, body).partition(",")[2]
    for entry in signatures.split():
        version, _, value = entry.partition(",")
        if version == SIGNATURE_VERSION and hmac.compare_digest(value, expected):
            return
    raise WebhookSignatureError("No webhook signature matches this request.")


def request_headers(
    consumer: WebhookConsumer, delivery: WebhookDelivery, timestamp: int
) -> dict[str, str]:
    return {
        "Content-Type": "application/json",
        "User-Agent": f"qbdlink-webhooks/{qbdlink.__version__}",
        "webhook-id": delivery.event_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": sign(consumer.secret, delivery.event_id, timestamp, delivery.body),
    }


# -- delivery -----------------------------------------------------------------------------------


def _post(
    http: httpx.Client, url: str, body: str, headers: dict[str, str]
) -> tuple[int | None, str | None]:
    """(status code, error text): a status for any answer, or no status and why there was none."""
    try:
        response = http.post(url, content=body.encode("utf-8"), headers=headers)
    except httpx.HTTPError as exc:
        # Only the exception's class and text: it carries the URL, never our headers.
        return None, f"{type(exc).__name__}: {exc}"[:_MAX_ERROR_TEXT]
    if response.is_success:
        return response.status_code, None
    error = f"HTTP {response.status_code}"
    snippet = response.text[:200].strip()
    if snippet:
        error += f": {snippet}"
    return response.status_code, error


def deliver(ctx: Context, delivery_id: str, http: httpx.Client) -> str:
    """Make one attempt at one delivery; returns its status, or raises to be retried."""
    with ctx.database.read() as db:
        delivery = store.get_delivery(db, delivery_id)
        consumer = (
            store.get_consumer(db, delivery.client_id, delivery.consumer_id) if delivery else None
        )
    if delivery is None:
        return FAILED  # its consumer was deleted, and its deliveries with it
    if delivery.status != PENDING:
        return delivery.status  # a job run again after its lease ran out: already settled
    if consumer is None or consumer.disabled:
        with ctx.database.write() as db:
            store.update_delivery(
                db,
                delivery.id,
                {"status": FAILED, "last_error": "The webhook consumer is disabled or deleted."},
            )
        log.info("webhook %s not sent: consumer %s disabled", delivery.id, delivery.consumer_id)
        return FAILED
    now = ctx.clock.now()
    headers = request_headers(consumer, delivery, int(now.timestamp()))
    status_code, error = _post(http, consumer.url, delivery.body, headers)
    attempt = delivery.attempts + 1
    values: dict[str, Any] = {
        "attempts": attempt,
        "last_attempt": now,
        "last_status_code": status_code,
        "last_error": error,
    }
    if error is None:
        values.update(status=DELIVERED, delivered=now)
    with ctx.database.write() as db:
        store.update_delivery(db, delivery.id, values)
    log.info(
        "webhook %s (%s) attempt %d to consumer %s: %s",
        delivery.id,
        delivery.event_type,
        attempt,
        consumer.id,
        status_code if error is None else error,
    )
    if error is not None:
        raise WebhookDeliveryError(
            f"Webhook {delivery.id} to consumer {consumer.id}, attempt {attempt}: {error}",
        )
    return DELIVERED


class WebhookSender:
    """The ``webhook.deliver`` handler; give it an ``httpx.Client`` to choose the transport.

    Without one, each delivery opens (and closes) its own client with :data:`DELIVERY_TIMEOUT`.
    """

    def __init__(self, http: httpx.Client | None = None) -> None:
        self.http = http

    def __call__(self, ctx: Context, job: queue.Job) -> None:
        delivery_id = str(job.payload.get("deliveryId", ""))
        if self.http is not None:
            deliver(ctx, delivery_id, self.http)
            return
        with httpx.Client(timeout=DELIVERY_TIMEOUT, follow_redirects=False) as http:
            deliver(ctx, delivery_id, http)


def give_up(ctx: Context, db: Db, job: queue.Job, error: str) -> None:
    """The runner ran out of attempts for this delivery: it is Failed for good."""
    delivery_id = str(job.payload.get("deliveryId", ""))
    delivery = store.get_delivery(db, delivery_id)
    if delivery is not None and delivery.status == PENDING:
        store.update_delivery(db, delivery_id, {"status": FAILED})
        log.warning(
            "webhook %s to consumer %s failed for good after %d attempt(s)",
            delivery_id,
            delivery.consumer_id,
            delivery.attempts,
        )
