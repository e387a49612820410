"""What the portal shows: companies with their problems first, and one company in full.

These gather what the other use cases already offer (companies, connections, pulls, pushes,
health, settings) into one read per page.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from qbdlink.platform.domain import (
    LINKED,
    PENDING_AUTH,
    Company,
    Connection,
    PageRequest,
    PullOperation,
    PushOperation,
    SyncSetting,
)
from qbdlink.platform.services.companies import effective_connector_mode, load_company
from qbdlink.platform.services.connections import active_connection
from qbdlink.platform.services.context import Context, Tenant
from qbdlink.platform.services.link_status import (
    Problem,
    display_name,
    problem_from_pull,
    problem_from_report,
)
from qbdlink.platform.services.sync_settings import company_settings
from qbdlink.platform.storage import companies as company_store
from qbdlink.platform.storage import connections as connection_store
from qbdlink.platform.storage import pulls as pull_store
from qbdlink.platform.storage import pushes as push_store

MAX_LISTED = 500
HISTORY = 100


@dataclass(frozen=True, kw_only=True)
class CompanyRow:
    company: Company
    connection: Connection | None
    status: str
    last_heartbeat: datetime | None
    problems: Sequence[str]


@dataclass(frozen=True, kw_only=True)
class DataTypeRow:
    data_type: str
    name: str
    current: PullOperation | None
    last_success: PullOperation | None
    setting: SyncSetting | None
    history: Sequence[PullOperation]


@dataclass(frozen=True, kw_only=True)
class CompanyView:
    company: Company
    connections: Sequence[Connection]
    connection: Connection | None
    health: Mapping[str, Any] | None
    last_heartbeat: datetime | None
    problem: Problem | None
    data_types: Sequence[DataTypeRow]
    settings: Sequence[SyncSetting]
    settings_overridden: bool
    mode_override: str | None
    mode: str
    pushes: Sequence[PushOperation]
    problems: Sequence[str] = field(default_factory=tuple)

    @property
    def can_sync(self) -> bool:
        return self.connection is not None and self.connection.status == LINKED


def _search_query(search: str | None) -> str | None:
    """Codat's query language on name or id: characters it reserves are dropped."""
    text = "".join(ch for ch in (search or "") if ch not in "&|{}").strip()
    return f"name~{text}||id={text}" if text else None


def _problems(
    connection: Connection | None,
    report: Mapping[str, Any],
    latest: Mapping[str, PullOperation],
) -> list[str]:
    found: list[str] = []
    reported = problem_from_report(report)
    if reported is not None:
        found.append(f"{reported.title}: {reported.message}")
    for pull in latest.values():
        if pull.is_errored:
            problem = problem_from_pull(pull)
            found.append(f"{display_name(pull.data_type)}: {problem.message}")
    if connection is None:
        found.append("No QuickBooks Desktop connection: create one to get a Link URL.")
    return found


def companies_overview(
    ctx: Context, tenant: Tenant, search: str | None = None
) -> tuple[list[CompanyRow], int]:
    """The client's companies, those with problems first, then by name; and how many match."""
    request = PageRequest(page=1, page_size=MAX_LISTED, query=_search_query(search))
    rows: list[CompanyRow] = []
    with ctx.database.read() as db:
        page = company_store.list_companies(db, tenant.client_id, request)
        connections = connection_store.connections_of_companies(db, [c.id for c in page.items])
        for company in page.items:
            found = connections.get(company.id, [])
            connection = active_connection(db, company.id) if found else None
            health = connection_store.get_health(db, connection.id) if connection else None
            latest = pull_store.latest_pulls_by_type(db, company.id) if connection else {}
            status = connection.status if connection else (found[-1].status if found else "None")
            rows.append(
                CompanyRow(
                    company=company,
                    connection=connection,
                    status=status,
                    last_heartbeat=health.last_heartbeat if health else None,
                    problems=_problems(connection, health.report if health else {}, latest),
                )
            )
    rows.sort(key=lambda r: (not r.problems, r.company.name.lower(), r.company.id))
    return rows, page.total


def company_view(ctx: Context, tenant: Tenant, company_id: str) -> CompanyView:
    with ctx.database.read() as db:
        company = load_company(db, tenant, company_id)
        connections = list(connection_store.connections_of_company(db, company.id))
        connection = active_connection(db, company.id)
        health = connection_store.get_health(db, connection.id) if connection else None
        latest = pull_store.latest_pulls_by_type(db, company.id)
        successful = pull_store.latest_successful_by_type(db, company.id)
        history = pull_store.list_pulls(db, company.id, PageRequest(page_size=HISTORY)).items
        settings = company_settings(db, company)
        pushes = push_store.list_pushes(db, company.id, PageRequest(page_size=HISTORY)).items
        mode = effective_connector_mode(db, company)
    by_setting = {s.data_type: s for s in settings}
    data_types = [
        DataTypeRow(
            data_type=data_type,
            name=display_name(data_type),
            current=latest.get(data_type),
            last_success=successful.get(data_type),
            setting=by_setting.get(data_type),
            history=[p for p in history if p.data_type == data_type][:10],
        )
        for data_type in sorted(set(by_setting) | set(latest), key=display_name)
    ]
    report: Mapping[str, Any] = health.report if health else {}
    return CompanyView(
        company=company,
        connections=connections,
        connection=connection,
        health=report if health else None,
        last_heartbeat=health.last_heartbeat if health else None,
        problem=problem_from_report(report),
        data_types=data_types,
        settings=settings,
        settings_overridden=company.sync_settings_override_defaults,
        mode_override=company.connector_mode,
        mode=mode,
        pushes=pushes,
        problems=_problems(connection, report, latest),
    )


def pending_connection(view: CompanyView) -> Connection | None:
    pending = [c for c in view.connections if c.status == PENDING_AUTH]
    return pending[-1] if pending else None
