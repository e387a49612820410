"""Webhook delivery: Standard Webhooks signatures, Codat's envelope, retries, the delivery log."""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import hmac
import json
import logging
import secrets
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from qbdlink.platform.domain import WebhookDelivery
from qbdlink.platform.jobs import webhooks as delivery
from qbdlink.platform.jobs.runner import Workers
from qbdlink.platform.services import companies, webhooks
from qbdlink.platform.services.context import Context, Tenant
from qbdlink.platform.services.events import DELIVER_WEBHOOK
from qbdlink.platform.storage import jobs as queue
from qbdlink.platform.storage.tables import webhook_consumers
from tests.integration.jobs.jobs_support import HookServer, JobsPlatform
from tests.support.platform import FakeClock, LivePlatform

# -- signing -------------------------------------------------------------------------------------


def test_sign_matches_the_standard_webhooks_example() -> None:
    # The example of the Standard Webhooks specification and its reference libraries.
    secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    signature = delivery.sign(
        secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, '{"test": 2432232314}'
    )
    assert signature == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="


def test_sign_matches_an_independent_hmac() -> None:
    key = secrets.token_bytes(32)
    secret = "whsec_" + base64.b64encode(key).decode()
    body = '{"id":"e1","eventType":"company.created","payload":{"name":"Café"}}'
    expected = hmac.new(key, f"e1.1700000000.{body}".encode(), hashlib.sha256).digest()

    assert delivery.sign(secret, "e1", 1700000000, body) == (
        "v1," + base64.b64encode(expected).decode()
    )
    assert delivery.sign(secret, "e1", 1700000000, body.encode()) == delivery.sign(
        secret, "e1", 1700000000, body
    )


def test_verify_accepts_genuine_requests_only() -> None:
    secret = webhooks.new_signing_secret()
    other = webhooks.new_signing_secret()
    at = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
    stamp = int(at.timestamp())
    body = b'{"id":"e1"}'
    good = delivery.sign(secret, "e1", stamp, body)

    delivery.verify(secret, "e1", str(stamp), body, good, now=at)
    # Several signatures (a secret being rotated): one match is enough.
    delivery.verify(
        secret, "e1", stamp, body, f"{delivery.sign(other, 'e1', stamp, body)} {good}", now=at
    )
    with pytest.raises(delivery.WebhookSignatureError):
        delivery.verify(secret, "e1", stamp, b'{"id":"e2"}', good, now=at)
    with pytest.raises(delivery.WebhookSignatureError):
        delivery.verify(other, "e1", stamp, body, good, now=at)
    with pytest.raises(delivery.WebhookSignatureError):
        delivery.verify(secret, "e2", stamp, body, good, now=at)
    with pytest.raises(delivery.WebhookSignatureError, match="from now"):
        delivery.verify(secret, "e1", stamp, body, good, now=at + timedelta(minutes=6))
    with pytest.raises(delivery.WebhookSignatureError):
        delivery.verify(secret, "e1", "soon", body, good, now=at)
    with pytest.raises(delivery.WebhookSignatureError) as malformed:
        delivery.sign("whsec_not base64!", "e1", stamp, body)
    assert "not base64!" not in str(malformed.value)


# -- end to end, through the live API ------------------------------------------------------------


def _consumer(live: LivePlatform, url: str) -> dict[str, str]:
    with live.client() as http:
        response = http.post(
            "/webhooks", json={"url": url, "eventTypes": ["company.created", "connection.created"]}
        )
    assert response.status_code == 201
    consumer: dict[str, str] = response.json()
    return consumer


def _company_with_connection(live: LivePlatform) -> tuple[str, str]:
    with live.client() as http:
        company = http.post("/companies", json={"name": "Toft Stores"}).json()
        connection = http.post(
            f"/companies/{company['id']}/connections", json={"platformKey": "pqsw"}
        ).json()
    return company["id"], connection["id"]


def _deliveries(ctx: Context, live: LivePlatform) -> list[WebhookDelivery]:
    return list(webhooks.recent_deliveries(ctx, Tenant(live.tenant.client.id)))


def test_events_reach_the_consumer_signed(live: LivePlatform) -> None:
    with HookServer() as server:
        consumer = _consumer(live, server.url)
        company_id, connection_id = _company_with_connection(live)

        assert Workers(live.platform.context).run_once() == 2

    assert len(server.received) == 2
    envelopes = []
    for request in server.received:
        assert request.path == "/hooks"
        assert request.headers["content-type"] == "application/json"
        delivery.verify(
            consumer["signingSecret"],
            request.headers["webhook-id"],
            request.headers["webhook-timestamp"],
            request.body,
            request.headers["webhook-signature"],
        )
        envelope = json.loads(request.body)
        assert set(envelope) == {"id", "eventType", "generatedDate", "payload"}
        assert envelope["id"] == request.headers["webhook-id"]
        envelopes.append(envelope)
    by_type = {e["eventType"]: e["payload"] for e in envelopes}
    assert set(by_type) == {"company.created", "connection.created"}
    assert by_type["company.created"]["id"] == company_id
    assert by_type["connection.created"]["connection"]["id"] == connection_id

    log = _deliveries(live.platform.context, live)
    assert {(d.status, d.attempts, d.last_status_code) for d in log} == {("Delivered", 1, 200)}
    assert {d.consumer_id for d in log} == {consumer["id"]}


def test_a_failed_attempt_is_retried_after_backoff(
    live: LivePlatform, caplog: pytest.LogCaptureFixture
) -> None:
    clock = FakeClock()
    ctx = dataclasses.replace(live.platform.context, clock=clock)
    workers = Workers(ctx)
    caplog.set_level(logging.INFO, logger="qbdlink.platform")
    with HookServer(statuses=[500]) as server:
        consumer = _consumer(live, server.url)
        with live.client() as http:
            http.post("/companies", json={"name": "Toft Stores"}).raise_for_status()

        assert workers.run_once() == 1
        [pending] = _deliveries(ctx, live)
        assert (pending.status, pending.attempts, pending.last_status_code) == ("Pending", 1, 500)
        assert pending.last_error == "HTTP 500"
        assert workers.run_once() == 0  # not due before its backoff
        clock.advance(minutes=1)
        assert workers.run_once() == 1

    [delivered] = _deliveries(ctx, live)
    assert (delivered.status, delivered.attempts, delivered.last_status_code) == (
        "Delivered",
        2,
        200,
    )
    assert delivered.last_error is None
    assert delivered.delivered == clock.now()
    first, second = server.received
    assert first.headers["webhook-id"] == second.headers["webhook-id"] == delivered.event_id
    assert first.body == second.body
    attempts = [r.getMessage() for r in caplog.records if " attempt " in r.getMessage()]
    assert len(attempts) == 2
    assert "attempt 1" in attempts[0] and "HTTP 500" in attempts[0]
    assert "attempt 2" in attempts[1] and "200" in attempts[1]
    assert consumer["signingSecret"] not in caplog.text


# -- failures, with a transport the test controls ------------------------------------------------


def _workers(jp: JobsPlatform, transport: httpx.MockTransport) -> Workers:
    sender = delivery.WebhookSender(httpx.Client(transport=transport))
    return Workers(
        jp.ctx,
        handlers={DELIVER_WEBHOOK: sender},
        give_up_hooks={DELIVER_WEBHOOK: delivery.give_up},
    )


def _event(jp: JobsPlatform, url: str = "http://consumer.test/hooks") -> str:
    consumer = webhooks.create_consumer(
        jp.ctx, jp.tenant, {"url": url, "eventTypes": ["company.created"]}
    )
    companies.create_company(jp.ctx, jp.tenant, name="Toft Stores")
    return consumer.id


def test_a_consumer_that_never_accepts_is_given_up(jobs_platform: JobsPlatform) -> None:
    jp = jobs_platform
    calls: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        return httpx.Response(503, text="maintenance")

    _event(jp)
    workers = _workers(jp, httpx.MockTransport(answer))
    while workers.run_once():
        jp.clock.advance(hours=2)  # past any backoff

    [failed] = webhooks.recent_deliveries(jp.ctx, jp.tenant)
    assert failed.status == "Failed"
    assert failed.attempts == len(calls) == 8  # events.publish queues 8 attempts
    assert (failed.last_status_code, failed.last_error) == (503, "HTTP 503: maintenance")
    with jp.ctx.database.read() as db:
        assert queue.counts(db) == {"failed": 1}


def test_an_unreachable_consumer_is_recorded_without_the_secret(
    jobs_platform: JobsPlatform, caplog: pytest.LogCaptureFixture
) -> None:
    jp = jobs_platform
    caplog.set_level(logging.DEBUG)

    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    consumer_id = _event(jp)
    assert _workers(jp, httpx.MockTransport(refuse)).run_once() == 1

    [pending] = webhooks.recent_deliveries(jp.ctx, jp.tenant)
    assert pending.status == "Pending"
    assert pending.last_status_code is None
    assert pending.last_error == "ConnectError: connection refused"
    [consumer] = [c for c in webhooks.list_consumers(jp.ctx, jp.tenant) if c.id == consumer_id]
    assert consumer.secret not in caplog.text
    assert consumer.secret.removeprefix("whsec_") not in caplog.text


def test_a_disabled_or_deleted_consumer_gets_nothing(jobs_platform: JobsPlatform) -> None:
    jp = jobs_platform
    calls: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        return httpx.Response(200)

    disabled = _event(jp, "http://disabled.test/hooks")
    with jp.ctx.database.write() as db:
        db.execute(
            webhook_consumers.update()
            .where(webhook_consumers.c.id == disabled)
            .values(disabled=True)
        )
    deleted = _event(jp, "http://deleted.test/hooks")
    webhooks.delete_consumer(jp.ctx, jp.tenant, deleted)

    # Two jobs: one per company (the second event was not for the consumer already disabled).
    assert _workers(jp, httpx.MockTransport(answer)).run_once() == 2

    assert calls == []
    log = webhooks.recent_deliveries(jp.ctx, jp.tenant)
    assert {(d.consumer_id, d.status, d.attempts) for d in log} == {(disabled, "Failed", 0)}
    with jp.ctx.database.read() as db:
        assert queue.counts(db) == {"done": 2}
