"""The periodic tick: queue the pulls whose schedule came round, time out overdue pushes.

Every worker process ticks (``Workers.tick``, every ``scheduler_interval`` seconds); the rules
live in services/schedule.py and stay correct when several processes tick at once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from qbdlink.platform.domain import PullOperation, PushOperation
from qbdlink.platform.services import schedule
from qbdlink.platform.services.context import Context

log = logging.getLogger("qbdlink.platform.jobs")


@dataclass
class TickResult:
    pulls_queued: list[PullOperation] = field(default_factory=list)
    pushes_timed_out: list[PushOperation] = field(default_factory=list)
    # The steps that failed (already logged); the others still ran.
    failed_steps: list[str] = field(default_factory=list)


def _step(result: TickResult, name: str, step: Callable[[], None]) -> None:
    try:
        step()
    except Exception:  # one broken step must not stop the other, nor the tick loop
        log.exception("periodic tick: %s failed", name)
        result.failed_steps.append(name)


def tick(context: Context) -> TickResult:
    result = TickResult()
    _step(
        result,
        "scheduled pulls",
        lambda: result.pulls_queued.extend(schedule.queue_scheduled_pulls(context)),
    )
    _step(
        result,
        "push timeouts",
        lambda: result.pushes_timed_out.extend(schedule.time_out_pushes(context)),
    )
    return result
