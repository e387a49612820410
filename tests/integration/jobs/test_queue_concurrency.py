"""The job queue under concurrency: every job runs exactly once, and a dead worker's job is retaken.

Threads in one process on both databases; worker processes (spawned, so they share nothing but
the database) on PostgreSQL, which is what several `qbdlink serve` processes use.
"""

from __future__ import annotations

import multiprocessing
import threading
from collections import Counter
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from qbdlink.platform.services.context import Context
from qbdlink.platform.storage import jobs as queue
from qbdlink.platform.storage.database import Database
from qbdlink.platform.storage.migrate import migrate
from qbdlink.platform.storage.tables import jobs as jobs_table
from tests.integration.jobs import queue_worker
from tests.integration.jobs.queue_worker import KIND, job_runs
from tests.support.platform import FakeClock

JOBS = 300
PROJECT_ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def ctx(database_url: str) -> Iterator[Context]:
    database = Database.from_url(database_url)
    migrate(database)
    queue_worker.runs_metadata.create_all(database.engine)
    try:
        yield queue_worker.context_for(database)
    finally:
        database.dispose()


def _enqueue(ctx: Context, count: int) -> set[int]:
    with ctx.database.write() as db:
        for number in range(count):
            queue.enqueue(db, KIND, {"n": number})
        return set(db.execute(sa.select(jobs_table.c.id)).scalars())


def _runs(ctx: Context) -> Counter[int]:
    with ctx.database.read() as db:
        return Counter(db.execute(sa.select(job_runs.c.job_id)).scalars())


def _statuses(ctx: Context) -> dict[str, int]:
    with ctx.database.read() as db:
        return queue.counts(db)


def test_threads_run_every_job_exactly_once(ctx: Context) -> None:
    job_ids = _enqueue(ctx, JOBS)
    start = threading.Barrier(6)
    errors: list[BaseException] = []

    def work() -> None:
        start.wait()
        try:
            queue_worker.workers(ctx).run_once(limit=JOBS)
        except BaseException as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    runs = _runs(ctx)
    assert set(runs) == job_ids  # none lost
    assert set(runs.values()) == {1}  # none twice
    assert _statuses(ctx) == {"done": JOBS}


def test_a_dead_workers_job_is_retaken_after_its_lease(ctx: Context) -> None:
    [job_id] = _enqueue(ctx, 1)
    with ctx.database.write() as db:
        [held] = queue.claim(db, worker="dead", kinds=[KIND], lease=timedelta(minutes=5))
    assert held.id == job_id and held.attempts == 1
    # The worker died holding it: nobody may take it while the lease lasts...
    assert queue_worker.workers(ctx).run_once() == 0

    # ...and anyone may once it ran out.
    clock = FakeClock()
    clock.advance(minutes=6)
    assert queue_worker.workers(replace(ctx, clock=clock)).run_once() == 1
    assert _runs(ctx) == {job_id: 1}
    assert _statuses(ctx) == {"done": 1}


def test_processes_share_one_queue(
    ctx: Context, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # SQLite too: its claim is one BEGIN IMMEDIATE transaction, atomic across processes.
    # Spawned children take the parent's sys.path; they import the worker module from the
    # project root, which pytest's importlib mode does not put there.
    monkeypatch.syspath_prepend(str(PROJECT_ROOT))
    job_ids = _enqueue(ctx, JOBS)
    spawn = multiprocessing.get_context("spawn")
    go = spawn.Event()
    processes = [spawn.Process(target=queue_worker.work, args=(database_url, go)) for _ in range(2)]
    for process in processes:
        process.start()
    doomed = spawn.Process(target=queue_worker.die_holding_leases, args=(database_url, 5))
    doomed.start()
    doomed.join(60)
    assert doomed.exitcode == 0
    assert _statuses(ctx) == {"running": 5, "queued": JOBS - 5}

    go.set()
    for process in processes:
        process.join(120)

    assert [p.exitcode for p in processes] == [0, 0]
    runs = _runs(ctx)
    assert set(runs) == job_ids  # none lost, the dead worker's five included
    assert set(runs.values()) == {1}  # none twice
    assert _statuses(ctx) == {"done": JOBS}
