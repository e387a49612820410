"""Worker threads: claim jobs from the database queue and run their handlers.

Any number of processes may run workers against one PostgreSQL: the queue hands each job to one
worker (see storage/jobs.py). A job that raises is retried with exponential backoff, except on a
:class:`PermanentError` (retrying cannot help); when a job fails for good, its kind's give-up
hook (if any) runs in the same transaction that marks the job failed.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta

from sqlalchemy.engine import Connection as Db

from qbdlink.errors import PermanentError, QbdlinkError
from qbdlink.platform.services.context import Context
from qbdlink.platform.storage import jobs as queue
from qbdlink.platform.storage.types import utc_now

log = logging.getLogger("qbdlink.platform.jobs")

Handler = Callable[[Context, queue.Job], None]
# Called with the transaction that marks the job failed for good, and the last error.
GiveUpHook = Callable[[Context, Db, queue.Job, str], None]
LEASE = timedelta(minutes=5)
MAX_BACKOFF_SECONDS = 3600.0


def backoff_seconds(attempts: int) -> float:
    """5 s, 10 s, 20 s, ... up to an hour."""
    return float(min(MAX_BACKOFF_SECONDS, 5.0 * 2 ** max(0, attempts - 1)))


def default_handlers() -> dict[str, Handler]:
    from qbdlink.platform.jobs.handlers import HANDLERS

    return dict(HANDLERS)


def default_give_up_hooks() -> dict[str, GiveUpHook]:
    from qbdlink.platform.jobs.handlers import GIVE_UP_HOOKS

    return dict(GIVE_UP_HOOKS)


class Workers:
    """The job workers of one process, and the periodic ticks (scheduler, timeouts)."""

    def __init__(
        self,
        context: Context,
        *,
        handlers: Mapping[str, Handler] | None = None,
        scheduler_interval: float = 30.0,
        poll_interval: float = 1.0,
        threads: int = 2,
        give_up_hooks: Mapping[str, GiveUpHook] | None = None,
        lease: timedelta = LEASE,
    ) -> None:
        self.context = context
        self.handlers = dict(handlers) if handlers is not None else default_handlers()
        self.give_up_hooks = (
            dict(give_up_hooks) if give_up_hooks is not None else default_give_up_hooks()
        )
        self.lease = lease
        self.scheduler_interval = scheduler_interval
        self.poll_interval = poll_interval
        self.thread_count = threads
        self.worker_id = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    def run_once(self, limit: int = 100) -> int:
        """Run up to ``limit`` due jobs now; returns how many ran (tests and `--once` use it)."""
        ran = 0
        while ran < limit:
            with self.context.database.write() as db:
                claimed = queue.claim(
                    db,
                    worker=self.worker_id,
                    kinds=list(self.handlers),
                    lease=self.lease,
                    limit=1,
                    now=self._now(),
                )
            if not claimed:
                break
            self._run(claimed[0])
            ran += 1
        return ran

    def _now(self) -> datetime:
        """The queue's "now": the context's clock, never behind the wall clock.

        Jobs are stamped with the wall clock when queued (storage.types.utc_now) while retries
        are scheduled by the context's clock; a test clock may run ahead of the wall, and this
        keeps a job queued a moment after such a clock was set from being "not yet due".
        """
        return max(self.context.clock.now(), utc_now())

    def _run(self, job: queue.Job) -> None:
        handler = self.handlers[job.kind]
        try:
            handler(self.context, job)
        except Exception as exc:  # a failing job must never kill its worker
            self._failed(job, exc)
            return
        with self.context.database.write() as db:
            queue.finish(db, job.id)

    def _failed(self, job: queue.Job, exc: Exception) -> None:
        if not isinstance(exc, QbdlinkError):
            log.exception("job %s (%s) failed", job.id, job.kind)
        error = f"{type(exc).__name__}: {exc}"
        retry_at = None
        if not isinstance(exc, PermanentError):
            retry_at = self._now() + timedelta(seconds=backoff_seconds(job.attempts))
        with self.context.database.write() as db:
            gave_up = queue.retry_or_fail(db, job, error=error, retry_at=retry_at)
            hook = self.give_up_hooks.get(job.kind)
            if gave_up and hook is not None:
                hook(self.context, db, job, error)
        if gave_up:
            log.warning(
                "job %s (%s) failed for good after %d attempt(s): %s",
                job.id,
                job.kind,
                job.attempts,
                error,
            )

    def tick(self) -> None:
        """The periodic work: queue scheduled pulls, time out overdue pushes."""
        from qbdlink.platform.jobs.handlers import periodic_tick

        periodic_tick(self.context)

    def _job_loop(self) -> None:
        while not self._stop.is_set():
            try:
                ran = self.run_once(limit=10)
            except QbdlinkError as error:
                log.warning("job queue unavailable: %s", error.user_text())
                ran = 0
            except Exception:  # e.g. a database error while claiming: wait, then go on
                log.exception("job loop error")
                ran = 0
            if ran == 0:
                self._stop.wait(self.poll_interval)

    def _tick_loop(self) -> None:
        while not self._stop.is_set():
            try:
                self.tick()
            except Exception:  # the scheduler must survive a bad tick
                log.exception("scheduler tick failed")
            self._stop.wait(self.scheduler_interval)

    def start(self) -> None:
        self._stop.clear()
        targets = [self._tick_loop] + [self._job_loop] * self.thread_count
        for number, target in enumerate(targets):
            thread = threading.Thread(target=target, name=f"qbdlink-worker-{number}", daemon=True)
            thread.start()
            self._threads.append(thread)

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout)
        self._threads.clear()

    def run_forever(self) -> None:
        self.start()
        try:
            while not self._stop.wait(1.0):
                pass
        except KeyboardInterrupt:
            pass
        finally:
            self.stop()
