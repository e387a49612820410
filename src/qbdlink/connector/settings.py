"""The connector's settings, parsed once: where its state is, which platform, which QuickBooks.

A tagged installer (``install/tag.py``) prefills the client name, the licence key and the
regions' platform addresses; options and the environment still win over the tag.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from qbdlink.connector.install.paths import InstallLayout
from qbdlink.errors import ConfigurationError
from qbdlink.model.installer_tag import TagPayload

REGIONS = {"us": "United States", "uk": "United Kingdom", "ca": "Canada"}
ENV_QUICKBOOKS = "QBDLINK_QUICKBOOKS"
ENV_REGION_URLS = "QBDLINK_REGION_URLS"
ENV_CLIENT_NAME = "QBDLINK_CLIENT_NAME"
DEFAULT_CLIENT_NAME = "qbdlink"


def parse_region(value: str) -> str:
    region = value.strip().lower()
    region = {"gb": "uk", "united kingdom": "uk", "canada": "ca", "united states": "us"}.get(
        region, region
    )
    if region not in REGIONS:
        raise ConfigurationError(
            f"Unknown region {value!r}.", code="connector.region", fix="Choose us, uk or ca."
        )
    return region


def parse_region_urls(text: str) -> dict[str, str]:
    urls = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        name, sep, url = part.partition("=")
        if not sep or not url.strip():
            raise ConfigurationError(
                f"{ENV_REGION_URLS}: {part!r} is not region=url.",
                code="connector.region_urls",
                fix="Write it as us=https://us.example.com,uk=https://uk.example.com.",
            )
        urls[parse_region(name)] = url.strip().rstrip("/")
    return urls


@dataclass(frozen=True, kw_only=True)
class ConnectorSettings:
    layout: InstallLayout
    # "com" (QuickBooks on this Windows PC) or simulator://HOST:PORT.
    quickbooks: str
    region_urls: Mapping[str, str] = field(default_factory=dict)
    # The verified tag of the installer this connector came from, and the licence key it gave.
    tag: TagPayload | None = None
    licence_key: str | None = None

    @property
    def state_dir(self) -> Path:
        return Path(self.layout.state_dir)

    @property
    def app_name(self) -> str:
        """The name QuickBooks shows in its authorisation dialog and Integrated Applications."""
        return f"{self.layout.client_name} QuickBooks connector"

    def platform_url(self, region: str, override: str | None = None) -> str:
        if override:
            return override.rstrip("/")
        url = self.region_urls.get(region)
        if url is None:
            raise ConfigurationError(
                f"No platform address is configured for {REGIONS[region]}.",
                code="connector.no_platform_url",
                fix=f"Pass --platform-url, or set {ENV_REGION_URLS}=us=https://...,uk=...",
            )
        return url


def load_connector_settings(
    env: Mapping[str, str] | None = None,
    *,
    quickbooks: str | None = None,
    client_name: str | None = None,
    platform: str = sys.platform,
    tag: TagPayload | None = None,
) -> ConnectorSettings:
    env = os.environ if env is None else env
    name = (
        client_name
        or env.get(ENV_CLIENT_NAME)
        or (tag.client_name.strip() if tag else None)
        or DEFAULT_CLIENT_NAME
    )
    target = quickbooks or env.get(ENV_QUICKBOOKS) or ("com" if platform == "win32" else "")
    if not target:
        raise ConfigurationError(
            "No QuickBooks to talk to: QuickBooks Desktop runs only on Windows.",
            code="connector.no_quickbooks",
            fix="On Linux, start the simulator (qbdlink simulator serve) and pass "
            "--quickbooks simulator://HOST:PORT (or set QBDLINK_QUICKBOOKS).",
        )
    return ConnectorSettings(
        layout=InstallLayout.compute(platform, env, name),
        quickbooks=target,
        region_urls={**_tag_region_urls(tag), **parse_region_urls(env.get(ENV_REGION_URLS, ""))},
        tag=tag,
        licence_key=tag.licence_key.strip() if tag else None,
    )


def _tag_region_urls(tag: TagPayload | None) -> dict[str, str]:
    """The tag's addresses of the regions this connector knows (others are ignored)."""
    if tag is None:
        return {}
    urls = {}
    for name, url in tag.region_urls.items():
        try:
            urls[parse_region(name)] = url.strip().rstrip("/")
        except ConfigurationError:
            continue
    return urls
