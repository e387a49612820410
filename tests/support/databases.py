"""Databases for storage tests: a SQLite file and a private schema in the local PostgreSQL.

Every storage test runs on both. PostgreSQL is the machine's own (127.0.0.1:5432, trust auth,
database ``test``, or ``QBDLINK_TEST_POSTGRES_URL``); each test gets a fresh schema, dropped
afterwards, so runs never see each other's rows.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa

POSTGRES_URL = os.environ.get(
    "QBDLINK_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
BACKENDS = ("sqlite", "postgresql")


@contextmanager
def database_url_for(backend: str, tmp_path: Path) -> Iterator[str]:
    """A URL of an empty database of the given backend, removed after use."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'platform.sqlite3'}"
        return
    schema = f"qbdlink_test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
        yield f"{POSTGRES_URL}?options=-csearch_path%3D{schema}"
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()
