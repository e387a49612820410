"""Alembic migrations build exactly the schema of storage/tables.py, on both databases."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from qbdlink.platform.storage.database import Database
from qbdlink.platform.storage.migrate import current_revision, head_revision, migrate
from qbdlink.platform.storage.tables import metadata


def test_migrations_match_the_tables_and_are_idempotent(database_url: str) -> None:
    database = Database.from_url(database_url)
    try:
        assert current_revision(database) is None
        before, after = migrate(database)
        assert (before, after) == (None, head_revision())
        assert migrate(database) == (head_revision(), head_revision())
        with database.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            differences = compare_metadata(context, metadata)
        assert differences == []
    finally:
        database.dispose()


def test_sqlite_runs_in_wal_mode_with_foreign_keys(tmp_path: object) -> None:
    database = Database.from_url(f"sqlite:///{tmp_path}/wal.sqlite3")
    try:
        with database.read() as connection:
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    finally:
        database.dispose()
