"""Every table of the platform (SQLAlchemy Core). Migrations under ``migrations/`` create them.

Ids are text (UUIDs, or QuickBooks ids for records). Every row a client owns carries
``client_id`` (directly or through its company) and every repository query filters on it:
that is how no client sees another's data.
"""

from __future__ import annotations

import sqlalchemy as sa

from qbdlink.platform.storage.types import JsonDocument, UtcDateTime

metadata = sa.MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

ID = sa.String(36)


def _id(name: str = "id") -> sa.Column[str]:
    return sa.Column(name, ID, primary_key=True)


def _client_fk() -> sa.Column[str]:
    return sa.Column(
        "client_id", ID, sa.ForeignKey("clients.id", ondelete="CASCADE"), nullable=False
    )


def _company_fk(nullable: bool = False) -> sa.Column[str]:
    return sa.Column(
        "company_id", ID, sa.ForeignKey("companies.id", ondelete="CASCADE"), nullable=nullable
    )


clients = sa.Table(
    "clients",
    metadata,
    _id(),
    sa.Column("name", sa.String(200), nullable=False, unique=True),
    sa.Column("logo_url", sa.Text),
    sa.Column("icon_url", sa.Text),
    sa.Column("redirect_url", sa.Text),
    sa.Column("white_list_urls", JsonDocument, nullable=False, default=list),
    sa.Column("confirm_company_name", sa.Boolean, nullable=False, default=False),
    # "one-time" or "ongoing"; a company may override it.
    sa.Column("connector_mode", sa.String(16), nullable=False, default="ongoing"),
    sa.Column("sync_settings_override_defaults", sa.Boolean, nullable=False, default=False),
    sa.Column("created", UtcDateTime, nullable=False),
)

api_keys = sa.Table(
    "api_keys",
    metadata,
    _id(),
    _client_fk(),
    sa.Column("name", sa.String(50)),
    # SHA-256 of the key: keys are long random secrets, so a fast hash is enough to look them up.
    sa.Column("key_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("key_hint", sa.String(16), nullable=False),
    sa.Column("created", UtcDateTime, nullable=False),
    sa.Index(None, "client_id"),
)

companies = sa.Table(
    "companies",
    metadata,
    _id(),
    _client_fk(),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("description", sa.Text),
    sa.Column("tags", JsonDocument, nullable=False, default=dict),
    sa.Column("region", sa.String(2), nullable=False),
    sa.Column("connector_mode", sa.String(16)),
    sa.Column("sync_settings_override_defaults", sa.Boolean, nullable=False, default=False),
    sa.Column("created", UtcDateTime, nullable=False),
    sa.Column("created_by_user_name", sa.String(200)),
    sa.Column("last_sync", UtcDateTime),
    sa.Index(None, "client_id", "created", "id"),
    sa.Index(None, "client_id", "name"),
)

connections = sa.Table(
    "connections",
    metadata,
    _id(),
    _client_fk(),
    _company_fk(),
    sa.Column("platform_key", sa.String(8), nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("created", UtcDateTime, nullable=False),
    sa.Column("linked", UtcDateTime),
    sa.Column("last_sync", UtcDateTime),
    sa.Column("connection_info", JsonDocument, nullable=False, default=dict),
    sa.Column("authorization", JsonDocument, nullable=False, default=dict),
    sa.Column("errors", JsonDocument, nullable=False, default=list),
    # What the connector reported when it linked: QuickBooks host and company file identity.
    sa.Column("quickbooks", JsonDocument, nullable=False, default=dict),
    sa.Index(None, "company_id", "created"),
)

connector_credentials = sa.Table(
    "connector_credentials",
    metadata,
    _id(),
    _client_fk(),
    _company_fk(),
    sa.Column(
        "connection_id", ID, sa.ForeignKey("connections.id", ondelete="CASCADE"), nullable=False
    ),
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("created", UtcDateTime, nullable=False),
    sa.Column("revoked", UtcDateTime),
    sa.Index(None, "connection_id"),
)

connector_health = sa.Table(
    "connector_health",
    metadata,
    sa.Column(
        "connection_id",
        ID,
        sa.ForeignKey("connections.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    _company_fk(),
    sa.Column("last_heartbeat", UtcDateTime, nullable=False),
    sa.Column("report", JsonDocument, nullable=False, default=dict),
)

sync_settings = sa.Table(
    "sync_settings",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    _client_fk(),
    # NULL: the client-wide default; set: that company's override.
    _company_fk(nullable=True),
    sa.Column("data_type", sa.String(40), nullable=False),
    sa.Column("fetch_on_first_link", sa.Boolean, nullable=False),
    sa.Column("sync_schedule", sa.Integer, nullable=False),
    sa.Column("sync_order", sa.Integer, nullable=False),
    sa.Column("sync_from_utc", sa.String(40)),
    sa.Column("sync_from_window", sa.Integer),
    sa.Column("months_to_sync", sa.Integer),
    sa.Column("is_locked", sa.Boolean),
    sa.UniqueConstraint("client_id", "company_id", "data_type"),
)

pull_operations = sa.Table(
    "pull_operations",
    metadata,
    _id(),
    _client_fk(),
    _company_fk(),
    sa.Column(
        "connection_id", ID, sa.ForeignKey("connections.id", ondelete="CASCADE"), nullable=False
    ),
    sa.Column("data_type", sa.String(40), nullable=False),
    sa.Column("status", sa.String(24), nullable=False),
    sa.Column("status_description", sa.Text),
    sa.Column("error_message", sa.Text),
    sa.Column("error", JsonDocument),
    sa.Column("requested", UtcDateTime, nullable=False),
    sa.Column("started", UtcDateTime),
    sa.Column("completed", UtcDateTime),
    sa.Column("progress", sa.Integer, nullable=False, default=0),
    sa.Column("is_completed", sa.Boolean, nullable=False, default=False),
    sa.Column("is_errored", sa.Boolean, nullable=False, default=False),
    sa.Column("is_initial", sa.Boolean, nullable=False, default=False),
    sa.Column("records_received", sa.Integer, nullable=False, default=0),
    sa.Column("records_expected", sa.Integer),
    sa.Column("last_batch_seq", sa.Integer, nullable=False, default=0),
    # Set while a connector works on it; lets a restarted connector take it up again.
    sa.Column("claimed", UtcDateTime),
    sa.Index(None, "company_id", "requested"),
    sa.Index(None, "company_id", "data_type", "requested"),
    # One pull per company and data type at a time, enforced by the database itself.
    sa.Index(
        "uq_pull_operations_one_running",
        "company_id",
        "data_type",
        unique=True,
        sqlite_where=sa.text("NOT is_completed"),
        postgresql_where=sa.text("NOT is_completed"),
    ),
)

pull_batches = sa.Table(
    "pull_batches",
    metadata,
    sa.Column(
        "pull_id",
        ID,
        sa.ForeignKey("pull_operations.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("seq", sa.Integer, primary_key=True),
    sa.Column("record_count", sa.Integer, nullable=False),
    sa.Column("received", UtcDateTime, nullable=False),
)

push_operations = sa.Table(
    "push_operations",
    metadata,
    sa.Column("key", ID, primary_key=True),
    _client_fk(),
    _company_fk(),
    sa.Column(
        "connection_id", ID, sa.ForeignKey("connections.id", ondelete="CASCADE"), nullable=False
    ),
    sa.Column("data_type", sa.String(40), nullable=False),
    sa.Column("operation", sa.String(12), nullable=False),  # Create, Update, Delete
    sa.Column("record_id", sa.String(100)),
    sa.Column("status", sa.String(12), nullable=False),
    sa.Column("status_code", sa.Integer, nullable=False),
    sa.Column("requested", UtcDateTime, nullable=False),
    sa.Column("completed", UtcDateTime),
    sa.Column("timeout_in_minutes", sa.Integer),
    sa.Column("error_message", sa.Text),
    sa.Column("body", JsonDocument),
    sa.Column("changes", JsonDocument),
    sa.Column("validation", JsonDocument),
    sa.Column("claimed", UtcDateTime),
    sa.Index(None, "company_id", "requested"),
    sa.Index(None, "status", "requested"),
)

records = sa.Table(
    "records",
    metadata,
    _company_fk(),
    sa.Column("data_type", sa.String(40), nullable=False),
    sa.Column("record_id", sa.String(100), nullable=False),
    sa.Column("data", JsonDocument, nullable=False),
    # Copies of the fields that queries and ordering use most, so they use real indexes.
    sa.Column("modified_date", sa.String(32)),
    sa.Column("record_date", sa.String(32)),
    sa.Column("status", sa.String(40)),
    sa.Column("reference_id", sa.String(100)),
    sa.Column("amount", sa.Numeric(20, 6)),
    sa.Column("is_deleted", sa.Boolean, nullable=False, default=False),
    sa.Column("pull_id", ID),
    sa.PrimaryKeyConstraint("company_id", "data_type", "record_id"),
    sa.Index(None, "company_id", "data_type", "modified_date", "record_id"),
    sa.Index(None, "company_id", "data_type", "record_date", "record_id"),
    sa.Index(None, "company_id", "data_type", "status", "record_id"),
    sa.Index(None, "company_id", "data_type", "reference_id", "record_id"),
    sa.Index(None, "company_id", "data_type", "amount", "record_id"),
)

webhook_consumers = sa.Table(
    "webhook_consumers",
    metadata,
    _id(),
    _client_fk(),
    sa.Column("url", sa.Text, nullable=False),
    sa.Column("event_types", JsonDocument, nullable=False, default=list),
    sa.Column("company_tags", JsonDocument),
    sa.Column("disabled", sa.Boolean, nullable=False, default=False),
    # Standard Webhooks signing secret ("whsec_" + base64).
    sa.Column("secret", sa.String(80), nullable=False),
    sa.Column("created", UtcDateTime, nullable=False),
    sa.Index(None, "client_id"),
)

webhook_deliveries = sa.Table(
    "webhook_deliveries",
    metadata,
    _id(),
    _client_fk(),
    sa.Column(
        "consumer_id",
        ID,
        sa.ForeignKey("webhook_consumers.id", ondelete="CASCADE"),
        nullable=False,
    ),
    sa.Column("event_id", ID, nullable=False),
    sa.Column("event_type", sa.String(80), nullable=False),
    sa.Column("company_id", ID),
    sa.Column("body", sa.Text, nullable=False),
    sa.Column("status", sa.String(12), nullable=False),  # Pending, Delivered, Failed
    sa.Column("attempts", sa.Integer, nullable=False, default=0),
    sa.Column("last_status_code", sa.Integer),
    sa.Column("last_error", sa.Text),
    sa.Column("created", UtcDateTime, nullable=False),
    sa.Column("last_attempt", UtcDateTime),
    sa.Column("delivered", UtcDateTime),
    sa.Index(None, "consumer_id", "created"),
)

jobs = sa.Table(
    "jobs",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("kind", sa.String(40), nullable=False),
    sa.Column("payload", JsonDocument, nullable=False, default=dict),
    sa.Column("status", sa.String(12), nullable=False),  # queued, running, done, failed
    sa.Column("run_after", UtcDateTime, nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False, default=0),
    sa.Column("max_attempts", sa.Integer, nullable=False, default=10),
    sa.Column("locked_by", sa.String(80)),
    sa.Column("locked_until", UtcDateTime),
    sa.Column("last_error", sa.Text),
    # At most one queued or running job per key (e.g. one scheduler tick at a time).
    sa.Column("dedupe_key", sa.String(120)),
    sa.Column("created", UtcDateTime, nullable=False),
    sa.Column("finished", UtcDateTime),
    sa.Index(None, "status", "run_after"),
    sa.Index(
        "uq_jobs_active_dedupe_key",
        "dedupe_key",
        unique=True,
        sqlite_where=sa.text("status IN ('queued', 'running')"),
        postgresql_where=sa.text("status IN ('queued', 'running')"),
    ),
)

users = sa.Table(
    "users",
    metadata,
    _id(),
    _client_fk(),
    sa.Column("email", sa.String(320), nullable=False, unique=True),
    sa.Column("password_hash", sa.Text, nullable=False),
    sa.Column("created", UtcDateTime, nullable=False),
)
