"""Rendering pages: the Jinja2 environment, the static files and the security headers."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from fastapi import APIRouter, HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.templating import Jinja2Templates

from qbdlink.platform.services.link_status import display_name
from qbdlink.platform.web.sessions import WebSession

HERE = Path(__file__).resolve().parent
STATIC_DIR = HERE / "static"
_MEDIA_TYPES = {
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".svg": "image/svg+xml",
}


def _load_static() -> dict[str, tuple[bytes, str, str]]:
    """Every static file, read once: (content, media type, ETag/version)."""
    found: dict[str, tuple[bytes, str, str]] = {}
    for path in sorted(STATIC_DIR.iterdir()):
        media = _MEDIA_TYPES.get(path.suffix)
        if media is None or not path.is_file():
            continue
        content = path.read_bytes()
        found[path.name] = (content, media, hashlib.sha256(content).hexdigest()[:12])
    return found


STATIC = _load_static()

# No asset comes from elsewhere: scripts and styles are the app's own files; images may be the
# client's logo (an https URL they set) or the app's own.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' https: data:; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)


def static_url(name: str) -> str:
    entry = STATIC.get(name)
    version = entry[2] if entry else "0"
    return f"/static/{name}?v={version}"


def format_when(value: datetime | None, missing: str = "never") -> str:
    if value is None:
        return missing
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def iso_when(value: datetime | None) -> str:
    if value is None:
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat()


def schedule_text(hours: int) -> str:
    names = {0: "never", 1: "hourly", 24: "daily", 168: "weekly", 720: "monthly"}
    return names.get(hours, f"every {hours} hours")


templates = Jinja2Templates(directory=str(HERE / "templates"))
templates.env.globals["static"] = static_url
templates.env.globals["display_name"] = display_name
templates.env.filters["when"] = format_when
templates.env.filters["iso"] = iso_when
templates.env.filters["schedule"] = schedule_text


def secure_headers(response: Response, *, private: bool) -> Response:
    response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["X-Frame-Options"] = "DENY"
    if private:
        response.headers["Cache-Control"] = "no-store"
    return response


def render(
    request: Request,
    template: str,
    context: Mapping[str, Any],
    *,
    status: int = 200,
    session: WebSession | None = None,
    private: bool = True,
) -> Response:
    values = dict(context)
    if session is not None:
        values.setdefault("csrf_token", session.csrf_token)
        values.setdefault("flash", session.take_flash())
    response = templates.TemplateResponse(request, template, values, status_code=status)
    secure_headers(response, private=private)
    return session.save(response) if session is not None else response


def redirect(url: str, session: WebSession | None = None) -> Response:
    """303 See Other: after a form, the browser GETs the page (no resubmission on reload)."""
    response = RedirectResponse(url, status_code=303)
    secure_headers(response, private=True)
    return session.save(response) if session is not None else response


static_router = APIRouter(include_in_schema=False)


@static_router.get("/static/{name}")
def static_file(name: str, request: Request) -> Response:
    entry = STATIC.get(name)
    if entry is None:
        raise HTTPException(404)
    content, media, etag = entry
    headers = {
        "ETag": f'"{etag}"',
        "Cache-Control": "public, max-age=86400",
        "X-Content-Type-Options": "nosniff",
    }
    if request.headers.get("if-none-match") == f'"{etag}"':
        return Response(status_code=304, headers=headers)
    return Response(content, media_type=media, headers=headers)
