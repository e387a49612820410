"""The connector API over HTTP: link, work, uploads (idempotent, resumable), results, disconnect."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from qbdlink.model.licence import new_company_id
from tests.support.connector_calls import (
    PREFIX,
    ConnectorSession,
    customer,
    invoice,
    link,
    link_body,
)
from tests.support.platform import LivePlatform


def _company(http: httpx.Client, name: str = "Bob's Burgers") -> str:
    company_id: str = http.post("/companies", json={"name": name}).json()["id"]
    return company_id


def _connection(http: httpx.Client, company_id: str) -> dict[str, Any]:
    response = http.post(f"/companies/{company_id}/connections", json={"platformKey": "pqsw"})
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


@pytest.fixture
def api(live: LivePlatform) -> Iterator[httpx.Client]:
    with live.client() as client:
        yield client


@pytest.fixture
def bare(live: LivePlatform) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=live.base_url, timeout=30) as client:
        yield client


def test_link_moves_the_connection_to_linked_and_queues_the_first_link(
    api: httpx.Client, bare: httpx.Client
) -> None:
    company_id = _company(api)
    connection = _connection(api, company_id)
    info = bare.get(f"{PREFIX}/link", params={"licenceKey": company_id, "region": "us"}).json()
    assert info["companyName"] == "Bob's Burgers"
    assert info["clientName"] == "Acme Lending"
    assert info["canLink"] is True

    response = bare.post(f"{PREFIX}/link", json=link_body(company_id))
    assert response.status_code == 200, response.text
    linked = response.json()
    assert linked["companyName"] == "Bob's Burgers"
    assert linked["mode"] == "ongoing"
    assert "invoices" in linked["initialDataTypes"]
    assert "chartOfAccounts" in linked["initialDataTypes"]

    got = api.get(f"/companies/{company_id}/connections/{connection['id']}").json()
    assert got["status"] == "Linked"
    history = api.get(f"/companies/{company_id}/data/history", params={"pageSize": 100}).json()
    assert {p["dataType"] for p in history["results"]} == set(linked["initialDataTypes"])
    assert all(
        p["status"] == "Fetching"
        and p["statusDescription"] == "Waiting for asynchronous response from third party"
        for p in history["results"]
    )


def test_only_a_pending_connection_can_be_linked(api: httpx.Client, bare: httpx.Client) -> None:
    company_id = _company(api)
    no_connection = bare.post(f"{PREFIX}/link", json=link_body(company_id))
    assert no_connection.status_code == 409
    assert no_connection.json()["code"] == "link.not_pending"

    _connection(api, company_id)
    assert bare.post(f"{PREFIX}/link", json=link_body(company_id)).status_code == 200
    again = bare.post(f"{PREFIX}/link", json=link_body(company_id))
    assert again.status_code == 409
    assert again.json()["code"] == "link.already_linked"


def test_repeating_a_link_whose_answer_was_lost_gives_a_fresh_credential(
    api: httpx.Client, bare: httpx.Client
) -> None:
    company_id = _company(api)
    _connection(api, company_id)
    body = link_body(company_id)
    first = bare.post(f"{PREFIX}/link", json=body).json()["credential"]
    second = bare.post(f"{PREFIX}/link", json=body).json()["credential"]
    assert first != second
    revoked = bare.get(f"{PREFIX}/work", headers={"Authorization": f"Bearer {first}"})
    assert revoked.status_code == 401
    session = ConnectorSession(http=bare, credential=second, company_id=company_id)
    assert len(session.work()["pulls"]) == 15  # the first link was queued once, not twice


def test_a_licence_key_of_another_region_names_the_right_region(bare: httpx.Client) -> None:
    uk_key = new_company_id("uk")
    response = bare.post(f"{PREFIX}/link", json=link_body(uk_key, region="uk"))
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "link.wrong_region"
    assert "United Kingdom" in body["error"] or "United Kingdom" in body["fix"]

    response = bare.post(f"{PREFIX}/link", json=link_body(uk_key, region="us"))
    assert response.status_code == 400
    assert "belongs to the United Kingdom region" in response.json()["error"]
    assert "Choose United Kingdom" in response.json()["fix"]


def test_unknown_and_malformed_licence_keys_are_clear_errors(bare: httpx.Client) -> None:
    unknown = bare.post(f"{PREFIX}/link", json=link_body(new_company_id("us")))
    assert unknown.status_code == 404
    assert unknown.json()["code"] == "link.unknown_key"
    malformed = bare.post(f"{PREFIX}/link", json=link_body("not-a-key"))
    assert malformed.status_code == 400
    assert malformed.json()["code"] == "link.malformed_key"
    missing = bare.post(f"{PREFIX}/link", json={"licenceKey": "x"})
    assert missing.status_code == 400
    assert missing.json()["validation"]["errors"]


def test_uploads_are_idempotent_by_batch_and_resumable(
    api: httpx.Client, bare: httpx.Client
) -> None:
    company_id = _company(api)
    _connection(api, company_id)
    session = link(bare, company_id)
    work = session.work()
    pull_id = session.pull_for(work, "invoices")

    first = session.upload(pull_id, 1, [invoice(n) for n in range(50)])
    assert first.status_code == 200, first.text
    assert first.json() == {
        "pullId": pull_id,
        "seq": 1,
        "duplicate": False,
        "recordsReceived": 50,
    }
    # The answer was lost: the connector sends batch 1 again, then goes on.
    retry = session.upload(pull_id, 1, [invoice(n) for n in range(50)])
    assert retry.json()["duplicate"] is True
    assert session.upload(pull_id, 2, [invoice(n) for n in range(50, 80)]).status_code == 200

    # A restarted connector asks where it was.
    state = bare.get(f"{PREFIX}/pulls/{pull_id}", headers=session.headers).json()
    assert state["receivedBatches"] == [1, 2]
    assert state["recordsReceived"] == 80
    assert state["isCompleted"] is False

    assert session.complete(pull_id, 80).status_code == 200
    listed = api.get(f"/companies/{company_id}/data/invoices", params={"pageSize": 500}).json()
    assert listed["totalResults"] == 80
    assert len({r["id"] for r in listed["results"]}) == 80
    pull = api.get(f"/companies/{company_id}/data/history/{pull_id}").json()
    assert pull["status"] == "Complete"
    assert pull["progress"] == 100
    assert pull["isCompleted"] is True
    closed = session.upload(pull_id, 3, [invoice(99)])
    assert closed.status_code == 409


def test_an_invalid_record_rejects_the_batch_with_the_field_named(
    api: httpx.Client, bare: httpx.Client
) -> None:
    company_id = _company(api)
    _connection(api, company_id)
    session = link(bare, company_id)
    pull_id = session.pull_for(session.work(), "invoices")
    bad = invoice(1)
    del bad["issueDate"]
    response = session.upload(pull_id, 1, [invoice(0), bad])
    assert response.status_code == 400
    assert "issueDate" in response.json()["error"]
    assert session.upload(pull_id, 1, [invoice(0)]).json()["duplicate"] is False
    not_json = session.http.post(
        f"{PREFIX}/pulls/{pull_id}/batches/2",
        content=b"[{",
        headers={**session.headers, "Content-Type": "application/json"},
    )
    assert not_json.status_code == 400


def test_reads_are_409_until_fetched_then_return_records(
    api: httpx.Client, bare: httpx.Client
) -> None:
    company_id = _company(api)
    _connection(api, company_id)
    session = link(bare, company_id)
    work = session.work()
    not_ready = api.get(f"/companies/{company_id}/data/customers")
    assert not_ready.status_code == 409
    assert not_ready.json()["statusCode"] == 409

    pull_id = session.pull_for(work, "customers")
    session.upload(pull_id, 1, [customer(n) for n in range(1, 4)])
    session.complete(pull_id)
    page = api.get(f"/companies/{company_id}/data/customers").json()
    assert [c["customerName"] for c in page["results"]] == [
        "Customer 1",
        "Customer 2",
        "Customer 3",
    ]
    one = api.get(f"/companies/{company_id}/data/customers/800002-1071").json()
    assert one["addresses"][0]["city"] == "Springfield"
    assert api.get(f"/companies/{company_id}/data/customers/nope").status_code == 404
    status = api.get(f"/companies/{company_id}/dataStatus").json()
    assert status["customers"]["currentStatus"] == "Complete"
    assert status["customers"]["latestSuccessfulSyncId"] == pull_id


def test_failed_pull_reports_the_error_and_its_fix(api: httpx.Client, bare: httpx.Client) -> None:
    company_id = _company(api)
    connection = _connection(api, company_id)
    session = link(bare, company_id)
    pull_id = session.pull_for(session.work(), "bills")
    response = bare.post(
        f"{PREFIX}/pulls/{pull_id}/failed",
        json={
            "status": "FetchError",
            "problem": {
                "code": "quickbooks.wrong_company_file",
                "message": "Incorrect company file open.",
                "fix": "Open the company file you linked, then sync again.",
            },
        },
        headers=session.headers,
    )
    assert response.status_code == 200, response.text
    pull = api.get(f"/companies/{company_id}/data/history/{pull_id}").json()
    assert pull["status"] == "FetchError"
    assert pull["isErrored"] is True
    assert pull["errorMessage"] == "Incorrect company file open."
    got = api.get(f"/companies/{company_id}/connections/{connection['id']}").json()
    assert got["dataConnectionErrors"][-1]["errorMessage"].startswith("Incorrect company file")


def test_work_long_polls_until_a_pull_is_queued(
    live: LivePlatform, api: httpx.Client, bare: httpx.Client
) -> None:
    company_id = _company(api)
    _connection(api, company_id)
    session = link(bare, company_id)
    first = session.work()
    for pull in first["pulls"]:
        session.complete(pull["id"], 0)
    assert session.work(wait=0)["pulls"] == []
    queued = api.post(f"/companies/{company_id}/data/queue/invoices")
    assert queued.status_code == 200
    assert queued.json()["status"] == "Fetching"
    found = session.work(wait=1.5)
    assert [p["dataType"] for p in found["pulls"]] == ["invoices"]
    again = api.post(f"/companies/{company_id}/data/queue/invoices")
    assert again.status_code == 400
    assert "DatasetAlreadyInProgress" in again.json()["error"]


def test_heartbeat_is_stored_and_explains_waiting_pulls(
    live: LivePlatform, api: httpx.Client, bare: httpx.Client
) -> None:
    from qbdlink.platform.services.connector import connection_health

    company_id = _company(api)
    connection = _connection(api, company_id)
    session = link(bare, company_id)
    response = bare.post(
        f"{PREFIX}/heartbeat",
        json={
            "quickbooksReachable": False,
            "state": "waiting_for_quickbooks",
            "lastError": {
                "code": "quickbooks.not_running",
                "message": "QuickBooks is not open.",
                "fix": "Open QuickBooks and the company file.",
            },
        },
        headers=session.headers,
    )
    assert response.status_code == 200, response.text
    assert response.json() == {"connectionStatus": "Linked", "mode": "ongoing"}
    health = connection_health(live.platform.context, connection["id"])
    assert health is not None
    assert health["lastError"]["message"] == "QuickBooks is not open."
    pulls = api.get(f"/companies/{company_id}/data/history").json()["results"]
    assert all(p["statusDescription"].endswith("QuickBooks is not open.") for p in pulls)


def test_one_time_mode_ends_deauthorized_and_revokes_the_credential(
    api: httpx.Client, bare: httpx.Client
) -> None:
    assert api.put("/profile/connectorSettings", json={"mode": "one-time"}).status_code == 200
    company_id = _company(api)
    connection = _connection(api, company_id)
    response = bare.post(f"{PREFIX}/link", json=link_body(company_id))
    assert response.json()["mode"] == "one-time"
    session = ConnectorSession(bare, response.json()["credential"], company_id)
    done = bare.post(
        f"{PREFIX}/disconnect", json={"reason": "one-time-complete"}, headers=session.headers
    )
    assert done.status_code == 204
    got = api.get(f"/companies/{company_id}/connections/{connection['id']}").json()
    assert got["status"] == "Deauthorized"
    assert bare.get(f"{PREFIX}/work", headers=session.headers).status_code == 401


def test_company_override_of_the_connector_mode(api: httpx.Client) -> None:
    company_id = _company(api)
    assert api.get(f"/companies/{company_id}/connectorSettings").json() == {
        "mode": None,
        "effectiveMode": "ongoing",
    }
    put = api.put(f"/companies/{company_id}/connectorSettings", json={"mode": "one-time"})
    assert put.json() == {"mode": "one-time", "effectiveMode": "one-time"}
    bad = api.put(f"/companies/{company_id}/connectorSettings", json={"mode": "sometimes"})
    assert bad.status_code == 400
    reset = api.put(f"/companies/{company_id}/connectorSettings", json={"mode": None})
    assert reset.json() == {"mode": None, "effectiveMode": "ongoing"}


def test_unlinking_revokes_the_connector(api: httpx.Client, bare: httpx.Client) -> None:
    company_id = _company(api)
    connection = _connection(api, company_id)
    session = link(bare, company_id)
    unlinked = api.patch(
        f"/companies/{company_id}/connections/{connection['id']}", json={"status": "Unlinked"}
    )
    assert unlinked.json()["status"] == "Unlinked"
    assert bare.get(f"{PREFIX}/work", headers=session.headers).status_code == 401
    assert bare.get(f"{PREFIX}/work", headers={"Authorization": "Bearer nope"}).status_code == 401
    assert bare.get(f"{PREFIX}/work").status_code == 401


def test_missing_pull_ids_are_404(api: httpx.Client, bare: httpx.Client) -> None:
    company_id = _company(api)
    _connection(api, company_id)
    session = link(bare, company_id)
    response = session.upload(str(uuid.uuid4()), 1, [invoice(1)])
    assert response.status_code == 404


def _queue_push(live: LivePlatform, company_id: str, connection_id: str, **values: Any) -> str:
    from qbdlink.platform.storage import pushes

    key = str(uuid.uuid4())
    row = {
        "key": key,
        "client_id": live.tenant.client.id,
        "company_id": company_id,
        "connection_id": connection_id,
        "data_type": "invoices",
        "operation": "Create",
        "status": "Pending",
        "status_code": 202,
        "timeout_in_minutes": 5,
        "body": invoice(7),
        **values,
    }
    with live.platform.database.write() as db:
        pushes.insert_push(db, row)
    return key


def test_push_results_store_the_record_and_announce_it(
    live: LivePlatform, api: httpx.Client, bare: httpx.Client
) -> None:
    from qbdlink.platform.services.context import Tenant as ServiceTenant
    from qbdlink.platform.services.webhooks import recent_deliveries

    company_id = _company(api)
    connection = _connection(api, company_id)
    api.post(
        "/webhooks",
        json={"url": "https://hooks.example/x", "eventTypes": ["invoices.write.successful"]},
    )
    session = link(bare, company_id)
    work = session.work()
    session.complete(session.pull_for(work, "invoices"), 0)
    key = _queue_push(live, company_id, connection["id"])
    assert [p["key"] for p in session.work()["pushes"]] == [key]

    url = f"{PREFIX}/pushes/{key}/result"
    written = invoice(7, id="7777-1071526256")
    ok = bare.post(url, json={"status": "Success", "record": written}, headers=session.headers)
    assert ok.status_code == 204, ok.text
    push = api.get(f"/companies/{company_id}/push/{key}").json()
    assert push["status"] == "Success"
    assert push["changes"][0]["recordRef"] == {"id": "7777-1071526256", "dataType": "invoices"}
    assert api.get(f"/companies/{company_id}/data/invoices/7777-1071526256").status_code == 200
    # The same report again (a retry after a lost answer) changes nothing; a contrary one fails.
    again = bare.post(url, json={"status": "Success", "record": written}, headers=session.headers)
    assert again.status_code == 204
    contrary = bare.post(url, json={"status": "Failed"}, headers=session.headers)
    assert contrary.status_code == 409
    deliveries = recent_deliveries(live.platform.context, ServiceTenant(live.tenant.client.id))
    assert [d.event_type for d in deliveries] == ["invoices.write.successful"]
    assert session.work()["pushes"] == []


def test_a_timed_out_push_is_reconciled_and_failures_keep_their_reason(
    live: LivePlatform, api: httpx.Client, bare: httpx.Client
) -> None:
    company_id = _company(api)
    connection = _connection(api, company_id)
    session = link(bare, company_id)
    late = _queue_push(live, company_id, connection["id"], status="TimedOut", status_code=504)
    record = invoice(8)
    response = bare.post(
        f"{PREFIX}/pushes/{late}/result",
        json={"status": "Success", "record": record},
        headers=session.headers,
    )
    assert response.status_code == 204
    assert api.get(f"/companies/{company_id}/push/{late}").json()["status"] == "Success"

    failing = _queue_push(live, company_id, connection["id"])
    failed = bare.post(
        f"{PREFIX}/pushes/{failing}/result",
        json={
            "status": "Failed",
            "statusCode": 400,
            "errorMessage": "QuickBooks status 3140: the customer does not exist.",
        },
        headers=session.headers,
    )
    assert failed.status_code == 204
    push = api.get(f"/companies/{company_id}/push/{failing}").json()
    assert push["status"] == "Failed"
    assert push["statusCode"] == 400
    assert "3140" in push["errorMessage"]
    no_record = _queue_push(live, company_id, connection["id"])
    missing = bare.post(
        f"{PREFIX}/pushes/{no_record}/result", json={"status": "Success"}, headers=session.headers
    )
    assert missing.status_code == 400


def test_deletions_mark_records_deleted_idempotently(api: httpx.Client, bare: httpx.Client) -> None:
    company_id = _company(api)
    _connection(api, company_id)
    session = link(bare, company_id)
    pull_id = session.pull_for(session.work(), "invoices")
    session.upload(pull_id, 1, [invoice(n) for n in range(3)])
    deleted = [invoice(1)["id"], "never-seen-1"]
    first = bare.post(
        f"{PREFIX}/pulls/{pull_id}/deletions/2", json=deleted, headers=session.headers
    )
    assert first.status_code == 200, first.text
    assert first.json()["duplicate"] is False
    again = bare.post(
        f"{PREFIX}/pulls/{pull_id}/deletions/2", json=deleted, headers=session.headers
    )
    assert again.json()["duplicate"] is True
    session.complete(pull_id, 3)
    gone = api.get(f"/companies/{company_id}/data/invoices/{invoice(1)['id']}").json()
    assert gone["metadata"]["isDeleted"] is True
    assert gone["invoiceNumber"] == "INV-0001"
    live_ones = api.get(
        f"/companies/{company_id}/data/invoices", params={"query": "metadata.isDeleted=false"}
    ).json()
    assert live_ones["totalResults"] == 2
    bad = bare.post(f"{PREFIX}/pulls/{pull_id}/deletions/3", json=[1, 2], headers=session.headers)
    assert bad.status_code in (400, 409)


def test_connection_events_connected_failed_reconnected(
    live: LivePlatform, api: httpx.Client, bare: httpx.Client
) -> None:
    from qbdlink.platform.services.context import Tenant as ServiceTenant
    from qbdlink.platform.services.webhooks import recent_deliveries

    api.post(
        "/webhooks",
        json={
            "url": "https://hooks.example/c",
            "eventTypes": [
                "connection.connected",
                "connection.failed",
                "connection.disconnected",
                "connection.reconnected",
            ],
        },
    )
    company_id = _company(api)
    first = _connection(api, company_id)
    session = link(bare, company_id)
    pull_id = session.pull_for(session.work(), "customers")
    bare.post(
        f"{PREFIX}/pulls/{pull_id}/failed",
        json={"status": "PermissionsError", "problem": {"code": "x", "message": "Denied."}},
        headers=session.headers,
    )
    api.patch(f"/companies/{company_id}/connections/{first['id']}", json={"status": "Unlinked"})
    _connection(api, company_id)
    link(bare, company_id)
    events = [
        d.event_type
        for d in reversed(
            recent_deliveries(live.platform.context, ServiceTenant(live.tenant.client.id))
        )
    ]
    assert events == [
        "connection.connected",
        "connection.failed",
        "connection.disconnected",
        "connection.reconnected",
    ]


def test_a_paused_connector_says_so_on_waiting_pulls(api: httpx.Client, bare: httpx.Client) -> None:
    company_id = _company(api)
    _connection(api, company_id)
    session = link(bare, company_id)
    bare.post(
        f"{PREFIX}/heartbeat",
        json={
            "quickbooksReachable": True,
            "state": "paused",
            "pausedUntil": "2026-11-27T09:00:00Z",
        },
        headers=session.headers,
    )
    pulls = api.get(f"/companies/{company_id}/data/history").json()["results"]
    assert {p["statusDescription"] for p in pulls} == {"Paused until 2026-11-27T09:00:00Z"}
