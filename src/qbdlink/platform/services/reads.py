"""Accounting data reads: lists and single records, once a data type has been fetched."""

from __future__ import annotations

from qbdlink.platform.domain import Page, PageRequest
from qbdlink.platform.services.companies import load_company
from qbdlink.platform.services.context import Context, Tenant
from qbdlink.platform.services.errors import NotFoundError
from qbdlink.platform.services.pulls import check_data_type, require_fetched
from qbdlink.platform.storage import records as store


def list_records(
    ctx: Context, tenant: Tenant, company_id: str, data_type: str, request: PageRequest
) -> Page[str]:
    """A page of records as stored JSON texts (rendered as they are, not re-serialised)."""
    check_data_type(data_type)
    with ctx.database.read() as db:
        load_company(db, tenant, company_id)
        require_fetched(db, company_id, data_type)
        return store.list_records(db, company_id, data_type, request)


def get_record(
    ctx: Context, tenant: Tenant, company_id: str, data_type: str, record_id: str
) -> str:
    check_data_type(data_type)
    with ctx.database.read() as db:
        load_company(db, tenant, company_id)
        require_fetched(db, company_id, data_type)
        found = store.get_record(db, company_id, data_type, record_id)
    if found is None:
        raise NotFoundError(
            f"No {data_type} record with id {record_id!r} in company {company_id}.",
            code="record.not_found",
        )
    return found


def company_info(ctx: Context, tenant: Tenant, company_id: str) -> str:
    """The company info record (one per company), as stored JSON text."""
    with ctx.database.read() as db:
        load_company(db, tenant, company_id)
        require_fetched(db, company_id, "company")
        page = store.list_records(db, company_id, "company", PageRequest(page=1, page_size=1))
    if not page.items:
        raise NotFoundError(f"QuickBooks sent no company info for company {company_id}.")
    return page.items[0]
