"""Worker threads: claim jobs from the database queue and run their handlers.

Any number of processes may run workers against one PostgreSQL: the queue hands each job to one
worker (see storage/jobs.py). A job that raises is retried with exponential backoff.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from collections.abc import Callable, Mapping
from datetime import timedelta

from qbdlink.errors import QbdlinkError
from qbdlink.platform.services.context import Context
from qbdlink.platform.storage import jobs as queue

log = logging.getLogger("qbdlink.platform.jobs")

Handler = Callable[[Context, queue.Job], None]
LEASE = timedelta(minutes=5)
MAX_BACKOFF_SECONDS = 3600.0


def backoff_seconds(attempts: int) -> float:
    """5 s, 10 s, 20 s, ... up to an hour."""
    return float(min(MAX_BACKOFF_SECONDS, 5.0 * 2 ** max(0, attempts - 1)))


def default_handlers() -> dict[str, Handler]:
    from qbdlink.platform.jobs.handlers import HANDLERS

    return dict(HANDLERS)


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
    ) -> None:
        self.context = context
        self.handlers = dict(handlers) if handlers is not None else default_handlers()
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
                    db, worker=self.worker_id, kinds=list(self.handlers), lease=LEASE, limit=1
                )
            if not claimed:
                break
            self._run(claimed[0])
            ran += 1
        return ran

    def _run(self, job: queue.Job) -> None:
        handler = self.handlers[job.kind]
        try:
            handler(self.context, job)
        except Exception as exc:  # a failing job must never kill its worker
            if not isinstance(exc, QbdlinkError):
                log.exception("job %s (%s) failed", job.id, job.kind)
            retry_at = self.context.clock.now() + timedelta(seconds=backoff_seconds(job.attempts))
            with self.context.database.write() as db:
                queue.retry_or_fail(
                    db, job, error=f"{type(exc).__name__}: {exc}", retry_at=retry_at
                )
            return
        with self.context.database.write() as db:
            queue.finish(db, job.id)

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
