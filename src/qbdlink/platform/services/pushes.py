"""Push operations from the client's side: their list and details."""

from __future__ import annotations

from qbdlink.platform.domain import Page, PageRequest, PushOperation
from qbdlink.platform.services.companies import load_company
from qbdlink.platform.services.context import Context, Tenant
from qbdlink.platform.services.errors import NotFoundError
from qbdlink.platform.storage import pushes as store


def list_pushes(
    ctx: Context, tenant: Tenant, company_id: str, request: PageRequest
) -> Page[PushOperation]:
    with ctx.database.read() as db:
        load_company(db, tenant, company_id)
        return store.list_pushes(db, company_id, request)


def get_push(ctx: Context, tenant: Tenant, company_id: str, key: str) -> PushOperation:
    with ctx.database.read() as db:
        load_company(db, tenant, company_id)
        found = store.get_push(db, company_id, key)
    if found is None:
        raise NotFoundError(
            f"No push operation {key!r} for company {company_id!r}.", code="push.not_found"
        )
    return found
