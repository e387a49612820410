"""Bring a database to the newest schema with Alembic (safe with several processes at once)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.engine import Connection

from qbdlink.platform.storage.database import Database

MIGRATIONS = Path(__file__).with_name("migrations")
# Any fixed number: every qbdlink process takes this advisory lock before migrating PostgreSQL.
_PG_MIGRATION_LOCK = 7_106_122_417


def _config(connection: Connection) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    head = ScriptDirectory.from_config(config).get_current_head()
    assert head is not None, "no migrations found"
    return head


def current_revision(database: Database) -> str | None:
    with database.engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def migrate(database: Database) -> tuple[str | None, str]:
    """Upgrade to the newest revision; returns (revision before, revision after)."""
    with database.engine.connect() as connection:
        if database.is_postgresql:
            connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": _PG_MIGRATION_LOCK})
            connection.commit()
        try:
            before = MigrationContext.configure(connection).get_current_revision()
            command.upgrade(_config(connection), "head")
            connection.commit()
        finally:
            if database.is_postgresql:
                connection.execute(
                    text("SELECT pg_advisory_unlock(:key)"), {"key": _PG_MIGRATION_LOCK}
                )
                connection.commit()
    return before, head_revision()
