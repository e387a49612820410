"""The connector's local state database (SQLite): link, bookmarks, pull checkpoints, outbox.

Every change is committed before the action it prepares (a batch is in the outbox before it is
sent; a bookmark moves only after the platform confirmed the pull), so a kill at any moment
leaves a state from which the next run resumes without losing or repeating records.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from qbdlink.errors import ConfigurationError

_SCHEMA = """
PRAGMA journal_mode = WAL;
CREATE TABLE IF NOT EXISTS settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS bookmarks (
    data_type TEXT PRIMARY KEY,
    modified_to TEXT NOT NULL,
    updated TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS pulls (
    pull_id TEXT PRIMARY KEY,
    data_type TEXT NOT NULL,
    modified_from TEXT,
    modified_to TEXT NOT NULL,
    next_seq INTEGER NOT NULL,
    part_index INTEGER NOT NULL DEFAULT 0,
    pages INTEGER NOT NULL DEFAULT 0,
    records INTEGER NOT NULL DEFAULT 0,
    started TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS outbox (
    pull_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    kind TEXT NOT NULL,
    body BLOB NOT NULL,
    PRIMARY KEY (pull_id, seq)
);
CREATE TABLE IF NOT EXISTS push_journal (
    push_key TEXT PRIMARY KEY,
    data_type TEXT NOT NULL,
    operation TEXT NOT NULL,
    started TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS history (
    data_type TEXT PRIMARY KEY,
    last_success TEXT,
    records INTEGER,
    last_error TEXT
);
"""


@dataclass(frozen=True, kw_only=True)
class PullCheckpoint:
    pull_id: str
    data_type: str
    modified_from: str | None
    modified_to: str
    next_seq: int
    part_index: int
    pages: int
    records: int


@dataclass(frozen=True, kw_only=True)
class OutboxBatch:
    pull_id: str
    seq: int
    kind: str  # "records" or "deletions"
    body: bytes


class StateStore:
    """The state database. One connector process uses it at a time (the lock file ensures)."""

    def __init__(self, path: Path | str) -> None:
        self.path = path
        try:
            if str(path) != ":memory:":
                Path(path).parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
            self._db.executescript(_SCHEMA)
        except (OSError, sqlite3.Error) as exc:
            raise ConfigurationError(
                f"Cannot open the connector's state database {path}: {exc}.",
                code="connector.state",
                fix="Check that the folder exists and is writable, or remove the damaged file "
                "(the connector then syncs everything again).",
            ) from exc
        self._lock = threading.Lock()

    def close(self) -> None:
        self._db.close()

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    # ---- settings (the link) ------------------------------------------------------------------

    def get(self, key: str) -> Any:
        row = self._db.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        return None if row is None else json.loads(row[0])

    def put(self, **values: Any) -> None:
        with self._tx() as db:
            for key, value in values.items():
                db.execute(
                    "INSERT INTO settings (key, value) VALUES (?, ?) "
                    "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                    (key, json.dumps(value)),
                )

    # ---- bookmarks ---------------------------------------------------------------------------

    def bookmark(self, data_type: str) -> str | None:
        row = self._db.execute(
            "SELECT modified_to FROM bookmarks WHERE data_type = ?", (data_type,)
        ).fetchone()
        return None if row is None else str(row[0])

    def bookmarks(self) -> dict[str, str]:
        return dict(self._db.execute("SELECT data_type, modified_to FROM bookmarks").fetchall())

    # ---- pulls -------------------------------------------------------------------------------

    def checkpoint(self, pull_id: str) -> PullCheckpoint | None:
        row = self._db.execute(
            "SELECT pull_id, data_type, modified_from, modified_to, next_seq, part_index, "
            "pages, records FROM pulls WHERE pull_id = ?",
            (pull_id,),
        ).fetchone()
        if row is None:
            return None
        return PullCheckpoint(
            pull_id=row[0],
            data_type=row[1],
            modified_from=row[2],
            modified_to=row[3],
            next_seq=row[4],
            part_index=row[5],
            pages=row[6],
            records=row[7],
        )

    def start_pull(
        self,
        pull_id: str,
        data_type: str,
        modified_from: str | None,
        modified_to: str,
        now: datetime,
    ) -> PullCheckpoint:
        with self._tx() as db:
            db.execute(
                "INSERT OR IGNORE INTO pulls (pull_id, data_type, modified_from, modified_to, "
                "next_seq, started) VALUES (?, ?, ?, ?, 1, ?)",
                (pull_id, data_type, modified_from, modified_to, now.isoformat()),
            )
        found = self.checkpoint(pull_id)
        assert found is not None
        return found

    def advance(self, pull_id: str, *, next_seq: int, pages: int, records: int) -> None:
        with self._tx() as db:
            db.execute(
                "UPDATE pulls SET next_seq = MAX(next_seq, ?), pages = ?, records = ? "
                "WHERE pull_id = ?",
                (next_seq, pages, records, pull_id),
            )

    def part_done(self, pull_id: str, part_index: int) -> None:
        with self._tx() as db:
            db.execute(
                "UPDATE pulls SET part_index = MAX(part_index, ?) WHERE pull_id = ?",
                (part_index, pull_id),
            )

    def finish_pull(
        self, pull_id: str, data_type: str, modified_to: str, records: int, now: datetime
    ) -> None:
        """The platform confirmed the pull: move the bookmark, forget the checkpoint."""
        with self._tx() as db:
            db.execute(
                "INSERT INTO bookmarks (data_type, modified_to, updated) VALUES (?, ?, ?) "
                "ON CONFLICT (data_type) DO UPDATE SET modified_to = excluded.modified_to, "
                "updated = excluded.updated",
                (data_type, modified_to, now.isoformat()),
            )
            db.execute(
                "INSERT INTO history (data_type, last_success, records, last_error) "
                "VALUES (?, ?, ?, NULL) ON CONFLICT (data_type) DO UPDATE SET "
                "last_success = excluded.last_success, records = excluded.records, "
                "last_error = NULL",
                (data_type, now.isoformat(), records),
            )
            db.execute("DELETE FROM outbox WHERE pull_id = ?", (pull_id,))
            db.execute("DELETE FROM pulls WHERE pull_id = ?", (pull_id,))

    def abandon_pull(self, pull_id: str, data_type: str, error: str) -> None:
        with self._tx() as db:
            db.execute("DELETE FROM outbox WHERE pull_id = ?", (pull_id,))
            db.execute("DELETE FROM pulls WHERE pull_id = ?", (pull_id,))
            db.execute(
                "INSERT INTO history (data_type, last_error) VALUES (?, ?) "
                "ON CONFLICT (data_type) DO UPDATE SET last_error = excluded.last_error",
                (data_type, error),
            )

    def history(self) -> dict[str, dict[str, Any]]:
        rows = self._db.execute(
            "SELECT data_type, last_success, records, last_error FROM history ORDER BY data_type"
        ).fetchall()
        return {
            row[0]: {"lastSuccess": row[1], "records": row[2], "lastError": row[3]} for row in rows
        }

    # ---- outbox ------------------------------------------------------------------------------

    def stage(self, batch: OutboxBatch) -> None:
        """Keep a batch before sending it, so a kill after mapping loses nothing."""
        with self._tx() as db:
            db.execute(
                "INSERT OR REPLACE INTO outbox (pull_id, seq, kind, body) VALUES (?, ?, ?, ?)",
                (batch.pull_id, batch.seq, batch.kind, batch.body),
            )
            db.execute(
                "UPDATE pulls SET next_seq = MAX(next_seq, ?) WHERE pull_id = ?",
                (batch.seq + 1, batch.pull_id),
            )

    def sent(self, pull_id: str, seq: int) -> None:
        with self._tx() as db:
            db.execute("DELETE FROM outbox WHERE pull_id = ? AND seq = ?", (pull_id, seq))

    def staged(self, pull_id: str) -> list[OutboxBatch]:
        rows = self._db.execute(
            "SELECT pull_id, seq, kind, body FROM outbox WHERE pull_id = ? ORDER BY seq",
            (pull_id,),
        ).fetchall()
        return [OutboxBatch(pull_id=r[0], seq=r[1], kind=r[2], body=bytes(r[3])) for r in rows]

    def unfinished_pulls(self) -> list[PullCheckpoint]:
        ids = [r[0] for r in self._db.execute("SELECT pull_id FROM pulls ORDER BY started")]
        return [c for c in (self.checkpoint(i) for i in ids) if c is not None]

    # ---- the push journal --------------------------------------------------------------------

    def push_started(self, push_key: str) -> str | None:
        """When this push was first sent to QuickBooks (ISO text), or None: never sent."""
        row = self._db.execute(
            "SELECT started FROM push_journal WHERE push_key = ?", (push_key,)
        ).fetchone()
        return None if row is None else str(row[0])

    def journal_push(self, push_key: str, data_type: str, operation: str, now: datetime) -> None:
        """Written before the request leaves: after a crash, the push is looked up first."""
        with self._tx() as db:
            db.execute(
                "INSERT OR IGNORE INTO push_journal (push_key, data_type, operation, started) "
                "VALUES (?, ?, ?, ?)",
                (push_key, data_type, operation, now.isoformat()),
            )

    def push_reported(self, push_key: str) -> None:
        with self._tx() as db:
            db.execute("DELETE FROM push_journal WHERE push_key = ?", (push_key,))

    def forget_everything(self) -> None:
        with self._tx() as db:
            for table in ("settings", "bookmarks", "pulls", "outbox", "history", "push_journal"):
                db.execute(f"DELETE FROM {table}")
