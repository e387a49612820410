"""Pushes left Pending past timeoutInMinutes become TimedOut and announce write.unsuccessful."""

from __future__ import annotations

import json
import threading
import uuid
from collections import Counter
from typing import Any

from qbdlink.platform.domain import (
    PUSH_PENDING,
    PUSH_SUCCESS,
    PUSH_TIMED_OUT,
    Company,
    Connection,
    PushOperation,
)
from qbdlink.platform.jobs.runner import Workers
from qbdlink.platform.services import push_events, schedule, webhooks
from qbdlink.platform.services.events import iso
from qbdlink.platform.storage import pushes as push_store
from tests.integration.jobs.jobs_support import JobsPlatform


def _push(
    jp: JobsPlatform,
    company: Company,
    connection: Connection,
    *,
    timeout: int | None,
    status: str = PUSH_PENDING,
    data_type: str = "invoices",
    operation: str = "Create",
    record_id: str | None = None,
) -> PushOperation:
    with jp.ctx.database.write() as db:
        return push_store.insert_push(
            db,
            {
                "key": str(uuid.uuid4()),
                "client_id": company.client_id,
                "company_id": company.id,
                "connection_id": connection.id,
                "data_type": data_type,
                "operation": operation,
                "record_id": record_id,
                "status": status,
                "status_code": 202,
                "timeout_in_minutes": timeout,
                "body": {"invoiceNumber": "INV-1"},
            },
        )


def _get(jp: JobsPlatform, push: PushOperation) -> PushOperation:
    with jp.ctx.database.read() as db:
        found = push_store.get_push(db, push.company_id, push.key)
    assert found is not None
    return found


def _events(jp: JobsPlatform) -> list[dict[str, Any]]:
    deliveries = webhooks.recent_deliveries(jp.ctx, jp.tenant)
    return [json.loads(d.body) for d in reversed(deliveries)]


def _subscribe(jp: JobsPlatform, *event_types: str) -> None:
    webhooks.create_consumer(
        jp.ctx, jp.tenant, {"url": "http://127.0.0.1:9/hooks", "eventTypes": list(event_types)}
    )


def test_a_push_past_its_deadline_times_out_once(jobs_platform: JobsPlatform) -> None:
    jp = jobs_platform
    _subscribe(jp, "invoices.write.unsuccessful", "invoices.write.successful")
    company, connection = jp.company()
    short = _push(jp, company, connection, timeout=5)
    long = _push(jp, company, connection, timeout=60)
    forever = _push(jp, company, connection, timeout=None)
    done = _push(jp, company, connection, timeout=1, status=PUSH_SUCCESS)

    jp.clock.advance(minutes=4)
    assert schedule.time_out_pushes(jp.ctx) == []
    jp.clock.advance(minutes=2)
    timed_out = schedule.time_out_pushes(jp.ctx)

    assert [p.key for p in timed_out] == [short.key]
    after = _get(jp, short)
    assert after.status == PUSH_TIMED_OUT
    assert after.status_code == schedule.TIMED_OUT_STATUS_CODE
    assert after.completed == jp.clock.now()
    assert after.error_message and "5 minute" in after.error_message
    assert [_get(jp, p).status for p in (long, forever, done)] == [
        PUSH_PENDING,
        PUSH_PENDING,
        PUSH_SUCCESS,
    ]
    assert schedule.time_out_pushes(jp.ctx) == []

    [event] = _events(jp)
    assert event["eventType"] == "invoices.write.unsuccessful"
    assert event["generatedDate"] == iso(jp.clock.now())
    assert event["payload"] == {
        "id": short.key,
        "type": "Create",
        "referenceCompany": {
            "id": company.id,
            "name": company.name,
            "description": None,
            "tags": {},
            "links": {"portal": f"{jp.ctx.deployment.base_url}/portal/companies/{company.id}"},
        },
        "connectionId": connection.id,
        "requestedOnDate": iso(short.requested),
        "completedOnDate": iso(jp.clock.now()),
        "status": "TimedOut",
        "record": None,
        "attachmentId": None,
    }


def test_the_workers_tick_times_pushes_out(jobs_platform: JobsPlatform) -> None:
    jp = jobs_platform
    company, connection = jp.company()
    push = _push(jp, company, connection, timeout=1, data_type="chartOfAccounts")

    jp.clock.advance(minutes=2)
    Workers(jp.ctx, handlers={}, give_up_hooks={}).tick()

    assert _get(jp, push).status == PUSH_TIMED_OUT


def test_concurrent_timeouts_decide_each_push_once(jobs_platform: JobsPlatform) -> None:
    jp = jobs_platform
    _subscribe(jp, "bills.write.unsuccessful")
    company, connection = jp.company()
    pushes = [_push(jp, company, connection, timeout=1, data_type="bills") for _ in range(6)]
    jp.clock.advance(minutes=2)
    start = threading.Barrier(3)
    results: list[str] = []
    errors: list[BaseException] = []

    def run() -> None:
        start.wait()
        try:
            results.extend(p.key for p in schedule.time_out_pushes(jp.ctx))
        except BaseException as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert sorted(results) == sorted(p.key for p in pushes)
    events = Counter(e["payload"]["id"] for e in _events(jp))
    assert events == {p.key: 1 for p in pushes}


def test_write_events_for_other_outcomes(jobs_platform: JobsPlatform) -> None:
    """The shared publisher also announces successes (issue 6 reuses it) in Codat's words."""
    jp = jobs_platform
    company, connection = jp.company()
    push = _push(jp, company, connection, timeout=None, operation="Update", record_id="80-1071")
    succeeded = PushOperation(**{**push.__dict__, "status": PUSH_SUCCESS})

    payload = push_events.write_event_payload(jp.ctx, company, succeeded)

    assert push_events.write_event_type(succeeded) == "invoices.write.successful"
    assert payload["status"] == "Successful"
    assert payload["type"] == "Update"
    assert payload["record"] == {"id": "80-1071"}
    assert push_events.write_event_type(push) == "invoices.write.unsuccessful"
