"""What connectors do through the connector API: link, report health, take work, upload.

A connector acts for exactly one connection, through a credential it received when linking
(stored hashed, revoked on unlink, delete or one-time completion).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy.engine import Connection as Db

from qbdlink.model import wire
from qbdlink.model.datatypes import data_type as model_data_type
from qbdlink.model.licence import is_well_formed, region_of
from qbdlink.model.records import dump_record, parse_record, parse_records_json
from qbdlink.platform.domain import (
    DEAUTHORIZED,
    LINKED,
    PENDING_AUTH,
    PULL_COMPLETE,
    PUSH_FAILED,
    PUSH_SUCCESS,
    QUICKBOOKS_DESKTOP,
    WAITING_FOR_CONNECTOR,
    Company,
    Connection,
    PullOperation,
)
from qbdlink.platform.services import events, shapes
from qbdlink.platform.services.companies import effective_connector_mode
from qbdlink.platform.services.connections import publish_connection_event
from qbdlink.platform.services.context import Context
from qbdlink.platform.services.errors import (
    ConflictError,
    InvalidRequestError,
    NotAuthenticatedError,
    NotFoundError,
    WrongRegionError,
)
from qbdlink.platform.services.pulls import queue_settings_pulls
from qbdlink.platform.services.push_events import publish_push_result
from qbdlink.platform.services.sync_settings import company_settings
from qbdlink.platform.services.tokens import new_connector_credential, token_hash
from qbdlink.platform.settings import REGION_NAMES
from qbdlink.platform.storage import clients as client_store
from qbdlink.platform.storage import companies as company_store
from qbdlink.platform.storage import connections as connection_store
from qbdlink.platform.storage import pulls as pull_store
from qbdlink.platform.storage import pushes as push_store
from qbdlink.platform.storage import records as record_store

# One connector acts for a connection and asks for work one request at a time, so a pull it
# claimed and did not finish (it was killed, or restarted) is offered again at once: the
# restarted connector resumes it. The lease only spaces out two racing requests.
CLAIM_LEASE = timedelta(seconds=1)
MAX_BATCH_RECORDS = 5000


@dataclass(frozen=True)
class Acting:
    """The connection a connector credential acts for, with its company."""

    connection: Connection
    company: Company


def _check_region(ctx: Context, licence_key: str, region: str) -> None:
    here = ctx.deployment.region
    key_region = region_of(licence_key)
    right = key_region or here
    if region == here and right == here:
        return
    where = ctx.deployment.region_urls.get(right)
    raise WrongRegionError(
        f"This licence key belongs to the {REGION_NAMES[right]} region, not {REGION_NAMES[region]}."
        if key_region and key_region != region
        else f"This is the {REGION_NAMES[here]} service; the connector asked for "
        f"{REGION_NAMES[region]}.",
        fix=f"Choose {REGION_NAMES[right]} as the region and link again"
        + (f" ({where})." if where else "."),
    )


def _company_for_key(db: Db, licence_key: str) -> Company:
    if not is_well_formed(licence_key):
        raise InvalidRequestError(
            f"{licence_key!r} is not a licence key.",
            code="link.malformed_key",
            fix="Copy the licence key from the Link page: it looks like "
            "1b4e28ba-2fa1-8d2f-9a3e-0123456789ab.",
        )
    company = company_store.get_company_any_client(db, licence_key.strip())
    if company is None:
        raise NotFoundError(
            "No company has this licence key.",
            code="link.unknown_key",
            fix="Check the licence key on the Link page, and the region you chose.",
        )
    return company


def link_info(ctx: Context, licence_key: str, region: str) -> wire.LinkInfo:
    _check_region(ctx, licence_key, region)
    with ctx.database.read() as db:
        company = _company_for_key(db, licence_key)
        client = client_store.get_client(db, company.client_id)
        connections = list(connection_store.connections_of_company(db, company.id))
    pending = [c for c in connections if c.status == PENDING_AUTH]
    latest = connections[-1] if connections else None
    reason = None
    if not pending:
        reason = (
            "This company is already linked."
            if latest and latest.status == LINKED
            else f"{client.name if client else 'The client'} has not asked for a link yet."
        )
    return wire.LinkInfo(
        company_id=company.id,
        company_name=company.name,
        client_name=client.name if client else "",
        region=company.region,
        connection_status=latest.status if latest else None,
        can_link=bool(pending),
        reason=reason,
    )


def link(ctx: Context, request: wire.LinkRequest) -> wire.LinkResponse:
    _check_region(ctx, request.licence_key, request.region)
    credential = new_connector_credential()
    with ctx.database.write() as db:
        company = _company_for_key(db, request.licence_key)
        connection = _connection_to_link(db, company, request)
        client = client_store.get_client(db, company.client_id)
        assert client is not None
        repeat = connection.status == LINKED
        connection_store.revoke_credentials(db, connection.id)
        connection_store.insert_credential(
            db,
            credential_id=str(uuid.uuid4()),
            token_hash=token_hash(credential),
            connection=connection,
        )
        quickbooks = request.quickbooks.model_dump(by_alias=True, exclude_none=True)
        connection_store.update_connection(
            db,
            connection.id,
            {
                "status": LINKED,
                "linked": connection.linked or ctx.clock.now(),
                "quickbooks": {**quickbooks, "linkRequestId": request.link_request_id},
                "connection_info": {
                    "companyFileName": request.quickbooks.company_file_name,
                    "edition": request.quickbooks.edition,
                    "connectorVersion": request.connector_version,
                },
                "errors": [],
            },
        )
        linked = connection_store.get_connection(db, company.id, connection.id)
        assert linked is not None
        if not repeat:
            others = connection_store.connections_of_company(db, company.id)
            before = any(c.linked is not None for c in others if c.id != linked.id)
            # Codat: a company linking again after an unlink or a one-time link "reconnected".
            event = "connection.reconnected" if before else "connection.connected"
            publish_connection_event(ctx, db, event, company, linked)
            initial = queue_settings_pulls(db, company, linked, is_initial=True)
        else:
            initial = [p for p in pull_store.running_pulls(db, company.id) if p.is_initial]
        mode = effective_connector_mode(db, company)
    return wire.LinkResponse(
        credential=credential,
        company_id=company.id,
        company_name=company.name,
        client_name=client.name,
        connection_id=connection.id,
        region=company.region,
        mode="one-time" if mode == "one-time" else "ongoing",
        initial_data_types=[p.data_type for p in initial],
    )


def _connection_to_link(db: Db, company: Company, request: wire.LinkRequest) -> Connection:
    connections = list(connection_store.connections_of_company(db, company.id))
    for connection in connections:
        same_attempt = connection.quickbooks.get("linkRequestId") == request.link_request_id
        if connection.status == LINKED and same_attempt:
            return connection
    pending = [
        c for c in connections if c.status == PENDING_AUTH and c.platform_key == QUICKBOOKS_DESKTOP
    ]
    if pending:
        return pending[-1]
    if any(c.status == LINKED for c in connections):
        raise ConflictError(
            f"{company.name} is already linked to QuickBooks.",
            code="link.already_linked",
            fix="To link again, ask for a new link (the client creates a new connection), "
            "or unlink the current one first.",
        )
    raise ConflictError(
        f"{company.name} has no link waiting to be completed.",
        code="link.not_pending",
        fix="Ask the client for a new Link URL: a licence key links only a pending connection.",
    )


def authenticate(ctx: Context, header: str | None) -> Acting:
    scheme, _, token = (header or "").strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise NotAuthenticatedError(
            "The connector API needs 'Authorization: Bearer <connector credential>'.",
            fix="Link the connector first (qbdlink connector link).",
        )
    with ctx.database.read() as db:
        connection = connection_store.connection_for_token_hash(db, token_hash(token.strip()))
        company = (
            company_store.get_company_any_client(db, connection.company_id) if connection else None
        )
    if connection is None or company is None:
        raise NotAuthenticatedError(
            "This connector credential is not valid: it was revoked (the connection was "
            "unlinked, deleted or completed) or never existed.",
            code="connector.credential_revoked",
            fix="Link the connector again with the company's licence key.",
        )
    return Acting(connection=connection, company=company)


def heartbeat(ctx: Context, acting: Acting, report: wire.Heartbeat) -> wire.HeartbeatResponse:
    now = ctx.clock.now()
    with ctx.database.write() as db:
        connection_store.save_health(
            db,
            connection=acting.connection,
            report=report.model_dump(by_alias=True, exclude_none=True, mode="json"),
            at=now,
        )
        waiting = WAITING_FOR_CONNECTOR
        if report.paused_until:
            # The user paused syncing (Codat's wording for a paused pull).
            waiting = f"Paused until {report.paused_until}"
        elif report.last_error is not None:
            waiting = f"{WAITING_FOR_CONNECTOR}: {report.last_error.message}"
        for pull in pull_store.running_pulls(db, acting.company.id):
            # A pull the connector took stays "Fetching from QuickBooks Desktop" while all is
            # well; any pull shows what it waits for when the connector reports a problem.
            reported = report.last_error is not None or report.paused_until
            if (pull.claimed is None or reported) and pull.status_description != waiting:
                pull_store.update_pull(db, pull.id, {"status_description": waiting})
        mode = effective_connector_mode(db, acting.company)
    return wire.HeartbeatResponse(
        connection_status=acting.connection.status,
        mode="one-time" if mode == "one-time" else "ongoing",
    )


def _sync_from(db: Db, acting: Acting, data_type: str, now_iso: str) -> str | None:
    for setting in company_settings(db, acting.company):
        if setting.data_type != data_type:
            continue
        if setting.sync_from_utc:
            return setting.sync_from_utc
        if setting.sync_from_window:
            months = setting.sync_from_window
            year, month = int(now_iso[:4]), int(now_iso[5:7]) - months
            while month < 1:
                month += 12
                year -= 1
            return f"{year:04d}-{month:02d}-01T00:00:00Z"
    return None


def take_work(ctx: Context, acting: Acting, *, limit: int = 20) -> wire.Work:
    """Claim the company's queued pulls and list its pending pushes (oldest first)."""
    now = ctx.clock.now()
    with ctx.database.write() as db:
        pulls = pull_store.claim_pulls(
            db, acting.company.id, stale_before=now - CLAIM_LEASE, limit=limit
        )
        for pull in pulls:
            pull_store.update_pull(
                db, pull.id, {"status_description": "Fetching from QuickBooks Desktop"}
            )
        pushes = [
            push
            for push in push_store.pending_pushes(db, acting.company.id, limit)
            # Past its deadline a push is not carried out (it becomes TimedOut at the next tick).
            if push.timeout_in_minutes is None
            or push.requested + timedelta(minutes=push.timeout_in_minutes) > now
        ]
        mode = effective_connector_mode(db, acting.company)
        now_iso = events.iso(now) or ""
        pull_work = [
            wire.PullWork(
                id=p.id,
                data_type=p.data_type,
                is_initial=p.is_initial,
                sync_from_utc=_sync_from(db, acting, p.data_type, now_iso),
                last_batch_seq=p.last_batch_seq,
            )
            for p in pulls
        ]
    return wire.Work(
        connection_status=acting.connection.status,
        mode="one-time" if mode == "one-time" else "ongoing",
        pulls=pull_work,
        pushes=[
            wire.PushWork(
                key=p.key,
                data_type=p.data_type,
                operation=p.operation,
                record_id=p.record_id,
                body=dict(p.body) if p.body is not None else None,
                timeout_in_minutes=p.timeout_in_minutes,
            )
            for p in pushes
        ],
    )


def _own_pull(db: Db, acting: Acting, pull_id: str) -> PullOperation:
    pull = pull_store.lock_pull(db, acting.company.id, pull_id)
    if pull is None or pull.connection_id != acting.connection.id:
        raise NotFoundError(
            f"No pull operation {pull_id!r} for this connection.", code="connector.pull_unknown"
        )
    return pull


def pull_state(ctx: Context, acting: Acting, pull_id: str) -> wire.PullState:
    with ctx.database.read() as db:
        pull = pull_store.get_pull(db, acting.company.id, pull_id)
        if pull is None or pull.connection_id != acting.connection.id:
            raise NotFoundError(f"No pull operation {pull_id!r} for this connection.")
        batches = pull_store.received_batches(db, pull_id)
    return wire.PullState(
        id=pull.id,
        data_type=pull.data_type,
        status=pull.status,
        is_completed=pull.is_completed,
        received_batches=list(batches),
        records_received=pull.records_received,
    )


def upload_batch(
    ctx: Context,
    acting: Acting,
    pull_id: str,
    seq: int,
    body: bytes,
    *,
    expected_total: int | None = None,
) -> wire.BatchReceipt:
    """Store one batch of records; a batch already received is acknowledged, not stored twice."""
    if seq < 1:
        raise InvalidRequestError("Batch numbers start at 1.", code="connector.batch_seq")
    with ctx.database.write() as db:
        pull = _own_pull(db, acting, pull_id)
        if pull.is_completed:
            raise ConflictError(
                f"Pull {pull_id} is already {pull.status}; it takes no more batches.",
                code="connector.pull_closed",
            )
        records = parse_records_json(pull.data_type, body)
        if len(records) > MAX_BATCH_RECORDS:
            raise InvalidRequestError(
                f"A batch holds at most {MAX_BATCH_RECORDS} records, not {len(records)}.",
                code="connector.batch_too_big",
            )
        has_ids = "id" in model_data_type(pull.data_type).model.model_fields
        missing_id = [
            i for i, record in enumerate(records) if has_ids and not getattr(record, "id", None)
        ]
        if missing_id:
            raise InvalidRequestError(
                f"Records {missing_id[:10]} of batch {seq} have no id.",
                code="connector.record_without_id",
            )
        if not pull_store.record_batch(db, pull_id, seq, len(records)):
            return wire.BatchReceipt(
                pull_id=pull_id, seq=seq, duplicate=True, records_received=pull.records_received
            )
        # Stored straight from the validated models: one JSON serialisation per record.
        record_store.upsert_record_models(
            db,
            company_id=acting.company.id,
            data_type=pull.data_type,
            models=records,
            pull_id=pull_id,
        )
        received = pull.records_received + len(records)
        expected = expected_total if expected_total is not None else pull.records_expected
        progress = min(99, received * 100 // expected) if expected else pull.progress
        pull_store.update_pull(
            db,
            pull_id,
            {
                "records_received": received,
                "records_expected": expected,
                "last_batch_seq": max(seq, pull.last_batch_seq),
                "progress": progress,
                "claimed": ctx.clock.now(),
            },
        )
    return wire.BatchReceipt(pull_id=pull_id, seq=seq, duplicate=False, records_received=received)


def upload_deletions(
    ctx: Context, acting: Acting, pull_id: str, seq: int, record_ids: list[str]
) -> wire.BatchReceipt:
    """Mark records deleted in QuickBooks (``metadata.isDeleted``); idempotent by batch number.

    Batch numbers are shared with record batches. Ids the platform never received are
    ignored: there is nothing to mark.
    """
    if seq < 1:
        raise InvalidRequestError("Batch numbers start at 1.", code="connector.batch_seq")
    if len(record_ids) > MAX_BATCH_RECORDS:
        raise InvalidRequestError(
            f"A batch holds at most {MAX_BATCH_RECORDS} ids.", code="connector.batch_too_big"
        )
    with ctx.database.write() as db:
        pull = _own_pull(db, acting, pull_id)
        if pull.is_completed:
            raise ConflictError(
                f"Pull {pull_id} is already {pull.status}; it takes no more batches.",
                code="connector.pull_closed",
            )
        if not pull_store.record_batch(db, pull_id, seq, len(record_ids)):
            return wire.BatchReceipt(
                pull_id=pull_id, seq=seq, duplicate=True, records_received=pull.records_received
            )
        marked = record_store.mark_deleted(
            db, company_id=acting.company.id, data_type=pull.data_type, record_ids=record_ids
        )
        pull_store.update_pull(
            db,
            pull_id,
            {
                "records_received": pull.records_received + marked,
                "last_batch_seq": max(seq, pull.last_batch_seq),
                "claimed": ctx.clock.now(),
            },
        )
    return wire.BatchReceipt(
        pull_id=pull_id, seq=seq, duplicate=False, records_received=pull.records_received + marked
    )


def complete_pull(
    ctx: Context, acting: Acting, pull_id: str, summary: wire.PullComplete
) -> wire.PullState:
    now = ctx.clock.now()
    with ctx.database.write() as db:
        pull = _own_pull(db, acting, pull_id)
        if not pull.is_completed:
            pull_store.update_pull(
                db,
                pull_id,
                {
                    "status": PULL_COMPLETE,
                    "status_description": None,
                    "progress": 100,
                    "is_completed": True,
                    "completed": now,
                    "records_expected": summary.record_count,
                },
            )
            company_store.touch_last_sync(db, acting.company.id)
            connection_store.update_connection(db, acting.connection.id, {"last_sync": now})
            _announce_read(ctx, db, acting, pull)
    return pull_state(ctx, acting, pull_id)


def _announce_read(ctx: Context, db: Db, acting: Acting, pull: PullOperation) -> None:
    summary = {
        "connectionId": acting.connection.id,
        "dataType": pull.data_type,
        "recordsModified": pull.records_received > 0,
        "status": PULL_COMPLETE,
        "issues": [],
    }
    payload = {
        "referenceCompany": shapes.company_reference(acting.company, ctx.deployment),
        "modifiedFromDate": events.iso(pull.requested),
        "dataTypes": [summary],
    }
    events.publish(
        db,
        client_id=acting.company.client_id,
        event_type="read.completed",
        payload=payload,
        company=acting.company,
        now=ctx.clock.now(),
    )
    if pull.is_initial and not any(
        p.is_initial for p in pull_store.running_pulls(db, acting.company.id) if p.id != pull.id
    ):
        events.publish(
            db,
            client_id=acting.company.client_id,
            event_type="read.completed.initial",
            payload=payload,
            company=acting.company,
            now=ctx.clock.now(),
        )


def fail_pull(
    ctx: Context, acting: Acting, pull_id: str, failure: wire.PullFailed
) -> wire.PullState:
    now = ctx.clock.now()
    problem = failure.problem
    with ctx.database.write() as db:
        pull = _own_pull(db, acting, pull_id)
        if not pull.is_completed:
            pull_store.update_pull(
                db,
                pull_id,
                {
                    "status": failure.status,
                    "status_description": problem.fix or None,
                    "error_message": problem.message,
                    "error": problem.model_dump(by_alias=True),
                    "is_completed": True,
                    "is_errored": True,
                    "completed": now,
                },
            )
            error = {
                "statusCode": problem.code,
                "statusText": failure.status,
                "errorMessage": f"{problem.message} {problem.fix}".strip(),
                "erroredOnUtc": events.iso(now),
                "status": "Active",
            }
            errors = [*acting.connection.errors, error][-20:]
            connection_store.update_connection(db, acting.connection.id, {"errors": errors})
            if failure.status in ("AuthError", "PermissionsError"):
                # QuickBooks refused the connector: the connection itself has failed.
                failed = connection_store.get_connection(
                    db, acting.company.id, acting.connection.id
                )
                assert failed is not None
                publish_connection_event(ctx, db, "connection.failed", acting.company, failed)
    return pull_state(ctx, acting, pull_id)


_CHANGE_TYPES = {"Create": "Created", "Update": "Modified", "Delete": "Deleted"}


def push_result(ctx: Context, acting: Acting, key: str, result: wire.PushResult) -> None:
    """Record what QuickBooks did with a push; a repeated report of the same outcome is a no-op.

    A push that timed out on the platform is reconciled when its result arrives later.
    """
    now = ctx.clock.now()
    with ctx.database.write() as db:
        push = push_store.get_push(db, acting.company.id, key)
        if push is None or push.connection_id != acting.connection.id:
            raise NotFoundError(
                f"No push operation {key!r} for this connection.", code="connector.push_unknown"
            )
        if push.status in (PUSH_SUCCESS, PUSH_FAILED):
            if push.status == result.status:
                return
            raise ConflictError(
                f"Push {key} already ended {push.status}; it cannot become {result.status}.",
                code="connector.push_closed",
            )
        values: dict[str, Any] = {
            "status": result.status,
            "status_code": result.status_code,
            "completed": now,
            "error_message": result.error_message,
        }
        if result.status == PUSH_SUCCESS:
            values.update(_store_written_record(db, acting, push.data_type, push.operation, result))
        push_store.update_push(db, key, values)
        updated = push_store.get_push(db, acting.company.id, key)
        assert updated is not None
        publish_push_result(ctx, db, acting.company, updated)


def _store_written_record(
    db: Db, acting: Acting, data_type: str, operation: str, result: wire.PushResult
) -> dict[str, Any]:
    if result.record is None:
        raise InvalidRequestError(
            "A successful push result must carry the record QuickBooks wrote.",
            code="connector.push_without_record",
        )
    document = dump_record(parse_record(data_type, result.record))
    if operation == "Delete":
        document["metadata"] = {**(document.get("metadata") or {}), "isDeleted": True}
    record_store.upsert_records(
        db,
        company_id=acting.company.id,
        data_type=data_type,
        documents=[document],
        pull_id=None,
    )
    record_id = str(document.get("id", ""))
    change = {
        "type": _CHANGE_TYPES.get(operation, "Unknown"),
        "recordRef": {"id": record_id, "dataType": data_type},
        "attachmentId": None,
    }
    return {"record_id": record_id, "changes": [change]}


def request_sync(ctx: Context, acting: Acting) -> list[str]:
    """ "Sync now" from the connector: queue every data type set to fetch, except running ones."""
    with ctx.database.write() as db:
        queued = queue_settings_pulls(db, acting.company, acting.connection, is_initial=False)
    return [pull.data_type for pull in queued]


def disconnect(ctx: Context, acting: Acting, request: wire.Disconnect) -> None:
    """The connector is going away: one-time mode completed, or the user uninstalled it."""
    with ctx.database.write() as db:
        connection_store.update_connection(db, acting.connection.id, {"status": DEAUTHORIZED})
        connection_store.revoke_credentials(db, acting.connection.id)
        updated = connection_store.get_connection(db, acting.company.id, acting.connection.id)
        assert updated is not None
        publish_connection_event(ctx, db, "connection.disconnected", acting.company, updated)


def connection_health(ctx: Context, connection_id: str) -> dict[str, Any] | None:
    with ctx.database.read() as db:
        health = connection_store.get_health(db, connection_id)
    if health is None:
        return None
    return {"lastHeartbeat": events.iso(health.last_heartbeat), **health.report}
