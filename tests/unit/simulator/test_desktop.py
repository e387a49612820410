"""The QuickBooks state model through the request-processor API: every condition's HRESULT,
authorisation, tickets, faults and one request at a time.

Threads stand in for the person at the PC; they synchronise with events and the model's own
wait helpers, never with timing.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import pytest

from qbdlink.errors import QbdlinkError
from qbdlink.qbxml.hresult import QuickBooksConnectionError
from qbdlink.simulator.authorization import AuthChoice, DialogStage, Grant, PendingAuthorization
from qbdlink.simulator.desktop import (
    EDITIONS,
    InMemoryCompanyFile,
    OpenMode,
    QuickBooksDesktop,
)
from qbdlink.simulator.faults import Fault
from qbdlink.simulator.session import RequestProcessor, SessionContext

APP = "qbdlink"
PATH = r"C:\Users\Public\Documents\Intuit\QuickBooks\Acme.QBW"
OTHER_PATH = r"C:\Company\Other.QBW"
JOIN = 10.0  # seconds a thread may take before the test fails (a deadlock guard, not a timing)


class RecordingHandler:
    """The request side: records contexts, answers with the request echoed."""

    def __init__(self) -> None:
        self.contexts: list[SessionContext] = []
        self.behaviour: Callable[[str], str] = lambda xml: f"<answer>{xml}</answer>"

    def __call__(self, context: SessionContext, xml: str) -> str:
        self.contexts.append(context)
        return self.behaviour(xml)


class FakeSleep:
    def __init__(self) -> None:
        self.calls: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


@dataclass
class World:
    desktop: QuickBooksDesktop
    file: InMemoryCompanyFile
    other: InMemoryCompanyFile
    handler: RecordingHandler
    sleep: FakeSleep
    ended: list[str] = field(default_factory=list)

    def connect(self, app: str = APP, *, elevated: bool = False) -> RequestProcessor:
        rp = RequestProcessor(self.desktop)
        rp.open_connection("", app, elevated=elevated)
        return rp

    def grant(self, choice: AuthChoice, app: str = APP, **kwargs: object) -> None:
        login_as = kwargs.get("login_as")
        assert login_as is None or isinstance(login_as, str)
        self.file.grants.put(Grant(app, "", choice, login_as, bool(kwargs.get("personal_data"))))


@pytest.fixture
def world() -> World:
    handler, sleep = RecordingHandler(), FakeSleep()
    file = InMemoryCompanyFile(PATH, users=("Admin", "Clerk"))
    other = InMemoryCompanyFile(OTHER_PATH)
    ended: list[str] = []
    desktop = QuickBooksDesktop(
        handler, files=[file, other], sleep=sleep, on_session_end=ended.append
    )
    return World(desktop, file, other, handler, sleep, ended)


def hresult_of(call: Callable[[], object]) -> int:
    with pytest.raises(QuickBooksConnectionError) as info:
        call()
    assert isinstance(info.value, QbdlinkError)
    return info.value.hresult


# Read through functions: mypy would keep an earlier assert's narrowing of the property.
def is_running(desktop: QuickBooksDesktop) -> bool:
    return desktop.running


def open_file(desktop: QuickBooksDesktop) -> object:
    return desktop.company_file


class Background:
    """Runs a call on a thread, keeping its result or error."""

    def __init__(self, call: Callable[[], object]) -> None:
        self.result: object = None
        self.error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, args=(call,), daemon=True)
        self._thread.start()

    def _run(self, call: Callable[[], object]) -> None:
        try:
            self.result = call()
        except BaseException as exc:  # handed to the test thread
            self.error = exc

    def join(self) -> object:
        self._thread.join(JOIN)
        assert not self._thread.is_alive(), "thread still blocked"
        if self.error is not None:
            raise self.error
        return self.result


# ---- QuickBooks running or not ------------------------------------------------------------


def test_not_running_and_no_file_name(world: World) -> None:
    assert hresult_of(lambda: world.connect().begin_session("", OpenMode.DO_NOT_CARE)) == (
        0x80040416
    )


def test_not_running_unknown_file(world: World) -> None:
    rp = world.connect()
    assert hresult_of(lambda: rp.begin_session(r"C:\nope.QBW", OpenMode.DO_NOT_CARE)) == (
        0x80040408
    )


def test_not_running_always_grant_opens_unattended_and_quits_after(world: World) -> None:
    world.grant(AuthChoice.ALWAYS, login_as="Clerk")
    rp = world.connect()
    ticket = rp.begin_session(PATH.upper(), OpenMode.DO_NOT_CARE)
    assert world.desktop.running and not world.desktop.attended
    assert world.desktop.company_file is world.file
    assert world.desktop.user == "Clerk"
    assert world.desktop.open_mode is OpenMode.SINGLE_USER
    assert rp.process_request(ticket, "<q/>") == "<answer><q/></answer>"
    assert world.handler.contexts[0].user == "Clerk"
    rp.end_session(ticket)
    rp.close_connection()
    assert not is_running(world.desktop)  # the QuickBooks it started exits again
    assert world.ended == [ticket]


@pytest.mark.parametrize(
    ("choice", "login_as", "expected"),
    [
        (None, None, 0x80040418),
        (AuthChoice.NO, None, 0x80040420),
        (AuthChoice.PROMPT_EACH_TIME, None, 0x8004041D),
        (AuthChoice.WHENEVER_OPEN, None, 0x8004041D),
        (AuthChoice.ALWAYS, "Nobody", 0x8004041D),
    ],
)
def test_not_running_without_an_always_grant(
    world: World, choice: AuthChoice | None, login_as: str | None, expected: int
) -> None:
    if choice is not None:
        world.grant(choice, login_as=login_as)
    rp = world.connect()
    assert hresult_of(lambda: rp.begin_session(PATH, OpenMode.DO_NOT_CARE)) == expected
    assert not world.desktop.running


def test_running_with_no_file_and_no_file_name(world: World) -> None:
    world.desktop.start()
    assert hresult_of(lambda: world.connect().begin_session("", OpenMode.DO_NOT_CARE)) == (
        0x80040417
    )


def test_running_with_no_file_opens_the_named_file_for_the_session(world: World) -> None:
    world.desktop.start()
    world.grant(AuthChoice.WHENEVER_OPEN)
    rp = world.connect()
    ticket = rp.begin_session(PATH, OpenMode.MULTI_USER)
    assert world.desktop.company_file is world.file
    assert world.desktop.open_mode is OpenMode.MULTI_USER
    assert rp.get_current_company_file_name(ticket) == PATH
    rp.end_session(ticket)
    assert open_file(world.desktop) is None
    assert world.desktop.running


def test_failed_authorisation_closes_the_file_it_opened(world: World) -> None:
    world.desktop.start()
    world.grant(AuthChoice.NO)
    assert hresult_of(lambda: world.connect().begin_session(PATH, OpenMode.DO_NOT_CARE)) == (
        0x80040420
    )
    assert world.desktop.company_file is None


# ---- the open company file -----------------------------------------------------------------


def test_another_file_is_open(world: World) -> None:
    world.desktop.open_company(world.other)
    world.grant(AuthChoice.ALWAYS)
    rp = world.connect()
    assert hresult_of(lambda: rp.begin_session(PATH, OpenMode.DO_NOT_CARE)) == 0x8004040A


def test_the_open_file_matches_ignoring_case_and_slashes(world: World) -> None:
    world.desktop.open_company(world.file)
    world.grant(AuthChoice.ALWAYS)
    rp = world.connect()
    ticket = rp.begin_session(PATH.lower().replace("\\", "/"), OpenMode.DO_NOT_CARE)
    assert rp.get_current_company_file_name(ticket) == PATH


@pytest.mark.parametrize(
    ("open_in", "requested"),
    [
        (OpenMode.MULTI_USER, OpenMode.SINGLE_USER),
        (OpenMode.SINGLE_USER, OpenMode.MULTI_USER),
    ],
)
def test_file_open_in_another_mode(world: World, open_in: OpenMode, requested: OpenMode) -> None:
    world.desktop.open_company(world.file, open_in)
    world.grant(AuthChoice.ALWAYS)
    assert hresult_of(lambda: world.connect().begin_session("", requested)) == 0x80040410
    assert world.connect().begin_session("", OpenMode.DO_NOT_CARE)


def test_single_user_required_but_another_application_shares_the_file(world: World) -> None:
    world.desktop.open_company(world.file, OpenMode.MULTI_USER)
    world.grant(AuthChoice.ALWAYS)
    world.grant(AuthChoice.ALWAYS, app="other app")
    world.connect("other app").begin_session("", OpenMode.MULTI_USER)
    world.desktop.close_company()
    world.desktop.open_company(world.file, OpenMode.SINGLE_USER)
    world.connect("other app").begin_session("", OpenMode.DO_NOT_CARE)
    assert hresult_of(lambda: world.connect().begin_session("", OpenMode.SINGLE_USER)) == (
        0x80040422
    )


def test_another_application_holds_the_file_single_user(world: World) -> None:
    world.desktop.open_company(world.file, OpenMode.SINGLE_USER)
    world.grant(AuthChoice.ALWAYS)
    world.grant(AuthChoice.ALWAYS, app="other app")
    world.connect("other app").begin_session("", OpenMode.SINGLE_USER)
    assert hresult_of(lambda: world.connect().begin_session("", OpenMode.DO_NOT_CARE)) == (
        0x80040422
    )


def test_multi_user_sessions_share_the_file(world: World) -> None:
    world.desktop.open_company(world.file, OpenMode.MULTI_USER)
    world.grant(AuthChoice.ALWAYS)
    world.grant(AuthChoice.ALWAYS, app="other app")
    world.connect("other app").begin_session("", OpenMode.MULTI_USER)
    assert world.connect().begin_session("", OpenMode.MULTI_USER)
    assert len(world.desktop.tickets) == 2


def test_open_company_checks_its_arguments(world: World) -> None:
    with pytest.raises(ValueError):
        world.desktop.open_company(world.file, OpenMode.DO_NOT_CARE)
    with pytest.raises(ValueError):
        world.desktop.open_company(world.file, user="Stranger")


# ---- dialogs, instances, elevation ----------------------------------------------------------


def test_modal_dialog(world: World) -> None:
    world.desktop.open_company(world.file)
    world.grant(AuthChoice.ALWAYS)
    world.desktop.show_dialog("Create Invoices")
    assert world.desktop.modal_dialog == "Create Invoices"
    rp = world.connect()
    assert hresult_of(lambda: rp.begin_session("", OpenMode.DO_NOT_CARE)) == 0x80040414
    world.desktop.dismiss_dialog()
    ticket = rp.begin_session("", OpenMode.DO_NOT_CARE)
    world.desktop.show_dialog("Memorized transactions due")
    assert hresult_of(lambda: rp.process_request(ticket, "<q/>")) == 0x80040414
    world.desktop.dismiss_dialog()
    assert rp.process_request(ticket, "<q/>")


def test_more_than_one_instance(world: World) -> None:
    world.desktop.open_company(world.file)
    world.grant(AuthChoice.ALWAYS)
    world.desktop.instances = 2
    assert hresult_of(lambda: world.connect().begin_session("", OpenMode.DO_NOT_CARE)) == (
        0x80040401
    )
    world.desktop.instances = 1
    assert world.connect().begin_session("", OpenMode.DO_NOT_CARE)


def test_instances_zero_quits_and_one_starts(world: World) -> None:
    world.desktop.instances = 1
    assert world.desktop.attended
    world.desktop.instances = 0
    assert not world.desktop.running
    with pytest.raises(ValueError):
        world.desktop.instances = -1


@pytest.mark.parametrize(("qb", "caller"), [(True, False), (False, True)])
def test_elevation_mismatch(world: World, qb: bool, caller: bool) -> None:
    world.desktop.elevated = qb
    world.desktop.open_company(world.file)
    world.grant(AuthChoice.ALWAYS)
    rp = world.connect(elevated=caller)
    with pytest.raises(QuickBooksConnectionError) as info:
        rp.begin_session("", OpenMode.DO_NOT_CARE)
    assert info.value.hresult == 0x80040401
    assert "administrator" in (info.value.detail or "")


def test_both_elevated_is_fine(world: World) -> None:
    world.desktop.elevated = True
    world.desktop.open_company(world.file)
    world.grant(AuthChoice.ALWAYS)
    assert world.connect(elevated=True).begin_session("", OpenMode.DO_NOT_CARE)


# ---- call order and tickets ----------------------------------------------------------------


def test_calls_before_open_connection(world: World) -> None:
    rp = RequestProcessor(world.desktop)
    assert hresult_of(lambda: rp.begin_session("", OpenMode.DO_NOT_CARE)) == 0x80040402
    assert hresult_of(lambda: rp.process_request("t", "<q/>")) == 0x80040402
    rp.close_connection()  # harmless


def test_open_twice_and_two_sessions_on_one_connection(world: World) -> None:
    world.desktop.open_company(world.file)
    world.grant(AuthChoice.ALWAYS)
    rp = world.connect()
    assert hresult_of(lambda: rp.open_connection("", APP)) == 0x80040402
    rp.begin_session("", OpenMode.DO_NOT_CARE)
    assert hresult_of(lambda: rp.begin_session("", OpenMode.DO_NOT_CARE)) == 0x80040402


def test_session_api_happy_path(world: World) -> None:
    world.desktop.open_company(world.file)
    world.grant(AuthChoice.ALWAYS, personal_data=True)
    rp = RequestProcessor(world.desktop)
    rp.open_connection("app-id", APP)
    assert rp.connection is not None and rp.connection.app_id == "app-id"
    ticket = rp.begin_session(PATH, OpenMode.DO_NOT_CARE)
    assert rp.qbxml_versions_for_session(ticket) == list(EDITIONS["US"].supported_versions)
    assert rp.process_request(ticket, "<q/>") == "<answer><q/></answer>"
    (context,) = world.handler.contexts
    assert (context.app_name, context.app_id, context.ticket) == (APP, "app-id", ticket)
    assert context.company_file is world.file
    assert context.personal_data
    assert context.country == "US"
    assert context.injected_status is None and not context.iterators_expired
    rp.end_session(ticket)
    assert hresult_of(lambda: rp.process_request(ticket, "<q/>")) == 0x8004040D
    assert hresult_of(lambda: rp.end_session(ticket)) == 0x8004040D
    rp.close_connection()
    assert world.desktop.company_file is world.file  # a person opened it: it stays open


def test_close_connection_ends_a_session_left_open(world: World) -> None:
    world.desktop.open_company(world.file)
    world.grant(AuthChoice.ALWAYS)
    rp = world.connect()
    ticket = rp.begin_session("", OpenMode.DO_NOT_CARE)
    rp.close_connection()
    assert not world.desktop.is_live(ticket)
    assert world.ended == [ticket]


def test_a_ticket_belongs_to_its_connection(world: World) -> None:
    world.desktop.open_company(world.file, OpenMode.MULTI_USER)
    world.grant(AuthChoice.ALWAYS)
    ticket = world.connect().begin_session("", OpenMode.MULTI_USER)
    other = world.connect()
    assert hresult_of(lambda: other.process_request(ticket, "<q/>")) == 0x8004040D
    assert hresult_of(lambda: other.get_current_company_file_name(ticket)) == 0x8004040D
    assert hresult_of(lambda: other.qbxml_versions_for_session(ticket)) == 0x8004040D


@pytest.mark.parametrize("stop", ["quit", "crash", "close_company"])
def test_tickets_die_when_quickbooks_closes_mid_session(world: World, stop: str) -> None:
    world.desktop.open_company(world.file)
    world.grant(AuthChoice.ALWAYS)
    rp = world.connect()
    ticket = rp.begin_session("", OpenMode.DO_NOT_CARE)
    getattr(world.desktop, stop)()
    assert hresult_of(lambda: rp.process_request(ticket, "<q/>")) == 0x8004040D
    assert hresult_of(lambda: rp.end_session(ticket)) == 0x8004040D
    assert world.ended == [ticket]
    rp.close_connection()


def test_quickbooks_quits_while_a_request_runs(world: World) -> None:
    world.desktop.open_company(world.file)
    world.grant(AuthChoice.ALWAYS)
    rp = world.connect()
    ticket = rp.begin_session("", OpenMode.DO_NOT_CARE)
    started, release = threading.Event(), threading.Event()

    def slow(xml: str) -> str:
        started.set()
        release.wait(JOIN)
        return "<late/>"

    world.handler.behaviour = slow
    call = Background(lambda: rp.process_request(ticket, "<q/>"))
    assert started.wait(JOIN)
    world.desktop.quit()
    release.set()
    assert hresult_of(call.join) == 0x80040401


# ---- authorisation -------------------------------------------------------------------------


@contextmanager
def answering(
    desktop: QuickBooksDesktop,
    choice: AuthChoice,
    login_as: str | None = None,
    personal_data: bool = False,
) -> Iterator[list[PendingAuthorization]]:
    """A person who answers the next authorisation dialog (and confirms a Yes)."""
    seen: list[PendingAuthorization] = []

    def person() -> None:
        seen.append(desktop.wait_for_authorization(JOIN))
        desktop.answer_authorization(choice, login_as, personal_data)
        if choice.allows:
            seen.append(desktop.wait_for_authorization(JOIN, stage=DialogStage.CONFIRM))
            desktop.confirm_access()

    thread = Background(person)
    yield seen
    thread.join()


def test_first_access_dialog_answered_from_another_thread(world: World) -> None:
    world.desktop.open_company(world.file)
    rp = world.connect()
    with answering(world.desktop, AuthChoice.ALWAYS, "Clerk", personal_data=True) as seen:
        ticket = rp.begin_session("", OpenMode.DO_NOT_CARE)
    first, confirming = seen
    assert (first.app_name, first.company_file, first.stage) == (APP, PATH, DialogStage.CHOOSE)
    assert first.first_access
    assert first.users == ("Admin", "Clerk")
    assert confirming.stage is DialogStage.CONFIRM
    assert (confirming.choice, confirming.login_as) == (AuthChoice.ALWAYS, "Clerk")
    assert world.file.grants.get(APP) == Grant(APP, "", AuthChoice.ALWAYS, "Clerk", True)
    assert world.desktop.pending_authorization is None
    rp.process_request(ticket, "<q/>")
    assert world.handler.contexts[0].personal_data


def test_begin_session_waits_for_the_access_confirmation(world: World) -> None:
    world.desktop.open_company(world.file)
    rp = world.connect()
    call = Background(lambda: rp.begin_session("", OpenMode.DO_NOT_CARE))
    world.desktop.wait_for_authorization(JOIN)
    world.desktop.answer_authorization(AuthChoice.WHENEVER_OPEN)
    pending = world.desktop.wait_for_authorization(JOIN, stage=DialogStage.CONFIRM)
    assert pending.choice is AuthChoice.WHENEVER_OPEN
    assert world.file.grants.get(APP) is None  # not granted until confirmed
    world.desktop.confirm_access()
    assert isinstance(call.join(), str)


@pytest.mark.parametrize(
    ("mode", "user"), [(OpenMode.SINGLE_USER, "Clerk"), (OpenMode.MULTI_USER, "Admin")]
)
def test_first_access_needs_the_admin_in_single_user_mode(
    world: World, mode: OpenMode, user: str
) -> None:
    world.desktop.auto_authorize = AuthChoice.ALWAYS  # even an automatic answer cannot help
    world.desktop.open_company(world.file, mode, user)
    assert hresult_of(lambda: world.connect().begin_session("", OpenMode.DO_NOT_CARE)) == (
        0x80040418
    )
    assert world.file.grants.get(APP) is None


def test_no_denies_until_the_grant_is_changed(world: World) -> None:
    world.desktop.open_company(world.file)
    with answering(world.desktop, AuthChoice.NO):
        assert hresult_of(lambda: world.connect().begin_session("", OpenMode.DO_NOT_CARE)) == (
            0x80040420
        )
    assert world.file.grants.get(APP) == Grant(APP, "", AuthChoice.NO)
    world.desktop.auto_authorize = AuthChoice.ALWAYS  # no dialog shows again
    assert hresult_of(lambda: world.connect().begin_session("", OpenMode.DO_NOT_CARE)) == (
        0x80040420
    )
    world.desktop.set_grant(Grant(APP, "", AuthChoice.WHENEVER_OPEN))
    assert world.connect().begin_session("", OpenMode.DO_NOT_CARE)


def test_prompt_each_time_asks_every_session(world: World) -> None:
    world.desktop.open_company(world.file, OpenMode.MULTI_USER, "Clerk")
    world.grant(AuthChoice.PROMPT_EACH_TIME)
    for _ in range(2):
        rp = world.connect()
        with answering(world.desktop, AuthChoice.PROMPT_EACH_TIME) as seen:
            ticket = rp.begin_session("", OpenMode.DO_NOT_CARE)
        assert not seen[0].first_access
        rp.end_session(ticket)
    with answering(world.desktop, AuthChoice.NO):
        assert hresult_of(lambda: world.connect().begin_session("", OpenMode.DO_NOT_CARE)) == (
            0x80040420
        )


def test_whenever_open_allows_any_user_while_open_not_while_closed(world: World) -> None:
    world.grant(AuthChoice.WHENEVER_OPEN)
    world.desktop.open_company(world.file, OpenMode.MULTI_USER, "Clerk")
    rp = world.connect()
    rp.end_session(rp.begin_session("", OpenMode.DO_NOT_CARE))
    rp.close_connection()
    world.desktop.quit()
    assert hresult_of(lambda: world.connect().begin_session(PATH, OpenMode.DO_NOT_CARE)) == (
        0x8004041D
    )


def test_always_allows_unattended_sessions_while_closed(world: World) -> None:
    world.grant(AuthChoice.ALWAYS)
    for _ in range(2):
        rp = world.connect()
        rp.end_session(rp.begin_session(PATH, OpenMode.DO_NOT_CARE))
        rp.close_connection()
    assert not world.desktop.running


def test_unattended_quickbooks_serves_only_always_grants(world: World) -> None:
    world.grant(AuthChoice.ALWAYS)
    world.grant(AuthChoice.PROMPT_EACH_TIME, app="other app")
    world.connect().begin_session(PATH, OpenMode.MULTI_USER)
    assert hresult_of(
        lambda: world.connect("other app").begin_session("", OpenMode.MULTI_USER)
    ) == (0x8004041D)


def test_removing_a_grant_makes_it_a_first_access_again(world: World) -> None:
    world.desktop.open_company(world.file)
    world.grant(AuthChoice.ALWAYS)
    world.desktop.remove_grant(APP)
    assert world.file.grants.get(APP) is None
    with answering(world.desktop, AuthChoice.WHENEVER_OPEN) as seen:
        world.connect().begin_session("", OpenMode.DO_NOT_CARE)
    assert seen[0].first_access


def test_preferences_need_the_admin(world: World) -> None:
    with pytest.raises(RuntimeError):
        world.desktop.set_grant(Grant(APP, "", AuthChoice.ALWAYS))
    world.desktop.open_company(world.file, OpenMode.MULTI_USER, "Clerk")
    with pytest.raises(RuntimeError):
        world.desktop.remove_grant(APP)


def test_auto_authorize_answers_and_confirms_at_once(world: World) -> None:
    world.desktop.auto_authorize = AuthChoice.ALWAYS
    world.desktop.auto_login_as = "Clerk"
    world.desktop.auto_personal_data = True
    world.desktop.open_company(world.file)
    world.connect().begin_session("", OpenMode.DO_NOT_CARE)
    assert world.file.grants.get(APP) == Grant(APP, "", AuthChoice.ALWAYS, "Clerk", True)


def test_auto_authorize_no(world: World) -> None:
    world.desktop.auto_authorize = AuthChoice.NO
    world.desktop.open_company(world.file)
    assert hresult_of(lambda: world.connect().begin_session("", OpenMode.DO_NOT_CARE)) == (
        0x80040420
    )
    assert world.file.grants.get(APP) == Grant(APP, "", AuthChoice.NO)


def test_unanswered_dialog_times_out(world: World) -> None:
    world.desktop.open_company(world.file)
    rp = world.connect()
    assert hresult_of(lambda: rp.begin_session("", OpenMode.DO_NOT_CARE, timeout=0)) == (0x80040401)
    assert world.desktop.pending_authorization is None
    assert world.file.grants.get(APP) is None


def test_quickbooks_quits_while_the_dialog_shows(world: World) -> None:
    world.desktop.open_company(world.file)
    rp = world.connect()
    call = Background(lambda: rp.begin_session("", OpenMode.DO_NOT_CARE))
    world.desktop.wait_for_authorization(JOIN)
    world.desktop.quit()
    assert hresult_of(call.join) == 0x80040401
    assert world.file.grants.get(APP) is None


def test_the_dialog_is_modal_for_other_applications(world: World) -> None:
    world.desktop.open_company(world.file, OpenMode.SINGLE_USER)
    world.grant(AuthChoice.ALWAYS, app="other app")
    other = world.connect("other app")
    ticket = other.begin_session("", OpenMode.DO_NOT_CARE)
    rp = world.connect()
    call = Background(lambda: rp.begin_session("", OpenMode.DO_NOT_CARE))
    world.desktop.wait_for_authorization(JOIN)
    assert hresult_of(lambda: other.process_request(ticket, "<q/>")) == 0x80040414
    assert hresult_of(lambda: world.connect("third").begin_session("", OpenMode.DO_NOT_CARE)) == (
        0x80040414
    )
    world.desktop.answer_authorization(AuthChoice.NO)
    assert hresult_of(call.join) == 0x80040420


def test_answer_authorization_misuse(world: World) -> None:
    with pytest.raises(RuntimeError):
        world.desktop.answer_authorization(AuthChoice.ALWAYS)
    with pytest.raises(RuntimeError):
        world.desktop.confirm_access()
    world.desktop.open_company(world.file)
    rp = world.connect()
    call = Background(lambda: rp.begin_session("", OpenMode.DO_NOT_CARE))
    world.desktop.wait_for_authorization(JOIN)
    with pytest.raises(ValueError):
        world.desktop.answer_authorization(AuthChoice.WHENEVER_OPEN, login_as="Clerk")
    with pytest.raises(ValueError):
        world.desktop.answer_authorization(AuthChoice.ALWAYS, login_as="Stranger")
    with pytest.raises(RuntimeError):
        world.desktop.confirm_access()  # nothing chosen yet
    world.desktop.answer_authorization(AuthChoice.NO)
    assert hresult_of(call.join) == 0x80040420


# ---- faults --------------------------------------------------------------------------------


@pytest.fixture
def session(world: World) -> tuple[RequestProcessor, str]:
    world.desktop.open_company(world.file)
    world.grant(AuthChoice.ALWAYS)
    rp = world.connect()
    return rp, rp.begin_session("", OpenMode.DO_NOT_CARE)


def test_latency_uses_the_injected_sleep(
    world: World, session: tuple[RequestProcessor, str]
) -> None:
    rp, ticket = session
    world.desktop.faults.latency = 1.5
    rp.process_request(ticket, "<q/>")
    rp.process_request(ticket, "<q/>")
    assert world.sleep.calls == [1.5, 1.5]


def test_n_lock_errors_then_success(world: World, session: tuple[RequestProcessor, str]) -> None:
    rp, ticket = session
    world.desktop.faults.hresult_on_next_requests(0x8004041B, count=2)
    assert hresult_of(lambda: rp.process_request(ticket, "<q/>")) == 0x8004041B
    assert hresult_of(lambda: rp.process_request(ticket, "<q/>")) == 0x8004041B
    assert rp.process_request(ticket, "<q/>")
    assert len(world.handler.contexts) == 1


def test_injected_modal_dialog(world: World, session: tuple[RequestProcessor, str]) -> None:
    rp, ticket = session
    world.desktop.faults.hresult_on_next_requests(0x80040414)
    assert hresult_of(lambda: rp.process_request(ticket, "<q/>")) == 0x80040414
    assert rp.process_request(ticket, "<q/>")


def test_begin_session_lock_fault(world: World) -> None:
    world.desktop.open_company(world.file)
    world.grant(AuthChoice.ALWAYS)
    world.desktop.faults.fail_begin_sessions(0x8004041B)
    rp = world.connect()
    assert hresult_of(lambda: rp.begin_session("", OpenMode.DO_NOT_CARE)) == 0x8004041B
    assert rp.begin_session("", OpenMode.DO_NOT_CARE)


def test_status_faults_reach_the_handler(
    world: World, session: tuple[RequestProcessor, str]
) -> None:
    rp, ticket = session
    world.desktop.faults.status_on_next_requests(3175, count=2)
    for _ in range(3):
        rp.process_request(ticket, "<q/>")
    assert [c.injected_status for c in world.handler.contexts] == [3175, 3175, None]


def test_crash_mid_session(world: World, session: tuple[RequestProcessor, str]) -> None:
    rp, ticket = session
    world.desktop.faults.crash_on_next_request()
    assert hresult_of(lambda: rp.process_request(ticket, "<q/>")) == 0x80040401
    assert not world.desktop.running
    assert world.handler.contexts == []
    assert hresult_of(lambda: rp.process_request(ticket, "<q/>")) == 0x8004040D
    assert world.ended == [ticket]


def test_iterator_expiry_is_told_once_per_session(world: World) -> None:
    world.desktop.open_company(world.file, OpenMode.MULTI_USER)
    world.grant(AuthChoice.ALWAYS)
    a, b = world.connect(), world.connect()
    ta, tb = a.begin_session("", OpenMode.MULTI_USER), b.begin_session("", OpenMode.MULTI_USER)
    world.desktop.faults.expire_iterators()
    a.process_request(ta, "<q/>")
    a.process_request(ta, "<q/>")
    b.process_request(tb, "<q/>")
    assert [(c.ticket, c.iterators_expired) for c in world.handler.contexts] == [
        (ta, True),
        (ta, False),
        (tb, True),
    ]
    c = world.connect()
    c.process_request(c.begin_session("", OpenMode.MULTI_USER), "<q/>")
    assert not world.handler.contexts[-1].iterators_expired  # born after the expiry


def test_fault_objects_can_be_queued_directly(
    world: World, session: tuple[RequestProcessor, str]
) -> None:
    rp, ticket = session
    world.desktop.faults.fail_requests(Fault.status(3180))
    rp.process_request(ticket, "<q/>")
    assert world.handler.contexts[0].injected_status == 3180


def test_a_failing_handler_frees_quickbooks(
    world: World, session: tuple[RequestProcessor, str]
) -> None:
    rp, ticket = session

    def broken(xml: str) -> str:
        raise LookupError(xml)

    world.handler.behaviour = broken
    with pytest.raises(LookupError):
        rp.process_request(ticket, "<q/>")
    world.handler.behaviour = str
    assert rp.process_request(ticket, "<q/>") == "<q/>"


# ---- one request at a time -----------------------------------------------------------------


def test_a_second_request_waits_for_the_first(world: World) -> None:
    world.desktop.open_company(world.file, OpenMode.MULTI_USER)
    world.grant(AuthChoice.ALWAYS)
    a, b = world.connect(), world.connect()
    ta, tb = a.begin_session("", OpenMode.MULTI_USER), b.begin_session("", OpenMode.MULTI_USER)
    order: list[str] = []
    first_running, release_first = threading.Event(), threading.Event()

    def handler(xml: str) -> str:
        order.append(f"{xml} start")
        if xml == "first":
            first_running.set()
            assert release_first.wait(JOIN)
        order.append(f"{xml} end")
        return xml

    world.handler.behaviour = handler
    first = Background(lambda: a.process_request(ta, "first"))
    assert first_running.wait(JOIN)
    second = Background(lambda: b.process_request(tb, "second"))
    assert world.desktop.wait_for_waiting_requests(1, JOIN)
    assert order == ["first start"]
    release_first.set()
    assert first.join() == "first"
    assert second.join() == "second"
    assert order == ["first start", "first end", "second start", "second end"]


# ---- editions ------------------------------------------------------------------------------


def test_editions() -> None:
    assert EDITIONS["US"].product_name == "QuickBooks Pro 2023"
    assert EDITIONS["US"].supported_versions[0] == "1.0"
    assert EDITIONS["US"].supported_versions[-1] == "16.0"
    assert (EDITIONS["CA"].product_name, EDITIONS["CA"].country) == (
        "QuickBooks Pro 2023 (Canada)",
        "CA",
    )
    assert (EDITIONS["UK"].product_name, EDITIONS["UK"].country) == (
        "QuickBooks Pro 2022 (UK)",
        "UK",
    )


def test_edition_attributes_come_from_the_constructor() -> None:
    desktop = QuickBooksDesktop(RecordingHandler(), edition="UK")
    assert (desktop.product_name, desktop.country) == ("QuickBooks Pro 2022 (UK)", "UK")
    assert desktop.supported_versions == EDITIONS["UK"].supported_versions
    custom = QuickBooksDesktop(
        RecordingHandler(),
        edition="US",
        product_name="QuickBooks Enterprise 23.0",
        supported_versions=["13.0"],
    )
    assert (custom.product_name, custom.country, custom.supported_versions) == (
        "QuickBooks Enterprise 23.0",
        "US",
        ("13.0",),
    )
    with pytest.raises(ValueError):
        QuickBooksDesktop(RecordingHandler(), edition="AU")
