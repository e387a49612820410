"""QuickBooks Desktop connections: created PendingAuth, linked by the connector, unlinked."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from sqlalchemy.engine import Connection as Db

from qbdlink.platform.domain import (
    LINKED,
    PENDING_AUTH,
    QUICKBOOKS_DESKTOP,
    UNLINKED,
    Company,
    Connection,
    Page,
    PageRequest,
)
from qbdlink.platform.services import events, shapes
from qbdlink.platform.services.companies import load_company
from qbdlink.platform.services.context import Context, Tenant
from qbdlink.platform.services.errors import InvalidRequestError, NotFoundError, ValidationProblem
from qbdlink.platform.storage import connections as store


def load_connection(db: Db, company_id: str, connection_id: str) -> Connection:
    found = store.get_connection(db, company_id, connection_id)
    if found is None:
        raise NotFoundError(
            f"No connection with id {connection_id!r} for company {company_id!r}.",
            code="connection.not_found",
            fix="GET /companies/{companyId}/connections lists the company's connections.",
        )
    return found


def publish_connection_event(
    ctx: Context, db: Db, event_type: str, company: Company, connection: Connection
) -> None:
    events.publish(
        db,
        client_id=company.client_id,
        event_type=event_type,
        payload={
            "connection": shapes.connection(connection, ctx.deployment),
            "referenceCompany": shapes.company_reference(company, ctx.deployment),
        },
        company=company,
        now=ctx.clock.now(),
    )


def create_connection(
    ctx: Context, tenant: Tenant, company_id: str, platform_key: Any
) -> Connection:
    """A PendingAuth QuickBooks Desktop connection; the pending one if there is one already.

    Returning the pending connection keeps one licence key meaning one connection to link.
    """
    if platform_key != QUICKBOOKS_DESKTOP:
        raise NotFoundError(
            f"Integration {platform_key!r} is not available here: this platform serves "
            f"QuickBooks Desktop, platformKey {QUICKBOOKS_DESKTOP!r}.",
            code="integration.not_found",
            fix=f'Send {{"platformKey": "{QUICKBOOKS_DESKTOP}"}}.',
        )
    with ctx.database.write() as db:
        company = load_company(db, tenant, company_id)
        for existing in store.connections_of_company(db, company_id):
            if existing.status == PENDING_AUTH and existing.platform_key == QUICKBOOKS_DESKTOP:
                return existing
        connection = store.insert_connection(
            db,
            connection_id=str(uuid.uuid4()),
            client_id=tenant.client_id,
            company_id=company_id,
            platform_key=QUICKBOOKS_DESKTOP,
            status=PENDING_AUTH,
        )
        publish_connection_event(ctx, db, "connection.created", company, connection)
    return connection


def list_connections(
    ctx: Context, tenant: Tenant, company_id: str, request: PageRequest
) -> Page[Connection]:
    with ctx.database.read() as db:
        load_company(db, tenant, company_id)
        return store.list_connections(db, company_id, request)


def get_connection(ctx: Context, tenant: Tenant, company_id: str, connection_id: str) -> Connection:
    with ctx.database.read() as db:
        load_company(db, tenant, company_id)
        return load_connection(db, company_id, connection_id)


def set_status(
    ctx: Context, tenant: Tenant, company_id: str, connection_id: str, status: Any
) -> Connection:
    """PATCH: only unlinking is a client's to do; linking is the connector's."""
    if status != UNLINKED:
        raise InvalidRequestError(
            f"A connection's status can only be set to {UNLINKED!r} here, not {status!r}.",
            problems=[ValidationProblem("status", f"Use {UNLINKED!r}.")],
            fix="To link, run the connector with the company's licence key.",
        )
    with ctx.database.write() as db:
        company = load_company(db, tenant, company_id)
        connection = load_connection(db, company_id, connection_id)
        if connection.status != UNLINKED:
            store.update_connection(db, connection_id, {"status": UNLINKED})
            store.revoke_credentials(db, connection_id)
            connection = load_connection(db, company_id, connection_id)
            if connection.linked is not None:
                publish_connection_event(ctx, db, "connection.disconnected", company, connection)
        return connection


def update_authorization(
    ctx: Context, tenant: Tenant, company_id: str, connection_id: str, body: Mapping[str, Any]
) -> Connection:
    if not all(isinstance(k, str) and isinstance(v, str) for k, v in body.items()):
        raise InvalidRequestError(
            "An authorization body is an object of text keys and text values.",
            problems=[ValidationProblem("body", 'Use {"key": "value", ...}.')],
        )
    with ctx.database.write() as db:
        load_company(db, tenant, company_id)
        connection = load_connection(db, company_id, connection_id)
        merged = {**connection.authorization, **body}
        store.update_connection(db, connection_id, {"authorization": merged})
        return load_connection(db, company_id, connection_id)


def delete_connection(ctx: Context, tenant: Tenant, company_id: str, connection_id: str) -> None:
    with ctx.database.write() as db:
        company = load_company(db, tenant, company_id)
        connection = load_connection(db, company_id, connection_id)
        store.revoke_credentials(db, connection_id)
        store.delete_connection(db, company_id, connection_id)
        publish_connection_event(ctx, db, "connection.deleted", company, connection)


def active_connection(db: Db, company_id: str) -> Connection | None:
    """The company's Linked connection, else its newest pending one."""
    found = list(store.connections_of_company(db, company_id))
    for status in (LINKED, PENDING_AUTH):
        candidates = [c for c in found if c.status == status]
        if candidates:
            return candidates[-1]
    return None
