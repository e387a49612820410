"""Refreshing data, its status, and the history of pull and push operations."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from starlette.responses import Response

from qbdlink.platform.api.deps import ContextDep, TenantDep
from qbdlink.platform.api.rendering import json_response, no_content, page_request, page_response
from qbdlink.platform.domain import PageRequest
from qbdlink.platform.services import pulls, pushes, shapes

router = APIRouter(tags=["Refresh data"])
PageDep = Annotated[PageRequest, Depends(page_request)]


@router.post(
    "/companies/{companyId}/data/all",
    summary="Queue every data type set to fetch on first link",
    status_code=204,
)
def refresh_all(ctx: ContextDep, tenant: TenantDep, companyId: str) -> Response:  # noqa: N803
    pulls.refresh_all(ctx, tenant, companyId)
    return no_content(204)


@router.post("/companies/{companyId}/data/queue/{dataType}", summary="Queue one data type (a pull)")
def refresh_data_type(
    ctx: ContextDep,
    tenant: TenantDep,
    companyId: str,  # noqa: N803
    dataType: str,  # noqa: N803
    connection_id: Annotated[str | None, Query(alias="connectionId")] = None,
) -> Response:
    pull = pulls.refresh_data_type(ctx, tenant, companyId, dataType, connection_id)
    return json_response(shapes.pull_operation(pull))


@router.get("/companies/{companyId}/dataStatus", summary="Each data type's latest status")
def data_status(ctx: ContextDep, tenant: TenantDep, companyId: str) -> Response:  # noqa: N803
    return json_response(pulls.data_status(ctx, tenant, companyId))


@router.get("/companies/{companyId}/data/history", summary="List pull operations")
def list_pull_operations(
    http: Request,
    ctx: ContextDep,
    tenant: TenantDep,
    companyId: str,  # noqa: N803
    paging: PageDep,
) -> Response:
    page = pulls.list_pulls(ctx, tenant, companyId, paging)
    return page_response(http, paging, [shapes.pull_operation(p) for p in page.items], page.total)


@router.get("/companies/{companyId}/data/history/{datasetId}", summary="Get a pull operation")
def get_pull_operation(
    ctx: ContextDep,
    tenant: TenantDep,
    companyId: str,  # noqa: N803
    datasetId: str,  # noqa: N803
) -> Response:
    return json_response(shapes.pull_operation(pulls.get_pull(ctx, tenant, companyId, datasetId)))


@router.get("/companies/{companyId}/push", summary="List push operations", tags=["Push data"])
def list_push_operations(
    http: Request,
    ctx: ContextDep,
    tenant: TenantDep,
    companyId: str,  # noqa: N803
    paging: PageDep,
) -> Response:
    page = pushes.list_pushes(ctx, tenant, companyId, paging)
    return page_response(http, paging, [shapes.push_operation(p) for p in page.items], page.total)


@router.get(
    "/companies/{companyId}/push/{pushOperationKey}",
    summary="Get a push operation",
    tags=["Push data"],
)
def get_push_operation(
    ctx: ContextDep,
    tenant: TenantDep,
    companyId: str,  # noqa: N803
    pushOperationKey: str,  # noqa: N803
) -> Response:
    push = pushes.get_push(ctx, tenant, companyId, pushOperationKey)
    return json_response(shapes.push_operation(push))
