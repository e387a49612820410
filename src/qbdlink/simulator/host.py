"""QuickBooks with company files on disk: the state model wired to the request processor.

:class:`StoredCompanyFile` is a company file as the state model sees it (its path, users and
the Integrated Applications grants kept inside it). :class:`CompanyFileHandler` answers each
request set of a session: one request context per session ticket, so iterators belong to
their session and die with it, and the faults the state model injects (a status on every
request, expired iterators) are applied here.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path

from ..qbxml.versions import NEWEST
from . import rules  # noqa: F401  (importing the package registers the business rules)
from .authorization import Grant
from .company import edition_of
from .context import RequestContext
from .processor import Processor, SchemaSource
from .session import SessionContext
from .store import CompanyStore

__all__ = ["CompanyFileHandler", "SqliteGrantStore", "StoredCompanyFile"]


class SqliteGrantStore:
    """The grants of one company file (Edit > Preferences > Integrated Applications)."""

    def __init__(self, store: CompanyStore) -> None:
        self._store = store

    def get(self, app_name: str) -> Grant | None:
        body = self._store.get_grant_body(app_name)
        return None if body is None else Grant.from_dict(json.loads(body))

    def put(self, grant: Grant) -> None:
        self._store.put_grant_body(grant.app_name, json.dumps(grant.to_dict(), sort_keys=True))

    def remove(self, app_name: str) -> None:
        self._store.remove_grant(app_name)


class StoredCompanyFile:
    """A company file on disk, with its QuickBooks users and grants."""

    def __init__(self, store: CompanyStore, users: Sequence[str] = ("Admin",)) -> None:
        self.store = store
        self._users = tuple(users)
        self._grants = SqliteGrantStore(store)

    @classmethod
    def open(cls, path: Path | str) -> StoredCompanyFile:
        store = CompanyStore.open(path)
        users = (store.get_meta("users") or "Admin").split(",")
        return cls(store, users)

    def close(self) -> None:
        self.store.close()

    @property
    def path(self) -> str:
        return str(Path(self.store.path).resolve())

    @property
    def users(self) -> Sequence[str]:
        return self._users

    @property
    def grants(self) -> SqliteGrantStore:
        return self._grants


class CompanyFileHandler:
    """The handler a :class:`~.desktop.QuickBooksDesktop` calls for each request set."""

    def __init__(
        self,
        schemas: SchemaSource | None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._schemas = schemas
        self._clock = clock
        self._sessions: dict[str, Processor] = {}
        self._lock = threading.Lock()

    def __call__(self, session: SessionContext, document: str) -> str:
        processor = self._processor(session)
        if session.iterators_expired:
            processor.context.iterators.clear()
        return processor.process(document, injected_status=session.injected_status)

    def end_session(self, ticket: str) -> None:
        with self._lock:
            self._sessions.pop(ticket, None)

    def _processor(self, session: SessionContext) -> Processor:
        with self._lock:
            processor = self._sessions.get(session.ticket)
            if processor is None:
                company = session.company_file
                if not isinstance(company, StoredCompanyFile):
                    raise TypeError("the simulator serves StoredCompanyFile company files")
                context = RequestContext(
                    store=company.store,
                    edition=edition_of(company.store),
                    version=NEWEST,
                    app_name=session.app_name,
                    session_id=session.ticket,
                    clock=self._clock,
                )
                processor = Processor(context, self._schemas)
                self._sessions[session.ticket] = processor
            return processor
