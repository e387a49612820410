"""What a request handler works with, and how it says a request failed."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal

from ..qbxml.versions import Edition, QbxmlVersion
from .identity import local_time
from .store import CompanyStore

__all__ = ["DeferredBalances", "IteratorState", "RequestContext", "StatusError"]


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
class DeferredBalances:
    """Balance upkeep put off during a bulk load (the sample generator), settled once."""

    account_debits: dict[str, Decimal] = field(default_factory=dict)
    entities: set[str] = field(default_factory=set)


@dataclass
class RequestContext:
    store: CompanyStore
    edition: Edition
    version: QbxmlVersion
    app_name: str = "qbdlink"
    session_id: str = "in-process"
    clock: Callable[[], datetime] = lambda: datetime.now(UTC)
    iterators: dict[str, IteratorState] = field(default_factory=dict)
    # None: balances are kept after every write, as QuickBooks keeps them
    deferred_balances: DeferredBalances | None = None
    # record id -> (stored XML, decoded record): rules read the same items and accounts over
    # and over; a record is decoded again only when its stored text changed
    decoded: dict[str, tuple[str, object]] = field(default_factory=dict)

    @property
    def offset_minutes(self) -> int:
        return int(self.store.get_meta("utc_offset_minutes") or "0")

    def now(self) -> datetime:
        return local_time(self.clock(), self.offset_minutes)
