"""The QuickBooks around the company file: a state model of QuickBooks Desktop on a PC.

Theory of operation
-------------------
:class:`QuickBooksDesktop` is everything a request processor sees of QuickBooks except the
data: whether it runs (and how many instances), which company file is open in which mode
and as which user, a modal dialog, whether it runs as administrator, the authorisation
dialog, the open sessions (tickets) and the faults to inject. Clients talk to it through
:class:`~qbdlink.simulator.session.RequestProcessor` objects (one per client, as COM gives
each process its own); a test or the simulator's control interface plays the person at
the PC by calling :meth:`~QuickBooksDesktop.start`, :meth:`~QuickBooksDesktop.open_company`,
:meth:`~QuickBooksDesktop.answer_authorization` and so on. qbXML is not processed here: each
request goes to the ``handler`` given at construction, with a
:class:`~qbdlink.simulator.session.SessionContext`.

``BeginSession`` checks, in this order, each with the HRESULT real QuickBooks gives
(reference/qbxml.md section 1; "approx." marks a choice the reference does not settle):

1. an injected ``BeginSession`` fault (:mod:`.faults`): its HRESULT (0x8004041B, ...);
2. QuickBooks not running:
   ``""`` → 0x80040416; an unknown file → 0x80040408 (approx.: "could not start
   QuickBooks", as the file cannot be opened); otherwise the grant decides
   (:func:`.authorization.check_access`, unattended column): "Yes, always" starts QuickBooks
   in the background, opens the file as the "login as" user and QuickBooks quits again when
   the last session ends; no grant → 0x80040418, "No" → 0x80040420, any other grant or a
   "login as" user that no longer exists → 0x8004041D;
3. QuickBooks running:
   more than one instance → 0x80040401 (approx.: the reference found no code; the request
   processor cannot tell which QuickBooks to attach to, which is "could not access
   QuickBooks" rather than a lock on the file, 0x8004041B, and is fixed the same way:
   close one and retry later); QuickBooks elevated and the caller not, or the reverse →
   0x80040401 with a detail about administrator rights (approx.: Windows refuses the COM
   call across integrity levels; what the request processor then reports varies);
   a modal dialog, including another application's authorisation dialog → 0x80040414;
   no file open: ``""`` → 0x80040417, a named file is opened (pitfall 4: QuickBooks left
   open with no file serves any file) and closed again after the last session; a named
   file other than the open one → 0x8004040A (the SDK cannot close a file a person opened);
   the file open in the other mode than requested → 0x80040410; single-user requested with
   another session on the file, or another session holding it single-user → 0x80040422
   (the second case approx.);
   then the grant (attended column): the first access needs the Admin in single-user mode
   (0x80040418) and shows the dialog, "No" → 0x80040420, "prompt each time" shows it again.
4. The dialog: answered at once by ``auto_authorize`` if set; otherwise ``BeginSession``
   waits (a :class:`threading.Condition`) until someone calls
   :meth:`~QuickBooksDesktop.answer_authorization` and, after a Yes,
   :meth:`~QuickBooksDesktop.confirm_access`, as real BeginSession waits for the dialog.
   "No" → 0x80040420. No answer within the timeout → 0x80040401 (approx.: nobody denied
   access, so 0x80040420 would misreport; to the caller QuickBooks was unreachable, and
   the connector retries later); the dialog is withdrawn. QuickBooks quitting or the file
   closing while the dialog shows → 0x80040401.

``ProcessRequest`` / ``EndSession`` / ``GetCurrentCompanyFileName`` /
``QBXMLVersionsForSession`` with a ticket that is not live (ended, or killed when QuickBooks
quit, crashed or closed the file) → 0x8004040D. ``ProcessRequest`` waits while another
request runs (QuickBooks handles one request at a time), then: a modal dialog → 0x80040414;
the next injected fault (an HRESULT, a statusCode for the handler, or a crash: 0x80040401
for the call in flight, 0x8004040D afterwards); the latency; the handler. A ticket that dies
while its request runs (QuickBooks quit meanwhile) also gives 0x80040401.

Locking: one :class:`threading.Condition` over one re-entrant lock guards all state; it is
never held while the handler runs or the latency passes (a ``busy`` flag serialises
requests instead), so the person at the PC can act during a long request. The hook told of
ended sessions is called after the lock is released.
"""

from __future__ import annotations

import enum
import ntpath
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Literal, Protocol

from qbdlink.qbxml.hresult import QuickBooksConnectionError, error_for_hresult

from .authorization import (
    Access,
    AuthChoice,
    DialogStage,
    Grant,
    GrantStore,
    InMemoryGrantStore,
    PendingAuthorization,
    check_access,
    is_admin,
)
from .company import EDITION_PROFILES
from .faults import FaultKind, FaultPlan
from .session import Connection, Handler, SessionContext, SessionEndHook

__all__ = [
    "EDITIONS",
    "CompanyFile",
    "EditionInfo",
    "InMemoryCompanyFile",
    "OpenMode",
    "QuickBooksDesktop",
]

CANNOT_ACCESS_QUICKBOOKS = 0x80040401
CANNOT_START_QUICKBOOKS = 0x80040408
OTHER_COMPANY_FILE_OPEN = 0x8004040A
TICKET_INVALID = 0x8004040D
WRONG_FILE_MODE = 0x80040410
MODAL_DIALOG_OPEN = 0x80040414
QB_NOT_RUNNING_NO_FILE_NAME = 0x80040416
NO_FILE_OPEN = 0x80040417
USER_DENIED_ACCESS = 0x80040420
SINGLE_USER_REQUIRED = 0x80040422


class OpenMode(enum.Enum):
    """``BeginSession``'s file mode, in QBFC ``ENOpenMode`` order."""

    SINGLE_USER = 0
    MULTI_USER = 1
    DO_NOT_CARE = 2


class CompanyFile(Protocol):
    """What the QuickBooks model needs from a company file (the store provides the rest)."""

    @property
    def path(self) -> str: ...

    @property
    def grants(self) -> GrantStore: ...

    @property
    def users(self) -> Sequence[str]:
        """QuickBooks users, the Admin first."""
        ...


@dataclass(eq=False)
class InMemoryCompanyFile:
    """A :class:`CompanyFile` with no data, for tests and in-process use."""

    path: str
    users: Sequence[str] = ("Admin",)
    grants: InMemoryGrantStore = field(default_factory=InMemoryGrantStore)


@dataclass(frozen=True)
class EditionInfo:
    product_name: str
    country: str
    supported_versions: tuple[str, ...]


# What HostQuery / QBXMLVersionsForSession report: the edition table of company.py.
EDITIONS: Mapping[str, EditionInfo] = MappingProxyType(
    {
        edition.value: EditionInfo(
            profile.product_name, profile.country, profile.supported_versions
        )
        for edition, profile in EDITION_PROFILES.items()
    }
)


def _same_path(a: str, b: str) -> bool:
    # QuickBooks runs on Windows: company file paths compare case-insensitively, / as \.
    return ntpath.normcase(a.strip()) == ntpath.normcase(b.strip())


@dataclass
class _Session:
    ticket: str
    connection: Connection
    file: CompanyFile
    mode: OpenMode
    user: str
    personal_data: bool
    iterator_generation: int


@dataclass
class _DialogWait:
    view: PendingAuthorization
    outcome: Literal["granted", "denied", "withdrawn"] | None = None


class QuickBooksDesktop:
    """QuickBooks Desktop on one PC, as the request processor and the person see it."""

    def __init__(
        self,
        handler: Handler,
        *,
        edition: str = "US",
        product_name: str | None = None,
        country: str | None = None,
        supported_versions: Sequence[str] | None = None,
        files: Iterable[CompanyFile] = (),
        locate_file: Callable[[str], CompanyFile | None] | None = None,
        auto_authorize: AuthChoice | None = None,
        authorization_timeout: float = 120.0,
        elevated: bool = False,
        sleep: Callable[[float], None] = time.sleep,
        on_session_end: SessionEndHook | None = None,
    ) -> None:
        info = EDITIONS.get(edition)
        if info is None and None in (product_name, country, supported_versions):
            raise ValueError(f"unknown edition {edition!r}: give product_name, country, versions")
        self.edition = edition
        self.product_name = product_name or (info.product_name if info else "")
        self.country = country or (info.country if info else "")
        self.supported_versions: tuple[str, ...] = tuple(
            supported_versions
            if supported_versions is not None
            else (info.supported_versions if info else ())
        )
        self.auto_authorize = auto_authorize
        self.auto_login_as: str | None = None  # the "login as" user auto_authorize ALWAYS picks
        self.auto_personal_data = False
        self.authorization_timeout = authorization_timeout
        self.elevated = elevated  # QuickBooks runs as administrator
        self.faults = FaultPlan()
        self._handler = handler
        self._sleep = sleep
        self._on_session_end = on_session_end
        self._locate_file = locate_file
        self._known: dict[str, CompanyFile] = {}
        self._cond = threading.Condition(threading.RLock())
        self._instances = 0
        self._attended = False  # a person started QuickBooks (vs. an unattended session)
        self._file: CompanyFile | None = None
        self._mode: OpenMode | None = None
        self._user: str | None = None
        self._opened_by_sdk = False
        self._modal: str | None = None
        self._dialog: _DialogWait | None = None
        self._sessions: dict[str, _Session] = {}
        self._busy = False
        self._waiting_requests = 0
        self._ended: list[str] = []
        for file in files:
            self.register_file(file)

    # ---- observing ------------------------------------------------------------------------

    @property
    def running(self) -> bool:
        return self._instances > 0

    @property
    def attended(self) -> bool:
        """QuickBooks is on screen (started by a person), not serving an unattended session."""
        return self.running and self._attended

    @property
    def instances(self) -> int:
        return self._instances

    @instances.setter
    def instances(self, count: int) -> None:
        """Set >1 for "more than one QuickBooks running"; 0 quits; 1 from 0 starts."""
        if count < 0:
            raise ValueError("instances cannot be negative")
        if count == 0:
            self.quit()
            return
        with self._locked():
            if not self.running:
                self._attended = True
            self._instances = count

    @property
    def company_file(self) -> CompanyFile | None:
        return self._file

    @property
    def open_mode(self) -> OpenMode | None:
        return self._mode

    @property
    def user(self) -> str | None:
        """The QuickBooks user logged in to the open file."""
        return self._user

    @property
    def modal_dialog(self) -> str | None:
        return self._modal

    @property
    def pending_authorization(self) -> PendingAuthorization | None:
        with self._cond:
            return self._dialog.view if self._dialog else None

    @property
    def tickets(self) -> list[str]:
        """The live sessions' tickets."""
        with self._cond:
            return list(self._sessions)

    @property
    def waiting_requests(self) -> int:
        """Requests waiting for the one in progress to finish."""
        return self._waiting_requests

    def is_live(self, ticket: str) -> bool:
        with self._cond:
            return ticket in self._sessions

    def wait_for_authorization(
        self, timeout: float | None = None, *, stage: DialogStage = DialogStage.CHOOSE
    ) -> PendingAuthorization:
        """Wait until the authorisation dialog shows (at ``stage``); for a control thread."""
        with self._cond:
            if not self._cond.wait_for(
                lambda: self._dialog is not None and self._dialog.view.stage is stage, timeout
            ):
                raise TimeoutError("no authorisation dialog showed")
            assert self._dialog is not None
            return self._dialog.view

    def wait_for_waiting_requests(self, count: int, timeout: float | None = None) -> bool:
        """Wait until ``count`` requests wait behind the one in progress."""
        with self._cond:
            return self._cond.wait_for(lambda: self._waiting_requests >= count, timeout)

    # ---- the person at the PC -------------------------------------------------------------

    def register_file(self, file: CompanyFile) -> None:
        """Make a company file findable by path (as it is on disk)."""
        with self._cond:
            self._known[ntpath.normcase(file.path.strip())] = file

    def start(self) -> None:
        """Start QuickBooks (with no company file), or bring a background one to the front."""
        with self._locked():
            self._instances = max(self._instances, 1)
            self._attended = True

    def quit(self) -> None:
        """Close QuickBooks: the file closes and every session's ticket dies."""
        with self._locked():
            self._shutdown()

    def crash(self) -> None:
        """QuickBooks stops abruptly; to clients the same as :meth:`quit`."""
        self.quit()

    def open_company(
        self, file: CompanyFile, mode: OpenMode = OpenMode.SINGLE_USER, user: str = "Admin"
    ) -> None:
        """File > Open Company, logging in as ``user``; starts QuickBooks if needed (as
        opening a .QBW does) and closes the file open before (its sessions die)."""
        if mode is OpenMode.DO_NOT_CARE:
            raise ValueError("a person opens a file in single-user or multi-user mode")
        if user not in file.users:
            raise ValueError(f"{user!r} is not a user of {file.path}")
        with self._locked():
            self.register_file(file)
            if not self.running:
                self._instances = 1
            self._attended = True
            self._close_file()
            self._file, self._mode, self._user = file, mode, user
            self._opened_by_sdk = False

    def close_company(self) -> None:
        """File > Close Company: the sessions on it die; QuickBooks stays open."""
        with self._locked():
            self._close_file()

    def show_dialog(self, text: str) -> None:
        """A modal dialog (a form, a message box) shows in QuickBooks."""
        with self._locked():
            self._modal = text

    def dismiss_dialog(self) -> None:
        with self._locked():
            self._modal = None
            self._cond.notify_all()

    def answer_authorization(
        self, choice: AuthChoice, login_as: str | None = None, personal_data: bool = False
    ) -> None:
        """Answer the authorisation dialog. "No" ends it; a Yes moves to Access Confirmation."""
        with self._locked():
            wait = self._dialog
            if wait is None or wait.view.stage is not DialogStage.CHOOSE:
                raise RuntimeError("no authorisation dialog is waiting for a choice")
            if login_as is not None:
                if choice is not AuthChoice.ALWAYS:
                    raise ValueError('"login as" belongs to "Yes, always" only')
                if login_as not in wait.view.users:
                    raise ValueError(f"{login_as!r} is not a user of {wait.view.company_file}")
            view = replace(
                wait.view,
                stage=DialogStage.CONFIRM,
                choice=choice,
                login_as=login_as,
                personal_data=personal_data,
            )
            if choice is AuthChoice.NO:
                self._finish_dialog(wait, view, "denied")
            else:
                wait.view = view
                self._cond.notify_all()

    def confirm_access(self) -> None:
        """Dismiss the Access Confirmation screen (Continue / Done): access is granted."""
        with self._locked():
            wait = self._dialog
            if wait is None or wait.view.stage is not DialogStage.CONFIRM:
                raise RuntimeError("no Access Confirmation is showing")
            self._finish_dialog(wait, wait.view, "granted")

    def set_grant(self, grant: Grant) -> None:
        """Edit > Preferences > Integrated Applications > Properties, on the open file."""
        self._preferences().put(grant)

    def remove_grant(self, app_name: str) -> None:
        """Remove the application from Integrated Applications (it must ask again)."""
        self._preferences().remove(app_name)

    # ---- the request processor's side (called by session.RequestProcessor) ---------------

    def begin_session(
        self,
        connection: Connection,
        file_path: str,
        mode: OpenMode,
        *,
        timeout: float | None = None,
    ) -> str:
        """Authorise and open a session; the checks and HRESULTs of the module docstring."""
        wait_for = self.authorization_timeout if timeout is None else timeout
        with self._locked():
            fail = self._failer(connection.app_name, file_path or None)
            injected = self.faults.take_begin_session_fault()
            if injected is not None:
                raise fail(injected, "injected fault")
            if not self.running:
                self._start_unattended(connection, file_path, mode, fail)
            else:
                self._check_running(connection, file_path, mode, fail)
            file = self._file
            assert file is not None and self._user is not None and self._mode is not None
            fail = self._failer(connection.app_name, file.path)
            grant = file.grants.get(connection.app_name)
            try:
                access = check_access(
                    grant,
                    user=self._user,
                    single_user=self._mode is OpenMode.SINGLE_USER,
                    attended=self._attended,
                    users=file.users,
                    app_name=connection.app_name,
                    company_file=file.path,
                )
                if access is Access.ASK:
                    grant = self._ask(connection, file, grant is None, wait_for, fail)
            except QuickBooksConnectionError:
                self._release_sdk_file()
                raise
            # Re-read: the dialog released the lock, but a file closed meanwhile made _ask fail.
            user = self._user
            assert user is not None
            ticket = "{" + str(uuid.uuid4()).upper() + "}"
            self._sessions[ticket] = _Session(
                ticket=ticket,
                connection=connection,
                file=file,
                mode=mode,
                user=user,
                personal_data=bool(grant and grant.personal_data),
                iterator_generation=self.faults.iterator_generation,
            )
            return ticket

    def session_file_name(self, connection: Connection, ticket: str) -> str:
        with self._cond:
            return self._session(connection, ticket).file.path

    def session_versions(self, connection: Connection, ticket: str) -> tuple[str, ...]:
        with self._cond:
            self._session(connection, ticket)
            return self.supported_versions

    def process_request(self, connection: Connection, ticket: str, xml: str) -> str:
        """One request at a time; faults, latency, then the handler."""
        with self._locked():
            self._session(connection, ticket)
            self._waiting_requests += 1
            self._cond.notify_all()
            try:
                self._cond.wait_for(lambda: not self._busy or ticket not in self._sessions)
            finally:
                self._waiting_requests -= 1
            session = self._session(connection, ticket)
            fail = self._failer(connection.app_name, session.file.path)
            if self._modal_showing():
                raise fail(MODAL_DIALOG_OPEN, self._modal or "the authorisation dialog")
            fault = self.faults.take_request_fault()
            if fault is not None and fault.kind is FaultKind.HRESULT:
                raise fail(fault.code, "injected fault")
            if fault is not None and fault.kind is FaultKind.CRASH:
                self._shutdown()
                raise fail(CANNOT_ACCESS_QUICKBOOKS, "QuickBooks crashed during the request")
            generation = self.faults.iterator_generation
            context = SessionContext(
                app_name=connection.app_name,
                app_id=connection.app_id,
                company_file=session.file,
                ticket=ticket,
                user=session.user,
                country=self.country,
                qbxml_versions=self.supported_versions,
                personal_data=session.personal_data,
                injected_status=fault.code if fault is not None else None,
                iterators_expired=session.iterator_generation < generation,
            )
            session.iterator_generation = generation
            self._busy = True
            latency = self.faults.latency
        try:
            if latency > 0:
                self._sleep(latency)
            response = self._handler(context, xml)
        finally:
            with self._cond:
                self._busy = False
                self._cond.notify_all()
        with self._cond:
            if ticket not in self._sessions:
                # QuickBooks went away while the request ran: COM loses the server.
                raise fail(CANNOT_ACCESS_QUICKBOOKS, "QuickBooks closed during the request")
        return response

    def end_session(self, connection: Connection, ticket: str, *, missing_ok: bool = False) -> None:
        with self._locked():
            if ticket not in self._sessions and missing_ok:
                return
            session = self._session(connection, ticket)
            self._end(session.ticket)
            if not self._sessions:
                # What QuickBooks opened for the SDK it closes after the last session; the
                # QuickBooks it started unattended exits (inference, section 1).
                self._release_sdk_file()

    # ---- internals (all called with the lock held) ----------------------------------------

    @contextmanager
    def _locked(self) -> Iterator[None]:
        """The lock; afterwards, outside it, tell the hook which sessions ended."""
        try:
            with self._cond:
                yield
        finally:
            with self._cond:
                ended, self._ended = self._ended, []
            if self._on_session_end is not None:
                for ticket in ended:
                    self._on_session_end(ticket)

    def _failer(
        self, app_name: str, company_file: str | None
    ) -> Callable[[int, str], QuickBooksConnectionError]:
        def fail(hresult: int, detail: str) -> QuickBooksConnectionError:
            return error_for_hresult(hresult, detail, app_name=app_name, company_file=company_file)

        return fail

    def _session(self, connection: Connection, ticket: str) -> _Session:
        session = self._sessions.get(ticket)
        if session is None or session.connection is not connection:
            raise error_for_hresult(
                TICKET_INVALID,
                "no such session (ended, or QuickBooks closed)",
                app_name=connection.app_name,
            )
        return session

    def _modal_showing(self) -> bool:
        return self._modal is not None or self._dialog is not None

    def _locate(self, path: str) -> CompanyFile | None:
        found = self._known.get(ntpath.normcase(path.strip()))
        if found is None and self._locate_file is not None:
            found = self._locate_file(path)
        return found

    def _start_unattended(
        self,
        connection: Connection,
        file_path: str,
        mode: OpenMode,
        fail: Callable[[int, str], QuickBooksConnectionError],
    ) -> None:
        if not file_path:
            raise fail(QB_NOT_RUNNING_NO_FILE_NAME, "QuickBooks is not running")
        file = self._locate(file_path)
        if file is None:
            raise fail(CANNOT_START_QUICKBOOKS, f"no company file at {file_path}")
        grant = file.grants.get(connection.app_name)
        user = (grant.login_as if grant else None) or file.users[0]
        # Decide before starting anything: without a "Yes, always" grant nothing starts.
        check_access(
            grant,
            user=user,
            single_user=False,
            attended=False,
            users=file.users,
            app_name=connection.app_name,
            company_file=file.path,
        )
        self._instances, self._attended = 1, False
        self.elevated = connection.elevated  # it runs with the rights of whoever started it
        self._open_for_sdk(file, mode, user)

    def _check_running(
        self,
        connection: Connection,
        file_path: str,
        mode: OpenMode,
        fail: Callable[[int, str], QuickBooksConnectionError],
    ) -> None:
        if self._instances > 1:
            raise fail(CANNOT_ACCESS_QUICKBOOKS, f"{self._instances} QuickBooks instances run")
        if connection.elevated != self.elevated:
            raise fail(
                CANNOT_ACCESS_QUICKBOOKS,
                "QuickBooks and this application must both run with administrator rights or "
                f"both without (QuickBooks {'does' if self.elevated else 'does not'}, the "
                f"application {'does' if connection.elevated else 'does not'})",
            )
        if self._modal_showing():
            raise fail(MODAL_DIALOG_OPEN, self._modal or "an authorisation dialog is showing")
        if self._file is None:
            if not file_path:
                raise fail(NO_FILE_OPEN, "no company file is open")
            file = self._locate(file_path)
            if file is None:
                raise fail(CANNOT_START_QUICKBOOKS, f"no company file at {file_path}")
            grant = file.grants.get(connection.app_name)
            login_as = grant.login_as if grant and grant.choice is AuthChoice.ALWAYS else None
            # The login prompt is answered as the "login as" user, else as the Admin.
            self._open_for_sdk(file, mode, login_as or file.users[0])
            return
        if file_path and not _same_path(file_path, self._file.path):
            raise fail(OTHER_COMPANY_FILE_OPEN, f"{self._file.path} is open")
        if mode is not OpenMode.DO_NOT_CARE and mode is not self._mode:
            raise fail(WRONG_FILE_MODE, f"the file is open {self._mode_text()}")
        others = [s for s in self._sessions.values() if s.file is self._file]
        if others and (
            mode is OpenMode.SINGLE_USER or any(s.mode is OpenMode.SINGLE_USER for s in others)
        ):
            raise fail(SINGLE_USER_REQUIRED, f"{len(others)} other session(s) use the file")

    def _mode_text(self) -> str:
        return "single-user" if self._mode is OpenMode.SINGLE_USER else "multi-user"

    def _open_for_sdk(self, file: CompanyFile, mode: OpenMode, user: str) -> None:
        # DO_NOT_CARE opens single-user: QuickBooks' Open dialog leaves "Open file in
        # multi-user mode" unchecked.
        self._file, self._user = file, user
        self._mode = OpenMode.MULTI_USER if mode is OpenMode.MULTI_USER else OpenMode.SINGLE_USER
        self._opened_by_sdk = True

    def _release_sdk_file(self) -> None:
        if self._sessions or not self._opened_by_sdk:
            return
        self._close_file()
        if not self._attended:
            self._shutdown()

    def _ask(
        self,
        connection: Connection,
        file: CompanyFile,
        first_access: bool,
        timeout: float,
        fail: Callable[[int, str], QuickBooksConnectionError],
    ) -> Grant:
        """Show the authorisation dialog and wait for its outcome; the grant it records."""
        view = PendingAuthorization(
            app_name=connection.app_name,
            app_id=connection.app_id,
            company_file=file.path,
            users=tuple(file.users),
            first_access=first_access,
        )
        if self.auto_authorize is not None:
            choice = self.auto_authorize
            login_as = self.auto_login_as if choice is AuthChoice.ALWAYS else None
            grant = Grant(view.app_name, view.app_id, choice, login_as, self.auto_personal_data)
            file.grants.put(grant)
            if not choice.allows:
                raise fail(USER_DENIED_ACCESS, "the authorisation dialog was answered No")
            return grant
        wait = _DialogWait(view)
        self._dialog = wait
        self._cond.notify_all()
        answered = self._cond.wait_for(lambda: wait.outcome is not None, timeout)
        if not answered:
            self._finish_dialog(wait, wait.view, "withdrawn")
            raise fail(
                CANNOT_ACCESS_QUICKBOOKS,
                f"the authorisation dialog was not answered in {timeout} s",
            )
        if wait.outcome == "denied":
            raise fail(USER_DENIED_ACCESS, "the authorisation dialog was answered No")
        if wait.outcome == "withdrawn" or self._file is not file:
            raise fail(CANNOT_ACCESS_QUICKBOOKS, "QuickBooks closed the authorisation dialog")
        return wait.view.grant()

    def _finish_dialog(
        self,
        wait: _DialogWait,
        view: PendingAuthorization,
        outcome: Literal["granted", "denied", "withdrawn"],
    ) -> None:
        if outcome != "withdrawn" and self._file is not None:
            self._file.grants.put(view.grant())
        wait.view, wait.outcome = view, outcome
        if self._dialog is wait:
            self._dialog = None
        self._cond.notify_all()

    def _end(self, ticket: str) -> None:
        if self._sessions.pop(ticket, None) is not None:
            self._ended.append(ticket)

    def _close_file(self) -> None:
        if self._dialog is not None:
            self._finish_dialog(self._dialog, self._dialog.view, "withdrawn")
        for ticket in [t for t, s in self._sessions.items() if s.file is self._file]:
            self._end(ticket)
        self._file = self._mode = self._user = None
        self._opened_by_sdk = False
        self._cond.notify_all()

    def _shutdown(self) -> None:
        self._close_file()
        for ticket in list(self._sessions):
            self._end(ticket)
        self._instances, self._attended, self._modal = 0, False, None
        self._cond.notify_all()

    def _preferences(self) -> GrantStore:
        with self._cond:
            if self._file is None or self._user is None or not is_admin(self._user):
                raise RuntimeError("Integrated Applications preferences need the Admin logged in")
            return self._file.grants
