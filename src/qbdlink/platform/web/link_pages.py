"""The Link flow: the page a company's ``redirect`` URL opens, and its live status.

``GET /link/{companyId}`` shows the client's name and logo and offers QuickBooks Desktop;
choosing it (``?integration=pqsw``, a plain link, so it works without JavaScript) shows the
download, the licence key and the steps. ``GET /link/{companyId}/status`` is what the page
polls (an HTML fragment, or JSON with ``?format=json``). No sign-in: the company id is the
licence key the person linking was sent.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from qbdlink.platform.domain import QUICKBOOKS_DESKTOP
from qbdlink.platform.services import link_status
from qbdlink.platform.services.context import Context
from qbdlink.platform.services.errors import NotFoundError
from qbdlink.platform.settings import REGION_NAMES
from qbdlink.platform.web.rendering import render, secure_headers

router = APIRouter(include_in_schema=False)


def _context(request: Request) -> Context:
    found: Context = request.app.state.context
    return found


def _not_found(request: Request, error: NotFoundError) -> Response:
    return render(
        request,
        "link_missing.html",
        {"message": error.message, "fix": error.fix},
        status=404,
        private=True,
    )


@router.get("/link/{company_id}")
def link_page(
    request: Request,
    company_id: str,
    integration: Annotated[str | None, Query(max_length=20)] = None,
) -> Response:
    ctx = _context(request)
    try:
        status = link_status.link_status(ctx, company_id)
    except NotFoundError as error:
        return _not_found(request, error)
    # A link under way (say the page was reloaded) goes straight to the steps and status.
    chosen = integration == QUICKBOOKS_DESKTOP or status.stage in ("linked", "syncing", "failed")
    values: dict[str, Any] = {
        "status": status,
        "chosen": chosen,
        "integration_key": QUICKBOOKS_DESKTOP,
        "already_linked": status.stage == "done",
        "region_name": REGION_NAMES.get(ctx.deployment.region, ctx.deployment.region),
        "installer_url": (
            ctx.deployment.installer_url(company_id, status.connection_id)
            if status.connection_id
            else None
        ),
        "status_url": f"/link/{company_id}/status",
    }
    return render(request, "link.html", values, private=True)


@router.get("/link/{company_id}/status")
def link_status_fragment(
    request: Request,
    company_id: str,
    format: Annotated[str, Query(pattern="^(html|json)$")] = "html",
) -> Response:
    try:
        status = link_status.link_status(_context(request), company_id)
    except NotFoundError as error:
        if format == "json":
            return secure_headers(
                JSONResponse({"error": error.message, "fix": error.fix}, status_code=404),
                private=True,
            )
        return _not_found(request, error)
    if format == "json":
        return secure_headers(JSONResponse(link_status.as_json(status)), private=True)
    response = render(request, "_link_status.html", {"status": status}, private=True)
    response.headers["X-Link-Stage"] = status.stage
    response.headers["X-Link-Finished"] = "1" if status.finished else "0"
    return response
