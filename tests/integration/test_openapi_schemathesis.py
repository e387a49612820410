"""Schemathesis against the platform's own OpenAPI document: no input makes the server fail.

Every operation of ``/openapi.json`` gets generated requests (its examples, boundary values,
then random ones) sent in-process to the ASGI app on SQLite, authenticated as a seeded client:
public API calls carry its API key, connector API calls its connector's credential, and every
``companyId`` names its company, which holds fetched invoices, so list queries and ``orderBy``
reach the query compiler and the database. The only check is ``not_a_server_error``: any 500
is a bug. The example count is bounded so the whole module takes well under a minute.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from qbdlink.model import wire
from qbdlink.platform.app import Platform, build_platform, create_app
from qbdlink.platform.services import clients, companies, connections, connector
from qbdlink.platform.services.context import Context, Deployment, Tenant
from qbdlink.platform.settings import PlatformSettings
from qbdlink.platform.storage.database import Database
from tests.support.connector_calls import invoice
from tests.support.platform import basic_auth

MAX_EXAMPLES = 10


@dataclass
class Seeded:
    platform: Platform
    client_id: str
    api_key: str
    credential: str
    company_id: str


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Seeded]:
    """A migrated SQLite platform: a client, its key, and a linked company with invoices."""
    home: Path = tmp_path_factory.mktemp("schemathesis")
    settings_ = PlatformSettings(
        home=home, database_url=f"sqlite:///{home / 'platform.sqlite3'}", work_wait_seconds=0.0
    )
    platform = build_platform(settings_)
    ctx = platform.context
    client = clients.create_client(ctx, "Schemathesis Lending")
    _key, api_key = clients.create_api_key(ctx, client.id, "schemathesis")
    tenant = Tenant(client_id=client.id)
    company = companies.create_company(ctx, tenant, name="Fuzz Co")
    connections.create_connection(ctx, tenant, company.id, "pqsw")
    linked = connector.link(
        ctx,
        wire.LinkRequest(
            licence_key=company.id,
            region="us",
            quickbooks=wire.QuickBooksIdentity(company_file_id="fuzz-file", edition="US"),
            link_request_id=uuid.uuid4().hex,
        ),
    )
    acting = connector.authenticate(ctx, f"Bearer {linked.credential}")
    work = connector.take_work(ctx, acting, limit=50)
    pull_id = next(p.id for p in work.pulls if p.data_type == "invoices")
    body = wire_json([invoice(n) for n in range(30)])
    connector.upload_batch(ctx, acting, pull_id, 1, body)
    connector.complete_pull(ctx, acting, pull_id, wire.PullComplete(record_count=30))
    try:
        yield Seeded(platform, client.id, api_key, linked.credential, company.id)
    finally:
        platform.close()


def throwaway_company(seeded: Seeded) -> str:
    tenant = Tenant(client_id=seeded.client_id)
    return companies.create_company(seeded.platform.context, tenant, name="Doomed Co").id


def wire_json(records: list[dict[str, Any]]) -> bytes:
    return json.dumps(records).encode()


# The schema is read from an app built at import time (the OpenAPI document needs no database):
# schemathesis' fixture-based loader does not work with pytest 9 (it sets Function._nodeid).
# The fixture below points this app at the seeded platform before any request is sent.
APP = create_app(
    Context(
        database=Database.from_url("sqlite://"),  # never connected: replaced by `seeded`
        deployment=Deployment(region="us", base_url="http://testserver", region_urls={}),
    ),
    work_wait_seconds=0.0,
)
schema = schemathesis.openapi.from_asgi("/openapi.json", APP)


@pytest.fixture(scope="module", autouse=True)
def serve_seeded(seeded: Seeded) -> Iterator[None]:
    placeholder = APP.state.context
    APP.state.context = seeded.platform.context
    yield
    APP.state.context = placeholder


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_no_generated_request_is_a_server_error(case: schemathesis.Case, seeded: Seeded) -> None:
    if case.path_parameters and "companyId" in case.path_parameters:
        company_id = seeded.company_id
        if case.method.upper() == "DELETE" and case.path == "/companies/{companyId}":
            company_id = throwaway_company(seeded)  # the seeded one must outlive the run
        case.path_parameters["companyId"] = company_id
    connector_call = case.path.startswith(wire.CONNECTOR_API_PREFIX)
    headers = dict(case.headers or {})
    headers["Authorization"] = (
        f"Bearer {seeded.credential}" if connector_call else basic_auth(seeded.api_key)
    )
    case.headers = headers
    case.call_and_validate(checks=[not_a_server_error])
