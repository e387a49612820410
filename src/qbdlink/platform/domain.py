"""The platform's entities as plain, immutable values (no SQL, no HTTP).

Storage returns these; services apply the rules; the HTTP layers render them in Codat's shape.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Generic, TypeVar

T = TypeVar("T")

QUICKBOOKS_DESKTOP = "pqsw"
CONNECTOR_MODES = ("one-time", "ongoing")

# Codat's connection states (spelled as Codat spells them).
PENDING_AUTH = "PendingAuth"
LINKED = "Linked"
UNLINKED = "Unlinked"
DEAUTHORIZED = "Deauthorized"

# Pull operation (dataset) states used here, a subset of Codat's enum.
PULL_QUEUED = "Queued"
PULL_FETCHING = "Fetching"
PULL_COMPLETE = "Complete"
PULL_FETCH_ERROR = "FetchError"
PULL_AUTH_ERROR = "AuthError"
PULL_PERMISSIONS_ERROR = "PermissionsError"
PULL_CANCELLED = "Cancelled"
PULL_NOT_SUPPORTED = "NotSupported"
PULL_PREREQUISITE_NOT_MET = "PrerequisiteNotMet"
PULL_INTERNAL_ERROR = "InternalError"
PULL_FAILURE_STATES = (
    PULL_FETCH_ERROR,
    PULL_AUTH_ERROR,
    PULL_PERMISSIONS_ERROR,
    PULL_INTERNAL_ERROR,
    PULL_PREREQUISITE_NOT_MET,
)
WAITING_FOR_CONNECTOR = "Waiting for asynchronous response from third party"

PUSH_PENDING = "Pending"
PUSH_SUCCESS = "Success"
PUSH_FAILED = "Failed"
PUSH_TIMED_OUT = "TimedOut"


@dataclass(frozen=True, kw_only=True)
class Client:
    id: str
    name: str
    logo_url: str | None
    icon_url: str | None
    redirect_url: str | None
    white_list_urls: Sequence[str]
    confirm_company_name: bool
    connector_mode: str
    sync_settings_override_defaults: bool
    created: datetime


@dataclass(frozen=True, kw_only=True)
class ApiKey:
    id: str
    client_id: str
    name: str | None
    key_hint: str
    created: datetime


@dataclass(frozen=True, kw_only=True)
class Company:
    id: str
    client_id: str
    name: str
    description: str | None
    tags: Mapping[str, str]
    region: str
    connector_mode: str | None
    sync_settings_override_defaults: bool
    created: datetime
    created_by_user_name: str | None
    last_sync: datetime | None


@dataclass(frozen=True, kw_only=True)
class Connection:
    id: str
    client_id: str
    company_id: str
    platform_key: str
    status: str
    created: datetime
    linked: datetime | None
    last_sync: datetime | None
    connection_info: Mapping[str, Any]
    authorization: Mapping[str, Any]
    errors: Sequence[Mapping[str, Any]]
    quickbooks: Mapping[str, Any]


@dataclass(frozen=True, kw_only=True)
class ConnectorHealth:
    connection_id: str
    company_id: str
    last_heartbeat: datetime
    report: Mapping[str, Any]


@dataclass(frozen=True, kw_only=True)
class SyncSetting:
    data_type: str
    fetch_on_first_link: bool
    sync_schedule: int
    sync_order: int
    sync_from_utc: str | None = None
    sync_from_window: int | None = None
    months_to_sync: int | None = None
    is_locked: bool | None = None


@dataclass(frozen=True, kw_only=True)
class PullOperation:
    id: str
    client_id: str
    company_id: str
    connection_id: str
    data_type: str
    status: str
    status_description: str | None
    error_message: str | None
    error: Mapping[str, Any] | None
    requested: datetime
    started: datetime | None
    completed: datetime | None
    progress: int
    is_completed: bool
    is_errored: bool
    is_initial: bool
    records_received: int
    records_expected: int | None
    last_batch_seq: int
    claimed: datetime | None


@dataclass(frozen=True, kw_only=True)
class PushOperation:
    key: str
    client_id: str
    company_id: str
    connection_id: str
    data_type: str
    operation: str
    record_id: str | None
    status: str
    status_code: int
    requested: datetime
    completed: datetime | None
    timeout_in_minutes: int | None
    error_message: str | None
    body: Mapping[str, Any] | None
    changes: Sequence[Mapping[str, Any]] | None
    validation: Mapping[str, Any] | None
    claimed: datetime | None


@dataclass(frozen=True, kw_only=True)
class WebhookConsumer:
    id: str
    client_id: str
    url: str
    event_types: Sequence[str]
    company_tags: Sequence[str] | None
    disabled: bool
    secret: str
    created: datetime


@dataclass(frozen=True, kw_only=True)
class WebhookDelivery:
    id: str
    client_id: str
    consumer_id: str
    event_id: str
    event_type: str
    company_id: str | None
    body: str
    status: str
    attempts: int
    last_status_code: int | None
    last_error: str | None
    created: datetime
    last_attempt: datetime | None
    delivered: datetime | None


@dataclass(frozen=True, kw_only=True)
class TagFilter:
    """One company tag comparison: ``=``, ``!=`` (a company without the tag matches) or ``~``."""

    key: str
    operator: str
    value: str


@dataclass(frozen=True, kw_only=True)
class PageRequest:
    """A page of a list: 1-based page number, size, and the optional query and order."""

    page: int = 1
    page_size: int = 100
    query: str | None = None
    order_by: str | None = None

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.page_size


@dataclass(frozen=True, kw_only=True)
class Page(Generic[T]):
    items: Sequence[T]
    page: int
    page_size: int
    total: int
    extra: Mapping[str, Any] = field(default_factory=dict)
