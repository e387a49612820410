"""The connector API driven by plain HTTP, as a connector would, for platform tests."""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import httpx

PREFIX = "/connector/v1"


def link_body(company_id: str, *, region: str = "us", file_id: str = "file-1") -> dict[str, Any]:
    return {
        "licenceKey": company_id,
        "region": region,
        "linkRequestId": str(uuid.uuid4()),
        "quickbooks": {"companyFileId": file_id, "edition": "US", "companyName": "Test Co"},
        "connectorVersion": "test",
    }


@dataclass
class ConnectorSession:
    http: httpx.Client
    credential: str
    company_id: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.credential}"}

    def work(self, wait: float = 0) -> dict[str, Any]:
        response = self.http.get(f"{PREFIX}/work", params={"wait": wait}, headers=self.headers)
        response.raise_for_status()
        result: dict[str, Any] = response.json()
        return result

    def upload(self, pull_id: str, seq: int, records: Sequence[dict[str, Any]]) -> httpx.Response:
        return self.http.post(
            f"{PREFIX}/pulls/{pull_id}/batches/{seq}",
            content=json.dumps(list(records)),
            headers={**self.headers, "Content-Type": "application/json"},
        )

    def complete(self, pull_id: str, count: int | None = None) -> httpx.Response:
        return self.http.post(
            f"{PREFIX}/pulls/{pull_id}/complete", json={"recordCount": count}, headers=self.headers
        )

    def pull_for(self, work: dict[str, Any], data_type: str) -> str:
        return str(next(p["id"] for p in work["pulls"] if p["dataType"] == data_type))


def link(http: httpx.Client, company_id: str, **kwargs: Any) -> ConnectorSession:
    response = http.post(f"{PREFIX}/link", json=link_body(company_id, **kwargs))
    response.raise_for_status()
    return ConnectorSession(
        http=http, credential=response.json()["credential"], company_id=company_id
    )


def invoice(number: int, **overrides: Any) -> dict[str, Any]:
    record: dict[str, Any] = {
        "id": f"{1000 + number}-1071526256",
        "invoiceNumber": f"INV-{number:04d}",
        "customerRef": {
            "id": f"80000{number % 3 + 1}-1071",
            "companyName": f"Customer {number % 3}",
        },
        "issueDate": f"2024-01-{number % 28 + 1:02d}T00:00:00",
        "dueDate": f"2024-02-{number % 28 + 1:02d}T00:00:00",
        "currency": "USD",
        "status": ["Submitted", "Paid", "PartiallyPaid", "Void"][number % 4],
        "subTotal": 100 + number,
        "totalTaxAmount": 0,
        "totalAmount": 100 + number,
        "amountDue": 0 if number % 4 == 1 else 100 + number,
        "modifiedDate": "2024-03-01T00:00:00Z",
        "sourceModifiedDate": "2024-02-28T10:00:00",
        "lineItems": [
            {
                "description": "Consulting",
                "quantity": 1,
                "unitAmount": 100 + number,
                "totalAmount": 100 + number,
            }
        ],
        "metadata": {"isDeleted": False},
    }
    record.update(overrides)
    return record


def customer(number: int) -> dict[str, Any]:
    return {
        "id": f"80000{number}-1071",
        "customerName": f"Customer {number}",
        "status": "Active",
        "addresses": [{"type": "Billing", "line1": f"{number} Main St", "city": "Springfield"}],
        "modifiedDate": "2024-03-01T00:00:00Z",
    }
