"""The connector installer download (a Link URL) and the key its tag is signed with.

``GET /link/{companyId}/connections/{connectionId}/installer`` needs no API key (the small
business downloads it from the Link page); failures are Codat's error envelope like every
other route. It is left out of the OpenAPI document: it is a web download, not API.
``GET /connector/v1/signing-key`` publishes the public half of the tag-signing key, so a
connector build (or its administrator) can pin it.
"""

from __future__ import annotations

from fastapi import APIRouter
from starlette.responses import Response

from qbdlink.model import wire
from qbdlink.model.installer_tag import key_id, public_key_to_base64
from qbdlink.platform.api.deps import ContextDep
from qbdlink.platform.api.rendering import json_response
from qbdlink.platform.services import installer
from qbdlink.platform.services.errors import NotConfiguredError

router = APIRouter()


@router.get("/link/{companyId}/connections/{connectionId}/installer", include_in_schema=False)
def download_installer(
    ctx: ContextDep,
    companyId: str,  # noqa: N803
    connectionId: str,  # noqa: N803
) -> Response:
    found = installer.tagged_installer(ctx, companyId, connectionId)
    return Response(
        content=found.content,
        media_type=found.media_type,
        headers={
            "Content-Disposition": found.content_disposition,
            # Personalised with a licence key: no shared cache may keep it.
            "Cache-Control": "no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )


@router.get(
    f"{wire.CONNECTOR_API_PREFIX}/signing-key",
    tags=["Connector API"],
    summary="The platform's Ed25519 public key that signs connector installer tags",
)
def signing_key(ctx: ContextDep) -> Response:
    if ctx.signing_key is None:
        raise NotConfiguredError(
            "This platform has no installer signing key.",
            code="installer.no_signing_key",
            fix="Build the platform with build_platform(), which sets up the signing key.",
        )
    public = ctx.signing_key.public_key()
    return json_response(
        {"algorithm": "Ed25519", "publicKey": public_key_to_base64(public), "keyId": key_id(public)}
    )
