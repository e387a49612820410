"""List-endpoint latency with a million stored invoices, over real HTTP, on SQLite and PostgreSQL.

    .venv/bin/python bench/bench_platform_list.py                      # 1,000,000 invoices
    .venv/bin/python bench/bench_platform_list.py --invoices 100000    # a quicker run
    .venv/bin/python bench/bench_platform_list.py --backend sqlite --keep   # reuse the load
    .venv/bin/python bench/bench_platform_list.py --invoices 100000 --explain

One company holds ``--invoices`` invoices (the generator of ``bench_platform_upload.py``: 3 to 5
lines each, 40% Paid, 5% in GBP, one customer in eight an "Acme ..."). They are loaded by the
fastest path each database has (executemany of plain INSERTs on SQLite, COPY on PostgreSQL),
not through the API; the invoice pull is then completed through the connector service, so the
data type counts as fetched. PostgreSQL gets a ``VACUUM ANALYZE`` afterwards (what autovacuum
does soon after a load that size); SQLite gets nothing (the platform never runs ANALYZE).

Each scenario is ``GET /companies/{id}/data/invoices?...`` sent again and again by one client
(keep-alive) to a live uvicorn server in its own process, and timed at the client. Beside them,
the floor: ``GET /integrations`` on the same server, an authenticated request that reads one
row. ``storage p50`` is the same list call in this process without HTTP (the storage function,
``records.list_records``: the count and the page queries). Every scenario runs ``--requests``
times (after ``--warmup``), or fewer when it has used up ``--budget`` seconds (at least 5).

``--keep`` keeps the loaded database for the next run (``bench/out/list-n{N}.sqlite3``, or the
PostgreSQL schema ``qbdlink_bench_list_n{N}``) instead of dropping it; ``--drop`` removes them.
``--explain`` prints each scenario's SQL and its plan (EXPLAIN ANALYZE on PostgreSQL, EXPLAIN
QUERY PLAN on SQLite) instead of timing. This prints figures and never fails on them.
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_platform_upload import (  # noqa: E402  (a sibling script, not a package)
    BACKENDS,
    POSTGRES_URL,
    RECORD_COLUMNS,
    Setup,
    _raw_connection,
    bench_database,
    build,
    live_server,
    make_invoices,
    record_row,
    setup_platform,
)

OUT = HERE / "out"


@dataclass(frozen=True)
class Scenario:
    name: str
    path: str  # "" for the company's invoice list
    params: dict[str, str]
    description: str


def scenarios(invoices: int) -> list[Scenario]:
    deep = max(1, invoices // 100 // 2)
    return [
        Scenario("floor /integrations", "/integrations", {}, "trivial endpoint (auth + 1 row)"),
        Scenario("first page", "", {"pageSize": "100"}, "page 1, pageSize 100"),
        Scenario(
            "deep page",
            "",
            {"page": str(deep), "pageSize": "100"},
            f"page {deep:,} of 100 (offset {(deep - 1) * 100:,})",
        ),
        Scenario("pageSize 5000", "", {"pageSize": "5000"}, "page 1, pageSize 5000"),
        Scenario("status=Paid", "", {"query": "status=Paid"}, "indexed column, 40% match"),
        Scenario("currency=GBP", "", {"query": "currency=GBP"}, "JSON field, 5% match"),
        Scenario(
            "companyName~Acme",
            "",
            {"query": "customerRef.companyName~Acme"},
            "JSON field, contains, 12.5% match",
        ),
        Scenario("orderBy=-issueDate", "", {"orderBy": "-issueDate"}, "indexed column, desc"),
    ]


# ---- loading ------------------------------------------------------------------------------------


def load_invoices(url: str, setup: Setup, count: int, seed: int, chunk: int = 20_000) -> float:
    """Insert ``count`` invoices straight into ``records``; returns the seconds it took."""
    db = _raw_connection(url)
    columns = ", ".join(RECORD_COLUMNS)
    started = time.perf_counter()
    try:
        for first in range(0, count, chunk):
            invoices = make_invoices(min(chunk, count - first), seed, first)
            rows = [record_row(setup.company_id, setup.pull_id, i) for i in invoices]
            if url.startswith("sqlite"):
                marks = ", ".join("?" for _ in RECORD_COLUMNS)
                db.execute("BEGIN IMMEDIATE")
                db.executemany(
                    f"INSERT INTO records ({columns}) VALUES ({marks})",
                    [(*row[:8], float(row[8]), *row[9:]) for row in rows],
                )
                db.execute("COMMIT")
            else:
                with (
                    db.transaction(),
                    db.cursor() as cursor,
                    cursor.copy(f"COPY records ({columns}) FROM STDIN") as copy,
                ):
                    for row in rows:
                        copy.write_row(row)
            done = first + len(rows)
            if done % 200_000 == 0 or done == count:
                print(f"    {done:>9,} loaded, {time.perf_counter() - started:6.1f}s", flush=True)
        if not url.startswith("sqlite"):
            db.autocommit = True
            db.execute("VACUUM ANALYZE records")
    finally:
        db.close()
    return time.perf_counter() - started


def complete_pull(setup: Setup, count: int) -> None:
    from qbdlink.model import wire
    from qbdlink.platform.services import connector

    ctx = setup.platform.context
    acting = connector.authenticate(ctx, f"Bearer {setup.credential}")
    connector.complete_pull(ctx, acting, setup.pull_id, wire.PullComplete(record_count=count))


def kept_url(backend: str, count: int) -> str:
    if backend == "sqlite":
        return f"sqlite:///{OUT / f'list-n{count}.sqlite3'}"
    return f"{POSTGRES_URL}?options=-csearch_path%3Dqbdlink_bench_list_n{count}"


def drop_kept(backend: str, count: int) -> None:
    if backend == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            (OUT / f"list-n{count}.sqlite3{suffix}").unlink(missing_ok=True)
        return
    admin = sa.create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f"DROP SCHEMA IF EXISTS qbdlink_bench_list_n{count} CASCADE"))
    admin.dispose()


def reuse(url: str, home: Path, count: int) -> Setup | None:
    """The kept database's setup, with a new API key, if it holds the whole load."""
    from qbdlink.platform.services import clients

    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            found = connection.execute(
                sa.text(
                    "SELECT c.id, c.client_id, p.id FROM companies c JOIN pull_operations p "
                    "ON p.company_id = c.id WHERE p.data_type = 'invoices' "
                    "AND p.status = 'Complete'"
                )
            ).first()
            stored = connection.execute(sa.text("SELECT count(*) FROM records")).scalar_one()
    except sa.exc.DBAPIError:
        return None
    finally:
        engine.dispose()
    if found is None or stored != count:
        return None
    platform = build(url, home)  # migrates the kept database to the newest schema
    _key, api_key = clients.create_api_key(platform.context, found[1], "bench")
    return Setup(platform, api_key, found[0], "", found[2])


@contextmanager
def loaded_database(
    backend: str, folder: Path, count: int, seed: int, keep: bool
) -> Iterator[tuple[str, Setup]]:
    if keep:
        url = kept_url(backend, count)
        if backend == "postgresql":
            admin = sa.create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
            with admin.connect() as connection:
                connection.execute(
                    sa.text(f"CREATE SCHEMA IF NOT EXISTS qbdlink_bench_list_n{count}")
                )
            admin.dispose()
        else:
            OUT.mkdir(exist_ok=True)
        setup = reuse(url, folder, count)
        if setup is not None:
            print(f"  reusing the kept database ({count:,} invoices)")
        else:
            drop_kept(backend, count)
            if backend == "postgresql":
                admin = sa.create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
                with admin.connect() as connection:
                    connection.execute(sa.text(f"CREATE SCHEMA qbdlink_bench_list_n{count}"))
                admin.dispose()
            setup = _load(url, folder, count, seed)
        try:
            yield url, setup
        finally:
            setup.platform.close()
        return
    with bench_database(backend, folder) as url:
        setup = _load(url, folder, count, seed)
        try:
            yield url, setup
        finally:
            setup.platform.close()


def _load(url: str, folder: Path, count: int, seed: int) -> Setup:
    setup = setup_platform(url, folder)
    print(f"  loading {count:,} invoices ...", flush=True)
    seconds = load_invoices(url, setup, count, seed)
    complete_pull(setup, count)
    print(f"  loaded in {seconds:.1f}s ({count / seconds:,.0f} records/s)", flush=True)
    return setup


# ---- measuring ----------------------------------------------------------------------------------


@dataclass
class Timing:
    scenario: Scenario
    latencies: list[float]
    total: int | None
    results: int
    size: int
    storage: list[float]

    def percentile(self, fraction: float) -> float:
        ordered = sorted(self.latencies)
        if len(ordered) == 1:
            return ordered[0]
        position = fraction * (len(ordered) - 1)
        low = int(position)
        high = min(low + 1, len(ordered) - 1)
        return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def page_request(scenario: Scenario) -> Any:
    from qbdlink.platform.domain import PageRequest

    params = scenario.params
    return PageRequest(
        page=int(params.get("page", "1")),
        page_size=int(params.get("pageSize", "100")),
        query=params.get("query"),
        order_by=params.get("orderBy"),
    )


def measure(
    base_url: str, setup: Setup, scenario: Scenario, requests: int, warmup: int, budget: float
) -> Timing:
    import httpx

    from qbdlink.platform.storage import records

    path = scenario.path or f"/companies/{setup.company_id}/data/invoices"
    latencies: list[float] = []
    body: dict[str, Any] = {}
    size = 0
    with httpx.Client(
        base_url=base_url, headers={"Authorization": setup.basic_auth}, timeout=600
    ) as http:
        for attempt in range(warmup + requests):
            started = time.perf_counter()
            response = http.get(path, params=scenario.params)
            elapsed = time.perf_counter() - started
            if response.status_code != 200:
                raise RuntimeError(f"{scenario.name}: {response.status_code} {response.text[:300]}")
            if attempt >= warmup:
                latencies.append(elapsed)
                if sum(latencies) > budget and len(latencies) >= 5:
                    break
        body = response.json()
        size = len(response.content)
    storage: list[float] = []
    if not scenario.path:
        database = setup.platform.database
        request = page_request(scenario)
        for _ in range(min(len(latencies), 10)):
            started = time.perf_counter()
            with database.read() as db:
                records.list_records(db, setup.company_id, "invoices", request)
            storage.append(time.perf_counter() - started)
    results = body.get("results") if isinstance(body, dict) else body
    return Timing(
        scenario=scenario,
        latencies=latencies,
        total=body.get("totalResults") if isinstance(body, dict) else None,
        results=len(results) if isinstance(results, list) else 0,
        size=size,
        storage=storage,
    )


def explain(url: str, setup: Setup, scenario: Scenario) -> None:
    """Print the SQL the storage layer runs for ``scenario`` and each statement's plan."""
    from qbdlink.platform.storage import records

    database = setup.platform.database
    captured: list[tuple[str, Any]] = []

    def capture(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        captured.append((statement, parameters))

    sa.event.listen(database.engine, "before_cursor_execute", capture)
    try:
        with database.read() as db:
            records.list_records(db, setup.company_id, "invoices", page_request(scenario))
    finally:
        sa.event.remove(database.engine, "before_cursor_execute", capture)
    print(f"\n=== {scenario.name}: {scenario.description}")
    for statement, parameters in captured:
        if not statement.lstrip().upper().startswith("SELECT"):
            continue
        print(f"--- {' '.join(statement.split())[:600]}")
        prefix = "EXPLAIN QUERY PLAN " if url.startswith("sqlite") else "EXPLAIN ANALYZE "
        with database.engine.connect() as connection:
            started = time.perf_counter()
            plan = connection.exec_driver_sql(prefix + statement, parameters).all()
            seconds = time.perf_counter() - started
        for row in plan:
            print("    " + " | ".join(str(part) for part in row))
        print(f"    ({seconds * 1000:.1f} ms)")


def run_backend(backend: str, args: argparse.Namespace, folder: Path) -> list[Timing]:
    print(f"\n{backend}:", flush=True)
    timings: list[Timing] = []
    with loaded_database(backend, folder, args.invoices, args.seed, args.keep) as (url, setup):
        chosen = [s for s in scenarios(args.invoices) if not args.only or s.name in args.only]
        if args.explain:
            for scenario in chosen:
                if scenario.path == "":
                    explain(url, setup, scenario)
            return []
        gc.collect()
        gc.freeze()
        with live_server(url, folder) as base_url:
            for scenario in chosen:
                timing = measure(base_url, setup, scenario, args.requests, args.warmup, args.budget)
                timings.append(timing)
                print(
                    f"  {scenario.name:<20} n={len(timing.latencies):<3} "
                    f"p50 {timing.percentile(0.5) * 1000:9.1f} ms  "
                    f"p95 {timing.percentile(0.95) * 1000:9.1f} ms",
                    flush=True,
                )
    return timings


def print_table(backend: str, timings: list[Timing]) -> None:
    if not timings:
        return
    floor = next((t for t in timings if t.scenario.path), None)
    floor_p50 = floor.percentile(0.5) if floor else None
    print(f"\n{backend}")
    header = (
        f"{'scenario':<20} {'n':>3} {'p50 ms':>9} {'p95 ms':>9} {'p99 ms':>9} {'x floor':>8} "
        f"{'storage p50':>11} {'total':>9} {'rows':>5} {'KB':>7}"
    )
    print(header)
    print("-" * len(header))
    for timing in timings:
        p50 = timing.percentile(0.5)
        storage = f"{statistics.median(timing.storage) * 1000:9.1f}ms" if timing.storage else "-"
        total = f"{timing.total:,}" if timing.total is not None else "-"
        ratio = f"{p50 / floor_p50:8.1f}" if floor_p50 else "-"
        print(
            f"{timing.scenario.name:<20} {len(timing.latencies):>3} {p50 * 1000:9.1f} "
            f"{timing.percentile(0.95) * 1000:9.1f} {timing.percentile(0.99) * 1000:9.1f} "
            f"{ratio:>8} {storage:>11} {total:>9} {timing.results:>5} {timing.size / 1024:7.0f}"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--invoices", type=int, default=1_000_000, help="invoices stored")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--backend", action="append", choices=BACKENDS, help="(repeatable)")
    parser.add_argument("--requests", type=int, default=50, help="timed requests per scenario")
    parser.add_argument("--warmup", type=int, default=3, help="untimed requests first")
    parser.add_argument("--budget", type=float, default=30.0, help="seconds per scenario")
    parser.add_argument("--only", action="append", help="run only this scenario (repeatable)")
    parser.add_argument("--keep", action="store_true", help="keep the loaded database")
    parser.add_argument("--drop", action="store_true", help="drop kept databases and stop")
    parser.add_argument("--explain", action="store_true", help="print the SQL and its plans")
    args = parser.parse_args(argv)
    backends = args.backend or list(BACKENDS)
    if args.drop:
        for backend in backends:
            drop_kept(backend, args.invoices)
        return 0
    import sqlite3

    import psycopg

    print(
        f"{args.invoices:,} invoices in one company; {args.requests} requests per scenario "
        f"after {args.warmup} warm-up ones (at most {args.budget:.0f}s each, at least 5)"
    )
    print(
        f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, SQLAlchemy {sa.__version__}, "
        f"SQLite {sqlite3.sqlite_version}, psycopg {psycopg.__version__}"
    )
    results: dict[str, list[Timing]] = {}
    with tempfile.TemporaryDirectory(prefix="qbdlink-bench-") as name:
        for backend in backends:
            results[backend] = run_backend(backend, args, Path(name))
    for backend, timings in results.items():
        print_table(backend, timings)
    if any(results.values()):
        print(
            "\nx floor: p50 over the floor's p50 on the same server; storage p50: "
            "records.list_records in-process (count + page queries), no HTTP"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
