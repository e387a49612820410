"""JSON responses with exactly the status code Codat documents, and Codat's list envelope."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlencode

from fastapi import Query, Request
from starlette.responses import Response

from qbdlink.platform.domain import PageRequest
from qbdlink.platform.services.errors import InvalidRequestError, ValidationProblem

JSON = "application/json; charset=utf-8"
MAX_PAGE_SIZE = 5000
MAX_QUERY_LENGTH = 2048


def json_response(body: Any, status: int = 200) -> Response:
    return Response(
        content=json.dumps(body, ensure_ascii=False, separators=(",", ":")),
        status_code=status,
        media_type=JSON,
    )


def no_content(status: int = 204) -> Response:
    """A success without a body (Codat's 204s, and the 200 of DELETE connection)."""
    return Response(status_code=status)


def page_request(
    page: int = Query(1, description="Page number, from 1."),
    page_size: int = Query(100, alias="pageSize", description="Results per page, 1 to 5000."),
    query: str | None = Query(None, description="Codat query language, e.g. status=Paid."),
    order_by: str | None = Query(None, alias="orderBy", description="e.g. -modifiedDate"),
) -> PageRequest:
    problems = []
    if page < 1:
        problems.append(ValidationProblem("page", "The page number starts at 1."))
    if not 1 <= page_size <= MAX_PAGE_SIZE:
        problems.append(ValidationProblem("pageSize", f"From 1 to {MAX_PAGE_SIZE}."))
    if query is not None and len(query) > MAX_QUERY_LENGTH:
        problems.append(
            ValidationProblem("query", f"At most {MAX_QUERY_LENGTH} characters, not {len(query)}.")
        )
    if problems:
        raise InvalidRequestError("The paging parameters are not valid.", problems=problems)
    return PageRequest(page=page, page_size=page_size, query=query, order_by=order_by)


def _link(path: str, request: PageRequest, page: int) -> dict[str, str]:
    params: dict[str, Any] = {"page": page, "pageSize": request.page_size}
    if request.query:
        params["query"] = request.query
    if request.order_by:
        params["orderBy"] = request.order_by
    return {"href": f"{path}?{urlencode(params)}"}


def links(http: Request, request: PageRequest, total: int) -> dict[str, Any]:
    path = http.url.path
    found: dict[str, Any] = {"self": {"href": path}, "current": _link(path, request, request.page)}
    if request.page * request.page_size < total:
        found["next"] = _link(path, request, request.page + 1)
    if request.page > 1:
        found["previous"] = _link(path, request, request.page - 1)
    return found


def page_response(
    http: Request, request: PageRequest, results: Sequence[Any], total: int
) -> Response:
    return json_response(
        {
            "results": list(results),
            "pageNumber": request.page,
            "pageSize": request.page_size,
            "totalResults": total,
            "_links": links(http, request, total),
        }
    )


def raw_page_response(
    http: Request, request: PageRequest, documents: Sequence[str], total: int
) -> Response:
    """A page whose results are JSON texts already: joined, never parsed and re-dumped."""
    tail = json.dumps(
        {
            "pageNumber": request.page,
            "pageSize": request.page_size,
            "totalResults": total,
            "_links": links(http, request, total),
        },
        separators=(",", ":"),
    )
    content = '{"results":[' + ",".join(documents) + "]," + tail[1:]
    return Response(content=content.encode("utf-8"), media_type=JSON)


def raw_json_response(document: str) -> Response:
    return Response(content=document.encode("utf-8"), media_type=JSON)
