"""Entities rendered as Codat's JSON objects (camelCase, Codat's field names and enums).

Used by the public API and by webhook payloads, so both say the same thing.
"""

from __future__ import annotations

from typing import Any

from qbdlink.platform.domain import (
    QUICKBOOKS_DESKTOP,
    ApiKey,
    Client,
    Company,
    Connection,
    PullOperation,
    PushOperation,
    SyncSetting,
    WebhookConsumer,
)
from qbdlink.platform.services.context import Deployment
from qbdlink.platform.services.events import iso

# A stable id for the one integration this platform serves (any UUID would do; fixed so that
# Connection.integrationId and /integrations agree across deployments).
QUICKBOOKS_DESKTOP_INTEGRATION_ID = "2e6a5b8a-5a0c-4e0e-9b4d-7a6c0f1d9d01"
QUICKBOOKS_DESKTOP_NAME = "QuickBooks Desktop"


def integration(deployment: Deployment) -> dict[str, Any]:
    return {
        "key": QUICKBOOKS_DESKTOP,
        "logoUrl": f"{deployment.base_url}/static/quickbooks-desktop.svg",
        "name": QUICKBOOKS_DESKTOP_NAME,
        "enabled": True,
        "sourceId": "accounting",
        "sourceType": "Accounting",
        "integrationId": QUICKBOOKS_DESKTOP_INTEGRATION_ID,
        "isOfflineConnector": True,
        "isBeta": False,
        "dataProvidedBy": "qbdlink",
    }


def connection(conn: Connection, deployment: Deployment) -> dict[str, Any]:
    shape: dict[str, Any] = {
        "id": conn.id,
        "integrationId": QUICKBOOKS_DESKTOP_INTEGRATION_ID,
        "integrationKey": conn.platform_key,
        "sourceId": "accounting",
        "sourceType": "Accounting",
        "platformName": QUICKBOOKS_DESKTOP_NAME,
        "linkUrl": deployment.installer_url(conn.company_id, conn.id),
        "status": conn.status,
        "created": iso(conn.created),
        "dataConnectionErrors": [dict(error) for error in conn.errors],
        "connectionInfo": dict(conn.connection_info),
    }
    if conn.last_sync is not None:
        shape["lastSync"] = iso(conn.last_sync)
    return shape


def company(
    found: Company, connections: list[Connection], deployment: Deployment
) -> dict[str, Any]:
    shape: dict[str, Any] = {
        "id": found.id,
        "name": found.name,
        "redirect": deployment.link_page_url(found.id),
        "created": iso(found.created),
        "createdByUserName": found.created_by_user_name,
        "tags": dict(found.tags),
        "products": [],
        "dataConnections": [connection(c, deployment) for c in connections],
    }
    if found.description is not None:
        shape["description"] = found.description
    if found.last_sync is not None:
        shape["lastSync"] = iso(found.last_sync)
    return shape


def company_reference(found: Company, deployment: Deployment) -> dict[str, Any]:
    return {
        "id": found.id,
        "name": found.name,
        "description": found.description,
        "tags": dict(found.tags),
        "links": {"portal": f"{deployment.base_url}/portal/companies/{found.id}"},
    }


def sync_setting(setting: SyncSetting) -> dict[str, Any]:
    shape: dict[str, Any] = {
        "dataType": setting.data_type,
        "fetchOnFirstLink": setting.fetch_on_first_link,
        "syncSchedule": setting.sync_schedule,
        "syncOrder": setting.sync_order,
    }
    for key, value in (
        ("syncFromUtc", setting.sync_from_utc),
        ("syncFromWindow", setting.sync_from_window),
        ("monthsToSync", setting.months_to_sync),
        ("isLocked", setting.is_locked),
    ):
        if value is not None:
            shape[key] = value
    return shape


def pull_operation(pull: PullOperation) -> dict[str, Any]:
    shape: dict[str, Any] = {
        "id": pull.id,
        "companyId": pull.company_id,
        "connectionId": pull.connection_id,
        "dataType": pull.data_type,
        "status": pull.status,
        "statusDescription": pull.status_description,
        "errorMessage": pull.error_message,
        "requested": iso(pull.requested),
        "progress": pull.progress,
        "isCompleted": pull.is_completed,
        "isErrored": pull.is_errored,
    }
    if pull.completed is not None:
        shape["completed"] = iso(pull.completed)
    return shape


def push_operation(push: PushOperation) -> dict[str, Any]:
    shape: dict[str, Any] = {
        "companyId": push.company_id,
        "pushOperationKey": push.key,
        "dataConnectionKey": push.connection_id,
        "dataType": push.data_type,
        "requestedOnUtc": iso(push.requested),
        "status": push.status,
        "statusCode": push.status_code,
        "timeoutInMinutes": push.timeout_in_minutes,
        "errorMessage": push.error_message,
        "changes": [dict(change) for change in push.changes] if push.changes else None,
        "validation": dict(push.validation) if push.validation else {"errors": [], "warnings": []},
    }
    if push.completed is not None:
        shape["completedOnUtc"] = iso(push.completed)
    return shape


def profile(client: Client, deployment: Deployment) -> dict[str, Any]:
    return {
        "name": client.name,
        "logoUrl": client.logo_url,
        "iconUrl": client.icon_url,
        "redirectUrl": client.redirect_url or f"{deployment.base_url}/link/{{companyId}}",
        "whiteListUrls": list(client.white_list_urls),
        "confirmCompanyName": client.confirm_company_name,
    }


def api_key(key: ApiKey, secret: str | None = None) -> dict[str, Any]:
    shape: dict[str, Any] = {
        "id": key.id,
        "name": key.name,
        "createdDate": iso(key.created),
    }
    # The key itself is shown once, when created; only its hash is stored.
    shape["apiKey"] = secret if secret is not None else f"****{key.key_hint}"
    return shape


def webhook_consumer(consumer: WebhookConsumer, *, with_secret: bool = False) -> dict[str, Any]:
    shape: dict[str, Any] = {
        "id": consumer.id,
        "url": consumer.url,
        "eventTypes": list(consumer.event_types),
        "disabled": consumer.disabled,
        "companyTags": None if consumer.company_tags is None else list(consumer.company_tags),
    }
    if with_secret:
        shape["signingSecret"] = consumer.secret
    return shape
