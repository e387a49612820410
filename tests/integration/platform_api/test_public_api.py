"""The public API's contract beyond the SDKs: errors, paging, queries, settings, keys."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.support.connector_calls import invoice, link
from tests.support.platform import LivePlatform, basic_auth


@pytest.fixture
def api(live: LivePlatform) -> Iterator[httpx.Client]:
    with live.client() as client:
        yield client


def _error(response: httpx.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body: dict[str, Any] = response.json()
    assert body["statusCode"] == status
    assert isinstance(body["canBeRetried"], str)
    assert body["error"]
    assert body["correlationId"]
    return body


def _company_with_invoices(live: LivePlatform, api: httpx.Client, count: int) -> str:
    company_id: str = api.post("/companies", json={"name": "Paging Co"}).json()["id"]
    api.post(f"/companies/{company_id}/connections", json={"platformKey": "pqsw"})
    with httpx.Client(base_url=live.base_url) as bare:
        session = link(bare, company_id)
        pull_id = session.pull_for(session.work(), "invoices")
        session.upload(pull_id, 1, [invoice(n) for n in range(count)])
        session.complete(pull_id, count)
    return company_id


def test_every_failure_is_codats_envelope(api: httpx.Client, live: LivePlatform) -> None:
    _error(
        api.post("/companies", content=b"{nope", headers={"Content-Type": "application/json"}), 400
    )
    wrong_type = _error(api.post("/companies", json={"name": 12}), 400)
    assert wrong_type["validation"]["errors"][0]["itemId"] == "name"
    _error(api.post("/companies", json={}), 400)
    _error(api.post("/companies", json={"name": "   "}), 400)
    _error(api.get("/companies/unknown"), 404)
    _error(api.get("/nowhere"), 404)
    _error(api.delete("/profile"), 405)
    _error(api.get("/companies", params={"pageSize": 5001}), 400)
    _error(api.get("/companies", params={"page": 0}), 400)
    _error(api.get("/companies", params={"page": "x"}), 400)
    _error(api.get("/companies", params={"query": "name~"}), 400)
    _error(api.get("/companies", params={"query": "x" * 2049}), 400)
    _error(api.get("/companies", params={"query": "nosuch=1"}), 400)
    _error(api.get("/companies", params={"orderBy": "-nosuch"}), 400)
    with httpx.Client(base_url=live.base_url) as anonymous:
        assert _error(anonymous.get("/companies"), 401)["canBeRetried"] == "False"
        _error(anonymous.get("/companies", headers={"Authorization": "Basic !!"}), 401)
        _error(anonymous.get("/companies", headers={"Authorization": "Bearer x"}), 401)
        _error(anonymous.get("/companies", headers={"Authorization": basic_auth("x" * 40)}), 401)


def test_unknown_and_unsupported_data_types(api: httpx.Client) -> None:
    company_id = api.post("/companies", json={"name": "Types"}).json()["id"]
    unsupported = _error(api.post(f"/companies/{company_id}/data/queue/bankAccounts"), 404)
    assert "not supported by platform" in unsupported["error"]
    assert "Datatype" in unsupported["error"]
    _error(api.post(f"/companies/{company_id}/data/queue/nonsense"), 404)
    _error(api.get(f"/companies/{company_id}/data/nonsense"), 404)
    not_linked = _error(api.post(f"/companies/{company_id}/data/queue/invoices"), 400)
    assert "no QuickBooks Desktop connection" in not_linked["error"]


def test_pagination_envelope_links_and_queries(live: LivePlatform, api: httpx.Client) -> None:
    company_id = _company_with_invoices(live, api, 25)
    path = f"/companies/{company_id}/data/invoices"
    page = api.get(path, params={"page": 2, "pageSize": 10, "orderBy": "-totalAmount"}).json()
    assert page["pageNumber"] == 2
    assert page["pageSize"] == 10
    assert page["totalResults"] == 25
    assert [r["totalAmount"] for r in page["results"]] == list(range(114, 104, -1))
    links = page["_links"]
    assert links["self"]["href"] == path
    assert links["current"]["href"] == f"{path}?page=2&pageSize=10&orderBy=-totalAmount"
    assert links["next"]["href"].startswith(f"{path}?page=3")
    assert links["previous"]["href"].startswith(f"{path}?page=1")
    last = api.get(path, params={"page": 3, "pageSize": 10}).json()
    assert "next" not in last["_links"]
    assert len(last["results"]) == 5

    def ids(query: str) -> set[int]:
        found = api.get(path, params={"query": query, "pageSize": 100}).json()
        return {int(r["invoiceNumber"][4:]) for r in found["results"]}

    assert ids("status=Paid") == {n for n in range(25) if n % 4 == 1}
    assert ids("status=paid") == ids("status=Paid")
    assert ids("totalAmount>120") == set(range(21, 25))
    assert ids("{status=Paid||status=Void}&&totalAmount>=115") == {15, 17, 19, 21, 23}
    assert ids("customerRef.id=800001-1071") == {n for n in range(25) if n % 3 == 0}
    assert ids("invoiceNumber~INV-001") == set(range(10, 20))
    assert ids("issueDate<2024-01-03") == {0, 1, 28 % 28}
    counted = api.get(path, params={"query": "status=Void", "pageSize": 1}).json()
    assert counted["totalResults"] == len({n for n in range(25) if n % 4 == 3})


def test_put_replaces_patch_updates_delete_cascades(live: LivePlatform, api: httpx.Client) -> None:
    company_id = _company_with_invoices(live, api, 3)
    patched = api.patch(f"/companies/{company_id}", json={"description": "Bakery"}).json()
    assert patched["name"] == "Paging Co"
    assert patched["description"] == "Bakery"
    put = api.put(f"/companies/{company_id}", json={"name": "Renamed", "tags": {"a": "b"}}).json()
    assert put["name"] == "Renamed"
    assert "description" not in put
    assert put["tags"] == {"a": "b"}
    tagged = api.get("/companies", params={"tags": "a=b"}).json()
    assert [c["id"] for c in tagged["results"]] == [company_id]
    assert api.get("/companies", params={"tags": "a=c"}).json()["totalResults"] == 0
    deleted = api.delete(f"/companies/{company_id}")
    assert deleted.status_code == 204
    assert deleted.content == b""
    _error(api.get(f"/companies/{company_id}/data/invoices"), 404)
    with live.platform.database.read() as db:
        from sqlalchemy import func, select

        from qbdlink.platform.storage.tables import pull_operations, records

        left = db.execute(select(func.count()).select_from(records)).scalar_one()
        pulls = db.execute(select(func.count()).select_from(pull_operations)).scalar_one()
    assert (left, pulls) == (0, 0)


def test_sync_settings_round_trip_and_validation(api: httpx.Client) -> None:
    company_id = api.post("/companies", json={"name": "Settings"}).json()["id"]
    defaults = api.get(f"/companies/{company_id}/syncSettings").json()
    assert defaults["overridesDefaults"] is False
    keys = [s["dataType"] for s in defaults["settings"]]
    assert "chartOfAccounts" in keys and "accounts" not in keys and len(keys) == 15
    body = {
        "companyId": company_id,
        "settings": [
            {"dataType": "invoices", "fetchOnFirstLink": False, "syncSchedule": 1, "syncOrder": 3},
            {
                "dataType": "chartOfAccounts",
                "fetchOnFirstLink": True,
                "syncSchedule": 168,
                "syncOrder": 0,
                "syncFromWindow": 12,
            },
        ],
        "overridesDefaults": True,
    }
    assert api.post(f"/companies/{company_id}/syncSettings", json=body).status_code == 204
    got = api.get(f"/companies/{company_id}/syncSettings").json()
    assert got["overridesDefaults"] is True
    by_type = {s["dataType"]: s for s in got["settings"]}
    assert by_type["invoices"]["fetchOnFirstLink"] is False
    assert by_type["chartOfAccounts"]["syncFromWindow"] == 12
    bad = dict(body, settings=[dict(body["settings"][0], dataType="bankAccounts")])
    problem = _error(api.post(f"/companies/{company_id}/syncSettings", json=bad), 400)
    assert "does not fetch" in problem["validation"]["errors"][0]["message"]
    both = dict(
        body,
        settings=[dict(body["settings"][1], syncFromUtc="2020-01-01T00:00:00Z")],
    )
    _error(api.post(f"/companies/{company_id}/syncSettings", json=both), 400)
    _error(api.post(f"/companies/{company_id}/syncSettings", json={"settings": []}), 400)
    client_wide = api.get("/profile/syncSettings").json()
    assert client_wide["overridesDefaults"] is False
    assert {s["dataType"] for s in client_wide["settings"]} == set(keys)


def test_api_keys_are_shown_once_and_revocable(live: LivePlatform, api: httpx.Client) -> None:
    created = api.post("/apiKeys", json={"name": "ci"})
    assert created.status_code == 201
    key = created.json()
    assert len(key["apiKey"]) == 40
    listed = api.get("/apiKeys").json()["results"]
    shown = next(k for k in listed if k["id"] == key["id"])
    assert shown["apiKey"] == "****" + key["apiKey"][-4:]
    with httpx.Client(
        base_url=live.base_url, headers={"Authorization": basic_auth(key["apiKey"])}
    ) as other:
        assert other.get("/companies").status_code == 200
        assert api.delete(f"/apiKeys/{key['id']}").status_code == 204
        _error(other.get("/companies"), 401)
    _error(api.delete(f"/apiKeys/{key['id']}"), 404)


def test_profile_and_integrations(api: httpx.Client) -> None:
    profile = api.get("/profile").json()
    assert profile["name"] == "Acme Lending"
    assert "{companyId}" in profile["redirectUrl"]
    updated = api.put(
        "/profile",
        json={
            "name": "Acme Lending",
            "redirectUrl": "https://acme.example/{companyId}",
            "logoUrl": "https://acme.example/logo.png",
        },
    ).json()
    assert updated["logoUrl"] == "https://acme.example/logo.png"
    integrations = api.get("/integrations").json()
    assert [i["key"] for i in integrations["results"]] == ["pqsw"]
    assert api.get("/integrations/pqsw").json()["isOfflineConnector"] is True
    _error(api.get("/integrations/gbol"), 404)


def test_connections_lifecycle(api: httpx.Client) -> None:
    company_id = api.post("/companies", json={"name": "Conn"}).json()["id"]
    _error(api.post(f"/companies/{company_id}/connections", json={"platformKey": "gbol"}), 404)
    first = api.post(f"/companies/{company_id}/connections", json={"platformKey": "pqsw"}).json()
    again = api.post(f"/companies/{company_id}/connections", json={"platformKey": "pqsw"}).json()
    assert first["id"] == again["id"]
    assert first["status"] == "PendingAuth"
    assert first["linkUrl"].endswith(f"/connections/{first['id']}/installer")
    _error(
        api.patch(f"/companies/{company_id}/connections/{first['id']}", json={"status": "Linked"}),
        400,
    )
    authorized = api.put(
        f"/companies/{company_id}/connections/{first['id']}/authorization", json={"note": "x"}
    )
    assert authorized.status_code == 200
    listed = api.get(f"/companies/{company_id}/connections").json()
    assert listed["totalResults"] == 1
    company = api.get(f"/companies/{company_id}").json()
    assert company["dataConnections"][0]["id"] == first["id"]
    deleted = api.delete(f"/companies/{company_id}/connections/{first['id']}")
    assert deleted.status_code == 200
    assert deleted.content == b""
    _error(api.get(f"/companies/{company_id}/connections/{first['id']}"), 404)
