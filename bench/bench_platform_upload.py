"""Pull uploads into the platform's storage: records/s through the connector API's batch upload.

    .venv/bin/python bench/bench_platform_upload.py                    # 100,000 invoices
    .venv/bin/python bench/bench_platform_upload.py --records 20000 --backend sqlite
    .venv/bin/python bench/bench_platform_upload.py --no-http         # in-process rows only
    .venv/bin/python bench/bench_platform_upload.py --records 20000 --profile

N invoices (Codat-shaped, 3 to 5 lines each) are uploaded in batches of ``--batch`` (1,000)
into one pull, on SQLite and on PostgreSQL. The rows, one fresh database each (a SQLite file in
a temporary folder, or a private PostgreSQL schema dropped afterwards):

- ``bare executemany``: the floor. The same rows, every column computed beforehand, written by
  the DB-API driver with one ``INSERT ... ON CONFLICT DO UPDATE`` executemany per batch and one
  transaction per batch: no validation, no mapping, no SQLAlchemy.
- ``bare COPY`` (PostgreSQL): the same rows by ``COPY ... FROM STDIN``, one per batch.
- ``upload_batch``: the real path in-process: ``services.connector.upload_batch`` with the
  batch's JSON bytes, as the connector API route hands them over (validation with the data
  model, the batch bookkeeping, the upsert, the pull's progress).
- ``HTTP``: the same over real HTTP: ``POST /connector/v1/pulls/{id}/batches/{seq}`` to a live
  uvicorn server in its own process, one client sending one batch at a time.

Timed: the uploads only (the data, the wire bodies and the bare rows are prepared before the
clock starts). This prints figures and never fails on them.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import json
import os
import pstats
import random
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import sqlalchemy as sa

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
POSTGRES_URL = os.environ.get(
    "QBDLINK_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
BACKENDS = ("sqlite", "postgresql")


# ---- the data ---------------------------------------------------------------------------------

_CUSTOMERS = 2_000
_NAMES = ("Acme", "Bright", "Cedar", "Delta", "Evergreen", "Fjord", "Granite", "Harbor")
_SUFFIXES = ("Ltd", "LLC", "Inc", "& Sons", "Trading", "Holdings", "Café", "Møbler")
_ITEMS = ("Consulting", "Hardware", "Installation", "Support plan", "Cabling", "Licence")
_STATUSES = (("Paid", 40), ("Submitted", 30), ("PartiallyPaid", 15), ("Draft", 10), ("Void", 5))


def _money(cents: int) -> int | float:
    # Integral amounts as JSON integers: what the model writes back, so stored == uploaded.
    return cents // 100 if cents % 100 == 0 else cents / 100


def customer_name(number: int) -> str:
    return f"{_NAMES[number % len(_NAMES)]} {_SUFFIXES[number // len(_NAMES) % len(_SUFFIXES)]}"


def make_invoice(number: int, rng: random.Random) -> dict[str, Any]:
    """One invoice as the connector uploads it (dates already normalised, as the model keeps)."""
    customer = rng.randrange(_CUSTOMERS)
    day = rng.randrange(3 * 365)
    issue = time.gmtime(1_640_995_200 + day * 86_400)  # from 2022-01-01
    due = time.gmtime(1_640_995_200 + (day + 30) * 86_400)
    lines = []
    subtotal = 0
    for line in range(rng.randint(3, 5)):
        quantity = rng.randint(1, 20)
        unit = rng.randint(500, 250_000)
        amount = quantity * unit // 100 * 100 if line == 0 else quantity * unit
        subtotal += amount
        lines.append(
            {
                "description": f"{_ITEMS[(number + line) % len(_ITEMS)]} ({line + 1})",
                "unitAmount": _money(unit),
                "quantity": quantity,
                "subTotal": _money(amount),
                "taxAmount": 0,
                "totalAmount": _money(amount),
                "accountRef": {"id": "80000014-1600000000", "name": "Sales"},
                "taxRateRef": {"id": "NON", "name": "Non", "effectiveTaxRate": 0},
                "itemRef": {
                    "id": f"8000{(number + line) % 40:04X}-1600000000",
                    "name": _ITEMS[(number + line) % len(_ITEMS)],
                },
            }
        )
    status = rng.choices([s for s, _ in _STATUSES], [w for _, w in _STATUSES])[0]
    due_cents = 0 if status == "Paid" else subtotal
    if status == "PartiallyPaid":
        due_cents = subtotal // 2
    record: dict[str, Any] = {
        "id": f"{0x10000 + number:X}-1600000000",
        "invoiceNumber": f"INV-{number:07d}",
        "customerRef": {
            "id": f"8{customer:07X}-1600000000",
            "companyName": customer_name(customer),
        },
        "issueDate": time.strftime("%Y-%m-%dT00:00:00", issue),
        "dueDate": time.strftime("%Y-%m-%dT00:00:00", due),
        "currency": "GBP" if rng.random() < 0.05 else "USD",
        "lineItems": lines,
        "subTotal": _money(subtotal),
        "totalTaxAmount": 0,
        "totalAmount": _money(subtotal),
        "amountDue": _money(due_cents),
        "status": status,
        "modifiedDate": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(1_700_000_000 + number)),
        "sourceModifiedDate": time.strftime("%Y-%m-%dT%H:%M:%S", issue),
        "metadata": {"isDeleted": False},
    }
    if rng.random() < 0.3:
        record["note"] = f"PO {rng.randrange(10**6):06d}, thank you for your business"
    return record


def make_invoices(count: int, seed: int = 1, first: int = 0) -> list[dict[str, Any]]:
    rng = random.Random(seed * 1_000_003 + first)
    return [make_invoice(number, rng) for number in range(first, first + count)]


def compact(document: Any) -> str:
    """JSON text as the platform stores it (compact, non-ASCII kept)."""
    return json.dumps(document, separators=(",", ":"), ensure_ascii=False)


RECORD_COLUMNS = (
    "company_id",
    "data_type",
    "record_id",
    "data",
    "modified_date",
    "record_date",
    "status",
    "reference_id",
    "amount",
    "is_deleted",
    "pull_id",
)


def record_row(company_id: str, pull_id: str | None, invoice: dict[str, Any]) -> tuple[Any, ...]:
    """The ``records`` row of one invoice, every column computed as the platform computes it."""
    return (
        company_id,
        "invoices",
        invoice["id"],
        compact(invoice),
        invoice.get("modifiedDate"),
        invoice.get("issueDate"),
        invoice.get("status"),
        invoice["customerRef"]["id"],
        Decimal(str(invoice["totalAmount"])),
        bool(invoice["metadata"]["isDeleted"]),
        pull_id,
    )


# ---- databases, the platform and a pull ---------------------------------------------------------


@contextmanager
def bench_database(backend: str, folder: Path) -> Iterator[str]:
    """The URL of an empty database: a SQLite file, or a private PostgreSQL schema (dropped)."""
    if backend == "sqlite":
        path = folder / f"platform-{uuid.uuid4().hex[:8]}.sqlite3"
        try:
            yield f"sqlite:///{path}"
        finally:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    schema = f"qbdlink_bench_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
        yield f"{POSTGRES_URL}?options=-csearch_path%3D{schema}"
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


@dataclass
class Setup:
    """A migrated platform with a client (API key), a linked company and a claimed invoice pull."""

    platform: Any  # qbdlink.platform.app.Platform
    api_key: str
    company_id: str
    credential: str
    pull_id: str

    @property
    def basic_auth(self) -> str:
        import base64

        return "Basic " + base64.b64encode(self.api_key.encode()).decode("ascii")


def build(database_url: str, home: Path) -> Any:
    from qbdlink.platform.app import build_platform
    from qbdlink.platform.settings import PlatformSettings

    settings = PlatformSettings(home=home, database_url=database_url, region="us")
    return build_platform(settings)


def setup_platform(database_url: str, home: Path) -> Setup:
    """Client, company, connection, link (which queues the initial pulls), claim the work."""
    from qbdlink.model import wire
    from qbdlink.platform.services import clients, companies, connections, connector
    from qbdlink.platform.services.context import Tenant

    platform = build(database_url, home)
    ctx = platform.context
    client = clients.create_client(ctx, "Bench Lending")
    _key, api_key = clients.create_api_key(ctx, client.id, "bench")
    tenant = Tenant(client_id=client.id)
    company = companies.create_company(ctx, tenant, name="Bench Co")
    connections.create_connection(ctx, tenant, company.id, "pqsw")
    linked = connector.link(
        ctx,
        wire.LinkRequest(
            licence_key=company.id,
            region="us",
            quickbooks=wire.QuickBooksIdentity(company_file_id="bench-file", edition="US"),
            connector_version="bench",
            link_request_id=uuid.uuid4().hex,
        ),
    )
    acting = connector.authenticate(ctx, f"Bearer {linked.credential}")
    work = connector.take_work(ctx, acting, limit=50)
    pull_id = next(p.id for p in work.pulls if p.data_type == "invoices")
    return Setup(platform, api_key, company.id, linked.credential, pull_id)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def serve_child(database_url: str, home: str, port: int) -> None:
    """The server process: the platform's app under uvicorn (asyncio, h11), no workers."""
    import uvicorn

    from qbdlink.platform.app import build_platform
    from qbdlink.platform.settings import PlatformSettings

    settings = PlatformSettings(home=Path(home), database_url=database_url, port=port)
    platform = build_platform(settings, run_migrations=False)
    uvicorn.run(platform.app, host="127.0.0.1", port=port, log_level="warning", access_log=False)


@contextmanager
def live_server(database_url: str, home: Path) -> Iterator[str]:
    """The platform served by uvicorn in its own process (its own GIL, as in production)."""
    port = free_port()
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        part for part in (str(ROOT / "src"), env.get("PYTHONPATH")) if part
    )
    command = [sys.executable, str(HERE / "bench_platform_upload.py"), "--serve"]
    process = subprocess.Popen([*command, database_url, str(home), str(port)], env=env)
    try:
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"the server exited with {process.returncode}")
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError("the server did not start") from None
                time.sleep(0.05)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def stored_count(database_url: str, company_id: str) -> int:
    engine = sa.create_engine(database_url)
    try:
        with engine.connect() as connection:
            found = connection.execute(
                sa.text("SELECT count(*) FROM records WHERE company_id = :c"), {"c": company_id}
            ).scalar_one()
            return int(found)
    finally:
        engine.dispose()


def stored_sample(database_url: str, company_id: str, record_ids: Sequence[str]) -> list[Any]:
    """Some stored documents, parsed, to compare what each row wrote."""
    engine = sa.create_engine(database_url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                sa.text(
                    "SELECT record_id, data, modified_date, record_date, status, reference_id, "
                    "amount, is_deleted FROM records WHERE company_id = :c "
                    "ORDER BY record_id"
                ),
                {"c": company_id},
            ).all()
    finally:
        engine.dispose()
    wanted = set(record_ids)
    return [
        (
            row[0],
            json.loads(row[1]) if isinstance(row[1], str) else row[1],
            *row[2:6],
            Decimal(str(row[6])).normalize(),
            bool(row[7]),
        )
        for row in rows
        if row[0] in wanted
    ]


# ---- the contenders ---------------------------------------------------------------------------

_UPSERT_SET = (
    "data = excluded.data, modified_date = excluded.modified_date, "
    "record_date = excluded.record_date, status = excluded.status, "
    "reference_id = excluded.reference_id, amount = excluded.amount, "
    "is_deleted = excluded.is_deleted, pull_id = excluded.pull_id"
)


def _raw_connection(database_url: str) -> Any:
    url = sa.make_url(database_url)
    if url.get_backend_name() == "sqlite":
        db = sqlite3.connect(str(url.database), isolation_level=None)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        db.execute("PRAGMA foreign_keys=ON")
        return db
    import psycopg

    options = url.query.get("options")
    return psycopg.connect(
        host=url.host,
        port=url.port,
        user=url.username,
        dbname=url.database,
        options=options if isinstance(options, str) else None,
    )


def bare_executemany(database_url: str, batches: Sequence[Sequence[tuple[Any, ...]]]) -> float:
    """The floor: one driver executemany of INSERT ... ON CONFLICT per batch and transaction."""
    db = _raw_connection(database_url)
    columns = ", ".join(RECORD_COLUMNS)
    try:
        if isinstance(db, sqlite3.Connection):
            marks = ", ".join("?" for _ in RECORD_COLUMNS)
            statement = (
                f"INSERT INTO records ({columns}) VALUES ({marks}) "
                f"ON CONFLICT (company_id, data_type, record_id) DO UPDATE SET {_UPSERT_SET}"
            )
            converted = [[(*row[:8], float(row[8]), *row[9:]) for row in b] for b in batches]
            started = time.perf_counter()
            for batch in converted:
                db.execute("BEGIN IMMEDIATE")
                db.executemany(statement, batch)
                db.execute("COMMIT")
            return time.perf_counter() - started
        marks = ", ".join("%s::jsonb" if c == "data" else "%s" for c in RECORD_COLUMNS)
        statement = (
            f"INSERT INTO records ({columns}) VALUES ({marks}) "
            f"ON CONFLICT (company_id, data_type, record_id) DO UPDATE SET {_UPSERT_SET}"
        )
        started = time.perf_counter()
        for batch in batches:
            with db.transaction(), db.cursor() as cursor:
                cursor.executemany(statement, batch)
        return time.perf_counter() - started
    finally:
        db.close()


def bare_copy(database_url: str, batches: Sequence[Sequence[tuple[Any, ...]]]) -> float:
    """PostgreSQL's COPY FROM STDIN, one per batch and transaction (insert only: no upsert)."""
    db = _raw_connection(database_url)
    try:
        started = time.perf_counter()
        for batch in batches:
            with (
                db.transaction(),
                db.cursor() as cursor,
                cursor.copy(f"COPY records ({', '.join(RECORD_COLUMNS)}) FROM STDIN") as copy,
            ):
                for row in batch:
                    copy.write_row(row)
        return time.perf_counter() - started
    finally:
        db.close()


def in_process(setup: Setup, bodies: Sequence[bytes], total: int) -> float:
    from qbdlink.platform.services import connector

    ctx = setup.platform.context
    acting = connector.authenticate(ctx, f"Bearer {setup.credential}")
    started = time.perf_counter()
    for seq, body in enumerate(bodies, start=1):
        connector.upload_batch(ctx, acting, setup.pull_id, seq, body, expected_total=total)
    return time.perf_counter() - started


def over_http(setup: Setup, base_url: str, bodies: Sequence[bytes], total: int) -> float:
    import httpx

    headers = {"Authorization": f"Bearer {setup.credential}", "Content-Type": "application/json"}
    with httpx.Client(base_url=base_url, headers=headers, timeout=120) as http:
        http.get(f"/connector/v1/pulls/{setup.pull_id}").raise_for_status()  # warm the pool
        started = time.perf_counter()
        for seq, body in enumerate(bodies, start=1):
            response = http.post(
                f"/connector/v1/pulls/{setup.pull_id}/batches/{seq}",
                params={"expected": total},
                content=body,
            )
            if response.status_code != 200:
                raise RuntimeError(f"batch {seq}: {response.status_code} {response.text[:300]}")
        return time.perf_counter() - started


# ---- the parent -------------------------------------------------------------------------------


@dataclass
class Result:
    backend: str
    row: str
    seconds: float
    stored: int


def run_row(
    backend: str,
    row: str,
    folder: Path,
    invoices: Sequence[dict[str, Any]],
    bodies: Sequence[bytes],
    batch_size: int,
    sample_ids: Sequence[str],
    samples: dict[str, list[Any]],
) -> Result:
    with bench_database(backend, folder) as url:
        setup = setup_platform(url, folder)
        try:
            if row.startswith("bare"):
                rows = [record_row(setup.company_id, setup.pull_id, i) for i in invoices]
                batches = [rows[at : at + batch_size] for at in range(0, len(rows), batch_size)]
                contender: Callable[[], float] = (
                    (lambda: bare_copy(url, batches))
                    if row == "bare COPY"
                    else (lambda: bare_executemany(url, batches))
                )
                seconds = contender()
            elif row == "upload_batch":
                seconds = in_process(setup, bodies, len(invoices))
            else:
                with live_server(url, folder) as base_url:
                    seconds = over_http(setup, base_url, bodies, len(invoices))
            stored = stored_count(url, setup.company_id)
            samples[f"{backend}/{row}"] = stored_sample(url, setup.company_id, sample_ids)
        finally:
            setup.platform.close()
    return Result(backend, row, seconds, stored)


def profile_upload(backend: str, folder: Path, bodies: Sequence[bytes], total: int) -> None:
    with bench_database(backend, folder) as url:
        setup = setup_platform(url, folder)
        try:
            profiler = cProfile.Profile()
            profiler.enable()
            seconds = in_process(setup, bodies, total)
            profiler.disable()
        finally:
            setup.platform.close()
    print(f"upload_batch on {backend} under cProfile: {seconds:.2f}s for {total:,} records")
    pstats.Stats(profiler).sort_stats("tottime").print_stats(25)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=100_000, help="invoices to upload")
    parser.add_argument("--batch", type=int, default=1000, help="records per batch")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--backend", action="append", choices=BACKENDS, help="(repeatable)")
    parser.add_argument("--no-http", action="store_true", help="skip the HTTP row")
    parser.add_argument("--profile", action="store_true", help="cProfile upload_batch and stop")
    parser.add_argument("--serve", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve:
        serve_child(args.serve[0], args.serve[1], int(args.serve[2]))
        return 0

    backends = args.backend or list(BACKENDS)
    started = time.perf_counter()
    invoices = make_invoices(args.records, args.seed)
    bodies = [
        json.dumps(invoices[at : at + args.batch]).encode()
        for at in range(0, len(invoices), args.batch)
    ]
    size = sum(len(body) for body in bodies)
    print(
        f"{args.records:,} invoices in {len(bodies)} batches of {args.batch} "
        f"({size / 1e6:.1f} MB of JSON, {size / args.records:.0f} bytes per invoice), "
        f"made in {time.perf_counter() - started:.1f}s"
    )
    import psycopg

    print(
        f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, SQLAlchemy {sa.__version__}, "
        f"SQLite {sqlite3.sqlite_version}, psycopg {psycopg.__version__}"
    )

    # The prepared data (millions of objects) must not make every garbage collection of the
    # timed code slower: a server process holds none of it.
    gc.collect()
    gc.freeze()
    with tempfile.TemporaryDirectory(prefix="qbdlink-bench-") as name:
        folder = Path(name)
        if args.profile:
            for backend in backends:
                profile_upload(backend, folder, bodies, args.records)
            return 0
        rows = ["bare executemany", "bare COPY", "upload_batch"]
        if not args.no_http:
            rows.append("HTTP")
        rng = random.Random(7)
        sample_ids = [i["id"] for i in rng.sample(invoices, min(50, len(invoices)))]
        samples: dict[str, list[Any]] = {}
        results: list[Result] = []
        for backend in backends:
            for row in rows:
                if row == "bare COPY" and backend != "postgresql":
                    continue
                result = run_row(
                    backend, row, folder, invoices, bodies, args.batch, sample_ids, samples
                )
                results.append(result)
                print(
                    f"  {backend:<10} {row:<17} {result.seconds:7.2f}s "
                    f"{args.records / result.seconds:9,.0f} records/s",
                    flush=True,
                )

    print()
    header = (
        f"{'backend':<10} {'row':<17} {'seconds':>8} {'records/s':>10} {'MB/s':>6} "
        f"{'ms/batch':>9} {'x bare':>7} {'stored':>9}"
    )
    print(header)
    print("-" * len(header))
    for result in results:
        floor = next(
            r.seconds for r in results if r.backend == result.backend and r.row.startswith("bare")
        )
        print(
            f"{result.backend:<10} {result.row:<17} {result.seconds:8.2f} "
            f"{args.records / result.seconds:10,.0f} {size / 1e6 / result.seconds:6.1f} "
            f"{result.seconds * 1000 / len(bodies):9.1f} {result.seconds / floor:7.2f} "
            f"{result.stored:9,}"
        )
    print()
    print("x bare: time relative to 'bare executemany' on the same backend")
    problems = [r for r in results if r.stored != args.records]
    for result in problems:
        print(f"WARNING: {result.backend}/{result.row} stored {result.stored:,} records")
    reference = next(iter(samples.values()), None)
    different = [name for name, sample in samples.items() if sample != reference]
    if different:
        print(f"WARNING: stored rows differ from the first row's: {', '.join(different)}")
    elif not problems:
        print(
            f"every row stored all {args.records:,} records, and the same columns and documents "
            f"for {len(sample_ids)} sampled ones"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
