"""What every use case needs: the database, this deployment's identity and a clock.

Also the installer-tag signing key (``services/installer.py``); None in a context that serves
no installer downloads.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

from qbdlink.platform.signing import TagSigningKey
from qbdlink.platform.storage.database import Database


class Clock(Protocol):
    def now(self) -> datetime: ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


@dataclass(frozen=True, kw_only=True)
class Deployment:
    """This deployment: its region, where it is reached, and the other regions' addresses."""

    region: str
    base_url: str
    region_urls: Mapping[str, str] = field(default_factory=dict)
    # The signed base installer that downloads are tagged from (QBDLINK_CONNECTOR_INSTALLER).
    connector_installer: Path | None = None

    def link_page_url(self, company_id: str) -> str:
        return f"{self.base_url}/link/{company_id}"

    def installer_url(self, company_id: str, connection_id: str) -> str:
        return f"{self.base_url}/link/{company_id}/connections/{connection_id}/installer"


@dataclass(frozen=True, kw_only=True)
class Context:
    database: Database
    deployment: Deployment
    clock: Clock = field(default_factory=SystemClock)
    signing_key: TagSigningKey | None = None


@dataclass(frozen=True)
class Tenant:
    """The client an API key belongs to: every use case is scoped to it."""

    client_id: str
