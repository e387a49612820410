"""What a request handler works with, and how it says a request failed."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from ..qbxml.versions import Edition, QbxmlVersion
from .identity import local_time
from .store import CompanyStore

__all__ = ["IteratorState", "RequestContext", "StatusError"]


class StatusError(Exception):
    """A request QuickBooks answers with an error status (the message set goes on)."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass
class IteratorState:
    """A query iterator: it belongs to the session that started it (3391 elsewhere)."""

    request_tag: str
    criteria: object  # the query with iterator fields cleared: Continue must resend it
    last_seq: int
    page_size: int


@dataclass
class RequestContext:
    store: CompanyStore
    edition: Edition
    version: QbxmlVersion
    app_name: str = "qbdlink"
    session_id: str = "in-process"
    clock: Callable[[], datetime] = lambda: datetime.now(UTC)
    iterators: dict[str, IteratorState] = field(default_factory=dict)

    @property
    def offset_minutes(self) -> int:
        return int(self.store.get_meta("utc_offset_minutes") or "0")

    def now(self) -> datetime:
        return local_time(self.clock(), self.offset_minutes)
