"""The platform's commands: ``qbdlink serve`` and ``qbdlink admin ...``.

Each command parses the settings once (environment, settings file, then its options) and
builds the platform through :mod:`qbdlink.platform.app`.
"""

from __future__ import annotations

import enum
import logging
from typing import TYPE_CHECKING, Annotated

import typer

from qbdlink.errors import QbdlinkError

if TYPE_CHECKING:
    from qbdlink.platform.app import Platform
    from qbdlink.platform.settings import PlatformSettings

# The web framework, SQLAlchemy and Alembic are imported by the commands that use them, so
# `qbdlink connector ...` on the SMB's PC does not load the platform (time and memory).

EXIT_CONFIG = 2

admin_app = typer.Typer(
    help="Administer the platform: database migrations, clients and their API keys.",
    no_args_is_help=True,
)

DatabaseUrlOption = Annotated[
    str | None,
    typer.Option(
        "--database-url",
        help="Database URL (default: QBDLINK_DATABASE_URL, else a SQLite file in QBDLINK_HOME).",
        show_default=False,
    ),
]


class Role(enum.StrEnum):
    ALL = "all"
    API = "api"
    WORKER = "worker"


def _settings(**overrides: object) -> PlatformSettings:
    from qbdlink.platform.settings import load_settings

    try:
        return load_settings().with_overrides(**overrides)
    except QbdlinkError as error:
        raise _fail(error) from error


def _platform(settings: PlatformSettings) -> Platform:
    from qbdlink.platform.app import build_platform

    return build_platform(settings)


def _fail(error: QbdlinkError) -> typer.Exit:
    typer.echo(f"qbdlink: {error.user_text()}", err=True)
    return typer.Exit(EXIT_CONFIG)


def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    database_url: DatabaseUrlOption = None,
    region: Annotated[
        str | None, typer.Option(help="This deployment's region: us, uk or ca (default us).")
    ] = None,
    public_url: Annotated[
        str | None,
        typer.Option(help="Where clients and connectors reach this server (default: its address)."),
    ] = None,
    role: Annotated[
        Role, typer.Option(help="Run the API and the workers (all), or only one of them.")
    ] = Role.ALL,
) -> None:
    """Run the platform: the public API, the connector API and the background workers."""
    import uvicorn

    from qbdlink.platform.jobs.runner import Workers

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    settings = _settings(
        host=host, port=port, database_url=database_url, region=region, public_url=public_url
    )
    try:
        platform = _platform(settings)
    except QbdlinkError as error:
        raise _fail(error) from error
    for key, value in settings.describe().items():
        typer.echo(f"{key}: {value}")
    workers = Workers(platform.context, scheduler_interval=settings.scheduler_interval_seconds)
    try:
        if role is Role.WORKER:
            typer.echo("workers running; Ctrl+C stops them")
            workers.run_forever()
            return
        if role is Role.ALL:
            workers.start()
        uvicorn.run(platform.app, host=host, port=port, log_level="info")
    finally:
        workers.stop()
        platform.close()


@admin_app.command("migrate")
def admin_migrate(database_url: DatabaseUrlOption = None) -> None:
    """Bring the database to the newest schema (serve also does this when it starts)."""
    settings = _settings(database_url=database_url)
    from qbdlink.platform.storage.database import Database, check_reachable
    from qbdlink.platform.storage.migrate import migrate

    database = Database.from_url(settings.database_url)
    try:
        check_reachable(database)
        before, after = migrate(database)
    except QbdlinkError as error:
        raise _fail(error) from error
    finally:
        database.dispose()
    where = settings.describe()["database"]
    if before == after:
        typer.echo(f"{where}: already at revision {after}")
    else:
        typer.echo(f"{where}: migrated from {before or 'an empty database'} to revision {after}")


@admin_app.command("create-client")
def admin_create_client(
    name: Annotated[str, typer.Argument(help="The client's name, e.g. 'Acme Lending'.")],
    database_url: DatabaseUrlOption = None,
) -> None:
    """Create a client (a tenant of the platform)."""
    from qbdlink.platform.services import clients

    platform = _platform(_settings(database_url=database_url))
    try:
        client = clients.create_client(platform.context, name)
    except QbdlinkError as error:
        raise _fail(error) from error
    finally:
        platform.close()
    typer.echo(f"created client {client.name!r} (id {client.id})")


@admin_app.command("create-api-key")
def admin_create_api_key(
    client_name: Annotated[str, typer.Argument(help="The client the key belongs to.")],
    name: Annotated[str | None, typer.Option(help="A name to recognise the key by.")] = None,
    database_url: DatabaseUrlOption = None,
) -> None:
    """Create an API key for a client and print it: it is shown this once only."""
    from qbdlink.platform.services import clients

    platform = _platform(_settings(database_url=database_url))
    try:
        client = clients.client_named(platform.context, client_name)
        _key, secret = clients.create_api_key(platform.context, client.id, name)
    except QbdlinkError as error:
        raise _fail(error) from error
    finally:
        platform.close()
    typer.echo(secret)
    typer.echo(
        "Keep this key: it is not shown again. Send it as 'Authorization: Basic "
        "<base64 of the key>'.",
        err=True,
    )


@admin_app.command("create-user")
def admin_create_user(
    client_name: Annotated[str, typer.Argument(help="The client the user belongs to.")],
    email: Annotated[str, typer.Argument(help="The address the user signs in with.")],
    password_stdin: Annotated[
        bool,
        typer.Option(
            "--password-stdin", help="Read the password from standard input (first line)."
        ),
    ] = False,
    database_url: DatabaseUrlOption = None,
) -> None:
    """Create a portal user of a client; asks for the password twice (or reads it from stdin)."""
    import sys

    from qbdlink.platform.services import users

    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    platform = _platform(_settings(database_url=database_url))
    try:
        user = users.create_user(platform.context, client_name, email, password)
    except QbdlinkError as error:
        raise _fail(error) from error
    finally:
        platform.close()
    typer.echo(f"created portal user {user.email} for client {client_name!r}")
