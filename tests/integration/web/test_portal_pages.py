"""The portal over HTTP: sign-in, sessions and CSRF, and each page's forms (both databases)."""

from __future__ import annotations

import httpx
import pytest

from tests.integration.web.portal_helpers import (
    EMAIL,
    PASSWORD,
    connector,
    create_user,
    csrf_of,
    first_link_only,
    heartbeat,
    new_company,
    signed_in,
)
from tests.support.platform import LivePlatform, basic_auth, new_tenant

pytestmark = pytest.mark.integration


def test_pages_need_a_session_and_sign_in_brings_you_back(live: LivePlatform) -> None:
    create_user(live)
    company = new_company(live, "Back Co")
    with httpx.Client(base_url=live.base_url, timeout=30) as http:
        away = http.get(f"/portal/companies/{company['id']}")
        assert away.status_code == 303
        target = f"/portal/companies/{company['id']}"
        assert away.headers["location"] == f"/portal/sign-in?next={target}"
        form = http.get(away.headers["location"])
        cookie = form.headers["set-cookie"]
        assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Path=/portal" in cookie
        assert "Secure" not in cookie  # the deployment's URL is http here
        token = csrf_of(form.text)

        wrong = http.post(
            "/portal/sign-in",
            data={"email": EMAIL, "password": "not the password", "csrf_token": token},
        )
        assert wrong.status_code == 401 and "email or the password is not right" in wrong.text
        forged = http.post(
            "/portal/sign-in", data={"email": EMAIL, "password": PASSWORD, "csrf_token": "x"}
        )
        assert forged.status_code == 403
        ok = http.post(
            "/portal/sign-in",
            data={"email": EMAIL, "password": PASSWORD, "csrf_token": token, "next": target},
        )
        assert ok.status_code == 303 and ok.headers["location"] == target
        page = http.get(target)
        assert page.status_code == 200 and "Back Co" in page.text
        assert csrf_of(page.text) != token  # signing in gave the session a new token

        signed_out = http.post("/portal/sign-out", data={"csrf_token": csrf_of(page.text)})
        assert signed_out.status_code == 303
        assert http.get(target).status_code == 303


def test_sign_in_never_redirects_to_another_site(live: LivePlatform) -> None:
    create_user(live)
    with httpx.Client(base_url=live.base_url, timeout=30) as http:
        token = csrf_of(http.get("/portal/sign-in").text)
        for target in ("https://evil.example/", "//evil.example/portal/", "/portal/\\evil"):
            answer = http.post(
                "/portal/sign-in",
                data={"email": EMAIL, "password": PASSWORD, "csrf_token": token, "next": target},
            )
            assert answer.headers["location"] == "/portal/companies"
            token = csrf_of(http.get("/portal/sign-in").text)


def test_a_tampered_session_cookie_is_refused(live: LivePlatform) -> None:
    create_user(live)
    with signed_in(live) as http:
        cookie = http.cookies["qbdlink_session"]
        payload, _, signature = cookie.partition(".")
        http.cookies.clear()
        http.cookies.set("qbdlink_session", payload + "x." + signature, path="/portal")
        assert http.get("/portal/companies").status_code == 303


def test_companies_list_problems_first_and_search(live: LivePlatform) -> None:
    create_user(live)
    new_company(live, "Alpha Fine")
    troubled = new_company(live, "Zeta Troubled")
    new_company(live, "Beta Unlinked", connection=False)
    with connector(live, troubled["id"]) as session:
        heartbeat(
            session,
            {"code": "quickbooks.not_running", "message": "QuickBooks is not running.", "fix": ""},
        )
    with signed_in(live) as http:
        page = http.get("/portal/companies").text
        assert page.index("Zeta Troubled") < page.index("Alpha Fine")
        assert "QuickBooks is not open" in page
        found = http.get("/portal/companies", params={"q": "alph"}).text
        assert "Alpha Fine" in found and "Zeta Troubled" not in found


def test_sync_now_settings_and_connector_mode(live: LivePlatform) -> None:
    create_user(live)
    first_link_only(live, "invoices")
    company = new_company(live, "Sync Co")
    url = f"/portal/companies/{company['id']}"
    with signed_in(live) as http, connector(live, company["id"]) as session:
        session.work()  # takes the first link's pulls
        page = http.get(url).text
        answer = http.post(
            f"{url}/sync", data={"csrf_token": csrf_of(page), "data_type": "customers"}
        )
        assert answer.status_code == 303
        page = http.get(url).text
        assert "Queued a sync of customers" in page
        with live.client() as api:
            pulls = api.get(f"/companies/{company['id']}/data/history").json()["results"]
        assert sum(p["dataType"] == "customers" for p in pulls) == 1
        again = http.post(
            f"{url}/sync", data={"csrf_token": csrf_of(page), "data_type": "customers"}
        )
        assert again.status_code == 303
        assert "already queued or running" in http.get(url).text

        form = {"csrf_token": csrf_of(page), "scope": "company", "schedule.invoices": "1"}
        http.post(f"{url}/sync-settings", data=form)
        with live.client() as api:
            settings = api.get(f"/companies/{company['id']}/syncSettings").json()
        invoices = next(s for s in settings["settings"] if s["dataType"] == "invoices")
        assert invoices == {**invoices, "syncSchedule": 1, "fetchOnFirstLink": False}
        assert settings["overridesDefaults"] is True

        page = http.get(url).text
        http.post(f"{url}/connector-mode", data={"csrf_token": csrf_of(page), "mode": "one-time"})
        with live.client() as api:
            mode = api.get(f"/companies/{company['id']}/connectorSettings").json()
        assert "one-time" in str(mode)
        assert http.post(f"{url}/sync", data={"data_type": "all"}).status_code == 403


def test_api_keys_are_shown_once_and_revoked(live: LivePlatform) -> None:
    create_user(live)
    with signed_in(live) as http:
        page = http.get("/portal/settings").text
        created = http.post(
            "/portal/settings/api-keys", data={"csrf_token": csrf_of(page), "name": "ci"}
        )
        assert created.status_code == 200 and created.headers["cache-control"] == "no-store"
        key = created.text.split('id="new-api-key" type="text" readonly value="')[1].split('"')[0]
        with httpx.Client(base_url=live.base_url) as api:
            assert api.get("/companies", headers={"Authorization": basic_auth(key)}).is_success
        page = http.get("/portal/settings").text
        assert key not in page
        keys = page.count("/revoke")
        row = page[page.index(">ci<") :]
        key_id = row.split("/portal/settings/api-keys/")[1].split("/revoke")[0]
        http.post(f"/portal/settings/api-keys/{key_id}/revoke", data={"csrf_token": csrf_of(page)})
        assert http.get("/portal/settings").text.count("/revoke") == keys - 1
        with httpx.Client(base_url=live.base_url) as api:
            assert (
                api.get("/companies", headers={"Authorization": basic_auth(key)}).status_code == 401
            )


def test_branding_client_settings_and_isolation(live: LivePlatform) -> None:
    create_user(live)
    other = new_tenant(live.platform, "Other Lender")
    with live.client(other) as api:
        foreign = api.post("/companies", json={"name": "Someone Else's"}).json()
    with signed_in(live) as http:
        page = http.get("/portal/settings").text
        http.post(
            "/portal/settings/branding",
            data={
                "csrf_token": csrf_of(page),
                "name": "Acme Lending",
                "logo_url": "javascript:alert(1)",
            },
        )
        page = http.get("/portal/settings").text
        assert "must start with https://" in page and "javascript:" not in page
        http.post(
            "/portal/settings/branding",
            data={
                "csrf_token": csrf_of(page),
                "name": "Acme Lending",
                "logo_url": "https://cdn.example/acme.png",
            },
        )
        http.post(
            "/portal/settings/connector-mode",
            data={"csrf_token": csrf_of(page), "mode": "one-time"},
        )
        with live.client() as api:
            assert api.get("/profile").json()["logoUrl"] == "https://cdn.example/acme.png"
            assert "one-time" in str(api.get("/profile/connectorSettings").json())
        missing = http.get(f"/portal/companies/{foreign['id']}")
        assert missing.status_code == 404 and "Someone Else" not in missing.text
        assert "Someone Else" not in http.get("/portal/companies").text


def test_static_files_are_the_apps_own(live: LivePlatform) -> None:
    with httpx.Client(base_url=live.base_url) as http:
        css = http.get("/static/app.css")
        assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")
        again = http.get("/static/app.css", headers={"If-None-Match": css.headers["etag"]})
        assert again.status_code == 304
        assert http.get("/static/../settings.py").status_code == 404
        assert http.get("/static/quickbooks-desktop.svg").status_code == 200
