"""The connector's work loop: open QuickBooks, check the file, take work, sync, report health.

When QuickBooks is not reachable (not open, another file open, access not granted, a modal
window), the loop reports it in its heartbeat, takes no work (so nothing is claimed that cannot
be done), waits and checks again.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from qbdlink.connector.platform_client import PlatformClient
from qbdlink.connector.pushes.base import Writer
from qbdlink.connector.pushes.executor import PushExecutor
from qbdlink.connector.quickbooks.session import QuickBooksSession
from qbdlink.connector.streams.base import Stream
from qbdlink.connector.sync.engine import ProgressSink, SyncEngine
from qbdlink.connector.sync.state import StateStore
from qbdlink.errors import (
    ConfigurationError,
    PermanentError,
    QbdlinkError,
    RetryLaterError,
    UserActionError,
)
from qbdlink.model import wire

log = logging.getLogger("qbdlink.connector")

VERSION = "1.0"

# "Pause syncing" (the status window's button, `qbdlink connector pause`): until this moment
# (ISO text in the state's settings) a cycle does nothing but report "paused" in its heartbeat.
PAUSED_UNTIL = "paused_until"
DEFAULT_PAUSE_HOURS = 24.0


def pause_syncing(
    state: StateStore, *, now: datetime, hours: float = DEFAULT_PAUSE_HOURS
) -> datetime:
    """Pause syncing for ``hours`` from ``now`` (so the person has QuickBooks to themselves)."""
    if not 0 < hours <= 24 * 7:
        raise ConfigurationError(
            f"Cannot pause syncing for {hours:g} hours.",
            code="connector.pause_hours",
            fix="Pause for more than 0 and at most 168 hours (a week).",
        )
    until = now + timedelta(hours=hours)
    state.put(**{PAUSED_UNTIL: until.isoformat()})
    return until


def resume_syncing(state: StateStore) -> None:
    state.put(**{PAUSED_UNTIL: None})


def paused_until(state: StateStore, now: datetime) -> datetime | None:
    """The end of the pause in force at ``now``, or None when syncing is not paused."""
    text = state.get(PAUSED_UNTIL)
    if not text:
        return None
    try:
        until = datetime.fromisoformat(str(text))
    except ValueError:
        return None
    if until.tzinfo is None:
        until = until.replace(tzinfo=UTC)
    return until if until > now else None


@dataclass
class CycleReport:
    """What one cycle did: pulls done and records sent, or why it could not work."""

    pulls: list[str] = field(default_factory=list)
    pushes: list[str] = field(default_factory=list)
    records: int = 0
    problem: QbdlinkError | None = None
    connection_status: str | None = None
    mode: str | None = None
    paused_until: datetime | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None


def _problem(error: QbdlinkError) -> wire.ConnectorProblem:
    return wire.ConnectorProblem(
        code=error.code[:120], message=error.message[:2000], fix=(error.fix or "")[:2000]
    )


@dataclass
class Connector:
    state: StateStore
    client: PlatformClient
    session: QuickBooksSession
    streams: Mapping[str, Stream]
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))
    progress: ProgressSink = field(default=lambda _: None)
    page_size: int = 500
    batch_size: int = 500
    writers: Mapping[str, Writer] = field(default_factory=dict)

    @property
    def file_id(self) -> str:
        value = self.state.get("file_id")
        if not value:
            raise ConfigurationError(
                "This connector is not linked yet.",
                code="connector.not_linked",
                fix="Run `qbdlink connector link` first.",
            )
        return str(value)

    def engine(self) -> SyncEngine:
        return SyncEngine(
            session=self.session,
            client=self.client,
            state=self.state,
            streams=self.streams,
            clock=self.clock,
            page_size=self.page_size,
            batch_size=self.batch_size,
            progress=self.progress,
        )

    def open_quickbooks(self) -> None:
        """Open the session (if needed) on the linked company file, or raise why not."""
        if not self.session.is_open:
            self.session.open()
        self.session.require_file(self.file_id, company_name=str(self.state.get("company_name")))

    def heartbeat(
        self, problem: QbdlinkError | None, state: str, *, paused: datetime | None = None
    ) -> wire.HeartbeatResponse:
        company = self.session.company
        identity = None
        if company is not None:
            identity = wire.QuickBooksIdentity(
                company_file_id=company.file_id or "unknown",
                company_file_name=company.path[-400:] or None,
                company_name=company.company_name[:400] or None,
                product=company.product[:200],
                edition=company.edition.value,
                qbxml_version=str(company.version),
            )
        return self.client.heartbeat(
            wire.Heartbeat(
                quickbooks_reachable=problem is None,
                state=state,
                quickbooks=identity,
                last_error=_problem(problem) if problem else None,
                connector_version=VERSION,
                paused_until=paused.isoformat() if paused is not None else None,
            )
        )

    def run_cycle(self, wait: float = 0) -> CycleReport:
        """One round: QuickBooks first, then the platform's queued work."""
        report = CycleReport()
        until = paused_until(self.state, self.clock())
        if until is not None:
            # Paused: leave QuickBooks alone, take no work, only say so.
            self.session.close()
            answer = self.heartbeat(None, "paused", paused=until)
            report.connection_status, report.mode = answer.connection_status, answer.mode
            report.paused_until = until
            return report
        try:
            self.open_quickbooks()
        except (UserActionError, RetryLaterError, ConfigurationError) as error:
            self.session.close()
            report.problem = error
            answer = self.heartbeat(error, "waiting_for_quickbooks")
            report.connection_status, report.mode = answer.connection_status, answer.mode
            log.warning("QuickBooks is not ready: %s", error.user_text())
            return report
        answer = self.heartbeat(None, "ready")
        report.connection_status, report.mode = answer.connection_status, answer.mode
        engine = self.engine()
        for unfinished in self.state.unfinished_pulls():
            self._run_pull(
                engine,
                wire.PullWork(
                    id=unfinished.pull_id,
                    data_type=unfinished.data_type,
                    is_initial=False,
                    sync_from_utc=None,
                    last_batch_seq=0,
                ),
                report,
            )
        while True:
            work = self.client.work(wait=wait)
            if work is None or not (work.pulls or work.pushes):
                break
            for pull in work.pulls:
                self._run_pull(engine, pull, report)
            # Pushes in the order they were requested, one at a time (QuickBooks' way).
            for push in work.pushes:
                outcome = self.executor().run(push)
                report.pushes.append(outcome.status)
            wait = 0
        return report

    def executor(self) -> PushExecutor:
        return PushExecutor(
            session=self.session,
            client=self.client,
            state=self.state,
            writers=self.writers,
            streams=self.streams,
            clock=self.clock,
        )

    def _run_pull(self, engine: SyncEngine, pull: wire.PullWork, report: CycleReport) -> None:
        try:
            report.records += engine.run_pull(pull)
            report.pulls.append(pull.data_type)
        except PermanentError as error:
            # This pull cannot succeed as it is: say why on the platform, forget it here.
            log.error("pull %s of %s failed: %s", pull.id, pull.data_type, error.user_text())
            self.client.fail(pull.id, wire.PullFailed(problem=_problem(error)))
            self.state.abandon_pull(pull.id, pull.data_type, error.user_text())
        except (UserActionError, RetryLaterError) as error:
            # QuickBooks went away, or a person must act (QuickBooks closed, another file
            # opened, access withdrawn): the pull waits. Its checkpoint stays, the platform
            # shows why (heartbeat), and the next cycle resumes it once QuickBooks is back.
            self.session.close()
            report.problem = error
            with contextlib.suppress(QbdlinkError):  # the platform may be what went away
                self.heartbeat(error, "waiting_for_quickbooks")
            raise

    def run_forever(
        self, stop: threading.Event, *, wait: float = 25.0, idle_check: float = 60.0
    ) -> None:
        """Cycle until ``stop``: long-poll for work; when QuickBooks is unavailable, check it
        again every ``idle_check`` seconds."""
        while not stop.is_set():
            try:
                report = self.run_cycle(wait=wait)
            except QbdlinkError as error:
                log.warning("sync interrupted: %s", error.user_text())
                self.session.close()
                stop.wait(min(idle_check, 30.0))
                continue
            if report.connection_status in ("Unlinked", "Deauthorized"):
                log.info("the connection is %s: stopping", report.connection_status)
                return
            if report.paused_until is not None:
                remaining = (report.paused_until - self.clock()).total_seconds()
                stop.wait(max(1.0, min(idle_check, remaining)))
                continue
            if not report.ok:
                stop.wait(idle_check)
