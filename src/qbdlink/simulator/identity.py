"""QuickBooks-shaped identity: ListID / TxnID, EditSequence, times with the company's offset.

QuickBooks writes a ListID as a hex counter and the Unix time of creation
(``80000003-1446676743``; user-created list items start at 0x80000001), a TxnID the same way
with a smaller counter (``141CA5-1231522949``), an EditSequence as a Unix time that changes on
every edit, and times in the company's local time with its offset
(``2015-11-04T14:39:03-08:00``). These functions are pure; the store keeps the counters.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

__all__ = ["FIRST_LIST_COUNTER", "FIRST_TXN_COUNTER", "local_time", "make_id", "next_edit_sequence"]

FIRST_LIST_COUNTER = 0x80000001
FIRST_TXN_COUNTER = 0x1


def make_id(counter: int, now: datetime) -> str:
    return f"{counter:X}-{int(now.timestamp())}"


def next_edit_sequence(previous: str | None, now: datetime) -> str:
    """A new EditSequence: the time, but always greater than the one it replaces."""
    stamp = int(now.timestamp())
    if previous is not None and previous.isdigit():
        stamp = max(stamp, int(previous) + 1)
    return str(stamp)


def local_time(now: datetime, offset_minutes: int) -> datetime:
    """``now`` in the company's local time, whole seconds, with its UTC offset."""
    zone = timezone(timedelta(minutes=offset_minutes))
    return now.astimezone(zone).replace(microsecond=0)
