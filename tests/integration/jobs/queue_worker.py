"""What the queue concurrency test runs in its worker processes (importable, for spawn).

Each run of a job is recorded as a row in ``job_runs`` (no unique key on purpose: a job run
twice shows as two rows).
"""

from __future__ import annotations

import os
from multiprocessing.synchronize import Event

import sqlalchemy as sa

from qbdlink.platform.jobs.runner import Workers
from qbdlink.platform.services.context import Context, Deployment
from qbdlink.platform.storage import jobs as queue
from qbdlink.platform.storage.database import Database

KIND = "test.record"
runs_metadata = sa.MetaData()
job_runs = sa.Table(
    "job_runs",
    runs_metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("job_id", sa.Integer, nullable=False),
    sa.Column("worker", sa.String(80), nullable=False),
)


def context_for(database: Database) -> Context:
    return Context(database=database, deployment=Deployment(region="us", base_url="http://test"))


def record_run(ctx: Context, job: queue.Job) -> None:
    with ctx.database.write() as db:
        db.execute(job_runs.insert().values(job_id=job.id, worker=f"{os.getpid()}"))


def workers(ctx: Context) -> Workers:
    return Workers(ctx, handlers={KIND: record_run}, give_up_hooks={})


def work(url: str, go: Event) -> None:
    """A worker process: once told to go, run jobs until none is left."""
    database = Database.from_url(url)
    go.wait(60)  # started early, so its start-up overlaps the doomed worker's run
    try:
        workers(context_for(database)).run_once(limit=100_000)
    finally:
        database.dispose()


def die_holding_leases(url: str, count: int) -> None:
    """A worker that claims ``count`` jobs with a 1 ms lease, then dies without a word."""
    from datetime import timedelta

    database = Database.from_url(url)
    with database.write() as db:
        queue.claim(db, worker="doomed", kinds=[KIND], lease=timedelta(milliseconds=1), limit=count)
    database.dispose()
    os._exit(0)
