"""codat-platform 6.x against the platform: companies, connections, settings, refresh, pulls,
pushes, webhooks, integrations, profile and API keys, as Codat's own client sees them."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from codat_lending.models import errors as lending_errors
from codat_platform import CodatPlatform
from codat_platform.models import errors

from tests.sdk.conftest import (
    answer_pulls,
    create_company,
    fresh_tenant,
    lending_sdk,
    link_connector,
    platform_sdk,
    raises_error_message,
)
from tests.support.platform import LivePlatform, Tenant, basic_auth


@pytest.fixture(scope="module")
def tenant(sdk_live: LivePlatform) -> Tenant:
    return fresh_tenant(sdk_live)


@pytest.fixture(scope="module")
def cp(sdk_live: LivePlatform, tenant: Tenant) -> Iterator[CodatPlatform]:
    with platform_sdk(sdk_live, tenant.auth_header) as sdk:
        yield sdk


@pytest.fixture(scope="module")
def linked(sdk_live: LivePlatform, tenant: Tenant) -> tuple[str, str, str]:
    """A company linked by the connector, initial pulls not yet answered: (id, conn, cred)."""
    with sdk_live.client(tenant) as http:
        company_id = create_company(http, "Linked Co")
        connection_id, credential = link_connector(http, company_id)
    return company_id, connection_id, credential


def _raises_error_message(status: int, call: Any, **kwargs: Any) -> Any:
    return raises_error_message(errors.ErrorMessage, status, call, **kwargs)


# --- companies -------------------------------------------------------------------------------


def test_company_lifecycle(cp: CodatPlatform) -> None:
    created = cp.companies.create(
        request={"name": "Acme Roofing", "description": "Roofers", "tags": {"region": "west"}}
    )
    assert created.name == "Acme Roofing"
    assert created.description == "Roofers"
    assert created.tags == {"region": "west"}
    assert created.redirect.endswith(created.id)
    assert created.data_connections == []

    got = cp.companies.get(request={"company_id": created.id})
    assert (got.id, got.name, got.created) == (created.id, "Acme Roofing", created.created)

    patched = cp.companies.update(
        request={"company_id": created.id, "company_update_request": {"name": "Acme Roofing Ltd"}}
    )
    assert patched.name == "Acme Roofing Ltd"
    assert patched.description == "Roofers"  # PATCH keeps what was not sent
    assert patched.tags == {"region": "west"}

    replaced = cp.companies.replace(
        request={"company_id": created.id, "company_request_body": {"name": "Acme Ltd"}}
    )
    assert replaced.name == "Acme Ltd"
    assert replaced.description is None  # PUT replaces: absent fields clear
    assert not replaced.tags

    assert cp.companies.delete(request={"company_id": created.id}) is None
    _raises_error_message(404, cp.companies.get, request={"company_id": created.id})


def test_list_companies_pages_queries_and_orders(sdk_live: LivePlatform) -> None:
    own = fresh_tenant(sdk_live)
    with platform_sdk(sdk_live, own.auth_header) as sdk:
        names = ["Birch Builders", "Alder Homes", "Cedar Carpentry", "Alder Decks", "Elm Electric"]
        for name in names:
            sdk.companies.create(request={"name": name})

        everything = sdk.companies.list(request={})
        assert everything.total_results == 5
        assert everything.page_number == 1 and everything.page_size == 100
        assert everything.links.self_.href == "/companies"
        assert everything.links.current.href == "/companies?page=1&pageSize=100"

        page = sdk.companies.list(request={"page": 2, "page_size": 2, "order_by": "name"})
        assert [c.name for c in page.results or []] == ["Birch Builders", "Cedar Carpentry"]
        assert page.total_results == 5
        assert page.links.next is not None and page.links.previous is not None

        alder = sdk.companies.list(request={"query": "name~Alder", "order_by": "-name"})
        assert [c.name for c in alder.results or []] == ["Alder Homes", "Alder Decks"]
        assert alder.total_results == 2


def test_bad_api_key_is_a_typed_401(sdk_live: LivePlatform) -> None:
    with platform_sdk(sdk_live, basic_auth("not-a-real-key")) as sdk:
        _raises_error_message(401, sdk.companies.list, request={})


def test_unknown_company_is_a_typed_404(cp: CodatPlatform) -> None:
    error = _raises_error_message(404, cp.companies.get, request={"company_id": str(uuid.uuid4())})
    assert "company" in str(error.data.error).lower()


# --- connections -----------------------------------------------------------------------------


def test_connection_lifecycle(cp: CodatPlatform) -> None:
    company = cp.companies.create(request={"name": "Connection Co"})
    created = cp.connections.create(
        request={"company_id": company.id, "request_body": {"platform_key": "pqsw"}}
    )
    assert created.status == "PendingAuth"
    assert created.integration_key == "pqsw"
    assert created.platform_name == "QuickBooks Desktop"
    assert created.source_type == "Accounting"
    assert created.link_url.startswith("http")

    listed = cp.connections.list(request={"company_id": company.id})
    assert [c.id for c in listed.results or []] == [created.id]
    assert listed.total_results == 1
    got = cp.connections.get(request={"company_id": company.id, "connection_id": created.id})
    assert got.id == created.id and got.created == created.created

    authorized = cp.connections.update_authorization(
        request={
            "company_id": company.id,
            "connection_id": created.id,
            "request_body": {"companyFile": "Rock Castle.qbw"},
        }
    )
    assert authorized.id == created.id

    unlinked = cp.connections.unlink(
        request={
            "company_id": company.id,
            "connection_id": created.id,
            "update_connection_status": {"status": "Unlinked"},
        }
    )
    assert unlinked.status == "Unlinked"

    company_now = cp.companies.get(request={"company_id": company.id})
    assert [c.status for c in company_now.data_connections or []] == ["Unlinked"]

    assert (
        cp.connections.delete(request={"company_id": company.id, "connection_id": created.id})
        is None
    )
    _raises_error_message(
        404, cp.connections.get, request={"company_id": company.id, "connection_id": created.id}
    )


def test_linked_connection_reads_as_linked(cp: CodatPlatform, linked: tuple[str, str, str]) -> None:
    company_id, connection_id, _ = linked
    got = cp.connections.get(request={"company_id": company_id, "connection_id": connection_id})
    assert got.status == "Linked"
    company = cp.companies.get(request={"company_id": company_id})
    assert [c.id for c in company.data_connections or []] == [connection_id]


# --- sync settings ---------------------------------------------------------------------------


def test_client_sync_settings(sdk_live: LivePlatform) -> None:
    own = fresh_tenant(sdk_live)
    with platform_sdk(sdk_live, own.auth_header) as sdk:
        before = sdk.settings.get_sync_settings()
        assert before.client_id == own.client.id
        by_type = {s.data_type: s for s in before.settings or []}
        assert "chartOfAccounts" in by_type and "invoices" in by_type
        assert "accounts" not in by_type

        result = sdk.settings.update_sync_settings(
            request={
                "client_id": own.client.id,
                "settings": [
                    {
                        "data_type": "invoices",
                        "fetch_on_first_link": False,
                        "sync_schedule": 48,
                        "sync_order": 3,
                        "sync_from_window": 12,
                    }
                ],
                "overrides_defaults": True,
            }
        )
        assert result is None

        after = {s.data_type: s for s in sdk.settings.get_sync_settings().settings or []}
        invoices = after["invoices"]
        assert (invoices.fetch_on_first_link, invoices.sync_schedule) == (False, 48)
        assert (invoices.sync_order, invoices.sync_from_window) == (3, 12)


def test_company_sync_settings(cp: CodatPlatform) -> None:
    company = cp.companies.create(request={"name": "Settings Co"})
    result = cp.companies.set_company_sync_settings(
        request={
            "company_id": company.id,
            "request_body": {
                "company_id": company.id,
                "settings": [
                    {
                        "data_type": "chartOfAccounts",
                        "fetch_on_first_link": True,
                        "sync_schedule": 24,
                        "sync_order": 0,
                    },
                    {
                        "data_type": "invoices",
                        "fetch_on_first_link": True,
                        "sync_schedule": 12,
                        "sync_order": 1,
                        "sync_from_utc": "2023-01-01T00:00:00Z",
                    },
                ],
                "overrides_defaults": True,
            },
        }
    )
    assert result is None
    got = cp.companies.get_company_sync_settings(request={"company_id": company.id})
    assert got.company_id == company.id
    assert got.overrides_defaults is True
    by_type = {s.data_type: s for s in got.settings or []}
    assert by_type["invoices"].sync_schedule == 12
    assert by_type["invoices"].sync_from_utc == "2023-01-01T00:00:00Z"
    assert by_type["chartOfAccounts"].sync_order == 0


# --- refresh, data status, pull and push operations ------------------------------------------


def test_refresh_and_pull_operations(
    sdk_live: LivePlatform,
    cp: CodatPlatform,
    tenant: Tenant,
    linked: tuple[str, str, str],
) -> None:
    company_id, connection_id, credential = linked
    # The initial pulls are waiting for the connector: Fetching, not Complete.
    running = cp.refresh_data.list_pull_operations(
        request={"company_id": company_id, "query": "status!=Complete", "page_size": 50}
    )
    assert running.total_results == len(running.results or []) > 0
    assert all(p.status == "Fetching" and not p.is_completed for p in running.results or [])
    data_types = {p.data_type for p in running.results or []}
    assert {"chartOfAccounts", "invoices", "customers"} <= data_types

    # Reading a data type before its pull completed is Codat's 409.
    with sdk_live.client(tenant) as http:
        answer_pulls(http, credential, {}, skip=frozenset({"invoices"}))
    with lending_sdk(sdk_live, tenant.auth_header) as lending:
        error = raises_error_message(
            lending_errors.ErrorMessage,
            409,
            lending.accounts_receivable.invoices.list,
            request={"company_id": company_id},
        )
        assert "invoices" in str(error.data.error)

    pull = cp.refresh_data.by_data_type(
        request={"company_id": company_id, "data_type": "customers"}
    )
    assert pull.company_id == company_id and pull.connection_id == connection_id
    assert (pull.data_type, pull.status, pull.is_completed) == ("customers", "Fetching", False)
    assert pull.status_description

    again = cp.refresh_data.get_pull_operation(
        request={"company_id": company_id, "dataset_id": pull.id}
    )
    assert (again.id, again.requested) == (pull.id, pull.requested)

    # Accounts are read at /data/accounts but queued, listed and reported as chartOfAccounts.
    accounts = cp.refresh_data.by_data_type(
        request={"company_id": company_id, "data_type": "chartOfAccounts"}
    )
    assert accounts.data_type == "chartOfAccounts"

    status = cp.refresh_data.get(request={"company_id": company_id})
    assert status is not None
    entries = status.model_dump(by_alias=True)
    assert "chartOfAccounts" in entries and "accounts" not in entries
    assert entries["chartOfAccounts"]["currentStatus"] == "Fetching"
    assert entries["taxRates"]["currentStatus"] == "Complete"
    assert entries["taxRates"]["lastSuccessfulSync"]

    completed = cp.refresh_data.list_pull_operations(
        request={"company_id": company_id, "query": "status=Complete", "page_size": 2}
    )
    assert completed.page_size == 2 and len(completed.results or []) == 2
    assert all(p.is_completed and p.completed for p in completed.results or [])
    assert completed.links.next is not None


def test_second_refresh_of_a_running_data_type_is_refused(
    sdk_live: LivePlatform, cp: CodatPlatform, tenant: Tenant
) -> None:
    with sdk_live.client(tenant) as http:
        company_id = create_company(http, "Busy Co")
        _, credential = link_connector(http, company_id)
        answer_pulls(http, credential, {})  # every initial pull completes

    first = cp.refresh_data.by_data_type(request={"company_id": company_id, "data_type": "items"})
    assert first.status == "Fetching"
    error = _raises_error_message(
        400, cp.refresh_data.by_data_type, request={"company_id": company_id, "data_type": "items"}
    )
    assert "DatasetAlreadyInProgressException" in str(error.data.error)
    assert "items" in str(error.data.error)
    assert error.data.can_be_retried == "False"


def test_refresh_all_before_linking_is_refused(cp: CodatPlatform) -> None:
    company = cp.companies.create(request={"name": "Refresh All Co"})
    # Not linked yet: nothing can fetch, and the error says so.
    _raises_error_message(400, cp.refresh_data.all, request={"company_id": company.id})


def test_refresh_all_on_a_linked_company(cp: CodatPlatform, linked: tuple[str, str, str]) -> None:
    company_id, _, _ = linked
    assert cp.refresh_data.all(request={"company_id": company_id}) is None
    history = cp.refresh_data.list_pull_operations(
        request={"company_id": company_id, "query": "status!=Complete&&status!=NotSupported"}
    )
    assert history.total_results and history.total_results > 0


def test_unknown_data_type_is_a_typed_404(cp: CodatPlatform, linked: tuple[str, str, str]) -> None:
    company_id, _, _ = linked
    error = _raises_error_message(
        404,
        cp.refresh_data.by_data_type,
        request={"company_id": company_id, "data_type": "bankAccounts"},
    )
    assert "not supported" in str(error.data.error)


def test_push_operations_start_empty(cp: CodatPlatform, linked: tuple[str, str, str]) -> None:
    company_id, _, _ = linked
    pushes = cp.push_data.list_operations(request={"company_id": company_id})
    assert pushes.results == [] and pushes.total_results == 0
    _raises_error_message(
        404,
        cp.push_data.get_operation,
        request={"company_id": company_id, "push_operation_key": str(uuid.uuid4())},
    )


# --- webhooks, integrations, profile, API keys -----------------------------------------------


def test_webhook_consumers(sdk_live: LivePlatform) -> None:
    own = fresh_tenant(sdk_live)
    with platform_sdk(sdk_live, own.auth_header) as sdk:
        created = sdk.webhooks.create_consumer(
            request={
                "url": "https://example.com/codat",
                "event_types": [
                    "connection.connected",
                    "read.completed",
                    "invoices.write.successful",
                ],
                "company_tags": ["region:west"],
            }
        )
        assert created.id and created.url == "https://example.com/codat"
        assert created.disabled is False
        assert created.company_tags == ["region:west"]

        listed = sdk.webhooks.list_consumers()
        assert [c.id for c in listed.results or []] == [created.id]
        assert listed.results and listed.results[0].event_types == created.event_types

        assert sdk.webhooks.delete_consumer(request={"webhook_id": created.id}) is None
        assert sdk.webhooks.list_consumers().results == []
        _raises_error_message(404, sdk.webhooks.delete_consumer, request={"webhook_id": created.id})


def test_integrations(cp: CodatPlatform) -> None:
    listed = cp.integrations.list(request={})
    assert [i.key for i in listed.results or []] == ["pqsw"]
    assert listed.total_results == 1
    got = cp.integrations.get(request={"platform_key": "pqsw"})
    assert (got.key, got.name, got.enabled) == ("pqsw", "QuickBooks Desktop", True)
    assert got.source_type == "Accounting" and got.is_offline_connector is True
    _raises_error_message(404, cp.integrations.get, request={"platform_key": "gbol"})


def test_profile(sdk_live: LivePlatform) -> None:
    own = fresh_tenant(sdk_live)
    with platform_sdk(sdk_live, own.auth_header) as sdk:
        profile = sdk.settings.get_profile()
        assert profile.name == own.client.name
        assert profile.redirect_url

        updated = sdk.settings.update_profile(
            request={
                "name": "Acme Lending Ltd",
                "redirect_url": "https://acme.example/linked/{companyId}",
                "white_list_urls": ["https://acme.example"],
                "confirm_company_name": True,
            }
        )
        assert updated.name == "Acme Lending Ltd"
        assert updated.redirect_url == "https://acme.example/linked/{companyId}"
        again = sdk.settings.get_profile()
        assert again.white_list_urls == ["https://acme.example"]
        assert again.confirm_company_name is True


def test_api_keys(sdk_live: LivePlatform) -> None:
    own = fresh_tenant(sdk_live)
    with platform_sdk(sdk_live, own.auth_header) as sdk:
        created = sdk.settings.create_api_key(request={"name": "reporting"})
        assert created.id and created.name == "reporting" and created.api_key
        assert created.created_date

        listed = sdk.settings.list_api_keys()
        by_id = {k.id: k for k in listed.results or [] if k is not None}
        assert set(by_id) >= {created.id}
        assert by_id[created.id].api_key != created.api_key  # shown once, then masked

        # The new key works on its own.
        with platform_sdk(sdk_live, basic_auth(created.api_key)) as other:
            assert other.companies.list(request={}).total_results == 0

        # codat-platform 6.0.0 cannot parse Codat's answer to this call: Codat's OAS declares
        # the 204 of DELETE /apiKeys/{apiKeyId} with an ErrorMessage body ($ref
        # Too-Many-Requests), so the SDK validates the empty 204 body as an ErrorMessage and
        # fails. The platform answers as Codat does (204, no body); the key is gone.
        with pytest.raises(errors.ResponseValidationError) as caught:
            sdk.settings.delete_api_key(request={"api_key_id": created.id})
        assert caught.value.status_code == 204
        remaining = sdk.settings.list_api_keys().results or []
        assert created.id not in {k.id for k in remaining if k is not None}
        with platform_sdk(sdk_live, basic_auth(created.api_key)) as other:
            _raises_error_message(401, other.companies.list, request={})


def test_list_companies_by_tags(sdk_live: LivePlatform) -> None:
    own = fresh_tenant(sdk_live)
    with platform_sdk(sdk_live, own.auth_header) as sdk:
        sdk.companies.create(
            request={"name": "West Gold", "tags": {"region": "west", "tier": "gold"}}
        )
        sdk.companies.create(request={"name": "West", "tags": {"region": "west"}})
        sdk.companies.create(request={"name": "East", "tags": {"region": "east"}})

        def names(tags: str) -> list[str]:
            found = sdk.companies.list(request={"tags": tags, "order_by": "name"})
            return [c.name for c in found.results or []]

        assert names("region=west") == ["West", "West Gold"]
        assert names("region = west && tier = gold") == ["West Gold"]  # Codat's example form
        # A broken comparison is refused by name, never misread.
        error = _raises_error_message(400, sdk.companies.list, request={"tags": "region"})
        assert "region" in str(error.data.error)


def test_list_companies_by_tags_with_not_equal_and_contains(sdk_live: LivePlatform) -> None:
    own = fresh_tenant(sdk_live)
    with platform_sdk(sdk_live, own.auth_header) as sdk:
        sdk.companies.create(request={"name": "West", "tags": {"region": "west"}})
        sdk.companies.create(request={"name": "East", "tags": {"region": "east"}})
        sdk.companies.create(request={"name": "Untagged"})
        found = sdk.companies.list(request={"tags": "region!=east", "order_by": "name"})
        # A company without the tag is not in the east region either.
        assert [c.name for c in found.results or []] == ["Untagged", "West"]
        found = sdk.companies.list(request={"tags": "region~WE"})
        assert [c.name for c in found.results or []] == ["West"]


def test_a_failed_pull_shows_on_the_connection(
    sdk_live: LivePlatform, cp: CodatPlatform, tenant: Tenant
) -> None:
    with sdk_live.client(tenant) as http:
        company_id = create_company(http, "Closed File Co")
        connection_id, credential = link_connector(http, company_id)
        bearer = {"Authorization": f"Bearer {credential}"}
        pull_id = http.get("/connector/v1/work", headers=bearer).json()["pulls"][0]["id"]
        failed = http.post(
            f"/connector/v1/pulls/{pull_id}/failed",
            json={
                "status": "FetchError",
                "problem": {
                    "code": "qb.not_open",
                    "message": "QuickBooks is not open.",
                    "fix": "Open the company file.",
                },
            },
            headers=bearer,
        )
        failed.raise_for_status()

    pull = cp.refresh_data.get_pull_operation(
        request={"company_id": company_id, "dataset_id": pull_id}
    )
    assert (pull.status, pull.is_errored, pull.is_completed) == ("FetchError", True, True)
    assert pull.error_message == "QuickBooks is not open."
    connection = cp.connections.get(
        request={"company_id": company_id, "connection_id": connection_id}
    )
    [error] = connection.data_connection_errors or []
    assert (error.status_text, error.status) == ("FetchError", "Active")
    assert error.errored_on_utc and "QuickBooks is not open." in str(error.error_message)
