"""Portal users: creating them, their passwords (scrypt, per-user salt) and signing in.

A password is stored as ``scrypt$N$r$p$<salt>$<key>`` (Base64), so the cost can be raised
later: a hash made with older parameters is still verified, and replaced on the next sign-in.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
import uuid
from dataclasses import dataclass

from qbdlink.errors import ConfigurationError
from qbdlink.platform.services.context import Context, Tenant
from qbdlink.platform.services.errors import InvalidRequestError, NotAuthenticatedError
from qbdlink.platform.storage import clients as client_store
from qbdlink.platform.storage import users as store

# scrypt's cost: N=2**15, r=8, p=1 uses 32 MiB and about 50-100 ms per hash (OWASP's minimum
# is N=2**17 with r=8, p=1 or an equivalent; 2**15 keeps sign-in quick on small servers).
SCRYPT_N = 2**15
SCRYPT_R = 8
SCRYPT_P = 1
SALT_BYTES = 16
KEY_BYTES = 32
MIN_PASSWORD = 10
MAX_PASSWORD = 1024
_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True, kw_only=True)
class PortalUser:
    id: str
    client_id: str
    email: str
    # A short digest of the stored hash: a session made before a password change stops working.
    password_stamp: str

    @property
    def tenant(self) -> Tenant:
        return Tenant(self.client_id)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int, dklen: int = KEY_BYTES) -> bytes:
    if not (2 <= n <= 2**20 and 1 <= r <= 32 and 1 <= p <= 16 and 16 <= dklen <= 64):
        raise ValueError("scrypt parameters out of range")
    return hashlib.scrypt(
        password.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=256 * 1024 * 1024, dklen=dklen
    )


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(SALT_BYTES)
    key = _scrypt(password, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${_b64(salt)}${_b64(key)}"


def verify_password(password: str, stored: str) -> bool:
    """Constant-time comparison; a malformed stored hash never matches."""
    try:
        scheme, n, r, p, salt, key = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = base64.b64decode(key, validate=True)
        raw_salt = base64.b64decode(salt, validate=True)
        actual = _scrypt(password, raw_salt, int(n), int(r), int(p), len(expected))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, expected)


def needs_rehash(stored: str) -> bool:
    return not stored.startswith(f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}$")


# Verified against when the email is unknown, so that answer takes as long as a wrong password.
_DUMMY_HASH = (
    f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${_b64(bytes(SALT_BYTES))}${_b64(bytes(KEY_BYTES))}"
)


def password_stamp(stored_hash: str) -> str:
    return hashlib.sha256(stored_hash.encode("ascii")).hexdigest()[:16]


def normalize_email(email: str) -> str:
    return email.strip().lower()


def check_password_rules(password: str) -> None:
    if len(password) < MIN_PASSWORD or len(password) > MAX_PASSWORD:
        raise InvalidRequestError(
            f"A password needs {MIN_PASSWORD} to {MAX_PASSWORD} characters.",
            code="user.password_rules",
            fix="Choose a longer password (a passphrase of a few words is good).",
        )


def _portal_user(user: store.StoredUser) -> PortalUser:
    return PortalUser(
        id=user.id,
        client_id=user.client_id,
        email=user.email,
        password_stamp=password_stamp(user.password_hash),
    )


def create_user(ctx: Context, client_name: str, email: str, password: str) -> PortalUser:
    """A portal user of the named client (``qbdlink admin create-user``)."""
    address = normalize_email(email)
    if not _EMAIL.match(address) or len(address) > 320:
        raise ConfigurationError(
            f"{email!r} is not an email address.",
            code="user.email",
            fix="Give the address the person signs in with, such as ana@example.com.",
        )
    try:
        check_password_rules(password)
    except InvalidRequestError as error:
        raise ConfigurationError(error.message, code=error.code, fix=error.fix) from error
    password_hash = hash_password(password)
    with ctx.database.write() as db:
        client = client_store.find_client_by_name(db, client_name)
        if client is None:
            raise ConfigurationError(
                f"No client named {client_name!r}.",
                code="client.unknown",
                fix="Create it first with `qbdlink admin create-client NAME`.",
            )
        user_id = str(uuid.uuid4())
        if not store.insert_user(
            db, user_id=user_id, client_id=client.id, email=address, password_hash=password_hash
        ):
            raise ConfigurationError(
                f"A user with the email {address} exists already.",
                code="user.exists",
                fix="Use another address, or sign in with this one.",
            )
        created = store.get_user(db, user_id)
    assert created is not None
    return _portal_user(created)


def sign_in(ctx: Context, email: str, password: str) -> PortalUser:
    """The user with this email and password, or NotAuthenticatedError (which never says which
    of the two was wrong)."""
    address = normalize_email(email)
    with ctx.database.read() as db:
        user = store.user_by_email(db, address) if address else None
    if user is None:
        verify_password(password, _DUMMY_HASH)
    if (
        user is None
        or not password
        or len(password) > MAX_PASSWORD
        or not verify_password(password, user.password_hash)
    ):
        raise NotAuthenticatedError(
            "The email or the password is not right.",
            code="portal.sign_in_failed",
            fix="Check both and try again; ask your administrator to reset a forgotten password.",
        )
    if needs_rehash(user.password_hash):
        with ctx.database.write() as db:
            store.set_password_hash(db, user.id, hash_password(password))
            refreshed = store.get_user(db, user.id)
        if refreshed is not None:
            user = refreshed
    return _portal_user(user)


def get_user(ctx: Context, user_id: str) -> PortalUser | None:
    with ctx.database.read() as db:
        user = store.get_user(db, user_id)
        client = client_store.get_client(db, user.client_id) if user else None
    if user is None or client is None:
        return None
    return _portal_user(user)
