"""The setup wizard through each failure the issue lists, with the fix it shows (under Xvfb,
against a live platform on SQLite and a simulated QuickBooks); a screenshot of each goes to
``tests/artifacts/screenshots/wizard-fail-*.png``."""

from __future__ import annotations

import functools
import tkinter as tk
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from qbdlink.connector import link as link_module
from qbdlink.connector.link import link_company
from qbdlink.connector.platform_client import PlatformClient
from qbdlink.connector.sync.engine import PullProgress
from qbdlink.connector.ui.actions import Setup
from qbdlink.connector.ui.presenter import Step
from qbdlink.connector.ui.wizard import SetupWizard
from qbdlink.model import wire
from qbdlink.model.licence import new_company_id
from qbdlink.qbxml import Edition
from qbdlink.simulator.company import create_company
from tests.desktop.helpers import Screenshots, pump_until
from tests.desktop.test_wizard import (
    SCALE,
    answer_quickbooks,
    fast_app,
    go_to_region,
    new_company,
    window_setup,
)
from tests.support.platform import LivePlatform, free_port
from tests.support.simulated_quickbooks import SimulatedQuickBooks

pytestmark = [pytest.mark.desktop, pytest.mark.integration]


class AcceptAll:
    def company_found(self, info: wire.LinkInfo) -> bool:
        return True

    def waiting_for_quickbooks(self, instructions: str) -> None:
        pass

    def linked(self, answer: wire.LinkResponse) -> None:
        pass

    def progress(self, progress: PullProgress) -> None:
        pass


@dataclass(frozen=True)
class Failure:
    name: str
    title: str
    fix_mentions: str
    # (QuickBooks, the wizard's setup, the tmp folder) -> the licence key to type
    arrange: Callable[[SimulatedQuickBooks, Setup, Path, LivePlatform], str]
    region: str | None = None  # the region the person chooses (None: the key's)
    step: Step = Step.WAITING  # where the wizard shows the problem


def _company(qb: SimulatedQuickBooks, setup: Setup, tmp: Path, live: LivePlatform) -> str:
    return new_company(live)


def _quit(qb: SimulatedQuickBooks, setup: Setup, tmp: Path, live: LivePlatform) -> str:
    with qb.control() as control:
        control.quit()
    return new_company(live)


def _two_instances(qb: SimulatedQuickBooks, setup: Setup, tmp: Path, live: LivePlatform) -> str:
    with qb.control() as control:
        control.set_instances(2)
    return new_company(live)


def _refused(qb: SimulatedQuickBooks, setup: Setup, tmp: Path, live: LivePlatform) -> str:
    with qb.control() as control:
        control.set_grant(setup.settings.app_name, "no")
    return new_company(live)


def _other_file(qb: SimulatedQuickBooks, setup: Setup, tmp: Path, live: LivePlatform) -> str:
    """Linked earlier (the first link then stopped); now another company file is open."""
    company_id = new_company(live)
    with qb.control() as control:
        control.set_grant(setup.settings.app_name, "always")
    app = fast_app(setup.settings)
    try:
        link_company(
            app,
            licence_key=company_id,
            region="us",
            platform_url=live.base_url,
            observer=AcceptAll(),
        )
    finally:
        app.close()
    other = tmp / "other.qbw"
    create_company(other, company_name="Other", edition=Edition.US).close()
    qb.open_file(other)
    with qb.control() as control:  # the connector may use that file too: it is just not Bakery
        control.set_grant(setup.settings.app_name, "always")
    return company_id


def _canadian_key(qb: SimulatedQuickBooks, setup: Setup, tmp: Path, live: LivePlatform) -> str:
    return new_company_id("ca")


FAILURES = [
    Failure("quickbooks-not-open", "QuickBooks is not open", "Start QuickBooks", _quit),
    Failure(
        "two-quickbooks",
        "More than one QuickBooks is running",
        "Close every QuickBooks window but one",
        _two_instances,
    ),
    Failure(
        "other-company-file",
        "Another company file is open in QuickBooks",
        "File > Open or Restore Company",
        _other_file,
    ),
    Failure("access-refused", "QuickBooks refused access", "Integrated Applications", _refused),
    Failure(
        "wrong-region",
        "Wrong region",
        "Choose Canada",
        _canadian_key,
        region="us",
        step=Step.REGION,
    ),
    Failure(
        "no-network",
        "No connection to the internet",
        "connected to the internet",
        _company,
        step=Step.REGION,
    ),
]


def run_to_problem(wizard: SetupWizard, licence_key: str, region: str | None) -> None:
    root = wizard.root
    go_to_region(wizard, licence_key)
    if region is not None:
        wizard.region_buttons[region].invoke()
    wizard.primary.invoke()  # Find my company
    pump_until(root, lambda: wizard.model.awaiting_confirmation or wizard.model.problem is not None)
    if wizard.model.awaiting_confirmation:
        wizard.primary.invoke()  # Link with Bakery
        pump_until(root, lambda: wizard.model.problem is not None)


@pytest.mark.parametrize("failure", FAILURES, ids=[f.name for f in FAILURES])
def test_each_failure_says_what_to_do(
    failure: Failure,
    tk_root: tk.Tk,
    tmp_path: Path,
    desktop_platform: LivePlatform,
    quickbooks: SimulatedQuickBooks,
    screenshots: Screenshots,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    url = desktop_platform.base_url
    if failure.name == "no-network":
        url = f"http://127.0.0.1:{free_port()}"  # nobody listens there
        # One attempt, not six with backoff: the wizard shows the same problem, sooner.
        monkeypatch.setattr(
            link_module, "PlatformClient", functools.partial(PlatformClient, attempts=1)
        )
    setup = window_setup(tmp_path, quickbooks, url)
    licence_key = failure.arrange(quickbooks, setup, tmp_path, desktop_platform)
    wizard = SetupWizard(tk_root, setup, scale=SCALE)
    try:
        run_to_problem(wizard, licence_key, failure.region)
        problem = wizard.model.problem
        assert problem is not None
        assert problem.title == failure.title
        assert failure.fix_mentions in problem.fix
        assert wizard.model.step is failure.step
        assert wizard.problem_box.title.cget("text") == failure.title
        assert wizard.problem_box.winfo_ismapped()
        if failure.step is Step.WAITING:
            assert wizard.primary.cget("text") == "Try again"
        if failure.name == "wrong-region":
            assert problem.message == "This licence key is for Canada, not United States."
        screenshots.take(wizard.root, f"wizard-fail-{failure.name}")
    finally:
        wizard.close()


def test_try_again_after_opening_quickbooks_finishes_the_link(
    tk_root: tk.Tk,
    tmp_path: Path,
    desktop_platform: LivePlatform,
    quickbooks: SimulatedQuickBooks,
) -> None:
    setup = window_setup(tmp_path, quickbooks, desktop_platform.base_url)
    licence_key = _quit(quickbooks, setup, tmp_path, desktop_platform)
    wizard = SetupWizard(tk_root, setup, scale=SCALE)
    try:
        run_to_problem(wizard, licence_key, None)
        assert wizard.model.problem is not None
        with quickbooks.control() as control:  # the person opens QuickBooks and the file
            control.start()
            control.open_company(str(tmp_path / "bakery.qbw"))
        wizard.primary.event_generate("<Return>", when="now")  # Try again
        answer_quickbooks(wizard.root, quickbooks)
        pump_until(wizard.root, lambda: wizard.model.step is Step.DONE, timeout=40)
        assert wizard.model.problem is None
    finally:
        wizard.close()


def test_not_an_administrator_stops_before_installing(
    tk_root: tk.Tk,
    tmp_path: Path,
    desktop_platform: LivePlatform,
    quickbooks: SimulatedQuickBooks,
    screenshots: Screenshots,
) -> None:
    setup = window_setup(tmp_path, quickbooks, desktop_platform.base_url)
    setup.require_admin, setup.is_admin = True, lambda: False
    wizard = SetupWizard(tk_root, setup, scale=SCALE)
    try:
        wizard.key_var.set(new_company(desktop_platform))
        wizard.primary.invoke()
        pump_until(wizard.root, lambda: wizard.model.problem is not None)
        problem = wizard.model.problem
        assert problem is not None
        assert problem.title == "An administrator must install the connector"
        assert "Ask an administrator of this PC" in problem.fix
        assert wizard.model.step is Step.LICENCE
        assert not Path(setup.settings.layout.program_dir).exists()
        screenshots.take(wizard.root, "wizard-fail-not-administrator")
    finally:
        wizard.close()
