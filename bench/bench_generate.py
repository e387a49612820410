"""Generate sample companies and time it: records/s, file size, projected time for a million.

    .venv/bin/python bench/bench_generate.py                     # 1,000, 10,000, 100,000
    .venv/bin/python bench/bench_generate.py --size 1000000      # on demand
    .venv/bin/python bench/bench_generate.py --size 10000 --profile

Each company is written to a fresh file in a temporary folder (WAL mode, as the simulator runs).
The baseline, measured in the same run, is raw SQLite: the same number of rows with the same
body sizes inserted into a table of the same shape, in batches of 5,000 per transaction, with
nothing computed: the floor for storing that much. This prints figures and never fails.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import sqlite3
import tempfile
import time
from pathlib import Path

from qbdlink.qbxml.versions import Edition
from qbdlink.simulator.kinds import KINDS
from qbdlink.simulator.samples import generate_company

_ALL = tuple(KINDS)


def _baseline(path: Path, bodies: list[int]) -> float:
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = NORMAL")
    db.execute(
        "CREATE TABLE records (seq INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT, id TEXT UNIQUE,"
        " txn_date TEXT, modified_utc INTEGER, entity_id TEXT, body TEXT)"
    )
    started = time.perf_counter()
    for first in range(0, len(bodies), 5000):
        db.execute("BEGIN")
        db.executemany(
            "INSERT INTO records (kind, id, txn_date, modified_utc, entity_id, body)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (
                ("Invoice", f"{i:X}-1600000000", "2021-01-01", i, "80000001-1", "x" * size)
                for i, size in enumerate(bodies[first : first + 5000], start=first)
            ),
        )
        db.execute("COMMIT")
    elapsed = time.perf_counter() - started
    db.close()
    return elapsed


def run(size: int, edition: Edition, profile: bool) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "sample.qbw"
        profiler = cProfile.Profile() if profile else None
        started = time.perf_counter()
        if profiler:
            profiler.enable()
        store = generate_company(path, edition=edition, size=size, seed=1)
        if profiler:
            profiler.disable()
        elapsed = time.perf_counter() - started
        bodies = [len(body) for _, body in store.all_bodies(_ALL)]
        store.close()
        file_mb = sum(os.path.getsize(p) for p in Path(folder).glob("sample.qbw*")) / 1e6
        floor = _baseline(Path(folder) / "baseline.db", bodies)
        records = len(bodies)
        print(
            f"{size:>9,} {edition.value}  {elapsed:8.1f}  {records:>9,}  {records / elapsed:8.0f}"
            f"  {size / elapsed:7.0f}  {file_mb:8.1f}  {floor:7.2f}  {elapsed / floor:7.0f}"
            f"  {1e6 / (size / elapsed) / 60:9.1f}"
        )
        if profiler:
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", type=int, action="append", help="transactions (repeatable)")
    parser.add_argument("--edition", default="US", choices=[e.value for e in Edition])
    parser.add_argument("--profile", action="store_true", help="cProfile the generator")
    args = parser.parse_args()
    sizes = args.size or [1_000, 10_000, 100_000]
    print(
        "     size ed  seconds    records  records/s  txns/s   file MB  sqlite s  x sqlite"
        "  1M (min)"
    )
    for size in sizes:
        run(size, Edition(args.edition), args.profile)


if __name__ == "__main__":
    main()
