"""Generating a sample company: a seed and a size give the same company every time.

``size`` is the number of transactions written; the lists scale with it (customers about
``size / 20``, vendors ``size / 80``, items, employees). The lists are created in the days
before the first transaction; transactions are spread over three years of business days
(``txn_date`` and ``TimeCreated`` agree: the clock walks through the generated dates, in the
company's time zone); afterwards some list records are made inactive and some records are
deleted (they appear in the deleted-objects journal). About 0.3% of the transactions written
are deleted, so the company keeps slightly fewer than ``size``.

Nothing depends on the wall clock or on hash order: one ``random.Random(seed)`` drives it all.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path

from ...qbxml.encode import EncodeTarget
from ...qbxml.versions import Edition, QbxmlVersion
from .. import rules  # noqa: F401  (importing the package registers the business rules)
from ..company import EDITION_PROFILES, create_company
from ..context import DeferredBalances, RequestContext
from ..rules.balances import settle_deferred
from ..store import CompanyStore
from .chart import chart_for
from .lists import sizes_for, write_lists
from .names import business_name
from .taxes import tax_setup
from .transactions import TransactionGenerator
from .writer import SampleWriter

__all__ = ["DEMO_SIZE", "YEARS", "Progress", "generate_company"]

DEMO_SIZE = 300  # transactions in the demo company: a few hundred records in all
YEARS = 3

Progress = Callable[[str, int, int], None]


class _Clock:
    """The generator's "now": set to each transaction's moment, moved on for each list write."""

    def __init__(self, moment: datetime) -> None:
        self.moment = moment

    def __call__(self) -> datetime:
        return self.moment

    def tick(self) -> None:
        self.moment += timedelta(seconds=2)


def generate_company(
    path_or_memory: Path | str,
    *,
    edition: Edition,
    size: int,
    seed: int,
    company_name: str | None = None,
    progress: Progress | None = None,
    check: bool = False,
) -> CompanyStore:
    """A company file at ``path_or_memory`` (``":memory:"`` for none) with ``size`` transactions.

    ``check=True`` also encodes every payload as the edition's request, refusing what
    QuickBooks would refuse (for tests).
    """
    if size < 0:
        raise ValueError("size must be zero or more")
    report = progress or (lambda phase, done, total: None)
    rng = random.Random(seed)
    zone = timezone(timedelta(minutes=EDITION_PROFILES[edition].utc_offset_minutes))
    first_day = date(2020 + seed % 4, 1, 1)
    last_day = date(first_day.year + YEARS - 1, 12, 31)
    name = company_name or business_name(rng, edition)
    store = create_company(path_or_memory, company_name=name, edition=edition)
    version = QbxmlVersion(16, 0) if edition is Edition.US else QbxmlVersion(13, 0)
    clock = _Clock(datetime.combine(first_day - timedelta(days=3), time(8), zone))
    # Balances are settled once at the end instead of after every write: the same result
    # (tested), without re-saving accounts and customers for each transaction.
    context = RequestContext(
        store=store,
        edition=edition,
        version=version,
        clock=clock,
        deferred_balances=DeferredBalances(),
    )
    target = EncodeTarget(version=version, edition=edition) if check else None
    writer = SampleWriter(context, check=target, before_list_write=clock.tick)
    chart, taxes = chart_for(edition), tax_setup(edition)
    with writer.batches():
        lists = write_lists(
            writer,
            rng,
            edition=edition,
            chart=chart,
            taxes=taxes,
            sizes=sizes_for(size),
            start=first_day,
            progress=report,
        )
        txns = TransactionGenerator(
            writer, rng, edition=edition, chart=chart, taxes=taxes, lists=lists
        )
        done = 0
        for day, count in _days(first_day, last_day, size):
            for moment in _moments(rng, day, count, zone):
                clock.moment = moment
                txns.one(day)
                done += 1
                if done % 1000 == 0:
                    report("transactions", done, size)
        report("transactions", size, size)
        clock.moment = datetime.combine(last_day + timedelta(days=1), time(9), zone)
        for index, (kind, list_id) in enumerate(lists.to_deactivate):
            writer.mod(kind, list_id, is_active=False)
            report("inactive", index + 1, len(lists.to_deactivate))
        doomed = lists.to_delete + _sample(rng, txns.deletable, max(3, size * 3 // 1000))
        for index, (kind, record_id) in enumerate(doomed):
            writer.delete(kind, record_id)
            report("deleted", index + 1, len(doomed))
        report("balances", 0, 1)
        settle_deferred(context)
        report("balances", 1, 1)
    return store


def _days(first: date, last: date, size: int) -> Iterator[tuple[date, int]]:
    """Business days with how many transactions each gets (weekdays busier), ``size`` in all."""
    days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    weights = [(1.0, 1.0, 1.0, 1.0, 1.0, 0.3, 0.1)[day.weekday()] for day in days]
    total = sum(weights)
    made = 0
    running = 0.0
    for day, weight in zip(days, weights, strict=True):
        running += weight
        target = round(size * running / total)
        if target > made:
            yield day, target - made
            made = target


def _moments(rng: random.Random, day: date, count: int, zone: timezone) -> Iterator[datetime]:
    """``count`` increasing moments of the working day (08:00-18:00 local)."""
    opening = datetime.combine(day, time(8), zone)
    span = 10 * 3600 / count
    for index in range(count):
        yield opening + timedelta(seconds=int((index + rng.random() * 0.5) * span))


def _sample(
    rng: random.Random, candidates: list[tuple[str, str]], count: int
) -> list[tuple[str, str]]:
    return rng.sample(candidates, min(count, len(candidates)))
