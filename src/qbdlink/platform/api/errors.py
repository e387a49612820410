"""Every failure as Codat's error envelope, with the status code Codat uses for it.

Errors raised on purpose map by class; FastAPI's own (bad JSON, wrong types, unknown routes)
are rewritten into the same envelope; anything unexpected is a 500 whose correlation id is in
the log, and never shows a traceback to the caller.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException
from starlette.responses import Response

from qbdlink.errors import (
    ConfigurationError,
    QbdlinkError,
    RetryLaterError,
)
from qbdlink.model.errors import UnknownDataTypeError
from qbdlink.platform.services.errors import (
    ConflictError,
    DataNotReadyError,
    InvalidRequestError,
    NotAuthenticatedError,
    NotConfiguredError,
    NotFoundError,
    ValidationProblem,
)

log = logging.getLogger("qbdlink.platform.api")

JSON = "application/json; charset=utf-8"

_STATUS_BY_CLASS: Sequence[tuple[type[QbdlinkError], int]] = (
    (NotAuthenticatedError, 401),
    (NotFoundError, 404),
    (UnknownDataTypeError, 404),
    (DataNotReadyError, 409),
    (ConflictError, 409),
    (NotConfiguredError, 503),
    (RetryLaterError, 503),
    (ConfigurationError, 400),
)


def status_for(error: QbdlinkError) -> int:
    for cls, status in _STATUS_BY_CLASS:
        if isinstance(error, cls):
            return status
    return 400


def envelope(
    status: int,
    message: str,
    *,
    code: str,
    fix: str = "",
    problems: Sequence[ValidationProblem] = (),
    can_be_retried: str = "Unknown",
    service: str = "PublicApi",
    correlation_id: str | None = None,
) -> dict[str, Any]:
    return {
        "statusCode": status,
        "service": service,
        "error": message,
        "correlationId": correlation_id or uuid.uuid4().hex,
        "canBeRetried": can_be_retried,
        "detailedErrorCode": 0,
        "code": code,
        "fix": fix,
        "validation": {
            "errors": [
                {"itemId": p.item_id, "message": p.message, "validatorName": p.validator}
                for p in problems
            ],
            "warnings": [],
        },
    }


def error_response(
    status: int, body: dict[str, Any], headers: dict[str, str] | None = None
) -> Response:
    return Response(
        content=json.dumps(body, ensure_ascii=False),
        status_code=status,
        media_type=JSON,
        headers=headers,
    )


def _service(request: Request) -> str:
    return "ConnectorApi" if request.url.path.startswith("/connector/") else "PublicApi"


def _problems_of(exc: RequestValidationError) -> list[ValidationProblem]:
    problems = []
    for error in exc.errors():
        location = [str(part) for part in error.get("loc", ()) if part != "body"]
        problems.append(
            ValidationProblem(
                item_id=".".join(location) or "body",
                message=str(error.get("msg", "invalid")),
                validator=str(error.get("type", "schema")),
            )
        )
    return problems


def install(app: FastAPI) -> None:
    @app.exception_handler(QbdlinkError)
    async def on_qbdlink_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, QbdlinkError)
        status = status_for(exc)
        problems = exc.problems if isinstance(exc, InvalidRequestError) else ()
        headers = {"WWW-Authenticate": 'Basic realm="qbdlink"'} if status == 401 else None
        body = envelope(
            status,
            exc.message,
            code=exc.code,
            fix=exc.fix,
            problems=problems,
            can_be_retried="True" if exc.retriable else "False",
            service=_service(request),
        )
        return error_response(status, body, headers)

    @app.exception_handler(RequestValidationError)
    async def on_validation_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        problems = _problems_of(exc)
        bad_json = any(p.validator == "json_invalid" for p in problems)
        message = (
            "The request body is not valid JSON."
            if bad_json
            else "The request is not valid: "
            + "; ".join(f"{p.item_id}: {p.message}" for p in problems)
        )
        body = envelope(
            400,
            message,
            code="request.malformed_json" if bad_json else "request.invalid",
            fix="Correct the fields listed in validation.errors and send the request again.",
            problems=problems,
            can_be_retried="False",
            service=_service(request),
        )
        return error_response(400, body)

    @app.exception_handler(HTTPException)
    async def on_http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        if exc.status_code == 404:
            message = f"There is no endpoint at {request.method} {request.url.path}."
        elif exc.status_code == 405:
            message = f"{request.method} is not allowed on {request.url.path}."
        else:
            message = str(exc.detail)
        body = envelope(
            exc.status_code,
            message,
            code=f"http.{exc.status_code}",
            can_be_retried="False",
            service=_service(request),
        )
        return error_response(exc.status_code, body, dict(exc.headers or {}))

    @app.exception_handler(Exception)
    async def on_unexpected(request: Request, exc: Exception) -> Response:
        correlation_id = uuid.uuid4().hex
        log.error(
            "unexpected error on %s %s (correlation id %s)",
            request.method,
            request.url.path,
            correlation_id,
            exc_info=exc,
        )
        body = envelope(
            500,
            "Something went wrong on our side. It has been logged.",
            code="internal",
            fix=f"Try again; if it persists, report correlation id {correlation_id}.",
            can_be_retried="Unknown",
            correlation_id=correlation_id,
            service=_service(request),
        )
        return error_response(500, body)
