"""What the setup wizard and the status window show: pure view-models, no tkinter, no I/O.

:class:`WizardModel` is the wizard's state machine. The window feeds it events (the person's
clicks, the engine's reports through :class:`~qbdlink.connector.link.LinkObserver`) and draws
what it says: the step, the texts, the progress bars, the button labels, the problem with its
fix. :func:`explain` turns every error the engine raises into a title, a message and a fix in
plain words. :class:`StatusView` is the status window's model, built from a
:class:`StatusSnapshot`. Everything here is unit-tested without a display.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from qbdlink.connector.install.admin import ADMINISTRATOR_FIX
from qbdlink.connector.link import LinkOutcome
from qbdlink.connector.settings import REGIONS
from qbdlink.connector.sync.engine import PullProgress
from qbdlink.errors import QbdlinkError, RetryLaterError
from qbdlink.model import wire
from qbdlink.model.licence import is_well_formed, region_of

# ---- steps -----------------------------------------------------------------------------------


class Step(enum.Enum):
    LICENCE = "licence"
    INSTALLING = "installing"
    REGION = "region"
    WAITING = "waiting"
    FIRST_LINK = "first-link"
    DONE = "done"


STEP_HEADINGS: Mapping[Step, str] = {
    Step.LICENCE: "Install the QuickBooks connector",
    Step.INSTALLING: "Installing",
    Step.REGION: "Choose your region",
    Step.WAITING: "Allow access in QuickBooks",
    Step.FIRST_LINK: "Fetching your QuickBooks data",
    Step.DONE: "Done",
}

# In the order the wizard lists them (the order: Canada, UK, US).
REGION_CHOICES: tuple[tuple[str, str], ...] = (
    ("ca", REGIONS["ca"]),
    ("uk", REGIONS["uk"]),
    ("us", REGIONS["us"]),
)


def data_type_label(data_type: str) -> str:
    """``billCreditNotes`` -> ``Bill credit notes``."""
    words = re.sub(r"(?<!^)(?=[A-Z])", " ", data_type).lower()
    return words[:1].upper() + words[1:]


def waiting_steps(app_name: str) -> tuple[str, ...]:
    """What to do in QuickBooks while the wizard waits (the authorisation dialog)."""
    return (
        "Open QuickBooks on this computer, logged in as the QuickBooks Admin, with the company "
        "file you want to link.",
        f'QuickBooks shows an "Application Certificate" window for "{app_name}". Choose '
        '"Yes, always; allow access even if QuickBooks is not running".',
        "Click Continue, then Done.",
    )


# ---- problems --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """An error as the windows show it: a short title, what happened, and what to do."""

    title: str
    message: str
    fix: str
    code: str
    retriable: bool = True

    def text(self) -> str:
        return f"{self.message}\n\nWhat to do: {self.fix}" if self.fix else self.message


_QB_NOT_OPEN = {
    "qbxml.hresult.0x80040416",
    "qbxml.hresult.0x80040417",
    "qbxml.hresult.0x80040408",
    "qbxml.hresult.0x8004040D",
    "qbxml.hresult.0x80040424",
}
_QB_WRONG_FILE = {"quickbooks.wrong_company_file", "qbxml.hresult.0x8004040A"}
_QB_REFUSED = {
    "qbxml.hresult.0x80040420",
    "qbxml.hresult.0x8004041A",
    "qbxml.hresult.0x80040418",
    "qbxml.hresult.0x8004041D",
}
_QB_CANNOT_ACCESS = "qbxml.hresult.0x80040401"
_QB_MODAL = "qbxml.hresult.0x80040414"
_LINK_KEY_CODES = {
    "link.unknown_key",
    "link.malformed_key",
    "link.not_pending",
    "link.already_linked",
    "link.refused",
    "connector.credential_revoked",
}
TRY_AGAIN = "then click Try again."


def is_quickbooks_problem(error: QbdlinkError) -> bool:
    """Whether a person fixes ``error`` in QuickBooks (rather than in the connector or online)."""
    return error.code.startswith(("qbxml.hresult.", "quickbooks."))


def explain(
    error: QbdlinkError,
    *,
    licence_key: str | None = None,
    region: str | None = None,
    company_name: str | None = None,
) -> Problem:
    """The title, message and fix a person reads for ``error`` (by its code, then its class)."""
    code = error.code
    file_name = f"the company file of {company_name}" if company_name else "your company file"
    if code in _QB_NOT_OPEN:
        return Problem(
            "QuickBooks is not open",
            "The connector cannot find QuickBooks running with a company file open.",
            f"Start QuickBooks on this computer and open {file_name}, {TRY_AGAIN}",
            code,
        )
    if code == _QB_CANNOT_ACCESS and "instance" in error.message.lower():
        return Problem(
            "More than one QuickBooks is running",
            "QuickBooks is open more than once on this computer, so the connector cannot tell "
            "which one to use.",
            "Close every QuickBooks window but one (look in the taskbar; in Task Manager end any "
            f"other QBW.EXE), keep {file_name} open in the one left, {TRY_AGAIN}",
            code,
        )
    if code == _QB_CANNOT_ACCESS and "not answered" in error.message.lower():
        return Problem(
            "QuickBooks' question was not answered",
            "QuickBooks asked whether the connector may use this company file, and nobody "
            "answered in time.",
            'In QuickBooks choose "Yes, always; allow access even if QuickBooks is not running", '
            "then Continue, then Done (the window may be behind others); " + TRY_AGAIN,
            code,
        )
    if code == _QB_CANNOT_ACCESS:
        return Problem(
            "QuickBooks does not answer",
            "The connector could not reach QuickBooks.",
            "Make sure QuickBooks is open once, not stuck on a window, and that QuickBooks and "
            "the connector both run as administrator or both not; " + TRY_AGAIN,
            code,
        )
    if code in _QB_WRONG_FILE:
        return Problem(
            "Another company file is open in QuickBooks",
            error.message
            if code == "quickbooks.wrong_company_file"  # it names both files
            else "The company file open in QuickBooks is not the one being linked.",
            f"In QuickBooks choose File > Open or Restore Company and open {file_name} "
            f"(or File > Close Company), {TRY_AGAIN}",
            code,
        )
    if code in _QB_REFUSED:
        return Problem(
            "QuickBooks refused access",
            "QuickBooks did not allow the connector to read this company file.",
            "In QuickBooks, logged in as the Admin, open Edit > Preferences > Integrated "
            "Applications > Company Preferences, select the connector, click Properties and "
            'tick "Allow this application to read and modify this company file" and "Allow '
            'this application to log in automatically" (or remove it from the list so '
            'QuickBooks asks again and choose "Yes, always"), ' + TRY_AGAIN,
            code,
        )
    if code == _QB_MODAL:
        return Problem(
            "A window is open in QuickBooks",
            "QuickBooks is showing a window that must be closed before the connector can work.",
            "Close the open window in QuickBooks (it may be behind other windows), " + TRY_AGAIN,
            code,
        )
    if code == "link.wrong_region":
        right = region_of(licence_key or "")
        chosen = REGIONS.get(region or "", "this region")
        if right is not None:
            return Problem(
                "Wrong region",
                f"This licence key is for {REGIONS[right]}, not {chosen}.",
                f"Choose {REGIONS[right]} and click Find my company again.",
                code,
            )
        return Problem(
            "Wrong region",
            f"This licence key does not belong to {chosen}.",
            "Choose the region shown on your Link page and click Find my company again.",
            code,
        )
    if code.startswith("platform.unreachable") or code == "platform.http_503":
        return Problem(
            "No connection to the internet",
            "The connector cannot reach its online service.",
            "Check that this computer is connected to the internet (open a web page to test) "
            "and that no firewall or proxy blocks the connector, " + TRY_AGAIN,
            code,
        )
    if code == "connector.install.administrator_required":
        return Problem(
            "An administrator must install the connector",
            error.message,
            error.fix or ADMINISTRATOR_FIX,
            code,
            retriable=False,
        )
    if code in _LINK_KEY_CODES:
        return Problem(
            "This licence key cannot be linked",
            error.message,
            error.fix or "Check the licence key on your Link page, or ask for a new Link URL.",
            code,
            retriable=False,
        )
    if code.startswith("connector.install."):
        return Problem("The connector could not be installed", error.message, error.fix, code)
    return Problem(
        "Something went wrong",
        error.message,
        error.fix
        or (
            "Wait a minute, then click Try again."
            if isinstance(error, RetryLaterError)
            else "Click Try again; if it happens again, send connector.log to support."
        ),
        code,
    )


# ---- the wizard ------------------------------------------------------------------------------


@dataclass
class Bar:
    """A progress bar: ``done`` of ``total``."""

    done: int = 0
    total: int = 0
    finished: bool = False

    @property
    def percent(self) -> float:
        if self.finished:
            return 100.0
        return 100.0 * self.done / self.total if self.total else 0.0


@dataclass
class DataTypeRow:
    data_type: str
    records: int = 0
    done: bool = False

    @property
    def label(self) -> str:
        return data_type_label(self.data_type)

    @property
    def status(self) -> str:
        if self.done:
            return f"{self.records} records"
        return f"{self.records} records so far…" if self.records else "waiting…"


@dataclass
class WizardModel:
    """The wizard's state. Events are methods; the window draws the properties."""

    client_name: str
    install_dir: str
    app_name: str
    licence_key: str = ""
    region: str | None = None
    step: Step = Step.LICENCE
    busy: bool = False
    problem: Problem | None = None
    install: Bar = field(default_factory=Bar)
    verify: Bar = field(default_factory=Bar)
    verify_note: str = ""
    company: wire.LinkInfo | None = None
    confirmed_company_id: str | None = None
    awaiting_confirmation: bool = False
    quickbooks_state: str = ""
    rows: dict[str, DataTypeRow] = field(default_factory=dict)
    outcome: LinkOutcome | None = None
    removing_itself: bool = False
    autostart_name: str = ""
    closed: bool = False

    # -- what the window draws --

    @property
    def title(self) -> str:
        return f"{self.client_name} – QuickBooks connector"

    @property
    def heading(self) -> str:
        return STEP_HEADINGS[self.step]

    @property
    def step_number(self) -> str:
        return f"Step {list(Step).index(self.step) + 1} of {len(Step)}"

    @property
    def install_dir_text(self) -> str:
        return f"The connector will be installed in:\n{self.install_dir}"

    @property
    def primary_label(self) -> str | None:
        """The label of the step's main button (None: no button now)."""
        if self.step is Step.LICENCE:
            return "Install"
        if self.step is Step.REGION:
            if self.awaiting_confirmation and self.company is not None:
                return f"Link with {self.company.company_name}"
            return "Find my company"
        if self.step in (Step.WAITING, Step.FIRST_LINK):
            return "Try again" if self.problem is not None and self.problem.retriable else None
        if self.step is Step.DONE:
            return "Close"
        return None

    @property
    def primary_enabled(self) -> bool:
        if self.busy and not self.awaiting_confirmation:
            return False
        if self.step is Step.LICENCE:
            return bool(self.licence_key.strip())
        if self.step is Step.REGION:
            return self.region in REGIONS
        return self.primary_label is not None

    @property
    def company_text(self) -> str:
        if self.company is None:
            return ""
        return (
            f"Your licence key is for {self.company.company_name}, a client of "
            f"{self.company.client_name}."
        )

    @property
    def waiting_steps(self) -> tuple[str, ...]:
        return waiting_steps(self.app_name)

    @property
    def done_text(self) -> str:
        if self.outcome is None:
            return ""
        total = sum(self.outcome.records.values())
        lines = [
            "Your data has been synchronised.",
            f"{total} records from {self.outcome.company_name} were sent to "
            f"{self.outcome.client_name}.",
        ]
        if self.removing_itself:
            lines.append(
                "This was a one-time link: the connector will now remove itself from this "
                "computer. You can close this window."
            )
        else:
            lines.append(
                "The connector starts with this computer and keeps your data up to date. "
                'You can see how it is doing in "QuickBooks connector status" in the Start menu.'
            )
        return "\n\n".join(lines)

    # -- events --

    def set_licence_key(self, text: str) -> None:
        self.licence_key = text.strip()

    def start_install(self) -> bool:
        """The person clicked Install. False (and a problem) when the key cannot be right."""
        key = self.licence_key.strip()
        if not is_well_formed(key):
            self.problem = Problem(
                "Check the licence key",
                "This does not look like a licence key.",
                "Copy the licence key from your Link page (it looks like "
                "1b4e28ba-2fa1-8d2f-a83e-0123456789ab) and paste it here.",
                "wizard.licence_key",
            )
            return False
        self.problem = None
        self.busy = True
        self.step = Step.INSTALLING
        self.install, self.verify = Bar(), Bar()
        return True

    def install_progress(self, done: int, total: int) -> None:
        self.install = Bar(done, total)

    def verify_progress(self, done: int, total: int) -> None:
        self.verify = Bar(done, total)

    def installed(self, *, verified: bool, default_region: str | None = None) -> None:
        self.install.finished = True
        self.verify.finished = True
        self.verify_note = (
            "All files verified." if verified else "No signed file list here (development copy)."
        )
        self.busy = False
        self.step = Step.REGION
        if self.region is None:
            self.region = region_of(self.licence_key) or default_region

    def choose_region(self, region: str) -> None:
        if region != self.region:
            self.company = None
            self.confirmed_company_id = None
            self.awaiting_confirmation = False
        self.region = region

    def start_link(self) -> None:
        self.problem = None
        self.busy = True
        self.quickbooks_state = ""

    def company_found(self, info: wire.LinkInfo) -> bool:
        """The platform named the company. True: the person must confirm "Link with ..."
        (False when they already did, and this is a Try again)."""
        self.company = info
        if self.confirmed_company_id == info.company_id:
            return False
        self.awaiting_confirmation = True
        self.step = Step.REGION
        return True

    def confirm_company(self) -> None:
        self.awaiting_confirmation = False
        if self.company is not None:
            self.confirmed_company_id = self.company.company_id

    def waiting_for_quickbooks(self) -> None:
        self.step = Step.WAITING
        self.problem = None
        self.quickbooks_state = "Waiting for QuickBooks to allow access…"

    def linked(self, answer: wire.LinkResponse) -> None:
        self.quickbooks_state = "QuickBooks allowed access."
        self.step = Step.FIRST_LINK
        for data_type in answer.initial_data_types:
            self.rows.setdefault(data_type, DataTypeRow(data_type))

    def progress(self, progress: PullProgress) -> None:
        if self.step is not Step.FIRST_LINK:  # a resumed first link reports straight away
            self.step = Step.FIRST_LINK
        row = self.rows.setdefault(progress.data_type, DataTypeRow(progress.data_type))
        row.records = progress.records
        row.done = row.done or progress.done

    def finished(
        self, outcome: LinkOutcome, *, removing_itself: bool, autostart_name: str = ""
    ) -> None:
        self.outcome = outcome
        # Types the platform named that this connector does not fetch never report: drop them.
        self.rows = {name: row for name, row in self.rows.items() if row.done or row.records}
        self.removing_itself = removing_itself
        self.autostart_name = autostart_name
        self.busy = False
        self.problem = None
        self.step = Step.DONE

    def failed(self, error: QbdlinkError) -> None:
        self.busy = False
        self.awaiting_confirmation = False
        self.problem = explain(
            error,
            licence_key=self.licence_key,
            region=self.region,
            company_name=self.company.company_name if self.company else None,
        )
        if self.step is Step.INSTALLING:
            self.step = Step.LICENCE
        if self.step is Step.REGION and is_quickbooks_problem(error):
            self.step = Step.WAITING  # e.g. a resumed link: show what to do in QuickBooks
        if self.step is Step.WAITING:
            self.quickbooks_state = f"Not ready: {self.problem.title}."
        if error.code == "link.refused" and "cancelled" in error.message:
            self.problem = None  # the person said no to "Link with ...": back to choosing


# ---- the status window -----------------------------------------------------------------------


@dataclass(frozen=True)
class StatusSnapshot:
    """What the status window shows, read from the connector's state (see ``actions``)."""

    now: datetime
    linked: bool
    company_name: str = ""
    client_name: str = ""
    region: str = ""
    mode: str = ""
    paused_until: datetime | None = None
    quickbooks_checked: bool = False
    quickbooks_problem: QbdlinkError | None = None
    history: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    unfinished: Sequence[str] = ()
    queued: Sequence[str] = ()


@dataclass(frozen=True)
class StatusRow:
    label: str
    last_sync: str
    records: str


def format_moment(moment: datetime | str | None, now: datetime) -> str:
    if moment is None or moment == "":
        return "never"
    value = datetime.fromisoformat(moment) if isinstance(moment, str) else moment
    local, today = value.astimezone(), now.astimezone()
    if local.date() == today.date():
        return f"today {local:%H:%M}"
    return f"{local:%d %b %Y %H:%M}"


@dataclass(frozen=True)
class StatusView:
    title: str
    linked: bool
    connection: str
    quickbooks: str
    rows: tuple[StatusRow, ...]
    queued: str
    last_error: Problem | None
    paused: bool
    pause_label: str
    can_sync_now: bool

    @classmethod
    def of(cls, snapshot: StatusSnapshot, *, client_name: str) -> StatusView:
        title = f"{client_name} – QuickBooks connector status"
        if not snapshot.linked:
            return cls(
                title=title,
                linked=False,
                connection="Not linked. Open the setup (QuickBooks connector setup) to link.",
                quickbooks="",
                rows=(),
                queued="nothing",
                last_error=None,
                paused=False,
                pause_label="Pause syncing for 24 hours",
                can_sync_now=False,
            )
        where = REGIONS.get(snapshot.region, snapshot.region)
        paused = snapshot.paused_until is not None
        if paused:
            until = format_moment(snapshot.paused_until, snapshot.now)
            connection = f"Linked with {snapshot.company_name} ({where}). Paused until {until}."
        else:
            connection = f"Linked with {snapshot.company_name} ({where}). Syncing is on."
        problem = snapshot.quickbooks_problem
        if paused:
            quickbooks = "Not checked while syncing is paused."
        elif not snapshot.quickbooks_checked:
            quickbooks = "Checking…"
        elif problem is None:
            quickbooks = "Ready."
        else:
            quickbooks = explain(problem, company_name=snapshot.company_name).title + "."
        rows = tuple(
            StatusRow(
                data_type_label(data_type),
                format_moment(entry.get("lastSuccess"), snapshot.now),
                "" if entry.get("records") is None else str(entry.get("records")),
            )
            for data_type, entry in sorted(snapshot.history.items())
        )
        waiting = list(dict.fromkeys([*snapshot.unfinished, *snapshot.queued]))
        queued = ", ".join(data_type_label(d) for d in waiting) if waiting else "nothing"
        last_error: Problem | None = None
        if problem is not None and not paused:
            last_error = explain(problem, company_name=snapshot.company_name)
        else:
            failures = [
                (data_type, str(entry["lastError"]))
                for data_type, entry in sorted(snapshot.history.items())
                if entry.get("lastError")
            ]
            if failures:
                data_type, text = failures[0]
                last_error = Problem(
                    f"{data_type_label(data_type)} could not be synced",
                    text,
                    "The connector tries again with the next sync; click Sync now once fixed.",
                    "connector.pull_failed",
                )
        return cls(
            title=title,
            linked=True,
            connection=connection,
            quickbooks=quickbooks,
            rows=rows,
            queued=queued,
            last_error=last_error,
            paused=paused,
            pause_label="Resume syncing" if paused else "Pause syncing for 24 hours",
            can_sync_now=not paused,
        )


# ---- scaling ---------------------------------------------------------------------------------

BASE_DPI = 96.0


def tk_scaling(dpi: float, factor: float | None = None) -> float:
    """Tk's ``tk scaling`` (pixels per point) for a display of ``dpi``; ``factor`` (1.5 for
    Windows' 150 %) overrides the display, relative to 96 DPI."""
    if factor is not None and factor > 0:
        return BASE_DPI * factor / 72.0
    return max(dpi, 72.0) / 72.0


def window_size(scaling: float, width_pt: int = 500, height_pt: int = 400) -> tuple[int, int]:
    """A window size in pixels for a size in points (so it grows with the scaling)."""
    return round(width_pt * scaling), round(height_pt * scaling)
