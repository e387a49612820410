"""Secrets handed out once (API keys, connector credentials) and how they are stored: hashed."""

from __future__ import annotations

import hashlib
import secrets
import string

_ALPHABET = string.ascii_letters + string.digits


def new_api_key() -> str:
    """40 random letters and digits, like Codat's keys (238 bits)."""
    return "".join(secrets.choice(_ALPHABET) for _ in range(40))


def new_connector_credential() -> str:
    return "qbdc_" + secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    """SHA-256: the tokens are long and random, so no slow KDF is needed to protect them."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def hint(token: str) -> str:
    return token[-4:]
