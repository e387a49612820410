"""A real platform for tests: migrated database, a client with an API key, a live HTTP server.

The server is uvicorn in a background thread on a free loopback port, so Codat's SDKs and the
connector talk to it over real HTTP, exactly as in production.
"""

from __future__ import annotations

import base64
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import uvicorn

from qbdlink.platform.app import Platform, build_platform
from qbdlink.platform.domain import Client
from qbdlink.platform.services import clients
from qbdlink.platform.settings import PlatformSettings


@dataclass
class FakeClock:
    """A clock tests move by hand (schedules, timeouts)."""

    moment: datetime = field(default_factory=lambda: datetime.now(UTC))

    def now(self) -> datetime:
        return self.moment

    def advance(self, **delta: float) -> None:
        self.moment += timedelta(**delta)


def basic_auth(api_key: str) -> str:
    return "Basic " + base64.b64encode(api_key.encode("utf-8")).decode("ascii")


@dataclass
class Tenant:
    client: Client
    api_key: str

    @property
    def auth_header(self) -> str:
        return basic_auth(self.api_key)

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": self.auth_header}


def new_tenant(platform: Platform, name: str) -> Tenant:
    client = clients.create_client(platform.context, name)
    _key, secret = clients.create_api_key(platform.context, client.id, "tests")
    return Tenant(client=client, api_key=secret)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def running_server(platform: Platform, port: int) -> Iterator[str]:
    config = uvicorn.Config(
        platform.app, host="127.0.0.1", port=port, log_level="warning", lifespan="off"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="platform-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the platform server did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)


@dataclass
class LivePlatform:
    platform: Platform
    base_url: str
    tenant: Tenant

    def client(self, tenant: Tenant | None = None) -> httpx.Client:
        who = tenant or self.tenant
        return httpx.Client(base_url=self.base_url, headers=who.headers, timeout=30)


@contextmanager
def live_platform(
    database_url: str,
    home: Path,
    *,
    region: str = "us",
    clock: FakeClock | None = None,
    work_wait_seconds: float = 2.0,
    connector_installer: Path | None = None,
    region_urls: dict[str, str] | None = None,
) -> Iterator[LivePlatform]:
    port = free_port()
    settings = PlatformSettings(
        home=home,
        database_url=database_url,
        region=region,
        port=port,
        work_wait_seconds=work_wait_seconds,
        connector_installer=connector_installer,
        region_urls=region_urls or {},
    )
    platform = build_platform(settings, clock=clock)
    try:
        tenant = new_tenant(platform, "Acme Lending")
        with running_server(platform, port) as base_url:
            yield LivePlatform(platform=platform, base_url=base_url, tenant=tenant)
    finally:
        platform.close()
