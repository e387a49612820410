"""The connector's side of the connector API: typed calls, retries through network faults.

Every call that changes something is safe to repeat (batches by number, results by key), so
network faults and 5xx answers are retried with backoff; 4xx answers become typed errors that
carry the platform's message and fix.
"""

from __future__ import annotations

import json
import logging
import time
import uuid
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import httpx
from pydantic import BaseModel

from qbdlink.errors import PermanentError, QbdlinkError, RetryLaterError, UserActionError
from qbdlink.model import wire

log = logging.getLogger("qbdlink.connector.platform")

M = TypeVar("M", bound=BaseModel)


class PlatformUnreachableError(RetryLaterError):
    default_code = "platform.unreachable"
    default_fix = "Check the internet connection; the connector tries again by itself."


class PlatformRejectedError(PermanentError):
    """The platform refused a request; ``code`` is the platform's own error code."""

    def __init__(self, message: str, *, code: str, fix: str, status: int) -> None:
        super().__init__(message, code=code, fix=fix)
        self.status = status


class PlatformUserActionError(UserActionError):
    """A refusal a person must act on (wrong region, licence key not pending, revoked)."""

    def __init__(self, message: str, *, code: str, fix: str, status: int) -> None:
        super().__init__(message, code=code, fix=fix)
        self.status = status


_USER_ACTION_CODES = {
    "link.wrong_region",
    "link.not_pending",
    "link.already_linked",
    "link.unknown_key",
    "link.malformed_key",
    "connector.credential_revoked",
    "auth.unauthenticated",
}


def _error_from(response: httpx.Response) -> QbdlinkError:
    try:
        body = response.json()
    except ValueError:
        body = {}
    if not isinstance(body, dict):
        body = {}
    message = str(body.get("error") or f"The platform answered {response.status_code}.")
    code = str(body.get("code") or f"platform.http_{response.status_code}")
    fix = str(body.get("fix") or "")
    if response.status_code == 401 or code in _USER_ACTION_CODES:
        return PlatformUserActionError(message, code=code, fix=fix, status=response.status_code)
    return PlatformRejectedError(message, code=code, fix=fix, status=response.status_code)


class PlatformClient:
    """One platform deployment's connector API. ``credential`` is None until linked."""

    def __init__(
        self,
        base_url: str,
        *,
        credential: str | None = None,
        transport: httpx.BaseTransport | None = None,
        attempts: int = 6,
        first_delay: float = 1.0,
        sleep: Callable[[float], None] = time.sleep,
        timeout: float = 60.0,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.credential = credential
        self._attempts = attempts
        self._first_delay = first_delay
        self._sleep = sleep
        self._http = httpx.Client(
            base_url=self.base_url + wire.CONNECTOR_API_PREFIX,
            transport=transport,
            timeout=timeout,
            headers={"User-Agent": "qbdlink-connector"},
        )

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> PlatformClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ---- the exchange -----------------------------------------------------------------------

    def _request(
        self,
        method: str,
        path: str,
        *,
        json_body: Any = None,
        content: bytes | None = None,
        params: dict[str, Any] | None = None,
        timeout: float | None = None,
    ) -> httpx.Response:
        headers = {"Content-Type": "application/json"}
        if self.credential:
            headers["Authorization"] = f"Bearer {self.credential}"
        body = (
            content
            if content is not None
            else (None if json_body is None else json.dumps(json_body).encode("utf-8"))
        )
        delay = self._first_delay
        for attempt in range(1, self._attempts + 1):
            try:
                response = self._http.request(
                    method,
                    path,
                    content=body,
                    params=params,
                    headers=headers,
                    timeout=timeout if timeout is not None else httpx.USE_CLIENT_DEFAULT,
                )
            except httpx.TransportError as exc:
                problem: QbdlinkError = PlatformUnreachableError(
                    f"Cannot reach the platform at {self.base_url}: {exc}."
                )
            else:
                if response.status_code < 400:
                    return response
                if response.status_code < 500 and response.status_code not in (408, 429):
                    raise _error_from(response)
                problem = PlatformUnreachableError(
                    f"The platform at {self.base_url} answered {response.status_code}."
                )
            if attempt == self._attempts:
                raise problem
            log.warning("%s Retrying in %.0f s.", problem.message, delay)
            self._sleep(delay)
            delay = min(delay * 2, 60.0)
        raise AssertionError("unreachable")

    def _call(self, kind: type[M], method: str, path: str, **kwargs: Any) -> M:
        response = self._request(method, path, **kwargs)
        return kind.model_validate_json(response.content)

    @staticmethod
    def _dump(message: BaseModel) -> Any:
        return message.model_dump(by_alias=True, mode="json", exclude_none=True)

    # ---- the calls --------------------------------------------------------------------------

    def link_info(self, licence_key: str, region: str) -> wire.LinkInfo:
        return self._call(
            wire.LinkInfo, "GET", "/link", params={"licenceKey": licence_key, "region": region}
        )

    def link(
        self,
        licence_key: str,
        region: str,
        quickbooks: wire.QuickBooksIdentity,
        *,
        connector_version: str,
        link_request_id: str | None = None,
    ) -> wire.LinkResponse:
        request = wire.LinkRequest(
            licence_key=licence_key,
            region=region,  # type: ignore[arg-type]
            quickbooks=quickbooks,
            connector_version=connector_version,
            link_request_id=link_request_id or str(uuid.uuid4()),
        )
        answer = self._call(wire.LinkResponse, "POST", "/link", json_body=self._dump(request))
        self.credential = answer.credential
        return answer

    def heartbeat(self, report: wire.Heartbeat) -> wire.HeartbeatResponse:
        return self._call(
            wire.HeartbeatResponse, "POST", "/heartbeat", json_body=self._dump(report)
        )

    def work(self, wait: float = 0) -> wire.Work | None:
        response = self._request("GET", "/work", params={"wait": wait}, timeout=wait + 30)
        if response.status_code == 204:
            return None
        return wire.Work.model_validate_json(response.content)

    def pull_state(self, pull_id: str) -> wire.PullState:
        return self._call(wire.PullState, "GET", f"/pulls/{pull_id}")

    def upload_batch(
        self, pull_id: str, seq: int, records_json: bytes, *, expected: int | None = None
    ) -> wire.BatchReceipt:
        params = {"expected": expected} if expected is not None else None
        return self._call(
            wire.BatchReceipt,
            "POST",
            f"/pulls/{pull_id}/batches/{seq}",
            content=records_json,
            params=params,
        )

    def upload_deletions(
        self, pull_id: str, seq: int, record_ids: Sequence[str]
    ) -> wire.BatchReceipt:
        return self._call(
            wire.BatchReceipt,
            "POST",
            f"/pulls/{pull_id}/deletions/{seq}",
            json_body=list(record_ids),
        )

    def complete(self, pull_id: str, record_count: int) -> wire.PullState:
        body = self._dump(wire.PullComplete(record_count=record_count))
        return self._call(wire.PullState, "POST", f"/pulls/{pull_id}/complete", json_body=body)

    def fail(self, pull_id: str, failure: wire.PullFailed) -> wire.PullState:
        return self._call(
            wire.PullState, "POST", f"/pulls/{pull_id}/failed", json_body=self._dump(failure)
        )

    def push_result(self, key: str, result: wire.PushResult) -> None:
        self._request("POST", f"/pushes/{key}/result", json_body=self._dump(result))

    def sync_now(self) -> list[str]:
        queued = self._request("POST", "/sync-now").json().get("queued", [])
        return [str(item) for item in queued]

    def disconnect(self, reason: str) -> None:
        body = self._dump(wire.Disconnect(reason=reason))  # type: ignore[arg-type]
        self._request("POST", "/disconnect", json_body=body)
