"""Accounting data reads: one list and one get route per data type, from the model registry."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field, create_model
from starlette.responses import Response

from qbdlink.model.datatypes import DATA_TYPES, DataTypeInfo
from qbdlink.platform.api.deps import ContextDep, TenantDep
from qbdlink.platform.api.rendering import page_request, raw_json_response, raw_page_response
from qbdlink.platform.domain import PageRequest
from qbdlink.platform.services import reads

router = APIRouter(tags=["Accounting data"])
PageDep = Annotated[PageRequest, Depends(page_request)]

_NOT_READY: dict[int | str, dict[str, Any]] = {
    409: {"description": "The data type has not been fetched yet: queue a pull."}
}


def _page_model(info: DataTypeInfo) -> type[BaseModel]:
    return create_model(
        f"{info.model.__name__}Page",
        results=(list[info.model], ...),  # type: ignore[name-defined]
        pageNumber=(int, ...),
        pageSize=(int, ...),
        totalResults=(int, ...),
        links=(dict[str, Any], Field(alias="_links")),
    )


def _add_routes(info: DataTypeInfo) -> None:
    key = info.key

    def list_records(
        http: Request,
        ctx: ContextDep,
        tenant: TenantDep,
        companyId: str,  # noqa: N803
        paging: PageDep,
    ) -> Response:
        page = reads.list_records(ctx, tenant, companyId, key, paging)
        return raw_page_response(http, paging, page.items, page.total)

    def get_record(
        ctx: ContextDep,
        tenant: TenantDep,
        companyId: str,  # noqa: N803
        recordId: str,  # noqa: N803
    ) -> Response:
        return raw_json_response(reads.get_record(ctx, tenant, companyId, key, recordId))

    path = f"/companies/{{companyId}}/data/{info.read_path}"
    router.add_api_route(
        path,
        list_records,
        methods=["GET"],
        summary=f"List {info.display_name.lower()}",
        operation_id=f"list_{key}",
        responses={200: {"model": _page_model(info)}, **_NOT_READY},
    )
    router.add_api_route(
        f"{path}/{{recordId}}",
        get_record,
        methods=["GET"],
        summary=f"Get one of the {info.display_name.lower()}",
        operation_id=f"get_{key}",
        responses={200: {"model": info.model}, **_NOT_READY},
    )


def _add_company_info_route(info: DataTypeInfo) -> None:
    def company_info(ctx: ContextDep, tenant: TenantDep, companyId: str) -> Response:  # noqa: N803
        return raw_json_response(reads.company_info(ctx, tenant, companyId))

    router.add_api_route(
        "/companies/{companyId}/data/info",
        company_info,
        methods=["GET"],
        summary="Get company info",
        operation_id="get_company_info",
        responses={200: {"model": info.model}, **_NOT_READY},
    )


for _info in DATA_TYPES.values():
    if _info.key == "company":
        _add_company_info_route(_info)
    else:
        _add_routes(_info)
