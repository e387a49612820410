"""Fixtures shared by every test: where the conformance material lies, compiled qbXML schemas.

The conformance material is ``../shared/conformance`` beside the project root (read-only, never
copied into the project). Compiled schemas are session-scoped: each XSD compiles once per run.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from qbdlink.qbxml import xsd

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
