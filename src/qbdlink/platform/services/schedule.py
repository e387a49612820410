"""The periodic work: pulls whose ``syncSchedule`` came round, pushes past their timeout.

Codat's ``syncSchedule`` is a refresh interval in hours (0: never refresh on a schedule). Only
companies whose connector stays installed (connector mode ``ongoing``) and whose connection is
``Linked`` are refreshed: a one-time connector is gone after its upload, so a queued pull would
only wait forever.

A push still ``Pending`` once ``timeoutInMinutes`` have passed since it was requested becomes
``TimedOut`` (Codat: "Codat will guarantee that the operation will not be processed after that
deadline"), with ``{dataType}.write.unsuccessful`` announced.

Several worker processes may tick at once. One read finds what is due for every company; then
each company is queued in its own short transaction that holds the company's scheduler lock and
checks again, and the database's one-open-pull-per-data-type index stops whatever slips through.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.engine import Connection as Db

from qbdlink.platform.domain import (
    LINKED,
    PUSH_PENDING,
    PUSH_TIMED_OUT,
    Company,
    PullOperation,
    PushOperation,
    SyncSetting,
)
from qbdlink.platform.services.companies import effective_connector_mode
from qbdlink.platform.services.context import Context
from qbdlink.platform.services.pulls import queue_pull
from qbdlink.platform.services.push_events import publish_push_result
from qbdlink.platform.services.sync_settings import client_settings, company_settings
from qbdlink.platform.storage import companies as company_store
from qbdlink.platform.storage import connections as connection_store
from qbdlink.platform.storage import pulls as pull_store
from qbdlink.platform.storage import pushes as push_store
from qbdlink.platform.storage import schedule as store
from qbdlink.platform.storage.pulls import PullAlreadyRunningError

log = logging.getLogger("qbdlink.platform.schedule")

ONGOING = "ongoing"
# Codat gives no statusCode for a timed-out push; 504 (Gateway Timeout) says what happened: the
# party that does the work (the connector, behind this platform) did not answer in time.
TIMED_OUT_STATUS_CODE = 504


@dataclass(frozen=True, kw_only=True)
class _Due:
    company: Company
    connection_id: str
    # data type → its schedule in hours, for the check made again under the lock.
    schedules: dict[str, int]


def is_due(times: store.PullTimes | None, schedule_hours: int, now: datetime) -> bool:
    """Due when none is open and the last one was asked for ``schedule_hours`` ago (or never)."""
    if schedule_hours <= 0:
        return False
    if times is None or times.last_requested is None:
        return True
    return not times.running and times.last_requested <= now - timedelta(hours=schedule_hours)


class _SettingsCache:
    """Effective modes and settings, read once per client in a tick rather than per company."""

    def __init__(self, db: Db) -> None:
        self.db = db
        self._modes: dict[str, str] = {}
        self._settings: dict[str, list[SyncSetting]] = {}

    def mode(self, company: Company) -> str:
        if company.connector_mode:
            return company.connector_mode
        if company.client_id not in self._modes:
            self._modes[company.client_id] = effective_connector_mode(self.db, company)
        return self._modes[company.client_id]

    def settings(self, company: Company) -> list[SyncSetting]:
        if company.sync_settings_override_defaults:
            return company_settings(self.db, company)
        if company.client_id not in self._settings:
            self._settings[company.client_id] = client_settings(self.db, company.client_id)
        return self._settings[company.client_id]


def _find_due(db: Db, now: datetime) -> list[_Due]:
    cache = _SettingsCache(db)
    times = store.pull_times(db)
    found = []
    for company, connection_id in store.linked_companies(db):
        if cache.mode(company) != ONGOING:
            continue
        schedules = {
            setting.data_type: setting.sync_schedule
            for setting in cache.settings(company)
            if is_due(times.get((company.id, setting.data_type)), setting.sync_schedule, now)
        }
        if schedules:
            found.append(_Due(company=company, connection_id=connection_id, schedules=schedules))
    return found


def _queue_company(ctx: Context, due: _Due, now: datetime) -> list[PullOperation]:
    queued: list[PullOperation] = []
    with ctx.database.write() as db:
        if not store.try_lock_company(db, due.company.id):
            return queued  # another scheduler is queueing this company right now
        connection = connection_store.get_connection(db, due.company.id, due.connection_id)
        if connection is None or connection.status != LINKED:
            return queued  # unlinked or deleted since the read
        times = store.pull_times(db, due.company.id)
        for data_type, hours in due.schedules.items():
            if not is_due(times.get((due.company.id, data_type)), hours, now):
                continue
            try:
                pull = queue_pull(db, due.company, connection, data_type, is_initial=False)
            except PullAlreadyRunningError:
                continue  # queued meanwhile by a client's refresh or another scheduler
            # Storage stamps the wall clock; the schedule is judged by ctx.clock, so the request
            # time must be on that clock or a clock ahead of the wall would re-queue at once.
            pull_store.update_pull(db, pull.id, {"requested": now})
            stamped = pull_store.get_pull(db, due.company.id, pull.id)
            queued.append(stamped or pull)
    return queued


def queue_scheduled_pulls(ctx: Context) -> Sequence[PullOperation]:
    """Queue every pull whose schedule has come round; returns the pulls queued."""
    now = ctx.clock.now()
    with ctx.database.read() as db:
        due = _find_due(db, now)
    queued: list[PullOperation] = []
    for entry in due:
        queued.extend(_queue_company(ctx, entry, now))
    if queued:
        log.info(
            "scheduled %d pull(s) for %d company(ies)",
            len(queued),
            len({p.company_id for p in queued}),
        )
    return queued


def push_deadline(push: PushOperation) -> datetime | None:
    if push.timeout_in_minutes is None:
        return None
    return push.requested + timedelta(minutes=push.timeout_in_minutes)


def _time_out(ctx: Context, candidate: PushOperation, now: datetime) -> PushOperation | None:
    with ctx.database.write() as db:
        push = push_store.lock_push(db, candidate.company_id, candidate.key)
        deadline = push_deadline(push) if push is not None else None
        if push is None or push.status != PUSH_PENDING or deadline is None or deadline > now:
            return None  # finished (or timed out by another worker) since the read
        minutes = push.timeout_in_minutes
        push_store.update_push(
            db,
            push.key,
            {
                "status": PUSH_TIMED_OUT,
                "status_code": TIMED_OUT_STATUS_CODE,
                "completed": now,
                "error_message": f"The push was not carried out within its timeout of {minutes} "
                "minute(s): the QuickBooks Desktop connector did not take it in time (is the "
                "computer on, QuickBooks open and the connector running?).",
            },
        )
        timed_out = push_store.get_push(db, push.company_id, push.key)
        company = company_store.get_company_any_client(db, push.company_id)
        assert timed_out is not None
        if company is not None:
            publish_push_result(ctx, db, company, timed_out)
        return timed_out


def time_out_pushes(ctx: Context) -> Sequence[PushOperation]:
    """Turn every Pending push past its deadline into TimedOut; returns those timed out."""
    now = ctx.clock.now()
    with ctx.database.read() as db:
        overdue = [
            push
            for push in push_store.overdue_pushes(db, now)
            if (deadline := push_deadline(push)) is not None and deadline <= now
        ]
    # One short transaction each: an outcome and its event commit together, and a push the
    # connector reports on meanwhile is decided once (the row is locked and read again).
    timed_out = [p for p in (_time_out(ctx, push, now) for push in overdue) if p is not None]
    if timed_out:
        log.info("timed out %d push operation(s)", len(timed_out))
    return timed_out
