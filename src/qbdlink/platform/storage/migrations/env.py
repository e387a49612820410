"""Alembic's environment: runs migrations on the connection :mod:`..migrate` hands over."""

from __future__ import annotations

from alembic import context

from qbdlink.platform.storage.tables import metadata

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("Run migrations through `qbdlink admin migrate`, not the alembic command.")
context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
