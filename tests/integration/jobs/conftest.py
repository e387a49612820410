"""A platform without an HTTP server, on a clock the tests move, for the background jobs' tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from qbdlink.platform.app import build_platform
from qbdlink.platform.services.context import Tenant
from qbdlink.platform.settings import PlatformSettings
from tests.integration.jobs.jobs_support import JobsPlatform
from tests.support.platform import FakeClock, new_tenant


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def jobs_platform(database_url: str, tmp_path: Path, clock: FakeClock) -> Iterator[JobsPlatform]:
    settings = PlatformSettings(home=tmp_path, database_url=database_url)
    platform = build_platform(settings, clock=clock)
    try:
        tenant = new_tenant(platform, "Acme Lending")
        yield JobsPlatform(platform=platform, clock=clock, tenant=Tenant(tenant.client.id))
    finally:
        platform.close()
