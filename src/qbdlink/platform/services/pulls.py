"""Pull operations from the client's side: queue, status, history.

A QuickBooks Desktop pull waits for the connector (which polls for work) and says so in its
status description, as Codat's offline connectors do.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy.engine import Connection as Db

from qbdlink.model.datatypes import ALL_DATA_TYPE_KEYS, DATA_TYPES, DataTypeInfo
from qbdlink.model.datatypes import data_type as model_data_type
from qbdlink.model.errors import UnknownDataTypeError
from qbdlink.platform.domain import (
    LINKED,
    PULL_FETCHING,
    WAITING_FOR_CONNECTOR,
    Company,
    Connection,
    Page,
    PageRequest,
    PullOperation,
)
from qbdlink.platform.services.companies import load_company
from qbdlink.platform.services.connections import active_connection, load_connection
from qbdlink.platform.services.context import Context, Tenant
from qbdlink.platform.services.errors import DataNotReadyError, InvalidRequestError, NotFoundError
from qbdlink.platform.services.events import iso
from qbdlink.platform.services.sync_settings import company_settings
from qbdlink.platform.storage import pulls as store


def check_data_type(data_type: str) -> str:
    """Codat's name of a data type we serve (accounts are ``chartOfAccounts``), or NotFound."""
    info = _served(data_type)
    if info is not None:
        return info.codat_data_type
    if data_type in ALL_DATA_TYPE_KEYS:
        raise NotFoundError(
            f"Datatype {data_type} not supported by platform: QuickBooks Desktop (pqsw).",
            code="data_type.not_supported",
            fix=f"Data types served: {', '.join(DATA_TYPES)}.",
        )
    raise NotFoundError(
        f"Unknown data type {data_type!r}.",
        code="data_type.unknown",
        fix=f"Data types served: {', '.join(DATA_TYPES)}.",
    )


def _served(data_type: str) -> DataTypeInfo | None:
    try:
        return model_data_type(data_type)
    except UnknownDataTypeError:
        return None


def _linked_connection(db: Db, company: Company, connection_id: str | None) -> Connection:
    if connection_id:
        connection = load_connection(db, company.id, connection_id)
    else:
        found = active_connection(db, company.id)
        if found is None:
            raise InvalidRequestError(
                f"Company {company.id} has no QuickBooks Desktop connection to fetch from.",
                code="pull.no_connection",
                fix='Create one (POST /companies/{companyId}/connections {"platformKey": '
                '"pqsw"}) and have the company link it with the connector.',
            )
        connection = found
    if connection.status != LINKED:
        raise InvalidRequestError(
            f"Connection {connection.id} is {connection.status}, not Linked: there is no "
            "connector to fetch the data.",
            code="pull.not_linked",
            fix="Have the company run the connector with its licence key to link it.",
        )
    return connection


def queue_pull(
    db: Db, company: Company, connection: Connection, data_type: str, *, is_initial: bool
) -> PullOperation:
    return store.insert_pull(
        db,
        pull_id=str(uuid.uuid4()),
        client_id=company.client_id,
        company_id=company.id,
        connection_id=connection.id,
        data_type=data_type,
        status=PULL_FETCHING,
        status_description=WAITING_FOR_CONNECTOR,
        is_initial=is_initial,
    )


def refresh_data_type(
    ctx: Context,
    tenant: Tenant,
    company_id: str,
    data_type: str,
    connection_id: str | None = None,
) -> PullOperation:
    data_type = check_data_type(data_type)
    with ctx.database.write() as db:
        company = load_company(db, tenant, company_id)
        connection = _linked_connection(db, company, connection_id)
        return queue_pull(db, company, connection, data_type, is_initial=False)


def refresh_all(ctx: Context, tenant: Tenant, company_id: str) -> Sequence[PullOperation]:
    """Queue every data type whose setting fetches on first link; skip those already running."""
    with ctx.database.write() as db:
        company = load_company(db, tenant, company_id)
        connection = _linked_connection(db, company, None)
        return queue_settings_pulls(db, company, connection, is_initial=False)


def queue_settings_pulls(
    db: Db, company: Company, connection: Connection, *, is_initial: bool
) -> list[PullOperation]:
    running = {p.data_type for p in store.running_pulls(db, company.id)}
    queued = []
    for setting in company_settings(db, company):
        if setting.fetch_on_first_link and setting.data_type not in running:
            queued.append(
                queue_pull(db, company, connection, setting.data_type, is_initial=is_initial)
            )
    return queued


def list_pulls(
    ctx: Context, tenant: Tenant, company_id: str, request: PageRequest
) -> Page[PullOperation]:
    with ctx.database.read() as db:
        load_company(db, tenant, company_id)
        return store.list_pulls(db, company_id, request)


def get_pull(ctx: Context, tenant: Tenant, company_id: str, pull_id: str) -> PullOperation:
    with ctx.database.read() as db:
        load_company(db, tenant, company_id)
        found = store.get_pull(db, company_id, pull_id)
    if found is None:
        raise NotFoundError(f"No pull operation with id {pull_id!r} for company {company_id!r}.")
    return found


def data_status(ctx: Context, tenant: Tenant, company_id: str) -> dict[str, dict[str, Any]]:
    with ctx.database.read() as db:
        load_company(db, tenant, company_id)
        latest = store.latest_pulls_by_type(db, company_id)
        successful = store.latest_successful_by_type(db, company_id)
    status: dict[str, dict[str, Any]] = {}
    for data_type, pull in sorted(latest.items()):
        entry: dict[str, Any] = {
            "dataType": data_type,
            "currentStatus": pull.status,
            "latestSyncId": pull.id,
        }
        done = successful.get(data_type)
        if done is not None:
            entry["lastSuccessfulSync"] = iso(done.completed)
            entry["latestSuccessfulSyncId"] = done.id
        status[data_type] = entry
    return status


def require_fetched(db: Db, company_id: str, data_type: str) -> None:
    if not store.has_completed(db, company_id, check_data_type(data_type)):
        raise DataNotReadyError(
            f"The {data_type} data for company {company_id} has not been fetched yet.",
            fix="Queue a pull (POST /companies/{companyId}/data/queue/"
            f"{data_type}) and read again once it is Complete.",
        )
