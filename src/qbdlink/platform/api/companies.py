"""Companies and their connections."""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from starlette.responses import Response

from qbdlink.platform.api.bodies import (
    CompanyRequest,
    CompanyUpdate,
    ConnectionRequest,
    ConnectionStatusUpdate,
    camel,
)
from qbdlink.platform.api.deps import ContextDep, TenantDep
from qbdlink.platform.api.rendering import json_response, no_content, page_request, page_response
from qbdlink.platform.domain import PageRequest, TagFilter
from qbdlink.platform.services import companies, connections, shapes
from qbdlink.platform.services.errors import InvalidRequestError, ValidationProblem

router = APIRouter(tags=["Companies"])
PageDep = Annotated[PageRequest, Depends(page_request)]


# One tag comparison: key, Codat's operator (= != ~), value; whitespace around each is allowed.
_TAG_COMPARISON = re.compile(r"^\s*([^=!~&|{}]+?)\s*(!=|~|=)\s*(.*?)\s*$")


def _tags(text: str | None) -> list[TagFilter] | None:
    """``tags=region=uk && owner!=bob && name~acme``: tag comparisons joined by ``&&``.

    Codat's tag filter takes ``=``, ``!=`` and ``~`` (contains, case-insensitive).
    """
    if not text or not text.strip():
        return None
    found = []
    for part in text.split("&&"):
        match = _TAG_COMPARISON.match(part)
        if match is None or "||" in part:
            raise InvalidRequestError(
                f"tags: {part.strip()!r} is not a tag comparison.",
                problems=[
                    ValidationProblem(
                        "tags", "Use key=value, key!=value or key~text, joined by &&."
                    )
                ],
            )
        key, operator, value = match.groups()
        found.append(TagFilter(key=key, operator=operator, value=value))
    return found


@router.get("/companies", summary="List companies")
def list_companies(
    http: Request,
    ctx: ContextDep,
    tenant: TenantDep,
    paging: PageDep,
    tags: Annotated[str | None, Query(description="key=value pairs joined by &&")] = None,
) -> Response:
    page = companies.list_companies(ctx, tenant, paging, _tags(tags))
    results = [shapes.company(c, conns, ctx.deployment) for c, conns in page.items]
    return page_response(http, paging, results, page.total)


@router.post("/companies", summary="Create a company", status_code=200)
def create_company(ctx: ContextDep, tenant: TenantDep, body: CompanyRequest) -> Response:
    company = companies.create_company(
        ctx, tenant, name=body.name, description=body.description, tags=body.tags
    )
    return json_response(shapes.company(company, [], ctx.deployment))


@router.get("/companies/{companyId}", summary="Get a company")
def get_company(ctx: ContextDep, tenant: TenantDep, companyId: str) -> Response:  # noqa: N803
    company, conns = companies.get_company(ctx, tenant, companyId)
    return json_response(shapes.company(company, conns, ctx.deployment))


@router.patch("/companies/{companyId}", summary="Update a company (the fields given)")
def patch_company(
    ctx: ContextDep,
    tenant: TenantDep,
    companyId: str,  # noqa: N803
    body: CompanyUpdate,
) -> Response:
    company, conns = companies.update_company(ctx, tenant, companyId, camel(body), replace=False)
    return json_response(shapes.company(company, conns, ctx.deployment))


@router.put("/companies/{companyId}", summary="Replace a company")
def put_company(
    ctx: ContextDep,
    tenant: TenantDep,
    companyId: str,  # noqa: N803
    body: CompanyRequest,
) -> Response:
    company, conns = companies.update_company(ctx, tenant, companyId, camel(body), replace=True)
    return json_response(shapes.company(company, conns, ctx.deployment))


@router.delete("/companies/{companyId}", summary="Delete a company and its data", status_code=204)
def delete_company(ctx: ContextDep, tenant: TenantDep, companyId: str) -> Response:  # noqa: N803
    companies.delete_company(ctx, tenant, companyId)
    return no_content(204)


@router.get("/companies/{companyId}/connections", summary="List connections", tags=["Connections"])
def list_connections(
    http: Request,
    ctx: ContextDep,
    tenant: TenantDep,
    companyId: str,  # noqa: N803
    paging: PageDep,
) -> Response:
    page = connections.list_connections(ctx, tenant, companyId, paging)
    results = [shapes.connection(c, ctx.deployment) for c in page.items]
    return page_response(http, paging, results, page.total)


@router.post(
    "/companies/{companyId}/connections", summary="Create a connection", tags=["Connections"]
)
def create_connection(
    ctx: ContextDep,
    tenant: TenantDep,
    companyId: str,  # noqa: N803
    body: ConnectionRequest,
) -> Response:
    connection = connections.create_connection(ctx, tenant, companyId, body.platform_key)
    return json_response(shapes.connection(connection, ctx.deployment))


@router.get(
    "/companies/{companyId}/connections/{connectionId}",
    summary="Get a connection",
    tags=["Connections"],
)
def get_connection(
    ctx: ContextDep,
    tenant: TenantDep,
    companyId: str,  # noqa: N803
    connectionId: str,  # noqa: N803
) -> Response:
    connection = connections.get_connection(ctx, tenant, companyId, connectionId)
    return json_response(shapes.connection(connection, ctx.deployment))


@router.patch(
    "/companies/{companyId}/connections/{connectionId}",
    summary="Unlink a connection",
    tags=["Connections"],
)
def unlink_connection(
    ctx: ContextDep,
    tenant: TenantDep,
    companyId: str,  # noqa: N803
    connectionId: str,  # noqa: N803
    body: ConnectionStatusUpdate,
) -> Response:
    connection = connections.set_status(ctx, tenant, companyId, connectionId, body.status)
    return json_response(shapes.connection(connection, ctx.deployment))


@router.put(
    "/companies/{companyId}/connections/{connectionId}/authorization",
    summary="Update a connection's authorization",
    tags=["Connections"],
)
def update_authorization(
    ctx: ContextDep,
    tenant: TenantDep,
    companyId: str,  # noqa: N803
    connectionId: str,  # noqa: N803
    body: dict[str, str],
) -> Response:
    connection = connections.update_authorization(ctx, tenant, companyId, connectionId, body)
    return json_response(shapes.connection(connection, ctx.deployment))


@router.delete(
    "/companies/{companyId}/connections/{connectionId}",
    summary="Delete a connection",
    tags=["Connections"],
    status_code=200,
)
def delete_connection(
    ctx: ContextDep,
    tenant: TenantDep,
    companyId: str,  # noqa: N803
    connectionId: str,  # noqa: N803
) -> Response:
    connections.delete_connection(ctx, tenant, companyId, connectionId)
    return no_content(200)
