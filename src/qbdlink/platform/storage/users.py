"""Portal users: the people of a client who sign in to the portal (passwords stored as hashes)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.engine import Connection, Row
from sqlalchemy.exc import IntegrityError

from qbdlink.platform.storage.tables import users
from qbdlink.platform.storage.types import utc_now


@dataclass(frozen=True, kw_only=True)
class StoredUser:
    id: str
    client_id: str
    email: str
    password_hash: str
    created: datetime


def _user(row: Row[Any]) -> StoredUser:
    return StoredUser(
        id=row.id,
        client_id=row.client_id,
        email=row.email,
        password_hash=row.password_hash,
        created=row.created,
    )


def insert_user(
    db: Connection, *, user_id: str, client_id: str, email: str, password_hash: str
) -> bool:
    """False when a user with this email exists already."""
    try:
        with db.begin_nested():
            db.execute(
                users.insert().values(
                    id=user_id,
                    client_id=client_id,
                    email=email,
                    password_hash=password_hash,
                    created=utc_now(),
                )
            )
    except IntegrityError:
        return False
    return True


def user_by_email(db: Connection, email: str) -> StoredUser | None:
    row = db.execute(users.select().where(users.c.email == email)).first()
    return _user(row) if row else None


def get_user(db: Connection, user_id: str) -> StoredUser | None:
    row = db.execute(users.select().where(users.c.id == user_id)).first()
    return _user(row) if row else None


def set_password_hash(db: Connection, user_id: str, password_hash: str) -> None:
    db.execute(users.update().where(users.c.id == user_id).values(password_hash=password_hash))
