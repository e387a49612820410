"""The sync scheduler: a pull per data type once its syncSchedule hours have passed, never two."""

from __future__ import annotations

import threading
from collections import Counter
from typing import Any

from qbdlink.platform.domain import PULL_COMPLETE, PULL_FETCHING, UNLINKED
from qbdlink.platform.jobs import scheduler
from qbdlink.platform.jobs.runner import Workers
from qbdlink.platform.services import clients, pulls, schedule, sync_settings
from qbdlink.platform.services import companies as company_service
from qbdlink.platform.services.sync_settings import SERVED_CODAT_KEYS
from qbdlink.platform.storage import pulls as pull_store
from tests.integration.jobs.jobs_support import JobsPlatform

ALL_TYPES = set(SERVED_CODAT_KEYS)


def _open_pulls(jp: JobsPlatform, company_id: str) -> set[str]:
    with jp.ctx.database.read() as db:
        return {p.data_type for p in pull_store.running_pulls(db, company_id)}


def _complete_all(jp: JobsPlatform, company_id: str) -> None:
    with jp.ctx.database.write() as db:
        for pull in pull_store.running_pulls(db, company_id):
            pull_store.update_pull(
                db,
                pull.id,
                {"status": PULL_COMPLETE, "is_completed": True, "completed": jp.clock.now()},
            )


def _set_schedules(jp: JobsPlatform, company_id: str, hours: dict[str, int]) -> None:
    body: dict[str, Any] = {
        "companyId": company_id,
        "overridesDefaults": True,
        "settings": [
            {"dataType": key, "fetchOnFirstLink": True, "syncSchedule": value, "syncOrder": 0}
            for key, value in hours.items()
        ],
    }
    sync_settings.set_company_settings(jp.ctx, jp.tenant, company_id, body)


def test_never_pulled_types_are_queued_once(jobs_platform: JobsPlatform) -> None:
    company, connection = jobs_platform.company()

    queued = schedule.queue_scheduled_pulls(jobs_platform.ctx)

    assert {p.data_type for p in queued} == ALL_TYPES  # every default schedule is 24 h
    assert all(p.connection_id == connection.id for p in queued)
    assert all(not p.is_initial and p.status == PULL_FETCHING for p in queued)
    assert all(p.requested == jobs_platform.clock.now() for p in queued)
    # Still open: the next tick queues nothing, and says nothing either.
    assert schedule.queue_scheduled_pulls(jobs_platform.ctx) == []
    assert _open_pulls(jobs_platform, company.id) == ALL_TYPES


def test_each_type_comes_round_after_its_own_schedule(jobs_platform: JobsPlatform) -> None:
    jp = jobs_platform
    company, _ = jp.company()
    _set_schedules(jp, company.id, {"invoices": 2, "customers": 0})
    every_day = ALL_TYPES - {"invoices", "customers"}

    first = {p.data_type for p in schedule.queue_scheduled_pulls(jp.ctx)}
    assert first == ALL_TYPES - {"customers"}  # a schedule of 0 hours never refreshes
    _complete_all(jp, company.id)

    jp.clock.advance(hours=1, minutes=59)
    assert schedule.queue_scheduled_pulls(jp.ctx) == []
    jp.clock.advance(minutes=1)
    assert {p.data_type for p in schedule.queue_scheduled_pulls(jp.ctx)} == {"invoices"}
    _complete_all(jp, company.id)

    jp.clock.advance(hours=22)  # 24 h since the first tick, 22 h since invoices
    assert {p.data_type for p in schedule.queue_scheduled_pulls(jp.ctx)} == every_day | {"invoices"}


def test_an_open_pull_is_left_alone(jobs_platform: JobsPlatform) -> None:
    jp = jobs_platform
    company, _ = jp.company()
    client_pull = pulls.refresh_data_type(jp.ctx, jp.tenant, company.id, "invoices")

    queued = schedule.queue_scheduled_pulls(jp.ctx)

    assert {p.data_type for p in queued} == ALL_TYPES - {"invoices"}
    with jp.ctx.database.read() as db:
        running = [p for p in pull_store.running_pulls(db, company.id) if p.data_type == "invoices"]
    assert [p.id for p in running] == [client_pull.id]


def test_only_linked_ongoing_companies_are_refreshed(jobs_platform: JobsPlatform) -> None:
    jp = jobs_platform
    linked, _ = jp.company("Linked")
    jp.company("Pending", status="PendingAuth")
    jp.company("Unlinked", status=UNLINKED)
    one_time, _ = jp.company("One-time")
    company_service.set_connector_mode(jp.ctx, jp.tenant, one_time.id, "one-time")

    queued = schedule.queue_scheduled_pulls(jp.ctx)
    assert {p.company_id for p in queued} == {linked.id}

    # The client's mode applies to companies without their own; an override wins.
    clients.set_connector_mode(jp.ctx, jp.tenant, "one-time")
    override, _ = jp.company("Ongoing override")
    company_service.set_connector_mode(jp.ctx, jp.tenant, override.id, "ongoing")
    _complete_all(jp, linked.id)
    jp.clock.advance(hours=25)
    assert {p.company_id for p in schedule.queue_scheduled_pulls(jp.ctx)} == {override.id}


def test_concurrent_ticks_queue_each_pull_once(jobs_platform: JobsPlatform) -> None:
    jp = jobs_platform
    companies = [jp.company(f"Company {n}")[0] for n in range(4)]
    start = threading.Barrier(4)
    errors: list[BaseException] = []

    def tick() -> None:
        start.wait()
        try:
            schedule.queue_scheduled_pulls(jp.ctx)
        except BaseException as exc:  # surfaced below, with the assertion
            errors.append(exc)

    threads = [threading.Thread(target=tick) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    with jp.ctx.database.read() as db:
        counts = Counter(
            (p.company_id, p.data_type)
            for company in companies
            for p in pull_store.running_pulls(db, company.id)
        )
    assert set(counts) == {(c.id, t) for c in companies for t in ALL_TYPES}
    assert set(counts.values()) == {1}


def test_the_workers_tick_runs_the_schedule(jobs_platform: JobsPlatform) -> None:
    company, _ = jobs_platform.company()

    Workers(jobs_platform.ctx, handlers={}, give_up_hooks={}).tick()

    assert _open_pulls(jobs_platform, company.id) == ALL_TYPES
    again = scheduler.tick(jobs_platform.ctx)
    assert (again.pulls_queued, again.pushes_timed_out, again.failed_steps) == ([], [], [])
