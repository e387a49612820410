"""Request bodies of the public API, as Codat's SDKs send them (unknown fields are ignored)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class Body(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True)


class CompanyRequest(Body):
    name: str = Field(min_length=1, max_length=200)
    description: str | None = None
    tags: dict[str, str] | None = None


class CompanyUpdate(Body):
    name: str | None = Field(default=None, min_length=1, max_length=200)
    description: str | None = None
    tags: dict[str, str] | None = None


class ConnectionRequest(Body):
    platform_key: str = Field(alias="platformKey")


class ConnectionStatusUpdate(Body):
    status: str


class SyncSettingBody(Body):
    data_type: str = Field(alias="dataType")
    fetch_on_first_link: bool = Field(alias="fetchOnFirstLink")
    sync_schedule: int = Field(alias="syncSchedule", ge=0)
    sync_order: int = Field(alias="syncOrder", ge=0)
    sync_from_utc: str | None = Field(default=None, alias="syncFromUtc")
    sync_from_window: int | None = Field(default=None, alias="syncFromWindow", ge=0)
    months_to_sync: int | None = Field(default=None, alias="monthsToSync", ge=0)
    is_locked: bool | None = Field(default=None, alias="isLocked")


class CompanySyncSettingsBody(Body):
    company_id: str = Field(alias="companyId")
    settings: list[SyncSettingBody]
    overrides_defaults: bool = Field(alias="overridesDefaults")


class ClientSyncSettingsBody(Body):
    client_id: str | None = Field(default=None, alias="clientId")
    settings: list[SyncSettingBody]
    overrides_defaults: bool = Field(alias="overridesDefaults")


class ProfileBody(Body):
    name: str = Field(min_length=1, max_length=200)
    logo_url: str | None = Field(default=None, alias="logoUrl")
    icon_url: str | None = Field(default=None, alias="iconUrl")
    redirect_url: str = Field(alias="redirectUrl")
    white_list_urls: list[str] | None = Field(default=None, alias="whiteListUrls")
    confirm_company_name: bool | None = Field(default=None, alias="confirmCompanyName")


class ApiKeyRequest(Body):
    name: str | None = Field(default=None, max_length=50)


class WebhookConsumerRequest(Body):
    url: str = Field(min_length=1, max_length=2000)
    event_types: list[str] = Field(alias="eventTypes", min_length=1)
    disabled: bool | None = False
    company_tags: list[str] | None = Field(default=None, alias="companyTags", max_length=10)


class ConnectorModeBody(Body):
    mode: str | None = Field(description="'one-time' or 'ongoing'; null (companies) inherits.")


def camel(model: BaseModel) -> dict[str, Any]:
    """The body as the camelCase dict the services take, without fields not sent."""
    return model.model_dump(by_alias=True, exclude_unset=True)
