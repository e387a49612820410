"""Shared by the page tests and the browser tests: a portal user, companies, a connector."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx

from qbdlink.platform.services import users
from tests.support.connector_calls import ConnectorSession, link
from tests.support.platform import LivePlatform

EMAIL = "ana@acme.example"
PASSWORD = "correct horse battery"


def create_user(live: LivePlatform, email: str = EMAIL, password: str = PASSWORD) -> None:
    users.create_user(live.platform.context, live.tenant.client.name, email, password)


def new_company(live: LivePlatform, name: str, *, connection: bool = True) -> dict[str, Any]:
    with live.client() as api:
        company: dict[str, Any] = api.post("/companies", json={"name": name}).json()
        if connection:
            created = api.post(
                f"/companies/{company['id']}/connections", json={"platformKey": "pqsw"}
            )
            created.raise_for_status()
            company["connection"] = created.json()
    return company


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "no CSRF token in the page"
    return found.group(1)


@contextmanager
def signed_in(
    live: LivePlatform, email: str = EMAIL, password: str = PASSWORD
) -> Iterator[httpx.Client]:
    """An HTTP client with a portal session (cookies kept), as a browser would have."""
    with httpx.Client(base_url=live.base_url, timeout=30) as http:
        yield sign_in(http, email, password)


def sign_in(http: httpx.Client, email: str = EMAIL, password: str = PASSWORD) -> httpx.Client:
    page = http.get("/portal/sign-in")
    answer = http.post(
        "/portal/sign-in",
        data={"email": email, "password": password, "csrf_token": csrf_of(page.text)},
    )
    assert answer.status_code == 303, answer.text
    return http


@contextmanager
def connector(live: LivePlatform, company_id: str) -> Iterator[ConnectorSession]:
    """A connector linked to the company, driven over plain HTTP."""
    with httpx.Client(base_url=live.base_url, timeout=30) as http:
        yield link(http, company_id)


def heartbeat(session: ConnectorSession, last_error: dict[str, str] | None = None) -> None:
    body: dict[str, Any] = {
        "quickbooksReachable": last_error is None,
        "state": "waiting_for_quickbooks" if last_error else "idle",
        "quickbooks": {
            "companyFileId": "file-1",
            "companyFileName": r"C:\Users\Public\Documents\Test Co.QBW",
            "companyName": "Test Co",
            "product": "QuickBooks Desktop Pro 2024",
            "edition": "US",
            "qbxmlVersion": "16.0",
        },
        "connectorVersion": "test",
    }
    if last_error is not None:
        body["lastError"] = last_error
    response = session.http.post("/connector/v1/heartbeat", json=body, headers=session.headers)
    response.raise_for_status()


def first_link_only(live: LivePlatform, *data_types: str) -> None:
    """Client-wide sync settings that fetch only ``data_types`` on first link (a short link)."""
    with live.client() as api:
        current = api.get("/profile/syncSettings").json()
        for setting in current["settings"]:
            setting["fetchOnFirstLink"] = setting["dataType"] in data_types
        api.post("/profile/syncSettings", json=current).raise_for_status()
