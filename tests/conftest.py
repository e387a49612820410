"""Fixtures shared by every test: where the conformance material lies, compiled qbXML schemas.

The conformance material is ``../shared/conformance`` beside the project root (read-only, never
copied into the project). Compiled schemas are session-scoped: each XSD compiles once per run.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from qbdlink.qbxml import xsd

if TYPE_CHECKING:
    from tests.support.platform import LivePlatform

PROJECT_ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def conformance_dir() -> Path:
    path = PROJECT_ROOT.parent / "shared" / "conformance"
    if not path.is_dir():
        pytest.fail(
            f"conformance material not found at {path}: the tests expect ../shared/conformance "
            "beside the project root (a checkout of the project next to its shared/ folder).",
            pytrace=False,
        )
    return path


@pytest.fixture(scope="session")
def xsd_dir(conformance_dir: Path) -> Path:
    return conformance_dir / "qbxml-xsd"


@pytest.fixture(scope="session")
def qbxml_samples_dir(conformance_dir: Path) -> Path:
    return conformance_dir / "qbxml-samples"


@pytest.fixture(scope="session")
def qbxml_schemas(xsd_dir: Path) -> dict[str, xsd.QbxmlSchema]:
    """Every qbXML schema, compiled once for the session, by schema version."""
    return {version: xsd.load_schema(xsd_dir, version) for version in xsd.SCHEMA_VERSIONS}


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database URL; every test that takes it runs on SQLite and on PostgreSQL."""
    from tests.support.databases import database_url_for

    with database_url_for(request.param, tmp_path) as url:
        yield url


@pytest.fixture
def live(database_url: str, tmp_path: Path) -> Iterator[LivePlatform]:
    """A migrated platform on SQLite and on PostgreSQL, served over HTTP, with one client."""
    from tests.support.platform import live_platform

    with live_platform(database_url, tmp_path) as platform:
        yield platform
