"""The portal in Chromium: sign in, Sync now, settings, API keys created and revoked."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import screenshot
from tests.integration.web.portal_helpers import (
    EMAIL,
    PASSWORD,
    connector,
    create_user,
    first_link_only,
    heartbeat,
    new_company,
)
from tests.support.platform import LivePlatform

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _sign_in(page: Page) -> None:
    page.goto("/portal/companies")
    expect(page).to_have_url(re.compile(r"/portal/sign-in\?next="))
    screenshot(page, "portal-1-sign-in")
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Password").fill("wrong password!")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("not right")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Companies")


def test_sign_in_sync_now_and_company_settings(page: Page, site: LivePlatform) -> None:
    create_user(site)
    first_link_only(site, "invoices")
    company = new_company(site, "Linked Lumber")
    new_company(site, "Pending Paints")
    with connector(site, company["id"]) as session:
        session.work()
        heartbeat(
            session,
            {
                "code": "qbxml.hresult.0x80040408",
                "message": "Could not start QuickBooks.",
                "fix": "",
            },
        )
        _sign_in(page)
        rows = page.locator("tbody tr")
        expect(rows.first).to_contain_text("Linked Lumber")  # problems first
        expect(rows.first).to_contain_text("QuickBooks is not open")
        screenshot(page, "portal-2-companies")

        page.get_by_label("Search companies").fill("paints")
        page.get_by_role("button", name="Search").click()
        expect(rows).to_have_count(1)
        expect(rows.first).to_contain_text("Pending Paints")
        page.get_by_role("link", name="Pending Paints").click()
        expect(page.get_by_label("Link URL to send to Pending Paints")).to_have_value(
            f"{site.base_url}/link/" + page.url.rsplit("/", 1)[1]
        )

        page.goto(f"/portal/companies/{company['id']}")
        expect(page.locator("#health")).to_contain_text("QuickBooks Desktop Pro 2024")
        expect(page.locator("#health")).to_contain_text("QuickBooks is not open")
        page.get_by_role("button", name="Sync Customers now").click()
        expect(page.get_by_role("status").first).to_contain_text("Queued a sync of customers")
        screenshot(page, "portal-3-company")

        page.get_by_role("radio", name="This company's own settings (below)").check()
        page.locator("#schedule-invoices").select_option(label="Hourly")
        page.get_by_role("button", name="Save sync settings").click()
        expect(page.get_by_role("status").first).to_contain_text("Saved the sync settings")
        expect(page.locator("#schedule-invoices")).to_have_value("1")

        page.get_by_role("radio", name="One-time: uploads once, then removes itself").check()
        page.get_by_role("button", name="Save connector mode").click()
        expect(page.get_by_role("status").first).to_contain_text("the connector runs one-time")
    with site.client() as api:
        settings = api.get(f"/companies/{company['id']}/syncSettings").json()
        pulls = api.get(f"/companies/{company['id']}/data/history").json()["results"]
    assert settings["overridesDefaults"] is True
    assert any(s["dataType"] == "invoices" and s["syncSchedule"] == 1 for s in settings["settings"])
    assert any(p["dataType"] == "customers" for p in pulls)


def test_settings_api_keys_branding_and_sign_out(page: Page, site: LivePlatform) -> None:
    create_user(site)
    _sign_in(page)
    page.get_by_role("link", name="Settings").click()
    page.get_by_label("Name of the new key").fill("browser-test")
    page.get_by_role("button", name="Create API key").click()
    key = page.get_by_label("Your new API key").input_value()
    assert len(key) == 40
    screenshot(page, "portal-4-new-api-key")
    page.goto("/portal/settings")  # (a reload would post the form again)
    expect(page.get_by_label("Your new API key")).to_have_count(0)  # shown once
    revoke = page.get_by_role("button", name=f"Revoke API key browser-test ending {key[-4:]}")
    page.once("dialog", lambda dialog: dialog.accept())
    revoke.click()
    expect(page.get_by_role("status").first).to_contain_text("Revoked the API key")
    expect(revoke).to_have_count(0)

    page.get_by_label("Name", exact=True).fill("Acme Lending Ltd")
    page.get_by_role("button", name="Save branding").click()
    expect(page.get_by_role("status").first).to_contain_text("Saved the branding")
    page.locator("#sync-settings").get_by_role("checkbox").first.uncheck()
    page.locator("#sync-settings").get_by_role("button", name="Save sync settings").click()
    expect(page.get_by_role("status").first).to_contain_text("client-wide sync settings")
    screenshot(page, "portal-5-settings")

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    page.goto("/portal/settings")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
