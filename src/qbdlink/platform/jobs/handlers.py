"""The job kinds and the periodic tick. (Webhook delivery and the scheduler live beside this.)"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from qbdlink.platform.services.context import Context
from qbdlink.platform.storage import jobs as queue

HANDLERS: Mapping[str, Callable[[Context, queue.Job], None]] = {}


def periodic_tick(context: Context) -> None:
    """Nothing periodic yet."""
