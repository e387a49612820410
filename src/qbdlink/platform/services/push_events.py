"""The webhook events that announce a push operation's outcome: ``{dataType}.write.*``.

Codat's shape (docs: "Migrate to our new event types", PushOperationStatusChanged and
PushOperationTimedOut): ``payload`` holds the push operation key as ``id``, the operation
``type`` (Create, Update, Delete), ``referenceCompany``, ``connectionId``, the requested and
completed dates, ``status`` and ``record`` (``{"id": ...}``, set only when the write succeeded),
and ``attachmentId`` (always null here: QuickBooks Desktop takes no attachments).

Published inside the transaction that records the outcome, like every event (see events.py).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.engine import Connection as Db

from qbdlink.platform.domain import PUSH_SUCCESS, Company, PushOperation
from qbdlink.platform.services import events, shapes
from qbdlink.platform.services.context import Context

# Codat's write events spell a success "Successful", unlike the push operation's "Success".
WRITE_SUCCESSFUL = "Successful"


def write_event_type(push: PushOperation) -> str:
    outcome = "successful" if push.status == PUSH_SUCCESS else "unsuccessful"
    return f"{push.data_type}.write.{outcome}"


def _record_id(push: PushOperation) -> str | None:
    if push.record_id:
        return push.record_id
    for change in push.changes or ():
        ref = change.get("recordRef")
        if isinstance(ref, dict) and ref.get("id"):
            return str(ref["id"])
    return None


def write_event_payload(ctx: Context, company: Company, push: PushOperation) -> dict[str, Any]:
    succeeded = push.status == PUSH_SUCCESS
    record_id = _record_id(push) if succeeded else None
    return {
        "id": push.key,
        "type": push.operation,
        "referenceCompany": shapes.company_reference(company, ctx.deployment),
        "connectionId": push.connection_id,
        "requestedOnDate": events.iso(push.requested),
        "completedOnDate": events.iso(push.completed),
        "status": WRITE_SUCCESSFUL if succeeded else push.status,
        "record": {"id": record_id} if record_id else None,
        "attachmentId": None,
    }


def publish_push_result(ctx: Context, db: Db, company: Company, push: PushOperation) -> str:
    """Announce a push that reached Success, Failed or TimedOut; returns the event id."""
    return events.publish(
        db,
        client_id=company.client_id,
        event_type=write_event_type(push),
        payload=write_event_payload(ctx, company, push),
        company=company,
        now=ctx.clock.now(),
    )
