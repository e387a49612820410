"""No client sees or touches another's data, through any endpoint; no connector another company's.

Every route of the app is tried with another client's API key and the first client's ids
(and every connector route with another company's credential). Nothing may succeed, nothing
may leak, and the first client's data must be exactly as before.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from tests.support.connector_calls import PREFIX, ConnectorSession, invoice, link
from tests.support.platform import LivePlatform, Tenant, new_tenant

_BODIES: dict[str, Any] = {
    "POST /companies": {"name": "Intruder"},
    "PUT /companies/{companyId}": {"name": "Taken over"},
    "PATCH /companies/{companyId}": {"name": "Taken over"},
    "POST /companies/{companyId}/connections": {"platformKey": "pqsw"},
    "PATCH /companies/{companyId}/connections/{connectionId}": {"status": "Unlinked"},
    "PUT /companies/{companyId}/connections/{connectionId}/authorization": {"k": "v"},
    "POST /companies/{companyId}/syncSettings": {
        "companyId": "{companyId}",
        "settings": [
            {"dataType": "invoices", "fetchOnFirstLink": False, "syncSchedule": 1, "syncOrder": 0}
        ],
        "overridesDefaults": True,
    },
    "PUT /companies/{companyId}/connectorSettings": {"mode": "one-time"},
}


@dataclass
class Victim:
    company_id: str
    company_name: str
    connection_id: str
    pull_id: str
    record_id: str
    api_key_id: str
    webhook_id: str
    session: ConnectorSession

    def ids(self) -> dict[str, str]:
        return {
            "companyId": self.company_id,
            "connectionId": self.connection_id,
            "datasetId": self.pull_id,
            "pullId": self.pull_id,
            "pushOperationKey": self.pull_id,
            "recordId": self.record_id,
            "apiKeyId": self.api_key_id,
            "webhookId": self.webhook_id,
            "platformKey": "pqsw",
            "dataType": "invoices",
            "seq": "1",
        }

    def secrets(self, sent: str) -> list[str]:
        """What must not appear in an answer to ``sent`` (ids the caller sent may be echoed)."""
        ids = [self.company_id, self.connection_id, self.pull_id, self.webhook_id]
        data = [self.company_name, "INV-0001", "victim.example"]
        return data + [value for value in ids if value not in sent]


@pytest.fixture
def bare(live: LivePlatform) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=live.base_url, timeout=30) as client:
        yield client


def _victim(live: LivePlatform, bare: httpx.Client) -> Victim:
    with live.client() as api:
        company = api.post("/companies", json={"name": "Victim Bakery"}).json()
        connection = api.post(
            f"/companies/{company['id']}/connections", json={"platformKey": "pqsw"}
        ).json()
        session = link(bare, company["id"])
        pull_id = session.pull_for(session.work(), "invoices")
        session.upload(pull_id, 1, [invoice(1), invoice(2)])
        session.complete(pull_id, 2)
        api_key = api.post("/apiKeys", json={"name": "victim"}).json()
        webhook = api.post(
            "/webhooks",
            json={"url": "https://victim.example/hook", "eventTypes": ["read.completed"]},
        ).json()
    return Victim(
        company_id=company["id"],
        company_name=company["name"],
        connection_id=connection["id"],
        pull_id=pull_id,
        record_id=invoice(1)["id"],
        api_key_id=api_key["id"],
        webhook_id=webhook["id"],
        session=session,
    )


def _snapshot(live: LivePlatform, victim: Victim) -> dict[str, Any]:
    with live.client() as api:
        company = victim.company_id
        return {
            path: api.get(path).json()
            for path in (
                f"/companies/{company}",
                f"/companies/{company}/connections/{victim.connection_id}",
                f"/companies/{company}/syncSettings",
                f"/companies/{company}/connectorSettings",
                f"/companies/{company}/data/invoices",
                f"/companies/{company}/data/history/{victim.pull_id}",
                "/apiKeys",
                "/webhooks",
                "/profile",
            )
        }


def _routes(live: LivePlatform) -> list[tuple[str, str]]:
    """Every operation of the app's OpenAPI document."""
    paths = live.platform.app.openapi()["paths"]
    return [(method.upper(), path) for path, item in paths.items() for method in sorted(item)]


def _fill(path: str, ids: dict[str, str]) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: ids[m.group(1)], path)


def _body(method: str, path: str, ids: dict[str, str]) -> Any:
    body = _BODIES.get(f"{method} {path}")
    if body is None:
        return None
    text = httpx.Request("POST", "/", json=body).content.decode()
    return httpx.Response(200, content=_fill(text, ids).encode()).json()


def test_another_clients_key_reaches_nothing(live: LivePlatform, bare: httpx.Client) -> None:
    victim = _victim(live, bare)
    before = _snapshot(live, victim)
    intruder: Tenant = new_tenant(live.platform, "Intruder Capital")
    tried = 0
    with live.client(intruder) as api:
        for method, path in _routes(live):
            if path.startswith(PREFIX) or path in ("/openapi.json", "/docs"):
                continue
            url = _fill(path, victim.ids())
            response = api.request(method, url, json=_body(method, path, victim.ids()))
            tried += 1
            text = response.text
            if "{companyId}" in path or any(p in path for p in ("{apiKeyId}", "{webhookId}")):
                assert response.status_code in (400, 404), (method, path, response.status_code)
            for secret in victim.secrets(url):
                assert secret not in text, (method, path, "leaked", secret)
    assert tried > 40
    assert _snapshot(live, victim) == before


def test_another_companys_connector_reaches_nothing(live: LivePlatform, bare: httpx.Client) -> None:
    victim = _victim(live, bare)
    before = _snapshot(live, victim)
    with live.client() as api:
        other = api.post("/companies", json={"name": "Other Co"}).json()
        api.post(f"/companies/{other['id']}/connections", json={"platformKey": "pqsw"})
    intruder = link(bare, other["id"])
    pull = victim.pull_id
    attempts = [
        ("GET", f"{PREFIX}/pulls/{pull}", None),
        ("POST", f"{PREFIX}/pulls/{pull}/complete", {"recordCount": 0}),
        (
            "POST",
            f"{PREFIX}/pulls/{pull}/failed",
            {"problem": {"code": "x", "message": "x"}},
        ),
    ]
    for method, url, body in attempts:
        response = bare.request(method, url, json=body, headers=intruder.headers)
        assert response.status_code == 404, (method, url, response.text)
    upload = intruder.upload(pull, 2, [invoice(3)])
    assert upload.status_code == 404
    work = intruder.work()
    assert all(p["id"] != pull for p in work["pulls"])
    assert victim.company_name not in str(work)
    assert _snapshot(live, victim) == before
