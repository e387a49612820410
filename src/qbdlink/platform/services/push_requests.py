"""Pushes requested by a client: validated, stored Pending, carried out later by the connector.

What QuickBooks Desktop can do, by data type (the push paths; accounts are ``chartOfAccounts``
in the push operation's ``dataType``): create for all of them; update for customers,
suppliers, invoices, credit notes, bills and items; delete for bills, bill payments, invoices
and journal entries (QuickBooks voids invoices).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from typing import Any

from qbdlink.model.datatypes import data_type as model_data_type
from qbdlink.model.errors import InvalidRecordError
from qbdlink.model.push_fields import too_long
from qbdlink.model.records import dump_record, parse_record
from qbdlink.platform.domain import LINKED, PENDING_AUTH, PUSH_PENDING, PushOperation
from qbdlink.platform.services.companies import load_company
from qbdlink.platform.services.connections import load_connection
from qbdlink.platform.services.context import Context, Tenant
from qbdlink.platform.services.errors import InvalidRequestError, NotFoundError, ValidationProblem
from qbdlink.platform.storage import pushes as store

CREATE = "Create"
UPDATE = "Update"
DELETE = "Delete"

OPERATIONS: Mapping[str, frozenset[str]] = {
    "customers": frozenset({CREATE, UPDATE}),
    "suppliers": frozenset({CREATE, UPDATE}),
    "invoices": frozenset({CREATE, UPDATE, DELETE}),
    "creditNotes": frozenset({CREATE, UPDATE}),
    "bills": frozenset({CREATE, UPDATE, DELETE}),
    "billCreditNotes": frozenset({CREATE}),
    "payments": frozenset({CREATE}),
    "billPayments": frozenset({CREATE, DELETE}),
    "journalEntries": frozenset({CREATE, DELETE}),
    "items": frozenset({CREATE, UPDATE}),
    "accounts": frozenset({CREATE}),
}
# A push waits this long for the connector by default (Codat leaves it unset: no timeout).
MAX_TIMEOUT_MINUTES = 60 * 24 * 30


def pushable(path_type: str, operation: str) -> str:
    """The model key of a push path, or a clear 404/400."""
    allowed = OPERATIONS.get(path_type)
    if allowed is None:
        raise NotFoundError(
            f"QuickBooks Desktop does not take pushes of {path_type!r}.",
            code="push.data_type_unsupported",
            fix=f"Pushable data types: {', '.join(OPERATIONS)}.",
        )
    if operation not in allowed:
        verbs = {CREATE: "create", UPDATE: "update", DELETE: "delete"}
        raise InvalidRequestError(
            f"QuickBooks Desktop cannot {verbs[operation]} {path_type} through qbdlink.",
            code="push.operation_unsupported",
            fix=f"For {path_type} it can: " + ", ".join(sorted(verbs[o] for o in allowed)) + ".",
        )
    return path_type


def _record(path_type: str, body: bytes, record_id: str | None) -> dict[str, Any]:
    try:
        document = json.loads(body)
    except ValueError as exc:
        raise InvalidRequestError(
            "The request body is not valid JSON.", code="request.malformed_json"
        ) from exc
    if not isinstance(document, dict):
        raise InvalidRequestError(
            f"A {path_type} push takes one JSON object.", code="push.not_an_object"
        )
    if record_id is not None:
        given = document.get("id")
        if given is not None and str(given) != record_id:
            raise InvalidRequestError(
                f"The body's id {given!r} is not the record in the path ({record_id!r}).",
                problems=[ValidationProblem("id", "Must match the path, or be left out.")],
            )
        document["id"] = record_id
    try:
        return dump_record(parse_record(path_type, document))
    except InvalidRecordError as error:
        problems = []
        for problem in error.problems:
            field, _, message = problem.partition(": ")
            problems.append(ValidationProblem(field, message or problem, "schema"))
        raise InvalidRequestError(
            f"This {path_type} record is not valid.",
            problems=problems,
            code="push.invalid_record",
            fix="Correct the fields listed in validation.errors.",
        ) from error


def _check_lengths(path_type: str, record: dict[str, Any], edition: str | None) -> None:
    problems = too_long(path_type, record, edition)
    if problems:
        raise InvalidRequestError(
            f"This {path_type} record has texts longer than QuickBooks Desktop keeps.",
            problems=[ValidationProblem(field, why, "length") for field, why in problems],
            code="push.too_long",
            fix="Shorten the fields listed in validation.errors.",
        )


def request_push(
    ctx: Context,
    tenant: Tenant,
    *,
    company_id: str,
    connection_id: str,
    path_type: str,
    operation: str,
    body: bytes | None,
    record_id: str | None = None,
    timeout_in_minutes: int | None = None,
) -> tuple[PushOperation, dict[str, Any] | None]:
    """Validate and queue a push; returns it (Pending) with the record as it will be written."""
    pushable(path_type, operation)
    if timeout_in_minutes is not None and not 0 <= timeout_in_minutes <= MAX_TIMEOUT_MINUTES:
        raise InvalidRequestError(
            f"timeoutInMinutes must be from 0 to {MAX_TIMEOUT_MINUTES}.",
            problems=[ValidationProblem("timeoutInMinutes", "Out of range.")],
        )
    record = None if operation == DELETE else _record(path_type, body or b"", record_id)
    with ctx.database.write() as db:
        load_company(db, tenant, company_id)
        connection = load_connection(db, company_id, connection_id)
        if record is not None:
            _check_lengths(path_type, record, connection.quickbooks.get("edition"))
        if connection.status not in (LINKED, PENDING_AUTH):
            raise InvalidRequestError(
                f"Connection {connection_id} is {connection.status}: nothing would carry the "
                "push out.",
                code="push.connection_not_linked",
                fix="Link the company again (a new connection), then push.",
            )
        push = store.insert_push(
            db,
            {
                "key": str(uuid.uuid4()),
                "client_id": tenant.client_id,
                "company_id": company_id,
                "connection_id": connection_id,
                "data_type": model_data_type(path_type).codat_data_type,
                "operation": operation,
                "record_id": record_id,
                "status": PUSH_PENDING,
                "status_code": 202,
                "timeout_in_minutes": timeout_in_minutes,
                "body": record,
                "validation": {"errors": [], "warnings": []},
            },
        )
    return push, record
