"""The Link page over HTTP: what it offers, and its status as a connector links (both databases)."""

from __future__ import annotations

import html
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from tests.integration.web.portal_helpers import (
    connector,
    first_link_only,
    heartbeat,
    new_company,
)
from tests.support.connector_calls import ConnectorSession, invoice
from tests.support.platform import LivePlatform

pytestmark = pytest.mark.integration


@pytest.fixture
def browser(live: LivePlatform) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=live.base_url, timeout=30) as client:
        yield client


def test_the_link_page_offers_quickbooks_desktop_then_the_key_and_the_download(
    live: LivePlatform, browser: httpx.Client
) -> None:
    company = new_company(live, "Bakery & Sons")
    page = browser.get(f"/link/{company['id']}")
    assert page.status_code == 200
    assert "Acme Lending" in page.text and "QuickBooks Desktop" in page.text
    assert 'href="?integration=pqsw"' in page.text
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert page.headers["cache-control"] == "no-store"
    assert "Bakery &amp; Sons" in page.text  # escaped

    steps = browser.get(f"/link/{company['id']}", params={"integration": "pqsw"}).text
    assert f'value="{company["id"]}"' in steps
    assert f'href="{html.escape(company["connection"]["linkUrl"])}"' in steps
    order = [
        "Open QuickBooks Desktop",
        "Run the downloaded file as a Windows administrator",
        "Not an administrator",
        "Paste the licence key",
        "Link with Bakery &amp; Sons",
        "Yes, always; allow access even if QuickBooks is not running",
        "Wait for the first link",
    ]
    positions = [steps.index(text) for text in order]
    assert positions == sorted(positions)
    assert "Waiting for the connector" in steps
    assert "http://" not in steps.replace(live.base_url, "")  # no asset from elsewhere


def test_unknown_and_unusable_links_say_so(live: LivePlatform, browser: httpx.Client) -> None:
    missing = browser.get("/link/00000000-0000-8000-8000-000000000000")
    assert missing.status_code == 404 and "This link is not valid" in missing.text
    bare = new_company(live, "No Connection Ltd", connection=False)
    page = browser.get(f"/link/{bare['id']}").text
    assert (
        "cannot be used yet" in page and "must create a new QuickBooks Desktop connection" in page
    )
    assert "Download" not in page


def test_the_status_follows_the_connector_to_done(
    live: LivePlatform, browser: httpx.Client
) -> None:
    company = new_company(live, "Status Co")
    first_link_only(live, "invoices")
    url = f"/link/{company['id']}/status"

    def status() -> dict[str, Any]:
        answer = browser.get(url, params={"format": "json"})
        assert answer.status_code == 200
        result: dict[str, Any] = answer.json()
        return result

    assert status()["stage"] == "waiting"
    with connector(live, company["id"]) as session:
        _first_link(live, browser, company, session, status)


def _first_link(
    live: LivePlatform,
    browser: httpx.Client,
    company: dict[str, Any],
    session: ConnectorSession,
    status: Callable[[], dict[str, Any]],
) -> None:
    url = f"/link/{company['id']}/status"
    assert status()["stage"] == "linked"
    heartbeat(
        session,
        {
            "code": "quickbooks.wrong_company_file",
            "message": "QuickBooks has Other Co.QBW open, not Status Co.",
            "fix": "",
        },
    )
    problem = status()["problem"]
    assert problem["title"] == "Incorrect company file open"
    assert "open the company file you linked" in problem["fix"]
    heartbeat(session)
    assert status()["problem"] is None

    work = session.work()
    pull_id = session.pull_for(work, "invoices")
    session.upload(pull_id, 1, [invoice(1), invoice(2)]).raise_for_status()
    fragment = browser.get(url)
    assert fragment.headers["x-link-stage"] == "syncing"
    assert "Invoices" in fragment.text and "Fetching" in fragment.text
    session.complete(pull_id, 2).raise_for_status()
    done = status()
    assert done["stage"] == "done" and done["finished"] is True and done["percent"] == 100

    again = browser.get(f"/link/{company['id']}").text
    assert "is already linked" in again and "Download" not in again


def test_a_failed_pull_shows_its_error_and_fix(live: LivePlatform, browser: httpx.Client) -> None:
    company = new_company(live, "Failing Co")
    with connector(live, company["id"]) as session:
        _fail_every_pull(session)
    answer = browser.get(f"/link/{company['id']}/status", params={"format": "json"}).json()
    assert answer["stage"] == "failed"
    assert answer["problem"]["title"] == "QuickBooks is not open"
    assert answer["problem"]["fix"] == "Open QuickBooks on this PC."


def _fail_every_pull(session: ConnectorSession) -> None:
    work = session.work()
    for pull in work["pulls"]:
        session.http.post(
            f"/connector/v1/pulls/{pull['id']}/failed",
            json={
                "status": "FetchError",
                "problem": {
                    "code": "qbxml.hresult.0x80040408",
                    "message": "Could not start QuickBooks.",
                    "fix": "Open QuickBooks on this PC.",
                },
            },
            headers=session.headers,
        ).raise_for_status()
