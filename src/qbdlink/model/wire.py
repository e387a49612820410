"""The connector API's messages: what the connector and the platform say to each other.

Both sides import these, so the two can never disagree on a field. JSON is camelCase.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

CONNECTOR_API_PREFIX = "/connector/v1"


class WireModel(BaseModel):
    model_config = ConfigDict(
        alias_generator=to_camel, populate_by_name=True, extra="forbid", frozen=True
    )


class ConnectorProblem(WireModel):
    """An error the connector met, with its fix, as a person should read it."""

    code: str = Field(max_length=120)
    message: str = Field(max_length=2000)
    fix: str = Field(default="", max_length=2000)


class QuickBooksIdentity(WireModel):
    """Which QuickBooks and which company file the connector talks to."""

    company_file_id: str = Field(min_length=1, max_length=100)
    company_file_name: str | None = Field(default=None, max_length=400)
    company_name: str | None = Field(default=None, max_length=400)
    product: str | None = Field(default=None, max_length=200)
    edition: Literal["US", "CA", "UK"] | None = None
    qbxml_version: str | None = Field(default=None, max_length=10)
    host_name: str | None = Field(default=None, max_length=200)


class LinkRequest(WireModel):
    licence_key: str = Field(min_length=1, max_length=100)
    region: Literal["us", "uk", "ca"]
    quickbooks: QuickBooksIdentity
    connector_version: str = Field(default="", max_length=40)
    # Chosen by the connector once per link attempt: repeating a link whose answer was lost
    # returns a fresh credential for the same link instead of an "already linked" error.
    link_request_id: str = Field(min_length=8, max_length=64)


class LinkResponse(WireModel):
    credential: str
    company_id: str
    company_name: str
    client_name: str
    connection_id: str
    region: str
    mode: Literal["one-time", "ongoing"]
    initial_data_types: list[str]


class LinkInfo(WireModel):
    """What a licence key names, before linking: for "Link with <company name>"."""

    company_id: str
    company_name: str
    client_name: str
    region: str
    connection_status: str | None
    can_link: bool
    reason: str | None = None


class Heartbeat(WireModel):
    quickbooks_reachable: bool
    state: str = Field(default="", max_length=60)
    quickbooks: QuickBooksIdentity | None = None
    last_error: ConnectorProblem | None = None
    connector_version: str = Field(default="", max_length=40)
    paused_until: str | None = None


class HeartbeatResponse(WireModel):
    connection_status: str
    mode: Literal["one-time", "ongoing"]


class PullWork(WireModel):
    id: str
    data_type: str
    is_initial: bool
    sync_from_utc: str | None
    last_batch_seq: int


class PushWork(WireModel):
    key: str
    data_type: str
    operation: str
    record_id: str | None
    body: dict[str, Any] | None
    timeout_in_minutes: int | None


class Work(WireModel):
    connection_status: str
    mode: Literal["one-time", "ongoing"]
    pulls: list[PullWork]
    pushes: list[PushWork]


class BatchReceipt(WireModel):
    pull_id: str
    seq: int
    duplicate: bool
    records_received: int


class PullState(WireModel):
    id: str
    data_type: str
    status: str
    is_completed: bool
    received_batches: list[int]
    records_received: int


class PullComplete(WireModel):
    record_count: int | None = Field(default=None, ge=0)


class PullFailed(WireModel):
    status: Literal["FetchError", "AuthError", "PermissionsError", "PrerequisiteNotMet"] = (
        "FetchError"
    )
    problem: ConnectorProblem


class PushResult(WireModel):
    status: Literal["Success", "Failed"]
    status_code: int = 200
    error_message: str | None = Field(default=None, max_length=4000)
    record: dict[str, Any] | None = None


class Disconnect(WireModel):
    reason: Literal["one-time-complete", "uninstalled"]
