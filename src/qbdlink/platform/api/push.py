"""Push (write) endpoints: create, update and delete records in the company's QuickBooks."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from qbdlink.platform.api.deps import ContextDep, TenantDep
from qbdlink.platform.api.rendering import json_response
from qbdlink.platform.services import shapes
from qbdlink.platform.services.push_options import push_options
from qbdlink.platform.services.push_requests import CREATE, DELETE, OPERATIONS, UPDATE, request_push

router = APIRouter(tags=["Push data"])

_BASE = "/companies/{companyId}/connections/{connectionId}/push"
_RECORD_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {"application/json": {"schema": {"type": "object"}}},
    }
}
TimeoutQuery = Annotated[
    int | None,
    Query(alias="timeoutInMinutes", description="Minutes the connector has to carry it out."),
]


def _answer(push: Any, record: dict[str, Any] | None) -> Response:
    shape = shapes.push_operation(push)
    if record is not None:
        shape["data"] = record
    return json_response(shape)


async def _queue(
    http: Request,
    ctx: ContextDep,
    tenant: TenantDep,
    *,
    company_id: str,
    connection_id: str,
    path_type: str,
    operation: str,
    record_id: str | None,
    timeout: int | None,
) -> Response:
    body = None if operation == DELETE else await http.body()
    push, record = await run_in_threadpool(
        request_push,
        ctx,
        tenant,
        company_id=company_id,
        connection_id=connection_id,
        path_type=path_type,
        operation=operation,
        body=body,
        record_id=record_id,
        timeout_in_minutes=timeout,
    )
    return _answer(push, record)


def _add_routes(path_type: str) -> None:
    allowed = OPERATIONS[path_type]

    async def create(
        http: Request,
        ctx: ContextDep,
        tenant: TenantDep,
        companyId: str,  # noqa: N803
        connectionId: str,  # noqa: N803
        timeout: TimeoutQuery = None,
        allow_sync: Annotated[bool | None, Query(alias="allowSyncOnPushComplete")] = None,
    ) -> Response:
        return await _queue(
            http,
            ctx,
            tenant,
            company_id=companyId,
            connection_id=connectionId,
            path_type=path_type,
            operation=CREATE,
            record_id=None,
            timeout=timeout,
        )

    async def update(
        http: Request,
        ctx: ContextDep,
        tenant: TenantDep,
        companyId: str,  # noqa: N803
        connectionId: str,  # noqa: N803
        recordId: str,  # noqa: N803
        timeout: TimeoutQuery = None,
        force_update: Annotated[bool | None, Query(alias="forceUpdate")] = None,
    ) -> Response:
        return await _queue(
            http,
            ctx,
            tenant,
            company_id=companyId,
            connection_id=connectionId,
            path_type=path_type,
            operation=UPDATE,
            record_id=recordId,
            timeout=timeout,
        )

    async def delete(
        http: Request,
        ctx: ContextDep,
        tenant: TenantDep,
        companyId: str,  # noqa: N803
        connectionId: str,  # noqa: N803
        recordId: str,  # noqa: N803
        timeout: TimeoutQuery = None,
    ) -> Response:
        return await _queue(
            http,
            ctx,
            tenant,
            company_id=companyId,
            connection_id=connectionId,
            path_type=path_type,
            operation=DELETE,
            record_id=recordId,
            timeout=timeout,
        )

    router.add_api_route(
        f"{_BASE}/{path_type}",
        create,
        methods=["POST"],
        summary=f"Create a record ({path_type})",
        operation_id=f"create_{path_type}",
        openapi_extra=_RECORD_BODY,
    )
    if UPDATE in allowed:
        router.add_api_route(
            f"{_BASE}/{path_type}/{{recordId}}",
            update,
            methods=["PUT"],
            summary=f"Update a record ({path_type})",
            operation_id=f"update_{path_type}",
            openapi_extra=_RECORD_BODY,
        )
    if DELETE in allowed:
        router.add_api_route(
            f"{_BASE}/{path_type}/{{recordId}}",
            delete,
            methods=["DELETE"],
            summary=f"Delete a record ({path_type}; QuickBooks voids invoices)",
            operation_id=f"delete_{path_type}",
        )


for _path_type in OPERATIONS:
    _add_routes(_path_type)


@router.get(
    "/companies/{companyId}/connections/{connectionId}/options/{dataType}",
    summary="What a push of this data type may contain, for the company's QuickBooks edition",
)
def get_push_options(
    ctx: ContextDep,
    tenant: TenantDep,
    companyId: str,  # noqa: N803
    connectionId: str,  # noqa: N803
    dataType: str,  # noqa: N803
) -> Response:
    return json_response(push_options(ctx, tenant, companyId, connectionId, dataType))
