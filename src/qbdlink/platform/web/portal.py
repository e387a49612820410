"""The client portal: sign-in, companies, one company, settings.

Every page needs a signed-in user of the client (``qbdlink admin create-user``); every form
carries the session's CSRF token and is checked before anything changes. Forms answer with a
303 to the page they came from and a flash message (the one exception: a new API key is shown
in the answer itself, once).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Annotated, Any, TypeVar
from urllib.parse import quote

from fastapi import APIRouter, Depends, HTTPException, Query
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response

from qbdlink.errors import QbdlinkError
from qbdlink.platform.domain import CONNECTOR_MODES, QUICKBOOKS_DESKTOP
from qbdlink.platform.services import (
    clients,
    companies,
    connections,
    portal_views,
    pulls,
    sync_settings,
    users,
    webhooks,
)
from qbdlink.platform.services.context import Context
from qbdlink.platform.services.errors import InvalidRequestError, NotFoundError
from qbdlink.platform.services.users import PortalUser
from qbdlink.platform.web.rendering import redirect, render
from qbdlink.platform.web.sessions import CSRF_FIELD, WebSession

router = APIRouter(include_in_schema=False)
T = TypeVar("T")

SCHEDULES = ((0, "Never"), (1, "Hourly"), (24, "Daily"), (168, "Weekly"), (720, "Monthly"))
MAX_FORM_FIELDS = 200


def _context(request: Request) -> Context:
    found: Context = request.app.state.context
    return found


def web_session(request: Request) -> WebSession:
    return WebSession.of(request)


SessionDep = Annotated[WebSession, Depends(web_session)]


def _to_sign_in(request: Request) -> HTTPException:
    target = request.url.path
    if request.method == "GET" and request.url.query:
        target += "?" + request.url.query
    return HTTPException(
        303,
        detail="Sign in to see this page.",
        headers={"Location": "/portal/sign-in?next=" + quote(target, safe="/")},
    )


def current_user(request: Request, session: SessionDep) -> PortalUser:
    """The signed-in user; otherwise a 303 to the sign-in page (which brings them back)."""
    user_id = session.user_id
    user = users.get_user(_context(request), user_id) if user_id else None
    if user is None or user.password_stamp != session.data.stamp:
        raise _to_sign_in(request)
    return user


UserDep = Annotated[PortalUser, Depends(current_user)]


def _safe_next(target: str | None) -> str:
    """Only a portal path of this site: never another site (open redirect)."""
    if (
        target
        and target.startswith("/portal/")
        and not any(bad in target for bad in ("//", "\\", "\n", "\r"))
    ):
        return target
    return "/portal/companies"


async def _form(request: Request, session: WebSession) -> FormData:
    """The form, after its CSRF token was checked (403 otherwise)."""
    form = await request.form(max_fields=MAX_FORM_FIELDS, max_files=0)
    token = form.get(CSRF_FIELD)
    if not session.csrf_ok(token if isinstance(token, str) else None):
        raise HTTPException(
            403, detail="This form has expired or did not come from this site: reload and retry."
        )
    return form


def _text(form: FormData, name: str, limit: int = 500) -> str:
    value = form.get(name)
    return value.strip()[:limit] if isinstance(value, str) else ""


async def _attempt(
    session: WebSession, action: Callable[[], T], success: str | Callable[[T], str]
) -> T | None:
    """Run a use case off the event loop; flash its outcome (its error with the fix)."""
    try:
        result = await run_in_threadpool(action)
    except QbdlinkError as error:
        session.flash("error", error.user_text())
        return None
    session.flash("success", success(result) if callable(success) else success)
    return result


def _base(user: PortalUser, request: Request, section: str) -> dict[str, Any]:
    client = clients.get_client(_context(request), user.tenant)
    return {"user": user, "client": client, "section": section}


# --- sign-in and sign-out ------------------------------------------------------------------


@router.get("/portal")
def portal_home() -> Response:
    return redirect("/portal/companies")


@router.get("/portal/sign-in")
def sign_in_page(
    request: Request,
    session: SessionDep,
    next: Annotated[str | None, Query(max_length=500)] = None,
) -> Response:
    return render(
        request,
        "sign_in.html",
        {"next": _safe_next(next), "email": "", "error": None},
        session=session,
    )


@router.post("/portal/sign-in")
async def sign_in(request: Request, session: SessionDep) -> Response:
    form = await _form(request, session)
    email = _text(form, "email", 320)
    password = form.get("password")
    target = _safe_next(_text(form, "next"))
    ctx = _context(request)
    try:
        user = await run_in_threadpool(
            users.sign_in, ctx, email, password if isinstance(password, str) else ""
        )
    except QbdlinkError as error:
        return render(
            request,
            "sign_in.html",
            {"next": target, "email": email, "error": error.user_text()},
            status=401,
            session=session,
        )
    session.sign_in(user.id, user.password_stamp)
    return redirect(target, session)


@router.post("/portal/sign-out")
async def sign_out(request: Request, session: SessionDep) -> Response:
    await _form(request, session)
    session.sign_out()
    session.flash("success", "You are signed out.")
    return redirect("/portal/sign-in", session)


# --- companies -------------------------------------------------------------------------------


@router.get("/portal/companies")
def companies_page(
    request: Request,
    session: SessionDep,
    user: UserDep,
    q: Annotated[str | None, Query(max_length=200)] = None,
) -> Response:
    ctx = _context(request)
    rows, total = portal_views.companies_overview(ctx, user.tenant, q)
    values = {
        **_base(user, request, "companies"),
        "rows": rows,
        "total": total,
        "q": q or "",
        "link_url": ctx.deployment.link_page_url,
    }
    return render(request, "companies.html", values, session=session)


@router.post("/portal/companies")
async def create_company(request: Request, session: SessionDep, user: UserDep) -> Response:
    form = await _form(request, session)
    name = _text(form, "name", 300)
    ctx = _context(request)

    def create() -> str:
        company = companies.create_company(ctx, user.tenant, name=name)
        connections.create_connection(ctx, user.tenant, company.id, QUICKBOOKS_DESKTOP)
        return company.id

    created = await _attempt(session, create, f"Created {name}: send it the Link URL below.")
    return redirect(f"/portal/companies/{created}" if created else "/portal/companies", session)


def _company_page(
    request: Request,
    session: WebSession,
    user: PortalUser,
    company_id: str,
    extra: Mapping[str, Any] | None = None,
) -> Response:
    ctx = _context(request)
    try:
        view = portal_views.company_view(ctx, user.tenant, company_id)
    except NotFoundError as error:
        values = {**_base(user, request, "companies"), "message": error.message}
        return render(request, "portal_missing.html", values, status=404, session=session)
    values = {
        **_base(user, request, "companies"),
        "view": view,
        "pending": portal_views.pending_connection(view),
        "link_url": ctx.deployment.link_page_url(company_id),
        "schedules": SCHEDULES,
        "modes": CONNECTOR_MODES,
        **(extra or {}),
    }
    return render(request, "company.html", values, session=session)


@router.get("/portal/companies/{company_id}")
def company_page(request: Request, session: SessionDep, user: UserDep, company_id: str) -> Response:
    return _company_page(request, session, user, company_id)


@router.post("/portal/companies/{company_id}/sync")
async def sync_now(
    request: Request, session: SessionDep, user: UserDep, company_id: str
) -> Response:
    form = await _form(request, session)
    data_type = _text(form, "data_type", 100)
    ctx = _context(request)
    if data_type and data_type != "all":
        await _attempt(
            session,
            lambda: pulls.refresh_data_type(ctx, user.tenant, company_id, data_type),
            lambda pull: f"Queued a sync of {pull.data_type}: the connector picks it up next.",
        )
    else:
        await _attempt(
            session,
            lambda: pulls.refresh_all(ctx, user.tenant, company_id),
            lambda queued: (
                f"Queued {len(queued)} data types: the connector picks them up next."
                if queued
                else "Nothing to queue: every data type set to sync is already running."
            ),
        )
    return redirect(f"/portal/companies/{company_id}#data", session)


@router.post("/portal/companies/{company_id}/connections")
async def new_connection(
    request: Request, session: SessionDep, user: UserDep, company_id: str
) -> Response:
    await _form(request, session)
    ctx = _context(request)
    await _attempt(
        session,
        lambda: connections.create_connection(ctx, user.tenant, company_id, QUICKBOOKS_DESKTOP),
        "A connection is waiting to be linked: send the Link URL to the company.",
    )
    return redirect(f"/portal/companies/{company_id}#link", session)


def _settings_body(form: FormData, current: list[Any], overrides: bool) -> dict[str, Any]:
    """The sync settings form as the API's body (fields the form does not show are kept)."""
    settings = []
    for setting in current:
        key = setting.data_type
        schedule = _text(form, f"schedule.{key}", 10)
        settings.append(
            {
                "dataType": key,
                "fetchOnFirstLink": form.get(f"fetch.{key}") == "on",
                # A schedule the form left out stays; one that is not a number is refused.
                "syncSchedule": (
                    setting.sync_schedule
                    if not schedule
                    else int(schedule)
                    if schedule.isdigit()
                    else -1
                ),
                "syncOrder": setting.sync_order,
                "syncFromUtc": setting.sync_from_utc,
                "syncFromWindow": setting.sync_from_window,
                "monthsToSync": setting.months_to_sync,
                "isLocked": setting.is_locked,
            }
        )
    return {"settings": settings, "overridesDefaults": overrides}


@router.post("/portal/companies/{company_id}/sync-settings")
async def company_sync_settings(
    request: Request, session: SessionDep, user: UserDep, company_id: str
) -> Response:
    form = await _form(request, session)
    ctx = _context(request)
    use_own = _text(form, "scope") != "client"

    def save() -> None:
        current, _override = sync_settings.get_company_settings(ctx, user.tenant, company_id)
        body = _settings_body(form, current, use_own)
        sync_settings.set_company_settings(ctx, user.tenant, company_id, body)

    await _attempt(
        session,
        save,
        "Saved the sync settings."
        if use_own
        else "Saved: this company now follows the client-wide sync settings.",
    )
    return redirect(f"/portal/companies/{company_id}#sync-settings", session)


@router.post("/portal/companies/{company_id}/connector-mode")
async def company_connector_mode(
    request: Request, session: SessionDep, user: UserDep, company_id: str
) -> Response:
    form = await _form(request, session)
    mode = _text(form, "mode", 20)
    ctx = _context(request)
    await _attempt(
        session,
        lambda: companies.set_connector_mode(
            ctx, user.tenant, company_id, None if mode == "default" else mode
        ),
        lambda modes: f"Saved: the connector runs {modes[1]}.",
    )
    return redirect(f"/portal/companies/{company_id}#connector-mode", session)


# --- settings --------------------------------------------------------------------------------


def _settings_page(
    request: Request, session: WebSession, user: PortalUser, new_key: tuple[Any, str] | None = None
) -> Response:
    ctx = _context(request)
    settings, overrides = sync_settings.get_client_settings(ctx, user.tenant)
    consumers = webhooks.list_consumers(ctx, user.tenant)
    deliveries = webhooks.recent_deliveries(ctx, user.tenant, None, 50)
    values = {
        **_base(user, request, "settings"),
        "api_keys": clients.list_api_keys(ctx, user.tenant),
        "new_key": new_key,
        "settings": settings,
        "overrides": overrides,
        "consumers": consumers,
        "deliveries": deliveries,
        "schedules": SCHEDULES,
        "modes": CONNECTOR_MODES,
    }
    return render(request, "settings.html", values, session=session)


@router.get("/portal/settings")
def settings_page(request: Request, session: SessionDep, user: UserDep) -> Response:
    return _settings_page(request, session, user)


@router.post("/portal/settings/api-keys")
async def create_api_key(request: Request, session: SessionDep, user: UserDep) -> Response:
    form = await _form(request, session)
    name = _text(form, "name", 50) or None
    ctx = _context(request)
    created = await _attempt(
        session,
        lambda: clients.create_api_key(ctx, user.client_id, name),
        "Created the API key. Copy it now: it is not shown again.",
    )
    if created is None:
        return redirect("/portal/settings#api-keys", session)
    # Shown in this answer only (never stored, never in a URL); the page is not cached.
    return await run_in_threadpool(_settings_page, request, session, user, created)


@router.post("/portal/settings/api-keys/{key_id}/revoke")
async def revoke_api_key(
    request: Request, session: SessionDep, user: UserDep, key_id: str
) -> Response:
    await _form(request, session)
    ctx = _context(request)
    await _attempt(
        session,
        lambda: clients.delete_api_key(ctx, user.tenant, key_id),
        "Revoked the API key: requests made with it now fail.",
    )
    return redirect("/portal/settings#api-keys", session)


@router.post("/portal/settings/sync-settings")
async def client_sync_settings(request: Request, session: SessionDep, user: UserDep) -> Response:
    form = await _form(request, session)
    ctx = _context(request)

    def save() -> None:
        current, overrides = sync_settings.get_client_settings(ctx, user.tenant)
        sync_settings.set_client_settings(
            ctx, user.tenant, _settings_body(form, current, overrides)
        )

    await _attempt(session, save, "Saved the client-wide sync settings.")
    return redirect("/portal/settings#sync-settings", session)


@router.post("/portal/settings/connector-mode")
async def client_connector_mode(request: Request, session: SessionDep, user: UserDep) -> Response:
    form = await _form(request, session)
    mode = _text(form, "mode", 20)
    ctx = _context(request)
    await _attempt(
        session,
        lambda: clients.set_connector_mode(ctx, user.tenant, mode),
        f"Saved: connectors run {mode} unless a company says otherwise.",
    )
    return redirect("/portal/settings#connector-mode", session)


@router.post("/portal/settings/branding")
async def branding(request: Request, session: SessionDep, user: UserDep) -> Response:
    form = await _form(request, session)
    name = _text(form, "name", 200)
    logo_url = _text(form, "logo_url", 2000)
    ctx = _context(request)

    def save() -> None:
        _check_logo_url(logo_url)
        clients.update_profile(ctx, user.tenant, {"name": name, "logoUrl": logo_url})

    await _attempt(session, save, "Saved the branding: the Link page shows it now.")
    return redirect("/portal/settings#branding", session)


def _check_logo_url(url: str) -> None:
    local = url.startswith("/") and not url.startswith("//")
    if url and not url.startswith("https://") and not local:
        raise InvalidRequestError(
            "The logo URL must start with https:// (or be a path on this site).",
            code="portal.logo_url",
            fix="Host the logo over https, e.g. https://example.com/logo.png.",
        )
