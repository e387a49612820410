"""Push endpoints: validated before anything is queued, answered as Codat answers."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.support.connector_calls import customer, invoice, link
from tests.support.platform import LivePlatform


@pytest.fixture
def api(live: LivePlatform) -> Iterator[httpx.Client]:
    with live.client() as client:
        yield client


def _linked(live: LivePlatform, api: httpx.Client) -> tuple[str, str]:
    company_id: str = api.post("/companies", json={"name": "Push Co"}).json()["id"]
    connection_id: str = api.post(
        f"/companies/{company_id}/connections", json={"platformKey": "pqsw"}
    ).json()["id"]
    with httpx.Client(base_url=live.base_url) as bare:
        link(bare, company_id)
    return company_id, connection_id


def test_a_valid_push_is_queued_pending_with_its_record(
    live: LivePlatform, api: httpx.Client
) -> None:
    company_id, connection_id = _linked(live, api)
    body = invoice(3)
    del body["id"]
    response = api.post(
        f"/companies/{company_id}/connections/{connection_id}/push/invoices",
        params={"timeoutInMinutes": 5},
        json=body,
    )
    assert response.status_code == 200, response.text
    push = response.json()
    assert push["status"] == "Pending"
    assert push["dataType"] == "invoices"
    assert push["timeoutInMinutes"] == 5
    assert push["data"]["invoiceNumber"] == "INV-0003"
    listed = api.get(f"/companies/{company_id}/push").json()
    assert [p["pushOperationKey"] for p in listed["results"]] == [push["pushOperationKey"]]
    account = api.post(
        f"/companies/{company_id}/connections/{connection_id}/push/accounts",
        json={"name": "Petty cash", "type": "Asset", "status": "Active"},
    ).json()
    assert account["dataType"] == "chartOfAccounts"
    deleted = api.delete(f"/companies/{company_id}/connections/{connection_id}/push/bills/123-456")
    assert deleted.status_code == 200
    assert "data" not in deleted.json()


def test_bad_pushes_are_refused_before_queueing(live: LivePlatform, api: httpx.Client) -> None:
    company_id, connection_id = _linked(live, api)
    base = f"/companies/{company_id}/connections/{connection_id}/push"
    missing = invoice(1)
    del missing["issueDate"]
    refused = api.post(f"{base}/invoices", json=missing)
    assert refused.status_code == 400
    assert refused.json()["validation"]["errors"][0]["itemId"] == "issueDate"
    long_name = api.post(f"{base}/customers", json={**customer(1), "customerName": "N" * 42})
    assert long_name.status_code == 400
    problem = long_name.json()["validation"]["errors"][0]
    assert problem["itemId"] == "customerName"
    assert "41 characters" in problem["message"]
    assert (
        api.post(
            f"{base}/invoices", content=b"[1]", headers={"Content-Type": "application/json"}
        ).status_code
        == 400
    )
    assert api.put(f"{base}/payments/1", json={}).status_code in (400, 404, 405)
    assert api.post(f"{base}/bankAccounts", json={}).status_code == 404
    assert (
        api.post(f"{base}/invoices", params={"timeoutInMinutes": -1}, json=invoice(2)).status_code
        == 400
    )
    assert api.get(f"/companies/{company_id}/push").json()["totalResults"] == 0


def test_push_options_describe_fields_and_limits(live: LivePlatform, api: httpx.Client) -> None:
    company_id, connection_id = _linked(live, api)
    options = api.get(
        f"/companies/{company_id}/connections/{connection_id}/options/customers"
    ).json()
    assert options["type"] == "Object"
    name = options["properties"]["customerName"]
    assert name["type"] == "String"
    assert "41 characters" in name["validation"]["information"][0]["details"]
    assert options["properties"]["status"]["required"] is True
    assert options["properties"]["addresses"]["type"] == "Array"
    accounts = api.get(
        f"/companies/{company_id}/connections/{connection_id}/options/chartOfAccounts"
    )
    assert accounts.status_code == 200
    assert (
        api.get(
            f"/companies/{company_id}/connections/{connection_id}/options/bankAccounts"
        ).status_code
        == 404
    )
