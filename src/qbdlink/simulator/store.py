"""The company file: one SQLite file holding a QuickBooks company's lists and transactions.

Records are kept as QuickBooks shows them, the ``*Ret`` element's XML, beside the columns that
queries filter and order on (kind, ids, names, reference numbers, dates, the entity and account
a transaction belongs to, active and paid flags). ``seq`` orders records by creation and lets an
iterator resume after the last record it returned. Names are unique per name group (Customer,
Vendor, Employee and OtherName share one: QuickBooks' 3100), enforced by a unique index.

The file also keeps what QuickBooks keeps with a company: the deleted-objects journal, DataExt
definitions, the responses of each application's last message set (error recovery), the
applications' grants (Integrated Applications preferences), and the id counters.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ..errors import ConfigurationError
from .identity import FIRST_LIST_COUNTER, FIRST_TXN_COUNTER

__all__ = [
    "CompanyStore",
    "DeletedRow",
    "RecordFilter",
    "RecordRow",
    "StoreError",
]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS records (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,
    id TEXT NOT NULL UNIQUE,
    name_group TEXT,
    full_name TEXT,
    ref_number TEXT,
    txn_date TEXT,
    modified_utc INTEGER NOT NULL,
    entity_id TEXT,
    account_ids TEXT,
    is_active INTEGER NOT NULL DEFAULT 1,
    is_paid INTEGER,
    edit_sequence TEXT NOT NULL,
    open_cents INTEGER,
    balance_cents INTEGER,
    body TEXT NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS records_name ON records (name_group, full_name COLLATE NOCASE)
    WHERE name_group IS NOT NULL;
CREATE INDEX IF NOT EXISTS records_kind_modified ON records (kind, modified_utc);
CREATE INDEX IF NOT EXISTS records_kind_date ON records (kind, txn_date);
CREATE INDEX IF NOT EXISTS records_kind_ref ON records (kind, ref_number);
CREATE INDEX IF NOT EXISTS records_entity ON records (entity_id, kind);
CREATE TABLE IF NOT EXISTS deleted (
    kind TEXT NOT NULL,
    id TEXT NOT NULL PRIMARY KEY,
    time_created TEXT NOT NULL,
    time_deleted TEXT NOT NULL,
    deleted_utc INTEGER NOT NULL,
    full_name TEXT,
    ref_number TEXT
);
CREATE TABLE IF NOT EXISTS data_ext_defs (
    owner_id TEXT NOT NULL,
    name TEXT NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (owner_id, name)
);
CREATE TABLE IF NOT EXISTS message_sets (
    app_name TEXT PRIMARY KEY,
    message_set_id TEXT NOT NULL,
    response TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS grants (app_name TEXT PRIMARY KEY, body TEXT NOT NULL);
"""


class StoreError(ConfigurationError):
    default_code = "simulator.company_file"


@dataclass(frozen=True, slots=True)
class RecordRow:
    seq: int
    kind: str
    id: str
    edit_sequence: str
    body: str


@dataclass(frozen=True, slots=True)
class DeletedRow:
    kind: str
    id: str
    time_created: str
    time_deleted: str
    full_name: str | None
    ref_number: str | None


@dataclass(slots=True)
class RecordFilter:
    """What a query selects; every criterion left empty selects everything."""

    kinds: Sequence[str]
    ids: Sequence[str] = ()
    full_names: Sequence[str] = ()
    ref_numbers: Sequence[str] = ()
    ref_numbers_case_sensitive: bool = False
    active: bool | None = True  # None: active and inactive
    modified_from_utc: int | None = None
    modified_to_utc: int | None = None
    txn_date_from: date | None = None
    txn_date_to: date | None = None
    entity_ids: Sequence[str] = ()
    account_id: str | None = None
    name_like: str | None = None  # an SQL LIKE pattern on the full name
    name_from: str | None = None
    name_to: str | None = None
    ref_like: str | None = None
    ref_from: str | None = None
    ref_to: str | None = None
    paid: bool | None = None
    after_seq: int = 0
    limit: int | None = None


class CompanyStore:
    """A company file. Open one with :meth:`create` or :meth:`open`; use ``with store.write()``."""

    def __init__(self, connection: sqlite3.Connection, path: str) -> None:
        self._db = connection
        self.path = path
        self._lock = threading.RLock()
        self._depth = 0

    # ---- files ------------------------------------------------------------------------------
    @classmethod
    def create(cls, path: Path | str, meta: dict[str, str]) -> CompanyStore:
        target = str(path)
        if target != ":memory:" and Path(target).exists():
            raise StoreError(
                f"{target} already exists", fix="Choose a new path, or delete the old file first."
            )
        store = cls(_connect(target), target)
        store._db.executescript(_SCHEMA)  # executescript commits on its own
        with store.write():
            for key, value in meta.items():
                store.set_meta(key, value)
            store.set_meta("list_counter", str(FIRST_LIST_COUNTER))
            store.set_meta("txn_counter", str(FIRST_TXN_COUNTER))
        return store

    @classmethod
    def open(cls, path: Path | str) -> CompanyStore:
        target = str(path)
        if not Path(target).is_file():
            raise StoreError(
                f"no company file at {target}",
                fix="Create one with: qbdlink simulator create-company PATH",
            )
        store = cls(_connect(target), target)
        try:
            store.get_meta("company_name")
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{target} is not a qbdlink company file: {exc}") from None
        return store

    def close(self) -> None:
        self._db.close()

    @contextmanager
    def write(self) -> Iterator[None]:
        """One atomic change: everything inside commits together or not at all.

        Re-entrant: a write inside a write joins it (a payment re-saving the invoices it
        pays, or a generator adding thousands of records in one transaction).
        """
        with self._lock:
            if self._depth:
                self._depth += 1
                try:
                    yield
                finally:
                    self._depth -= 1
                return
            self._db.execute("BEGIN IMMEDIATE")
            self._depth = 1
            try:
                yield
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            finally:
                self._depth = 0
            self._db.execute("COMMIT")

    # ---- meta and counters ------------------------------------------------------------------
    def get_meta(self, key: str) -> str | None:
        row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def set_meta(self, key: str, value: str) -> None:
        self._db.execute(
            "INSERT INTO meta (key, value) VALUES (?, ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, value),
        )

    def delete_meta(self, key: str) -> None:
        self._db.execute("DELETE FROM meta WHERE key = ?", (key,))

    def company_data_ext_names(self) -> list[tuple[str, str]]:
        """(owner id, lower-cased name) of the company's own custom field values."""
        rows = self._db.execute(
            "SELECT key FROM meta WHERE key LIKE 'company_data_ext:%' ORDER BY key"
        ).fetchall()
        return [tuple(str(row[0]).split(":", 2)[1:]) for row in rows]  # type: ignore[misc]

    def next_counter(self, name: str) -> int:
        value = int(self.get_meta(name) or "1")
        self.set_meta(name, str(value + 1))
        return value

    # ---- records ------------------------------------------------------------------------------
    def insert(self, row: dict[str, object]) -> int:
        columns = ", ".join(row)
        marks = ", ".join("?" for _ in row)
        cursor = self._db.execute(
            f"INSERT INTO records ({columns}) VALUES ({marks})", tuple(row.values())
        )
        return int(cursor.lastrowid or 0)

    def update(self, record_id: str, row: dict[str, object]) -> None:
        assignments = ", ".join(f"{column} = ?" for column in row)
        self._db.execute(
            f"UPDATE records SET {assignments} WHERE id = ?", (*row.values(), record_id)
        )

    def get(self, record_id: str, kinds: Sequence[str] | None = None) -> RecordRow | None:
        sql = "SELECT seq, kind, id, edit_sequence, body FROM records WHERE id = ?"
        params: list[object] = [record_id]
        if kinds:
            sql += f" AND kind IN ({', '.join('?' for _ in kinds)})"
            params += list(kinds)
        row = self._db.execute(sql, params).fetchone()
        return None if row is None else RecordRow(*row)

    def find_by_name(self, name_group: str, full_name: str) -> RecordRow | None:
        row = self._db.execute(
            "SELECT seq, kind, id, edit_sequence, body FROM records "
            "WHERE name_group = ? AND full_name = ? COLLATE NOCASE",
            (name_group, full_name),
        ).fetchone()
        return None if row is None else RecordRow(*row)

    def open_cents(self, entity_id: str, kinds: Sequence[str], except_id: str | None) -> int:
        """What an entity's transactions leave open, in cents (balances without decoding)."""
        marks = ", ".join("?" for _ in kinds)
        row = self._db.execute(
            f"SELECT COALESCE(SUM(open_cents), 0) FROM records WHERE entity_id = ? "
            f"AND kind IN ({marks}) AND id != ?",
            (entity_id, *kinds, except_id or ""),
        ).fetchone()
        return int(row[0])

    def balance_cents_below(self, name_group: str, full_name: str) -> int:
        """The summed own balances of every record below ``full_name`` (a customer's jobs)."""
        row = self._db.execute(
            "SELECT COALESCE(SUM(balance_cents), 0) FROM records WHERE name_group = ? "
            "AND full_name COLLATE NOCASE >= ? AND full_name COLLATE NOCASE < ?",
            (name_group, full_name + ":", full_name + ";"),
        ).fetchone()
        return int(row[0])

    def ids_under(self, record_id: str) -> list[str]:
        """The record and every record below it (jobs under a customer, sub-accounts)."""
        row = self._db.execute(
            "SELECT name_group, full_name FROM records WHERE id = ?", (record_id,)
        ).fetchone()
        if row is None or row[1] is None:
            return [record_id]
        group, full_name = row
        prefix = full_name.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + ":%"
        below = self._db.execute(
            "SELECT id FROM records WHERE name_group = ? AND full_name LIKE ? ESCAPE '\\'",
            (group, prefix),
        )
        return [record_id, *(str(found[0]) for found in below)]

    def reference(self, record_id: str, kinds: Sequence[str]) -> tuple[str, str, str] | None:
        """(kind, id, full name) of a list record, from the columns, without decoding it."""
        marks = ", ".join("?" for _ in kinds)
        row = self._db.execute(
            f"SELECT kind, id, full_name FROM records WHERE id = ? AND kind IN ({marks})",
            (record_id, *kinds),
        ).fetchone()
        return None if row is None else (str(row[0]), str(row[1]), str(row[2] or ""))

    def reference_by_name(self, name_group: str, full_name: str) -> tuple[str, str, str] | None:
        row = self._db.execute(
            "SELECT kind, id, full_name FROM records "
            "WHERE name_group = ? AND full_name = ? COLLATE NOCASE",
            (name_group, full_name),
        ).fetchone()
        return None if row is None else (str(row[0]), str(row[1]), str(row[2] or ""))

    def name_taken(self, name_group: str, full_name: str, except_id: str | None = None) -> bool:
        row = self.find_by_name(name_group, full_name)
        return row is not None and row.id != except_id

    def remove(self, record_id: str) -> None:
        self._db.execute("DELETE FROM records WHERE id = ?", (record_id,))

    def select(self, wanted: RecordFilter) -> list[RecordRow]:
        sql, params = _where(wanted)
        query = f"SELECT seq, kind, id, edit_sequence, body FROM records WHERE {sql} ORDER BY seq"
        if wanted.limit is not None:
            query += f" LIMIT {int(wanted.limit)}"
        return [RecordRow(*row) for row in self._db.execute(query, params)]

    def count(self, wanted: RecordFilter) -> int:
        sql, params = _where(wanted)
        row = self._db.execute(f"SELECT COUNT(*) FROM records WHERE {sql}", params).fetchone()
        return int(row[0])

    def all_bodies(self, kinds: Sequence[str]) -> Iterator[tuple[str, str]]:
        marks = ", ".join("?" for _ in kinds)
        for kind, body in self._db.execute(
            f"SELECT kind, body FROM records WHERE kind IN ({marks}) ORDER BY seq", tuple(kinds)
        ):
            yield str(kind), str(body)

    # ---- deleted objects ------------------------------------------------------------------
    def journal_deletion(self, deleted: DeletedRow, deleted_utc: int) -> None:
        self._db.execute(
            "INSERT OR REPLACE INTO deleted VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                deleted.kind,
                deleted.id,
                deleted.time_created,
                deleted.time_deleted,
                deleted_utc,
                deleted.full_name,
                deleted.ref_number,
            ),
        )

    def deleted(
        self, kinds: Sequence[str], from_utc: int | None, to_utc: int | None
    ) -> list[DeletedRow]:
        sql = f"kind IN ({', '.join('?' for _ in kinds)})"
        params: list[object] = list(kinds)
        if from_utc is not None:
            sql += " AND deleted_utc >= ?"
            params.append(from_utc)
        if to_utc is not None:
            sql += " AND deleted_utc <= ?"
            params.append(to_utc)
        rows = self._db.execute(
            "SELECT kind, id, time_created, time_deleted, full_name, ref_number FROM deleted "
            f"WHERE {sql} ORDER BY deleted_utc",
            params,
        )
        return [DeletedRow(*row) for row in rows]

    # ---- DataExt definitions ----------------------------------------------------------------
    def put_data_ext_def(self, owner_id: str, name: str, body: str) -> None:
        self._db.execute(
            "INSERT OR REPLACE INTO data_ext_defs VALUES (?, ?, ?)", (owner_id, name, body)
        )

    def data_ext_defs(self, owner_ids: Sequence[str] | None = None) -> list[tuple[str, str, str]]:
        sql = "SELECT owner_id, name, body FROM data_ext_defs"
        params: tuple[str, ...] = ()
        if owner_ids:
            sql += f" WHERE owner_id IN ({', '.join('?' for _ in owner_ids)})"
            params = tuple(owner_ids)
        return [
            (str(a), str(b), str(c)) for a, b, c in self._db.execute(sql + " ORDER BY 1, 2", params)
        ]

    def remove_data_ext_def(self, owner_id: str, name: str) -> bool:
        cursor = self._db.execute(
            "DELETE FROM data_ext_defs WHERE owner_id = ? AND name = ?", (owner_id, name)
        )
        return cursor.rowcount > 0

    # ---- error recovery ---------------------------------------------------------------------
    def save_message_set(self, app_name: str, message_set_id: str, response: str) -> None:
        self._db.execute(
            "INSERT OR REPLACE INTO message_sets VALUES (?, ?, ?)",
            (app_name, message_set_id, response),
        )

    def message_set(self, app_name: str) -> tuple[str, str] | None:
        row = self._db.execute(
            "SELECT message_set_id, response FROM message_sets WHERE app_name = ?", (app_name,)
        ).fetchone()
        return None if row is None else (str(row[0]), str(row[1]))

    def clear_message_sets(self, app_name: str) -> None:
        self._db.execute("DELETE FROM message_sets WHERE app_name = ?", (app_name,))

    # ---- grants (Integrated Applications preferences) ---------------------------------------
    def get_grant_body(self, app_name: str) -> str | None:
        row = self._db.execute("SELECT body FROM grants WHERE app_name = ?", (app_name,)).fetchone()
        return None if row is None else str(row[0])

    def put_grant_body(self, app_name: str, body: str) -> None:
        with self.write():
            self._db.execute("INSERT OR REPLACE INTO grants VALUES (?, ?)", (app_name, body))

    def remove_grant(self, app_name: str) -> None:
        with self.write():
            self._db.execute("DELETE FROM grants WHERE app_name = ?", (app_name,))


def _connect(path: str) -> sqlite3.Connection:
    # Autocommit mode: transactions are explicit (write()); check_same_thread off because the
    # simulator serves one request at a time from whichever thread holds QuickBooks' lock.
    connection = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    connection.execute(
        "PRAGMA journal_mode = WAL" if path != ":memory:" else "PRAGMA journal_mode = MEMORY"
    )
    connection.execute("PRAGMA synchronous = NORMAL")
    connection.execute("PRAGMA foreign_keys = ON")
    return connection


def _in(column: str, values: Sequence[object], params: list[object]) -> str:
    params.extend(values)
    return f"{column} IN ({', '.join('?' for _ in values)})"


def _where(wanted: RecordFilter) -> tuple[str, list[object]]:
    params: list[object] = []
    clauses = [_in("kind", wanted.kinds, params)]
    if wanted.ids:
        clauses.append(_in("id", wanted.ids, params))
    if wanted.full_names:
        clauses.append(f"full_name COLLATE NOCASE IN ({', '.join('?' for _ in wanted.full_names)})")
        params.extend(wanted.full_names)
    if wanted.ref_numbers:
        column = "ref_number" if wanted.ref_numbers_case_sensitive else "ref_number COLLATE NOCASE"
        clauses.append(f"{column} IN ({', '.join('?' for _ in wanted.ref_numbers)})")
        params.extend(wanted.ref_numbers)
    if wanted.active is not None:
        clauses.append("is_active = ?")
        params.append(1 if wanted.active else 0)
    checks: list[tuple[str, object]] = [
        ("modified_utc >= ?", wanted.modified_from_utc),
        ("modified_utc <= ?", wanted.modified_to_utc),
        ("txn_date >= ?", wanted.txn_date_from.isoformat() if wanted.txn_date_from else None),
        ("txn_date <= ?", wanted.txn_date_to.isoformat() if wanted.txn_date_to else None),
        ("full_name LIKE ? ESCAPE '\\'", wanted.name_like),
        ("full_name COLLATE NOCASE >= ?", wanted.name_from),
        ("full_name COLLATE NOCASE <= ?", wanted.name_to),
        ("ref_number LIKE ? ESCAPE '\\'", wanted.ref_like),
        ("ref_number >= ?", wanted.ref_from),
        ("ref_number <= ?", wanted.ref_to),
        ("instr(account_ids, ?) > 0", f"|{wanted.account_id}|" if wanted.account_id else None),
    ]
    for clause, value in checks:
        if value is not None:
            clauses.append(clause)
            params.append(value)
    if wanted.entity_ids:
        clauses.append(_in("entity_id", wanted.entity_ids, params))
    if wanted.paid is not None:
        clauses.append("is_paid = ?")
        params.append(1 if wanted.paid else 0)
    if wanted.after_seq:
        clauses.append("seq > ?")
        params.append(wanted.after_seq)
    return " AND ".join(clauses), params
