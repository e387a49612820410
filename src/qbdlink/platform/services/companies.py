"""Companies: the businesses whose QuickBooks a client links."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy.engine import Connection as Db

from qbdlink.model.licence import new_company_id
from qbdlink.platform.domain import Company, Connection, Page, PageRequest, TagFilter
from qbdlink.platform.services import events, shapes
from qbdlink.platform.services.clients import check_connector_mode
from qbdlink.platform.services.context import Context, Tenant
from qbdlink.platform.services.errors import InvalidRequestError, NotFoundError, ValidationProblem
from qbdlink.platform.storage import clients as client_store
from qbdlink.platform.storage import companies as store
from qbdlink.platform.storage import connections as connection_store

MAX_NAME = 200


def _check_name(name: Any) -> str:
    if not isinstance(name, str) or not name.strip():
        raise InvalidRequestError(
            "A company needs a name.",
            problems=[ValidationProblem("name", "Required: a non-empty text.")],
        )
    if len(name) > MAX_NAME or any(ord(ch) < 32 for ch in name):
        raise InvalidRequestError(
            f"A company name has at most {MAX_NAME} characters and no control characters.",
            problems=[ValidationProblem("name", f"At most {MAX_NAME} printable characters.")],
        )
    return name.strip()


def _check_tags(tags: Any) -> dict[str, str]:
    if tags is None:
        return {}
    if not isinstance(tags, Mapping) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in tags.items()
    ):
        raise InvalidRequestError(
            "Company tags are an object of text keys and text values.",
            problems=[ValidationProblem("tags", 'Use {"key": "value", ...}.')],
        )
    return dict(tags)


def load_company(db: Db, tenant: Tenant, company_id: str) -> Company:
    found = store.get_company(db, tenant.client_id, company_id)
    if found is None:
        raise NotFoundError(
            f"No company with id {company_id!r}.",
            code="company.not_found",
            fix="Check the company id (GET /companies lists yours).",
        )
    return found


def create_company(
    ctx: Context,
    tenant: Tenant,
    *,
    name: Any,
    description: Any = None,
    tags: Any = None,
) -> Company:
    checked_name = _check_name(name)
    checked_tags = _check_tags(tags)
    if description is not None and not isinstance(description, str):
        raise InvalidRequestError(
            "A company description is text.",
            problems=[ValidationProblem("description", "Must be a string.")],
        )
    with ctx.database.write() as db:
        company = store.insert_company(
            db,
            company_id=new_company_id(ctx.deployment.region),
            client_id=tenant.client_id,
            name=checked_name,
            description=description,
            tags=checked_tags,
            region=ctx.deployment.region,
        )
        events.publish(
            db,
            client_id=tenant.client_id,
            event_type="company.created",
            payload=shapes.company(company, [], ctx.deployment),
            company=company,
            now=ctx.clock.now(),
        )
    return company


def get_company(ctx: Context, tenant: Tenant, company_id: str) -> tuple[Company, list[Connection]]:
    with ctx.database.read() as db:
        company = load_company(db, tenant, company_id)
        return company, list(connection_store.connections_of_company(db, company_id))


def list_companies(
    ctx: Context, tenant: Tenant, request: PageRequest, tags: Sequence[TagFilter] | None = None
) -> Page[tuple[Company, list[Connection]]]:
    with ctx.database.read() as db:
        page = store.list_companies(db, tenant.client_id, request, tags)
        connections = connection_store.connections_of_companies(db, [c.id for c in page.items])
    return Page(
        items=[(c, connections[c.id]) for c in page.items],
        page=page.page,
        page_size=page.page_size,
        total=page.total,
    )


def update_company(
    ctx: Context, tenant: Tenant, company_id: str, body: Mapping[str, Any], *, replace: bool
) -> tuple[Company, list[Connection]]:
    """PATCH changes the fields given; PUT replaces them (absent description and tags clear)."""
    values: dict[str, Any] = {}
    if replace or "name" in body:
        values["name"] = _check_name(body.get("name"))
    if replace or "description" in body:
        description = body.get("description")
        if description is not None and not isinstance(description, str):
            raise InvalidRequestError(
                "A company description is text.",
                problems=[ValidationProblem("description", "Must be a string.")],
            )
        values["description"] = description
    if replace or "tags" in body:
        values["tags"] = _check_tags(body.get("tags"))
    with ctx.database.write() as db:
        load_company(db, tenant, company_id)
        if values:
            store.update_company(db, tenant.client_id, company_id, values)
    return get_company(ctx, tenant, company_id)


def delete_company(ctx: Context, tenant: Tenant, company_id: str) -> None:
    """Delete the company with its connections, pulls, pushes and data."""
    with ctx.database.write() as db:
        company = load_company(db, tenant, company_id)
        for connection in connection_store.connections_of_company(db, company_id):
            connection_store.revoke_credentials(db, connection.id)
        store.delete_company(db, tenant.client_id, company_id)
        events.publish(
            db,
            client_id=tenant.client_id,
            event_type="company.deleted",
            payload=shapes.company(company, [], ctx.deployment),
            company=company,
            now=ctx.clock.now(),
        )


def effective_connector_mode(db: Db, company: Company) -> str:
    if company.connector_mode:
        return company.connector_mode
    client = client_store.get_client(db, company.client_id)
    return client.connector_mode if client else "ongoing"


def connector_mode(ctx: Context, tenant: Tenant, company_id: str) -> tuple[str | None, str]:
    """(the company's own override or None, the mode in effect)."""
    with ctx.database.read() as db:
        company = load_company(db, tenant, company_id)
        return company.connector_mode, effective_connector_mode(db, company)


def set_connector_mode(
    ctx: Context, tenant: Tenant, company_id: str, mode: str | None
) -> tuple[str | None, str]:
    if mode is not None:
        check_connector_mode(mode)
    with ctx.database.write() as db:
        load_company(db, tenant, company_id)
        store.update_company(db, tenant.client_id, company_id, {"connector_mode": mode})
    return connector_mode(ctx, tenant, company_id)
