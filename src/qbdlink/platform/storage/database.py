"""The engine and its transactions: one :class:`Database` per process, shared by every part.

SQLite (the default) runs in WAL mode with foreign keys on; write transactions start with
``BEGIN IMMEDIATE`` so two writers queue on the busy timeout instead of failing halfway.
PostgreSQL goes through psycopg 3. Connection failures become :class:`ConfigurationError`
or :class:`RetryLaterError` here, at the boundary.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import OperationalError

from qbdlink.errors import ConfigurationError, RetryLaterError

_WRITE = "qbdlink_write"
SQLITE_BUSY_TIMEOUT_MS = 30_000


class DatabaseUnavailableError(RetryLaterError):
    default_code = "storage.unavailable"
    default_fix = "Check that the database server is running and reachable, then try again."


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the driver, decide when transactions begin (see "begin" below).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection: Connection) -> None:
        immediate = connection.get_execution_options().get(_WRITE, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def create_engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = sa.create_engine(
            parsed,
            connect_args={"check_same_thread": False},
            json_serializer=_compact_json,
        )
        _configure_sqlite(engine)
        return engine
    return sa.create_engine(
        parsed,
        pool_pre_ping=True,
        pool_size=10,
        max_overflow=20,
        json_serializer=_compact_json,
    )


def _compact_json(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


class Database:
    """Transactions: :meth:`read` for queries, :meth:`write` for changes (committed on exit)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.dialect = engine.dialect.name

    @classmethod
    def from_url(cls, url: str) -> Database:
        return cls(create_engine(url))

    @property
    def is_postgresql(self) -> bool:
        return self.dialect == "postgresql"

    @contextmanager
    def read(self) -> Iterator[Connection]:
        with _translated(self.engine), self.engine.connect() as connection, connection.begin():
            yield connection

    @contextmanager
    def write(self) -> Iterator[Connection]:
        with _translated(self.engine), self.engine.connect() as connection:
            connection = connection.execution_options(**{_WRITE: True})
            with connection.begin():
                yield connection

    def dispose(self) -> None:
        self.engine.dispose()


@contextmanager
def _translated(engine: Engine) -> Iterator[None]:
    try:
        yield
    except OperationalError as exc:
        if exc.connection_invalidated or "connect" in str(exc.orig).lower():
            where = engine.url.render_as_string(hide_password=True)
            raise DatabaseUnavailableError(f"Cannot reach the database at {where}.") from exc
        raise


def check_reachable(database: Database) -> None:
    """Fail early, with a clear message, when the configured database cannot be opened."""
    try:
        with database.engine.connect() as connection:
            connection.exec_driver_sql("SELECT 1")
    except OperationalError as exc:
        where = database.engine.url.render_as_string(hide_password=True)
        raise ConfigurationError(
            f"Cannot open the database at {where}: {exc.orig}.",
            code="storage.unreachable",
            fix="Check --database-url / QBDLINK_DATABASE_URL and that the server is running.",
        ) from exc
