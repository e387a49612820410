"""The client's profile, API keys, sync settings, connector mode, integrations and webhooks."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.responses import Response

from qbdlink.platform.api.bodies import (
    ApiKeyRequest,
    ClientSyncSettingsBody,
    CompanySyncSettingsBody,
    ConnectorModeBody,
    ProfileBody,
    WebhookConsumerRequest,
    camel,
)
from qbdlink.platform.api.deps import ContextDep, TenantDep
from qbdlink.platform.api.rendering import json_response, no_content
from qbdlink.platform.domain import QUICKBOOKS_DESKTOP
from qbdlink.platform.services import clients, companies, shapes, sync_settings, webhooks
from qbdlink.platform.services.errors import NotFoundError

router = APIRouter()


@router.get("/profile", summary="Get the client's profile", tags=["Settings"])
def get_profile(ctx: ContextDep, tenant: TenantDep) -> Response:
    return json_response(shapes.profile(clients.get_client(ctx, tenant), ctx.deployment))


@router.put("/profile", summary="Update the client's profile", tags=["Settings"])
def put_profile(ctx: ContextDep, tenant: TenantDep, body: ProfileBody) -> Response:
    client = clients.update_profile(ctx, tenant, camel(body))
    return json_response(shapes.profile(client, ctx.deployment))


@router.get("/apiKeys", summary="List API keys", tags=["Settings"])
def list_api_keys(ctx: ContextDep, tenant: TenantDep) -> Response:
    keys = clients.list_api_keys(ctx, tenant)
    return json_response({"results": [shapes.api_key(k) for k in keys]})


@router.post(
    "/apiKeys", summary="Create an API key (shown once)", tags=["Settings"], status_code=201
)
def create_api_key(ctx: ContextDep, tenant: TenantDep, body: ApiKeyRequest) -> Response:
    key, secret = clients.create_api_key(ctx, tenant.client_id, body.name)
    return json_response(shapes.api_key(key, secret), status=201)


@router.delete(
    "/apiKeys/{apiKeyId}", summary="Delete an API key", tags=["Settings"], status_code=204
)
def delete_api_key(ctx: ContextDep, tenant: TenantDep, apiKeyId: str) -> Response:  # noqa: N803
    clients.delete_api_key(ctx, tenant, apiKeyId)
    return no_content(204)


@router.get("/profile/syncSettings", summary="Client-wide sync settings", tags=["Settings"])
def get_client_sync_settings(ctx: ContextDep, tenant: TenantDep) -> Response:
    settings, override = sync_settings.get_client_settings(ctx, tenant)
    return json_response(
        {
            "clientId": tenant.client_id,
            "settings": [shapes.sync_setting(s) for s in settings],
            "overridesDefaults": override,
        }
    )


@router.post(
    "/profile/syncSettings",
    summary="Set client-wide sync settings",
    tags=["Settings"],
    status_code=204,
)
def set_client_sync_settings(
    ctx: ContextDep, tenant: TenantDep, body: ClientSyncSettingsBody
) -> Response:
    sync_settings.set_client_settings(ctx, tenant, camel(body))
    return no_content(204)


@router.get(
    "/companies/{companyId}/syncSettings", summary="A company's sync settings", tags=["Settings"]
)
def get_company_sync_settings(
    ctx: ContextDep,
    tenant: TenantDep,
    companyId: str,  # noqa: N803
) -> Response:
    settings, override = sync_settings.get_company_settings(ctx, tenant, companyId)
    return json_response(
        {
            "companyId": companyId,
            "settings": [shapes.sync_setting(s) for s in settings],
            "overridesDefaults": override,
        }
    )


@router.post(
    "/companies/{companyId}/syncSettings",
    summary="Set a company's sync settings",
    tags=["Settings"],
    status_code=204,
)
def set_company_sync_settings(
    ctx: ContextDep,
    tenant: TenantDep,
    companyId: str,  # noqa: N803
    body: CompanySyncSettingsBody,
) -> Response:
    sync_settings.set_company_settings(ctx, tenant, companyId, camel(body))
    return no_content(204)


@router.get(
    "/profile/connectorSettings",
    summary="The connector mode for all companies (one-time or ongoing)",
    tags=["Settings"],
)
def get_client_connector_mode(ctx: ContextDep, tenant: TenantDep) -> Response:
    client = clients.get_client(ctx, tenant)
    return json_response({"mode": client.connector_mode})


@router.put(
    "/profile/connectorSettings",
    summary="Set the connector mode for all companies",
    tags=["Settings"],
)
def set_client_connector_mode(
    ctx: ContextDep, tenant: TenantDep, body: ConnectorModeBody
) -> Response:
    client = clients.set_connector_mode(ctx, tenant, str(body.mode))
    return json_response({"mode": client.connector_mode})


@router.get(
    "/companies/{companyId}/connectorSettings",
    summary="A company's connector mode: its override (or null) and the mode in effect",
    tags=["Settings"],
)
def get_company_connector_mode(
    ctx: ContextDep,
    tenant: TenantDep,
    companyId: str,  # noqa: N803
) -> Response:
    own, effective = companies.connector_mode(ctx, tenant, companyId)
    return json_response({"mode": own, "effectiveMode": effective})


@router.put(
    "/companies/{companyId}/connectorSettings",
    summary="Override the connector mode for one company (null: use the client's)",
    tags=["Settings"],
)
def set_company_connector_mode(
    ctx: ContextDep,
    tenant: TenantDep,
    companyId: str,  # noqa: N803
    body: ConnectorModeBody,
) -> Response:
    own, effective = companies.set_connector_mode(ctx, tenant, companyId, body.mode)
    return json_response({"mode": own, "effectiveMode": effective})


@router.get("/integrations", summary="List integrations", tags=["Integrations"])
def list_integrations(ctx: ContextDep, tenant: TenantDep) -> Response:
    found = [shapes.integration(ctx.deployment)]
    return json_response(
        {
            "results": found,
            "pageNumber": 1,
            "pageSize": 100,
            "totalResults": len(found),
            "_links": {
                "self": {"href": "/integrations"},
                "current": {"href": "/integrations?page=1&pageSize=100"},
            },
        }
    )


@router.get("/integrations/{platformKey}", summary="Get an integration", tags=["Integrations"])
def get_integration(ctx: ContextDep, tenant: TenantDep, platformKey: str) -> Response:  # noqa: N803
    if platformKey != QUICKBOOKS_DESKTOP:
        raise NotFoundError(
            f"No integration {platformKey!r}: this platform serves QuickBooks Desktop "
            f"({QUICKBOOKS_DESKTOP!r}).",
            code="integration.not_found",
        )
    return json_response(shapes.integration(ctx.deployment))


@router.get("/webhooks", summary="List webhook consumers", tags=["Webhooks"])
def list_webhook_consumers(ctx: ContextDep, tenant: TenantDep) -> Response:
    found = webhooks.list_consumers(ctx, tenant)
    return json_response({"results": [shapes.webhook_consumer(c) for c in found]})


@router.post("/webhooks", summary="Create a webhook consumer", tags=["Webhooks"], status_code=201)
def create_webhook_consumer(
    ctx: ContextDep, tenant: TenantDep, body: WebhookConsumerRequest
) -> Response:
    consumer = webhooks.create_consumer(ctx, tenant, camel(body))
    return json_response(shapes.webhook_consumer(consumer, with_secret=True), status=201)


@router.delete(
    "/webhooks/{webhookId}",
    summary="Delete a webhook consumer",
    tags=["Webhooks"],
    status_code=204,
)
def delete_webhook_consumer(
    ctx: ContextDep,
    tenant: TenantDep,
    webhookId: str,  # noqa: N803
) -> Response:
    webhooks.delete_consumer(ctx, tenant, webhookId)
    return no_content(204)
