"""The platform's composition root: settings → database → context → HTTP app (and workers).

``qbdlink serve`` and the tests build the platform here and nowhere else.
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

import qbdlink
from qbdlink.platform.api import accounting, companies, data, errors, push
from qbdlink.platform.api import settings as settings_routes
from qbdlink.platform.connector_api import routes as connector_routes
from qbdlink.platform.services.context import Clock, Context, Deployment, SystemClock
from qbdlink.platform.settings import PlatformSettings
from qbdlink.platform.signing import TagSigningKey
from qbdlink.platform.storage.database import Database, check_reachable
from qbdlink.platform.storage.migrate import migrate
from qbdlink.platform.web import installer as installer_routes
from qbdlink.platform.web import link_pages, portal, rendering

DESCRIPTION = """\
qbdlink's platform API. It follows Codat's wire format (companies, connections, sync settings,
pulls, pushes, accounting data, webhooks), so Codat's Python SDKs work against it: authenticate
with `Authorization: Basic <base64 of your API key>`. The connector API (`/connector/v1`) is what
the QuickBooks Desktop connector calls.
"""


def create_app(context: Context, *, work_wait_seconds: float = 25.0) -> FastAPI:
    app = FastAPI(
        title="qbdlink platform",
        version=qbdlink.__version__,
        description=DESCRIPTION,
        docs_url="/docs",
        redoc_url=None,
    )
    app.state.context = context
    app.state.work_wait_seconds = work_wait_seconds
    errors.install(app)
    app.include_router(companies.router)
    app.include_router(settings_routes.router)
    app.include_router(data.router)
    app.include_router(accounting.router)
    app.include_router(push.router)
    app.include_router(connector_routes.router)
    app.include_router(installer_routes.router)
    app.include_router(link_pages.router)
    app.include_router(portal.router)
    app.include_router(rendering.static_router)

    def openapi() -> dict[str, object]:
        if app.openapi_schema is None:
            schema = get_openapi(
                title=app.title,
                version=app.version,
                description=app.description,
                routes=app.routes,
            )
            schema["components"].setdefault("securitySchemes", {})["auth_header"] = {
                "type": "apiKey",
                "name": "Authorization",
                "in": "header",
                "description": "'Basic ' + Base64 of the API key",
            }
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    return app


@dataclass
class Platform:
    """One process's platform: its database, context and HTTP app."""

    settings: PlatformSettings
    database: Database
    context: Context
    app: FastAPI

    def close(self) -> None:
        self.database.dispose()


def build_platform(
    settings: PlatformSettings, *, clock: Clock | None = None, run_migrations: bool = True
) -> Platform:
    database = Database.from_url(settings.database_url)
    check_reachable(database)
    if run_migrations:
        migrate(database)
    context = Context(
        database=database,
        deployment=Deployment(
            region=settings.region,
            base_url=settings.base_url,
            region_urls=dict(settings.region_urls),
            connector_installer=settings.connector_installer,
        ),
        clock=clock or SystemClock(),
        signing_key=TagSigningKey.from_settings(settings),
    )
    app = create_app(context, work_wait_seconds=settings.work_wait_seconds)
    # Where the portal keeps its session secret: this deployment's data folder.
    app.state.qbdlink_home = settings.home
    return Platform(settings=settings, database=database, context=context, app=app)
