"""Where a company's link stands, for the Link page and its live status (no sign-in needed).

The company id is the licence key the person linking holds; the page shows what the connector
reports, in the order they meet it: waiting for the connector, linked, the first link's progress
per data type, done; or the error with its fix.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from qbdlink.model.datatypes import DataTypeInfo
from qbdlink.model.datatypes import data_type as model_data_type
from qbdlink.model.errors import UnknownDataTypeError
from qbdlink.platform.domain import (
    LINKED,
    PENDING_AUTH,
    PULL_COMPLETE,
    QUICKBOOKS_DESKTOP,
    Client,
    Company,
    Connection,
    PageRequest,
    PullOperation,
)
from qbdlink.platform.services.context import Context
from qbdlink.platform.services.errors import NotFoundError
from qbdlink.platform.storage import clients as client_store
from qbdlink.platform.storage import companies as company_store
from qbdlink.platform.storage import connections as connection_store
from qbdlink.platform.storage import pulls as pull_store

Stage = Literal["unusable", "waiting", "linked", "syncing", "done", "failed"]


@dataclass(frozen=True, kw_only=True)
class Problem:
    """An error as a person should read it: what happened and what to do."""

    title: str
    message: str
    fix: str
    code: str = ""


@dataclass(frozen=True, kw_only=True)
class DataTypeProgress:
    data_type: str
    name: str
    state: Literal["waiting", "fetching", "done", "failed"]
    progress: int
    records: int
    message: str | None = None
    fix: str | None = None


@dataclass(frozen=True, kw_only=True)
class LinkStatus:
    company_id: str
    company_name: str
    client_name: str
    logo_url: str | None
    stage: Stage
    headline: str
    detail: str
    connection_id: str | None = None
    connection_status: str | None = None
    linked_at: datetime | None = None
    last_heartbeat: datetime | None = None
    company_file: str | None = None
    data_types: Sequence[DataTypeProgress] = field(default_factory=tuple)
    problem: Problem | None = None

    @property
    def can_download(self) -> bool:
        return self.connection_status == PENDING_AUTH

    @property
    def finished(self) -> bool:
        return self.stage in ("done", "unusable")

    @property
    def percent(self) -> int:
        if not self.data_types:
            return 100 if self.stage == "done" else 0
        return sum(d.progress for d in self.data_types) // len(self.data_types)


# Fallback wording for the conditions a person meets most, by the connector's error code (the
# connector's own message and fix win when it sends them).
_NOT_OPEN = (
    "QuickBooks is not open",
    "Open QuickBooks and log in to the company file you are linking. The connector checks "
    "again by itself every few seconds.",
)
_WRONG_FILE = (
    "Incorrect company file open",
    "In QuickBooks, open the company file you linked (File, Open or Restore Company). The "
    "connector waits for it and carries on by itself.",
)
_DIALOG = (
    "A window is open in QuickBooks",
    "Close the open window or message in QuickBooks; the connector carries on by itself.",
)
_NOT_ALLOWED = (
    "QuickBooks has not allowed the connector",
    'Log in to QuickBooks as the Admin user, choose "Yes, always; allow access even if '
    'QuickBooks is not running", then Continue and Done.',
)
KNOWN_PROBLEMS: Mapping[str, tuple[str, str]] = {
    "quickbooks.not_running": _NOT_OPEN,
    "qbxml.hresult.0x80040401": _NOT_OPEN,
    "qbxml.hresult.0x80040408": _NOT_OPEN,
    "qbxml.hresult.0x80040416": _NOT_OPEN,
    "qbxml.hresult.0x80040417": _NOT_OPEN,
    "qbxml.hresult.0x80040424": _NOT_OPEN,
    "quickbooks.wrong_company_file": _WRONG_FILE,
    "qbxml.hresult.0x8004040A": _WRONG_FILE,
    "qbxml.hresult.0x80040414": _DIALOG,
    "qbxml.hresult.0x80040418": _NOT_ALLOWED,
    "qbxml.hresult.0x8004041A": _NOT_ALLOWED,
    "qbxml.hresult.0x8004041D": _NOT_ALLOWED,
    "qbxml.hresult.0x80040420": _NOT_ALLOWED,
}


def explain(code: str, message: str, fix: str | None) -> Problem:
    """A connector-reported problem with a title and a fix (its own, else the known one)."""
    known = KNOWN_PROBLEMS.get(code)
    if known is None and "wrong_company_file" in code:
        known = _WRONG_FILE
    title = known[0] if known else "The connector met a problem"
    return Problem(
        title=title,
        message=message,
        fix=(fix or "").strip()
        or (
            known[1]
            if known
            else "Check QuickBooks is open on the linked company file; the connector tries again."
        ),
        code=code,
    )


def problem_from_report(report: Mapping[str, Any]) -> Problem | None:
    """The heartbeat's ``lastError`` as a :class:`Problem`, if there is one."""
    error = report.get("lastError")
    if not isinstance(error, Mapping):
        return None
    return explain(str(error.get("code", "")), str(error.get("message", "")), error.get("fix"))


def problem_from_pull(pull: PullOperation) -> Problem:
    error = pull.error or {}
    return explain(
        str(error.get("code", "")),
        pull.error_message or f"Fetching {pull.data_type} failed ({pull.status}).",
        str(error.get("fix") or pull.status_description or ""),
    )


def display_name(data_type: str) -> str:
    try:
        info: DataTypeInfo = model_data_type(data_type)
    except UnknownDataTypeError:
        return data_type
    return info.display_name


def _progress(pull: PullOperation) -> DataTypeProgress:
    if pull.status == PULL_COMPLETE:
        state: Literal["waiting", "fetching", "done", "failed"] = "done"
        percent = 100
    elif pull.is_errored or pull.is_completed:
        state, percent = "failed", pull.progress
    elif pull.claimed is not None or pull.records_received:
        state, percent = "fetching", max(pull.progress, 1)
    else:
        state, percent = "waiting", 0
    problem = problem_from_pull(pull) if state == "failed" else None
    return DataTypeProgress(
        data_type=pull.data_type,
        name=display_name(pull.data_type),
        state=state,
        progress=percent,
        records=pull.records_received,
        message=problem.message if problem else None,
        fix=problem.fix if problem else None,
    )


def _connection_for_link(connections: Sequence[Connection]) -> Connection | None:
    """The connection this link is about: the pending one a licence key links, else the linked
    one, else the newest that was ever linked (a one-time link that completed)."""
    desktop = [c for c in connections if c.platform_key == QUICKBOOKS_DESKTOP]
    for wanted in (PENDING_AUTH, LINKED):
        found = [c for c in desktop if c.status == wanted]
        if found:
            return found[-1]
    ever = [c for c in desktop if c.linked is not None]
    return ever[-1] if ever else None


def link_status(ctx: Context, company_id: str) -> LinkStatus:
    with ctx.database.read() as db:
        company = company_store.get_company_any_client(db, company_id)
        if company is None:
            raise NotFoundError(
                "This link is not valid: no company has this id.",
                code="link.unknown_company",
                fix="Check the address you were sent, or ask for a new link.",
            )
        client = client_store.get_client(db, company.client_id)
        connections = list(connection_store.connections_of_company(db, company.id))
        connection = _connection_for_link(connections)
        health = connection_store.get_health(db, connection.id) if connection else None
        pulls: list[PullOperation] = []
        if connection is not None and connection.status != PENDING_AUTH:
            page = pull_store.list_pulls(db, company.id, PageRequest(page_size=500))
            pulls = [p for p in page.items if p.connection_id == connection.id and p.is_initial]
    return _status(company, client, connections, connection, health, pulls)


def _status(
    company: Company,
    client: Client | None,
    connections: Sequence[Connection],
    connection: Connection | None,
    health: Any,
    pulls: Sequence[PullOperation],
) -> LinkStatus:
    client_name = client.name if client else "Your lender"
    base: dict[str, Any] = {
        "company_id": company.id,
        "company_name": company.name,
        "client_name": client_name,
        "logo_url": client.logo_url if client else None,
    }
    if connection is None:
        ended = [c for c in connections if c.platform_key == QUICKBOOKS_DESKTOP]
        detail = (
            f"The last connection is {ended[-1].status}. " if ended else ""
        ) + f"{client_name} must create a new QuickBooks Desktop connection for {company.name} "
        detail += "before it can be linked. Ask them for a new link."
        return LinkStatus(
            **base,
            stage="unusable",
            headline="This link cannot be used yet",
            detail=detail,
        )
    base.update(
        connection_id=connection.id,
        connection_status=connection.status,
        linked_at=connection.linked,
        last_heartbeat=health.last_heartbeat if health else None,
    )
    report: Mapping[str, Any] = health.report if health else {}
    quickbooks = report.get("quickbooks") if isinstance(report.get("quickbooks"), Mapping) else None
    base["company_file"] = (quickbooks or {}).get("companyFileName") or connection.quickbooks.get(
        "companyFileName"
    )
    if connection.status == PENDING_AUTH:
        return LinkStatus(
            **base,
            stage="waiting",
            headline="Waiting for the connector",
            detail="Follow the steps below. This page updates by itself once the connector links.",
        )
    progress = sorted((_progress(p) for p in pulls), key=lambda d: d.name)
    heartbeat_problem = problem_from_report(report)
    failed = [p for p in pulls if p.is_errored]
    running = [p for p in pulls if not p.is_completed]
    if running:
        started = any(d.state != "waiting" for d in progress)
        return LinkStatus(
            **base,
            stage="syncing" if started else "linked",
            headline="Linked: fetching your data" if started else "Linked",
            detail=(
                f"{len(pulls) - len(running)} of {len(pulls)} data types fetched. Keep "
                "QuickBooks open until this finishes."
            ),
            data_types=progress,
            problem=heartbeat_problem,
        )
    if failed:
        return LinkStatus(
            **base,
            stage="failed",
            headline="The first link did not finish",
            detail=f"{len(failed)} of {len(pulls)} data types could not be fetched.",
            data_types=progress,
            problem=heartbeat_problem or problem_from_pull(failed[0]),
        )
    return LinkStatus(
        **base,
        stage="done",
        headline="Done: your QuickBooks company is linked",
        detail=f"{company.name} shares its QuickBooks data with {client_name}. "
        "You can close this page.",
        data_types=progress,
    )


def as_json(status: LinkStatus) -> dict[str, Any]:
    """The live status the Link page polls."""
    return {
        "stage": status.stage,
        "headline": status.headline,
        "detail": status.detail,
        "connectionStatus": status.connection_status,
        "percent": status.percent,
        "finished": status.finished,
        "lastHeartbeat": status.last_heartbeat.isoformat() if status.last_heartbeat else None,
        "problem": (
            {
                "title": status.problem.title,
                "message": status.problem.message,
                "fix": status.problem.fix,
            }
            if status.problem
            else None
        ),
        "dataTypes": [
            {
                "dataType": d.data_type,
                "name": d.name,
                "state": d.state,
                "progress": d.progress,
                "records": d.records,
                "message": d.message,
                "fix": d.fix,
            }
            for d in status.data_types
        ],
    }
