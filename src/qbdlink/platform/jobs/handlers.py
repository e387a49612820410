"""The job kinds, what runs them, and the periodic tick (schedule and push timeouts)."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from sqlalchemy.engine import Connection as Db

from qbdlink.platform.jobs import scheduler, webhooks
from qbdlink.platform.services.context import Context
from qbdlink.platform.services.events import DELIVER_WEBHOOK
from qbdlink.platform.storage import jobs as queue

HANDLERS: Mapping[str, Callable[[Context, queue.Job], None]] = {
    DELIVER_WEBHOOK: webhooks.WebhookSender(),
}

# Run when a job of the kind fails for good (out of attempts), with the job's transaction.
GIVE_UP_HOOKS: Mapping[str, Callable[[Context, Db, queue.Job, str], None]] = {
    DELIVER_WEBHOOK: webhooks.give_up,
}


def periodic_tick(context: Context) -> None:
    """Queue the pulls whose schedule came round, then time out overdue pushes."""
    scheduler.tick(context)
