"""Column types that behave the same on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Dialect

# JSON documents: JSONB on PostgreSQL (indexable, compact), JSON text on SQLite.
JsonDocument = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


class UtcDateTime(sa.TypeDecorator[datetime]):
    """An aware UTC datetime on the way in and out: timestamptz on PostgreSQL, text on SQLite.

    Binds also accept ISO-8601 text, so query values (already normalised) compare with it.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if isinstance(value, str):
            value = datetime.fromisoformat(value.replace("Z", "+00:00"))
        if not isinstance(value, datetime):
            raise TypeError(f"UtcDateTime takes a datetime, not {type(value).__name__}")
        moment: datetime = value if value.tzinfo else value.replace(tzinfo=UTC)
        moment = moment.astimezone(UTC)
        # SQLite keeps text: store it naive (always UTC) so text order is time order.
        return moment.replace(tzinfo=None) if dialect.name == "sqlite" else moment

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utc_now() -> datetime:
    return datetime.now(UTC)
