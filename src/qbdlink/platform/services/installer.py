"""The connector installer a connection's Link URL serves, personalised with a signed tag.

No API key: the small business downloads it from the Link page, and the company and connection
ids in the URL are the capability. Only a PendingAuth connection serves it: once linked (or
unlinked), its Link URL is spent.
"""

from __future__ import annotations

from dataclasses import dataclass

from qbdlink.model.installer_tag import (
    INSTALLER_MEDIA_TYPE,
    InstallerPeError,
    TagPayload,
    embed_tag,
    installer_content_disposition,
    safe_installer_filename,
    sign_tag,
)
from qbdlink.platform.domain import PENDING_AUTH
from qbdlink.platform.services.context import Context, Deployment
from qbdlink.platform.services.errors import ConflictError, NotConfiguredError, NotFoundError
from qbdlink.platform.settings import ENV_CONNECTOR_INSTALLER
from qbdlink.platform.storage import clients as clients_store
from qbdlink.platform.storage import companies as companies_store
from qbdlink.platform.storage import connections as connections_store

__all__ = ["INSTALLER_FIX", "InstallerDownload", "region_urls", "tagged_installer"]

INSTALLER_FIX = f"Set {ENV_CONNECTOR_INSTALLER} to the signed base installer (.exe)."


@dataclass(frozen=True)
class InstallerDownload:
    filename: str
    content_disposition: str
    media_type: str
    content: bytes


def region_urls(deployment: Deployment) -> dict[str, str]:
    """Every region's platform address a connector may need: the others', then this one's."""
    urls = {region: url.rstrip("/") for region, url in deployment.region_urls.items()}
    urls[deployment.region] = deployment.base_url.rstrip("/")
    return urls


def tagged_installer(ctx: Context, company_id: str, connection_id: str) -> InstallerDownload:
    """The base installer with a tag naming the client, the licence key and the regions."""
    with ctx.database.read() as db:
        connection = connections_store.get_connection(db, company_id, connection_id)
        company = companies_store.get_company_any_client(db, company_id)
        if connection is None or company is None:
            raise NotFoundError(
                "This Link URL does not name a QuickBooks Desktop connection: "
                f"no connection {connection_id!r} for company {company_id!r}.",
                code="installer.not_found",
                fix="Open the Link URL you were sent, or ask for a new one.",
            )
        if connection.status != PENDING_AUTH:
            raise ConflictError(
                f"This Link URL has been used: the connection is {connection.status}, so the "
                "connector installer is no longer served here.",
                code="installer.not_pending",
                fix="Ask whoever sent you the Link URL for a new one.",
            )
        client = clients_store.get_client(db, company.client_id)
    installer = _base_installer(ctx.deployment)
    if ctx.signing_key is None:
        raise NotConfiguredError(
            "This platform has no key to sign connector installers with.",
            code="installer.no_signing_key",
            fix="Build the platform with build_platform(), which sets up the signing key.",
        )
    client_name = client.name if client is not None else company.name
    payload = TagPayload(
        client_name=client_name,
        licence_key=company.id,
        region_urls=region_urls(ctx.deployment),
        issued_at=ctx.clock.now(),
    )
    blob = sign_tag(payload, ctx.signing_key.private_key())
    try:
        tagged = embed_tag(installer, blob)
    except InstallerPeError as exc:
        raise NotConfiguredError(
            f"The configured connector installer {ctx.deployment.connector_installer} cannot "
            f"be personalised: {exc.message}",
            code="installer.unusable",
            fix=f"{exc.fix} {INSTALLER_FIX}",
        ) from exc
    return InstallerDownload(
        filename=safe_installer_filename(client_name),
        content_disposition=installer_content_disposition(client_name),
        media_type=INSTALLER_MEDIA_TYPE,
        content=tagged,
    )


def _base_installer(deployment: Deployment) -> bytes:
    path = deployment.connector_installer
    if path is None:
        raise NotConfiguredError(
            "No connector installer is configured on this platform.",
            code="installer.not_configured",
            fix=INSTALLER_FIX,
        )
    try:
        return path.read_bytes()
    except OSError as exc:
        raise NotConfiguredError(
            f"The connector installer {path} cannot be read: {exc.strerror or exc}.",
            code="installer.not_configured",
            fix=INSTALLER_FIX,
        ) from exc
