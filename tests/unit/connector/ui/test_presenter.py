"""The windows' view-models, without a display: the wizard's steps, each error's message and
fix, the status window's texts, and the scaling."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from qbdlink.connector.install.admin import ADMINISTRATOR_FIX, ADMINISTRATOR_MESSAGE
from qbdlink.connector.install.errors import AdministratorRequiredError
from qbdlink.connector.link import LinkOutcome, LinkRefusedError
from qbdlink.connector.platform_client import PlatformUnreachableError, PlatformUserActionError
from qbdlink.connector.quickbooks.session import WrongCompanyFileError
from qbdlink.connector.sync.engine import PullProgress
from qbdlink.connector.ui.presenter import (
    StatusSnapshot,
    StatusView,
    Step,
    WizardModel,
    data_type_label,
    explain,
    tk_scaling,
    window_size,
)
from qbdlink.errors import PermanentError, QbdlinkError
from qbdlink.model import wire
from qbdlink.model.licence import new_company_id
from qbdlink.qbxml.hresult import error_for_hresult

KEY = new_company_id("us")
INFO = wire.LinkInfo(
    company_id=KEY,
    company_name="Bakery",
    client_name="Acme Lending",
    region="us",
    connection_status="PendingAuth",
    can_link=True,
)
ANSWER = wire.LinkResponse(
    credential="c",
    company_id=KEY,
    company_name="Bakery",
    client_name="Acme Lending",
    connection_id="x",
    region="us",
    mode="ongoing",
    initial_data_types=["customers", "invoices", "chartOfAccounts"],
)


def model() -> WizardModel:
    return WizardModel(client_name="Acme Lending", install_dir=r"C:\P", app_name="Acme connector")


def test_the_wizard_walks_its_steps() -> None:
    m = model()
    assert m.title == "Acme Lending – QuickBooks connector"
    assert (m.step, m.primary_label, m.primary_enabled) == (Step.LICENCE, "Install", False)
    m.set_licence_key(f"  {KEY} ")
    assert m.primary_enabled
    assert m.start_install() and m.step is Step.INSTALLING and not m.primary_enabled
    m.install_progress(1, 4)
    assert m.install.percent == 25
    m.installed(verified=True)
    assert (m.step, m.region, m.primary_label) == (Step.REGION, "us", "Find my company")
    m.start_link()
    assert not m.primary_enabled  # busy
    assert m.company_found(INFO)
    assert m.primary_label == "Link with Bakery" and m.primary_enabled
    assert "Bakery, a client of Acme Lending" in m.company_text
    m.confirm_company()
    m.waiting_for_quickbooks()
    assert m.step is Step.WAITING and m.primary_label is None
    assert any("Yes, always" in line for line in m.waiting_steps)
    m.linked(ANSWER)
    assert m.step is Step.FIRST_LINK and list(m.rows) == [
        "customers",
        "invoices",
        "chartOfAccounts",
    ]
    m.progress(PullProgress("customers", 10, 1, False))
    assert m.rows["customers"].status == "10 records so far…"
    m.progress(PullProgress("customers", 22, 2, True))
    m.progress(PullProgress("invoices", 5, 1, True))
    outcome = LinkOutcome("Bakery", "Acme Lending", "ongoing", {"customers": 22, "invoices": 5})
    m.finished(outcome, removing_itself=False, autostart_name="task")
    assert m.step is Step.DONE and m.primary_label == "Close"
    assert list(m.rows) == ["customers", "invoices"]  # never-fetched types dropped
    assert m.done_text.startswith("Your data has been synchronised.\n\n27 records from Bakery")
    assert "starts with this computer" in m.done_text


def test_one_time_mode_says_the_connector_removes_itself() -> None:
    m = model()
    m.finished(LinkOutcome("Bakery", "Acme", "one-time", {}), removing_itself=True)
    assert "will now remove itself" in m.done_text


def test_a_malformed_key_is_caught_before_installing() -> None:
    m = model()
    m.set_licence_key("not a key")
    assert not m.start_install()
    assert m.step is Step.LICENCE and m.problem is not None
    assert m.problem.title == "Check the licence key"


def test_a_failed_install_goes_back_to_the_first_step() -> None:
    m = model()
    m.set_licence_key(KEY)
    m.start_install()
    m.failed(AdministratorRequiredError(ADMINISTRATOR_MESSAGE, fix=ADMINISTRATOR_FIX))
    assert m.step is Step.LICENCE and m.problem is not None
    assert m.problem.title == "An administrator must install the connector"
    assert m.problem.fix == ADMINISTRATOR_FIX


def test_try_again_does_not_ask_to_confirm_the_company_twice() -> None:
    m = model()
    m.installed(verified=False)
    m.company_found(INFO)
    m.confirm_company()
    m.waiting_for_quickbooks()
    m.failed(error_for_hresult(0x80040416))
    assert m.primary_label == "Try again"
    assert m.quickbooks_state == "Not ready: QuickBooks is not open."
    m.start_link()
    assert not m.company_found(INFO)  # the same company: no second question
    assert m.step is Step.WAITING
    m.choose_region("ca")
    assert m.company_found(INFO)  # another region: ask again


def test_cancelling_link_with_goes_back_without_a_problem() -> None:
    m = model()
    m.installed(verified=False)
    m.company_found(INFO)
    m.failed(LinkRefusedError("Linking was cancelled.", fix="Run the link again when ready."))
    assert m.step is Step.REGION and m.problem is None and not m.awaiting_confirmation


def test_a_quickbooks_problem_on_a_resumed_link_shows_the_quickbooks_step() -> None:
    m = model()
    m.installed(verified=False)
    m.start_link()
    m.failed(WrongCompanyFileError("QuickBooks has other.qbw open, not Bakery's file."))
    assert m.step is Step.WAITING
    assert m.problem is not None and m.problem.message.startswith("QuickBooks has other.qbw")


@pytest.mark.parametrize(
    ("error", "title", "fix"),
    [
        (error_for_hresult(0x80040416), "QuickBooks is not open", "Start QuickBooks"),
        (error_for_hresult(0x80040417), "QuickBooks is not open", "Start QuickBooks"),
        (
            error_for_hresult(0x80040401, "2 QuickBooks instances run"),
            "More than one QuickBooks is running",
            "Close every QuickBooks window but one",
        ),
        (
            error_for_hresult(0x80040401, "the authorisation dialog was not answered in 10 s"),
            "QuickBooks' question was not answered",
            "Yes, always",
        ),
        (error_for_hresult(0x80040401), "QuickBooks does not answer", "administrator"),
        (
            error_for_hresult(0x8004040A),
            "Another company file is open in QuickBooks",
            "File > Open or Restore Company",
        ),
        (error_for_hresult(0x80040420), "QuickBooks refused access", "Integrated Applications"),
        (error_for_hresult(0x8004041A), "QuickBooks refused access", "Integrated Applications"),
        (error_for_hresult(0x80040414), "A window is open in QuickBooks", "Close the open window"),
        (
            PlatformUnreachableError("Cannot reach the platform at http://x: refused."),
            "No connection to the internet",
            "connected to the internet",
        ),
        (
            PlatformUserActionError("unknown", code="link.unknown_key", fix="", status=404),
            "This licence key cannot be linked",
            "Link page",
        ),
        (
            PermanentError("odd", fix=""),
            "Something went wrong",
            "send connector.log",
        ),
    ],
)
def test_every_error_has_a_title_and_a_fix(error: QbdlinkError, title: str, fix: str) -> None:
    problem = explain(error, company_name="Bakery")
    assert problem.title == title
    assert fix in problem.fix
    assert problem.message


def test_the_wrong_region_names_the_right_one() -> None:
    error = PlatformUserActionError("no", code="link.wrong_region", fix="", status=409)
    problem = explain(error, licence_key=new_company_id("uk"), region="us")
    assert problem.message == "This licence key is for United Kingdom, not United States."
    assert problem.fix == "Choose United Kingdom and click Find my company again."
    assert "Choose the region" in explain(error, licence_key="x", region="us").fix


NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


def test_the_status_view() -> None:
    snapshot = StatusSnapshot(
        now=NOW,
        linked=True,
        company_name="Bakery",
        region="uk",
        quickbooks_checked=True,
        history={
            "customers": {"lastSuccess": NOW.isoformat(), "records": 22, "lastError": None},
            "billPayments": {"lastSuccess": None, "records": None, "lastError": "Bad record."},
        },
        unfinished=("invoices",),
        queued=("customers", "invoices"),
    )
    view = StatusView.of(snapshot, client_name="Acme Lending")
    assert view.title == "Acme Lending – QuickBooks connector status"
    assert view.connection == "Linked with Bakery (United Kingdom). Syncing is on."
    assert view.quickbooks == "Ready."
    assert [(r.label, r.records) for r in view.rows] == [("Bill payments", ""), ("Customers", "22")]
    assert view.rows[0].last_sync == "never"
    assert view.queued == "Invoices, Customers"
    assert view.last_error is not None and view.last_error.message == "Bad record."
    assert (view.pause_label, view.can_sync_now) == ("Pause syncing for 24 hours", True)


def test_a_paused_status_view() -> None:
    until = NOW + timedelta(hours=24)
    snapshot = StatusSnapshot(now=NOW, linked=True, company_name="Bakery", paused_until=until)
    view = StatusView.of(snapshot, client_name="Acme")
    assert "Paused until" in view.connection
    assert view.quickbooks == "Not checked while syncing is paused."
    assert (view.paused, view.pause_label, view.can_sync_now) == (True, "Resume syncing", False)


def test_a_quickbooks_problem_is_the_last_error() -> None:
    snapshot = StatusSnapshot(
        now=NOW,
        linked=True,
        company_name="Bakery",
        quickbooks_checked=True,
        quickbooks_problem=error_for_hresult(0x80040416),
    )
    view = StatusView.of(snapshot, client_name="Acme")
    assert view.quickbooks == "QuickBooks is not open."
    assert view.last_error is not None and "Start QuickBooks" in view.last_error.fix


def test_not_linked() -> None:
    view = StatusView.of(StatusSnapshot(now=NOW, linked=False), client_name="Acme")
    assert not view.linked and not view.can_sync_now and view.connection.startswith("Not linked")


def test_scaling_and_sizes() -> None:
    assert tk_scaling(96, 1.5) == pytest.approx(2.0)
    assert tk_scaling(144) == pytest.approx(2.0)  # Windows at 150 % reports 144 DPI
    assert tk_scaling(40) == pytest.approx(1.0)
    assert window_size(2.0, 500, 400) == (1000, 800)
    assert data_type_label("billCreditNotes") == "Bill credit notes"
