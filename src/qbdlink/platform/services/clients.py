"""Clients, their API keys and profile; authentication of API requests."""

from __future__ import annotations

import base64
import binascii
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from qbdlink.errors import ConfigurationError
from qbdlink.platform.domain import CONNECTOR_MODES, ApiKey, Client
from qbdlink.platform.services.context import Context, Tenant
from qbdlink.platform.services.errors import (
    InvalidRequestError,
    NotAuthenticatedError,
    NotFoundError,
    ValidationProblem,
)
from qbdlink.platform.services.tokens import hint, new_api_key, token_hash
from qbdlink.platform.storage import clients as store


def create_client(ctx: Context, name: str) -> Client:
    name = name.strip()
    if not name or len(name) > 200:
        raise ConfigurationError("A client name must have 1 to 200 characters.", code="client.name")
    with ctx.database.write() as db:
        if store.find_client_by_name(db, name) is not None:
            raise ConfigurationError(
                f"A client named {name!r} already exists.",
                code="client.exists",
                fix="Choose another name, or create an API key for the existing client.",
            )
        return store.insert_client(db, client_id=str(uuid.uuid4()), name=name)


def client_named(ctx: Context, name: str) -> Client:
    with ctx.database.read() as db:
        found = store.find_client_by_name(db, name)
        if found is None:
            known = ", ".join(c.name for c in store.list_clients(db)) or "none yet"
            raise ConfigurationError(
                f"No client named {name!r} (clients: {known}).",
                code="client.unknown",
                fix="Create it first with `qbdlink admin create-client NAME`.",
            )
        return found


def get_client(ctx: Context, tenant: Tenant) -> Client:
    with ctx.database.read() as db:
        found = store.get_client(db, tenant.client_id)
    if found is None:
        raise NotAuthenticatedError("The client of this API key no longer exists.")
    return found


def create_api_key(ctx: Context, client_id: str, name: str | None = None) -> tuple[ApiKey, str]:
    """A new key for the client: the key itself is returned here, once, and never again."""
    if name is not None and len(name) > 50:
        raise InvalidRequestError(
            "An API key name has at most 50 characters.",
            problems=[ValidationProblem("name", "At most 50 characters.")],
        )
    secret = new_api_key()
    with ctx.database.write() as db:
        key = store.insert_api_key(
            db,
            key_id=str(uuid.uuid4()),
            client_id=client_id,
            name=name,
            key_hash=token_hash(secret),
            key_hint=hint(secret),
        )
    return key, secret


def list_api_keys(ctx: Context, tenant: Tenant) -> Sequence[ApiKey]:
    with ctx.database.read() as db:
        return store.list_api_keys(db, tenant.client_id)


def delete_api_key(ctx: Context, tenant: Tenant, key_id: str) -> None:
    with ctx.database.write() as db:
        if not store.delete_api_key(db, tenant.client_id, key_id):
            raise NotFoundError(f"No API key with id {key_id!r}.")


def key_from_authorization(header: str | None) -> str:
    """The API key inside ``Authorization: Basic <base64(key)>``."""
    if not header:
        raise NotAuthenticatedError("This request has no Authorization header.")
    scheme, _, value = header.strip().partition(" ")
    if scheme.lower() != "basic" or not value.strip():
        raise NotAuthenticatedError(
            "The Authorization header must be 'Basic ' followed by the Base64 of the API key."
        )
    try:
        key = base64.b64decode(value.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError) as exc:
        raise NotAuthenticatedError(
            "The Authorization header's value is not valid Base64."
        ) from exc
    if not key:
        raise NotAuthenticatedError("The Authorization header carries an empty key.")
    return key


def authenticate(ctx: Context, header: str | None) -> Tenant:
    key = key_from_authorization(header)
    with ctx.database.read() as db:
        client_id = store.client_id_for_key_hash(db, token_hash(key))
    if client_id is None:
        raise NotAuthenticatedError(
            "This API key is not valid: it was revoked or never existed.",
            fix="Check the key, or create one in the portal's settings.",
        )
    return Tenant(client_id)


_PROFILE_FIELDS = {
    "name": "name",
    "logoUrl": "logo_url",
    "iconUrl": "icon_url",
    "redirectUrl": "redirect_url",
    "whiteListUrls": "white_list_urls",
    "confirmCompanyName": "confirm_company_name",
}


def update_profile(ctx: Context, tenant: Tenant, body: Mapping[str, Any]) -> Client:
    # A field sent as null keeps its value (the profile's columns always have one).
    values = {
        column: body[key]
        for key, column in _PROFILE_FIELDS.items()
        if key in body and body[key] is not None
    }
    if "name" in values and not str(values["name"]).strip():
        raise InvalidRequestError(
            "The profile name cannot be empty.",
            problems=[ValidationProblem("name", "Required.")],
        )
    with ctx.database.write() as db:
        store.update_client(db, tenant.client_id, values)
        found = store.get_client(db, tenant.client_id)
    assert found is not None
    return found


def set_connector_mode(ctx: Context, tenant: Tenant, mode: str) -> Client:
    check_connector_mode(mode)
    with ctx.database.write() as db:
        store.update_client(db, tenant.client_id, {"connector_mode": mode})
        found = store.get_client(db, tenant.client_id)
    assert found is not None
    return found


def check_connector_mode(mode: str) -> None:
    if mode not in CONNECTOR_MODES:
        raise InvalidRequestError(
            f"Unknown connector mode {mode!r}.",
            problems=[ValidationProblem("mode", "Use 'one-time' or 'ongoing'.")],
        )
