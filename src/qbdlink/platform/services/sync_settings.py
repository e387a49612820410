"""Sync settings: what to fetch on first link, how often, from when; client-wide or per company."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy.engine import Connection as Db

from qbdlink.model.datatypes import ALL_DATA_TYPE_KEYS, DATA_TYPES
from qbdlink.model.types import normalize_datetime_text
from qbdlink.platform.domain import Company, SyncSetting
from qbdlink.platform.services.companies import load_company
from qbdlink.platform.services.context import Context, Tenant
from qbdlink.platform.services.errors import InvalidRequestError, ValidationProblem
from qbdlink.platform.storage import clients as client_store
from qbdlink.platform.storage import companies as company_store
from qbdlink.platform.storage import sync_settings as store

SERVED_CODAT_KEYS = tuple(info.codat_data_type for info in DATA_TYPES.values())


def default_settings() -> list[SyncSetting]:
    return [
        SyncSetting(
            data_type=info.codat_data_type,
            fetch_on_first_link=info.default_fetch_on_first_link,
            sync_schedule=info.default_sync_schedule_hours,
            sync_order=info.default_sync_order,
        )
        for info in DATA_TYPES.values()
    ]


def _merge(base: Sequence[SyncSetting], overrides: Sequence[SyncSetting]) -> list[SyncSetting]:
    merged = {s.data_type: s for s in base}
    merged.update({s.data_type: s for s in overrides})
    return sorted(merged.values(), key=lambda s: (s.sync_order, s.data_type))


def client_settings(db: Db, client_id: str) -> list[SyncSetting]:
    return _merge(default_settings(), store.stored_settings(db, client_id, None))


def company_settings(db: Db, company: Company) -> list[SyncSetting]:
    """The settings in effect for a company: its own where it overrides, else the client's."""
    settings = client_settings(db, company.client_id)
    if company.sync_settings_override_defaults:
        settings = _merge(settings, store.stored_settings(db, company.client_id, company.id))
    return settings


def get_client_settings(ctx: Context, tenant: Tenant) -> tuple[list[SyncSetting], bool]:
    with ctx.database.read() as db:
        client = client_store.get_client(db, tenant.client_id)
        override = bool(client and client.sync_settings_override_defaults)
        return client_settings(db, tenant.client_id), override


def get_company_settings(
    ctx: Context, tenant: Tenant, company_id: str
) -> tuple[list[SyncSetting], bool]:
    with ctx.database.read() as db:
        company = load_company(db, tenant, company_id)
        return company_settings(db, company), company.sync_settings_override_defaults


def set_client_settings(ctx: Context, tenant: Tenant, body: Mapping[str, Any]) -> None:
    settings, override = parse_settings_body(body, owner_key="clientId")
    with ctx.database.write() as db:
        store.replace_settings(db, tenant.client_id, None, settings)
        client_store.update_client(
            db, tenant.client_id, {"sync_settings_override_defaults": override}
        )


def set_company_settings(
    ctx: Context, tenant: Tenant, company_id: str, body: Mapping[str, Any]
) -> None:
    settings, override = parse_settings_body(body, owner_key="companyId")
    owner = body.get("companyId")
    if owner is not None and owner != company_id:
        raise InvalidRequestError(
            f"The body's companyId {owner!r} is not the company in the path ({company_id!r}).",
            problems=[ValidationProblem("companyId", "Must match the path.")],
        )
    with ctx.database.write() as db:
        load_company(db, tenant, company_id)
        store.replace_settings(db, tenant.client_id, company_id, settings)
        company_store.update_company(
            db, tenant.client_id, company_id, {"sync_settings_override_defaults": override}
        )


def parse_settings_body(
    body: Mapping[str, Any], *, owner_key: str
) -> tuple[list[SyncSetting], bool]:
    problems: list[ValidationProblem] = []
    raw_settings = body.get("settings")
    override = body.get("overridesDefaults")
    if not isinstance(raw_settings, list):
        problems.append(ValidationProblem("settings", "Required: a list of sync settings."))
    if not isinstance(override, bool):
        problems.append(ValidationProblem("overridesDefaults", "Required: true or false."))
    if problems:
        raise InvalidRequestError(
            f"Sync settings need {owner_key}, settings and overridesDefaults.", problems=problems
        )
    assert isinstance(raw_settings, list) and isinstance(override, bool)
    settings = [_parse_setting(i, raw, problems) for i, raw in enumerate(raw_settings)]
    seen: set[str] = set()
    for setting in settings:
        if setting is not None and setting.data_type in seen:
            problems.append(
                ValidationProblem(setting.data_type, "This data type appears more than once.")
            )
        if setting is not None:
            seen.add(setting.data_type)
    if problems:
        raise InvalidRequestError("Some sync settings are not valid.", problems=problems)
    return [s for s in settings if s is not None], override


def _parse_setting(index: int, raw: Any, problems: list[ValidationProblem]) -> SyncSetting | None:
    where = f"settings[{index}]"
    if not isinstance(raw, Mapping):
        problems.append(ValidationProblem(where, "Each setting is an object."))
        return None
    data_type = raw.get("dataType")
    info = DATA_TYPES.get(data_type) if isinstance(data_type, str) else None
    if info is None and data_type == "chartOfAccounts":
        info = DATA_TYPES["accounts"]
    if info is None or data_type == "accounts":
        reason = (
            "qbdlink does not fetch this data type from QuickBooks Desktop"
            if data_type in ALL_DATA_TYPE_KEYS
            else "unknown data type"
        )
        problems.append(
            ValidationProblem(
                f"{where}.dataType",
                f"{data_type!r}: {reason}. Served: {', '.join(SERVED_CODAT_KEYS)}.",
            )
        )
        return None
    before = len(problems)
    fetch = raw.get("fetchOnFirstLink")
    if not isinstance(fetch, bool):
        problems.append(ValidationProblem(f"{where}.fetchOnFirstLink", "Required: true/false."))
    integers: dict[str, int | None] = {}
    for key in ("syncSchedule", "syncOrder", "syncFromWindow", "monthsToSync"):
        value = raw.get(key)
        required = key in ("syncSchedule", "syncOrder")
        if value is None and not required:
            integers[key] = None
            continue
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            need = "Required: " if required else ""
            problems.append(ValidationProblem(f"{where}.{key}", f"{need}a whole number ≥ 0."))
        else:
            integers[key] = value
    sync_from = raw.get("syncFromUtc")
    if sync_from is not None:
        try:
            sync_from = normalize_datetime_text(str(sync_from))
        except ValueError as exc:
            problems.append(ValidationProblem(f"{where}.syncFromUtc", str(exc)))
    if sync_from is not None and integers.get("syncFromWindow") is not None:
        problems.append(ValidationProblem(where, "Set syncFromUtc or syncFromWindow, not both."))
    is_locked = raw.get("isLocked")
    if is_locked is not None and not isinstance(is_locked, bool):
        problems.append(ValidationProblem(f"{where}.isLocked", "true or false."))
    if len(problems) > before:
        return None
    return SyncSetting(
        data_type=info.codat_data_type,
        fetch_on_first_link=bool(fetch),
        sync_schedule=integers["syncSchedule"] or 0,
        sync_order=integers["syncOrder"] or 0,
        sync_from_utc=sync_from,
        sync_from_window=integers.get("syncFromWindow"),
        months_to_sync=integers.get("monthsToSync"),
        is_locked=is_locked,
    )
