"""The Link page in Chromium: the choice, the key and download, live status, keyboard only."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import screenshot
from tests.integration.web.portal_helpers import (
    connector,
    first_link_only,
    heartbeat,
    new_company,
)
from tests.support.connector_calls import customer, invoice
from tests.support.platform import LivePlatform

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_the_link_page_shows_the_key_and_the_download(page: Page, site: LivePlatform) -> None:
    company = new_company(site, "Harbour Bakery")
    page.goto(f"/link/{company['id']}")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Acme Lending")
    screenshot(page, "link-1-choose")
    page.get_by_role("link", name="QuickBooks Desktop").click()
    expect(page.get_by_label("Your licence key")).to_have_value(company["id"])
    download = page.get_by_role("link", name="Download the QuickBooks connector")
    expect(download).to_have_attribute("href", company["connection"]["linkUrl"])
    expect(page.get_by_role("button", name="Copy licence key")).to_be_visible()
    expect(page.locator("#live-status")).to_contain_text("Waiting for the connector")
    screenshot(page, "link-2-steps")


def test_the_status_advances_while_a_connector_links(page: Page, site: LivePlatform) -> None:
    first_link_only(site, "invoices", "customers")
    company = new_company(site, "Live Status Ltd")
    page.goto(f"/link/{company['id']}?integration=pqsw")
    status = page.locator("#live-status")
    expect(status).to_contain_text("Waiting for the connector")
    with connector(site, company["id"]) as session:
        expect(status).to_contain_text("Linked")
        heartbeat(
            session,
            {
                "code": "quickbooks.wrong_company_file",
                "message": "QuickBooks has Other Co.QBW open.",
                "fix": "",
            },
        )
        expect(status).to_contain_text("Incorrect company file open")
        expect(status).to_contain_text("open the company file you linked")
        screenshot(page, "link-3-error")
        heartbeat(session)
        expect(status).not_to_contain_text("Incorrect company file open")
        # The download is no use once linked.
        expect(page.get_by_role("link", name="Download the QuickBooks connector")).to_be_hidden()

        work = session.work()
        invoices, customers = (
            session.pull_for(work, "invoices"),
            session.pull_for(work, "customers"),
        )
        session.upload(invoices, 1, [invoice(n) for n in range(1, 6)]).raise_for_status()
        session.complete(invoices, 5).raise_for_status()
        session.upload(customers, 1, [customer(1)]).raise_for_status()
        expect(status).to_contain_text("Fetching your data")
        expect(status).to_contain_text("1 of 2 data types fetched")
        screenshot(page, "link-4-progress")
        session.complete(customers, 1).raise_for_status()
        expect(status).to_contain_text("Done: your QuickBooks company is linked")
        expect(page.locator("#status-announce")).to_contain_text("Done")
        screenshot(page, "link-5-done")


def test_the_link_page_works_with_the_keyboard_alone(page: Page, site: LivePlatform) -> None:
    company = new_company(site, "Keys Only Inc")
    page.goto(f"/link/{company['id']}")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    _tab_to(page, "choose-qbd")
    page.keyboard.press("Enter")
    page.wait_for_url("**integration=pqsw")
    visited = _tab_to(page, "copy-key")
    assert "download" in visited and "licence-key" in visited
    assert visited.index("download") < visited.index("copy-key")
    page.keyboard.press("Enter")
    expect(page.locator("#copy-result")).not_to_be_empty()
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none", "the focused button shows no focus outline"
    screenshot(page, "link-6-keyboard")


def _tab_to(page: Page, element_id: str, limit: int = 30) -> list[str]:
    """Press Tab until the element has focus; the ids focused on the way."""
    seen: list[str] = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = str(page.evaluate("document.activeElement.id"))
        seen.append(focused)
        if focused == element_id:
            return seen
    raise AssertionError(f"Tab never reached #{element_id}; focused: {seen}")
