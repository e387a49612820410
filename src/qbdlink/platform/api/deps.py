"""Request dependencies: the platform context and the authenticated client."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header, Request

from qbdlink.platform.services import clients
from qbdlink.platform.services.context import Context, Tenant


def context(request: Request) -> Context:
    found: Context = request.app.state.context
    return found


def tenant(
    ctx: Annotated[Context, Depends(context)],
    authorization: Annotated[
        str | None,
        Header(description="'Basic ' + Base64 of your API key, as Codat's SDKs send it."),
    ] = None,
) -> Tenant:
    return clients.authenticate(ctx, authorization)


ContextDep = Annotated[Context, Depends(context)]
TenantDep = Annotated[Tenant, Depends(tenant)]
